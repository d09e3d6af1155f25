"""Module-level WSGI ``application`` for gunicorn, uWSGI or mod_wsgi.

Configuration files come from ``NOVA_LITE_CONFIG_FILE`` (comma separated),
else ``/etc/nova-lite/nova-lite.conf`` if it exists.
"""

import os

from nova_lite.api import app as api_app
from nova_lite.cmd import common


def init_application():
    files = os.environ.get('NOVA_LITE_CONFIG_FILE')
    if files:
        config_files = [f for f in files.split(',') if f]
    else:
        default = '/etc/nova-lite/nova-lite.conf'
        config_files = [default] if os.path.exists(default) else []
    conf = common.setup([], 'nova-lite-api',
                        default_config_files=config_files)
    common.configure_databases(conf)
    return api_app.build_app(conf)


application = init_application()
