"""Configuration options, one module per group.

Entry points create their own ``ConfigOpts`` and call :func:`register_opts`;
nothing in nova_lite reads a global configuration object.
"""

from oslo_config import cfg

from nova_lite.conf import api
from nova_lite.conf import block_storage
from nova_lite.conf import cinder
from nova_lite.conf import compute
from nova_lite.conf import conductor
from nova_lite.conf import database
from nova_lite.conf import default
from nova_lite.conf import image
from nova_lite.conf import image_service
from nova_lite.conf import libvirt
from nova_lite.conf import notifications
from nova_lite.conf import quota
from nova_lite.conf import wsgi

_MODULES = (default, api, wsgi, database, conductor, compute, image,
            cinder, block_storage, libvirt, notifications, quota, image_service)


def register_opts(conf):
    for module in _MODULES:
        module.register_opts(conf)
    return conf


def new_conf():
    """A fresh ``ConfigOpts`` with every nova_lite option registered."""
    return register_opts(cfg.ConfigOpts())


def parse_args(conf, argv, default_config_files=None):
    conf(argv, project='nova-lite', prog=None,
         default_config_files=default_config_files)
    return conf
