"""[quota]: default limits, the quota driver and the recheck after
creation (nova's names, defaults and meaning)."""

import copy

from oslo_config import cfg

quota_group = cfg.OptGroup(
    name='quota', title='Quota Options',
    help='Quota options allow to manage quotas in openstack deployment.')

DB_DRIVER = 'nova.quota.DbQuotaDriver'
NOOP_DRIVER = 'nova.quota.NoopQuotaDriver'


def _limit(name, default, help_text):
    return cfg.IntOpt(
        name, min=-1, default=default, deprecated_group='DEFAULT',
        deprecated_name='quota_%s' % name,
        help=help_text + '\n\nPossible values:\n\n* A positive integer or '
                         '0.\n* -1 to disable the quota.\n')


quota_opts = [
    _limit('instances', 10, 'The number of instances allowed per project.'),
    _limit('cores', 20,
           'The number of instance cores or vCPUs allowed per project.'),
    _limit('ram', 50 * 1024,
           'The number of megabytes of instance RAM allowed per project.'),
    _limit('metadata_items', 128,
           'The number of metadata items allowed per instance.'),
    _limit('injected_files', 5,
           'The number of injected files allowed (personality files of '
           'a server create before microversion 2.57).'),
    _limit('injected_file_content_bytes', 10 * 1024,
           'The number of bytes allowed per injected file.'),
    _limit('injected_file_path_length', 255,
           'The maximum allowed injected file path length.'),
    _limit('key_pairs', 100,
           'The maximum number of key pairs allowed per user.'),
    _limit('server_groups', 10,
           'The maximum number of server groups per project.'),
    _limit('server_group_members', 10,
           'The maximum number of servers per server group.'),
    cfg.StrOpt(
        'driver', default=DB_DRIVER,
        choices=[
            (DB_DRIVER, 'Stores quota limit information in the database '
                        'and relies on the ``quota_*`` configuration '
                        'options for default quota limit values. Counts '
                        'quota usage on-demand.'),
            (NOOP_DRIVER, 'Ignores quota and treats all resources as '
                          'unlimited.'),
        ],
        help='Provides abstraction for quota checks. Users can configure '
             'a specific driver to use for quota checks.'),
    cfg.BoolOpt(
        'recheck_quota', default=True,
        help='Recheck quota after resource creation to prevent allowing '
             'quota to be exceeded.\n\nThe initial quota check is done '
             'before resources are created, so parallel requests could all '
             'pass it. When this is True, quota is checked a second time '
             'after the resources have been created, and a request over '
             'quota then deletes what it created and is answered 403: no '
             'user can exceed their quota, but a request close to the '
             'limit may be refused when it collides with another. False '
             'saves the second check where exceeding quota in a burst of '
             'parallel requests is acceptable.'),
]


def register_opts(conf):
    # A group of its own per ConfigOpts: overrides stay with one conf.
    conf.register_group(copy.deepcopy(quota_group))
    conf.register_opts(quota_opts, group='quota')


def list_opts():
    return {quota_group: quota_opts}
