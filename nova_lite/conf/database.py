"""[database] (the cell database) and [api_database] options.

Both groups take oslo.db's options. With no connection set, the embedded
default uses SQLite files under ``state_path``.

``max_retries`` defaults to 0 in both: a service whose database does not
answer when it starts stops at once with one line saying so (an init
system starts it again); set it (and ``retry_interval``) to have the
service wait for a database that comes up later, as oslo.db's default of
10 retries does.
"""

import copy

from oslo_config import cfg
from oslo_db import options as oslo_db_options

api_db_group = cfg.OptGroup('api_database', title='API database options',
                            help='The API database holds cell, host and '
                                 'instance mappings, flavors and build '
                                 'requests.')


# nova_lite's defaults for oslo.db's options, in both groups.
DEFAULTS = {'max_retries': 0}


def _api_db_opts():
    opts = copy.deepcopy(oslo_db_options.database_opts)
    for opt in opts:
        opt.deprecated_opts = []
    cfg.set_defaults(opts, **DEFAULTS)
    return opts


API_DB_OPTS = _api_db_opts()


def register_opts(conf):
    oslo_db_options.set_defaults(conf)
    conf.register_group(copy.deepcopy(api_db_group))
    conf.register_opts(API_DB_OPTS, group=api_db_group)
    for name, value in DEFAULTS.items():
        conf.set_default(name, value, group='database')


def set_library_defaults():
    """oslo.db's own options with nova_lite's defaults, for
    oslo-config-generator (the ``oslo.config.opts.defaults`` entry point):
    the sample file shows the defaults nova_lite runs with."""
    cfg.set_defaults(oslo_db_options.database_opts, **DEFAULTS)


def list_opts():
    # [database] is listed by oslo.db's own namespace.
    return {api_db_group: API_DB_OPTS}
