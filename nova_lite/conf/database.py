"""[database] (the cell database) and [api_database] options.

Both groups take oslo.db's options. With no connection set, the embedded
default uses SQLite files under ``state_path``.
"""

import copy

from oslo_config import cfg
from oslo_db import options as oslo_db_options

api_db_group = cfg.OptGroup('api_database', title='API database options',
                            help='The API database holds cell, host and '
                                 'instance mappings, flavors and build '
                                 'requests.')


def _api_db_opts():
    opts = copy.deepcopy(oslo_db_options.database_opts)
    for opt in opts:
        opt.deprecated_opts = []
    return opts


API_DB_OPTS = _api_db_opts()


def register_opts(conf):
    oslo_db_options.set_defaults(conf)
    conf.register_group(copy.deepcopy(api_db_group))
    conf.register_opts(API_DB_OPTS, group=api_db_group)


def list_opts():
    # [database] is listed by oslo.db's own namespace.
    return {api_db_group: API_DB_OPTS}
