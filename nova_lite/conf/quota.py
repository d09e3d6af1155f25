"""[quota]: per-project and per-server limits, nova's options."""

import copy

from oslo_config import cfg

quota_group = cfg.OptGroup(
    'quota', title='Quota options',
    help='Quota options allow to manage quotas in openstack deployment.')

quota_opts = [
    cfg.IntOpt('metadata_items', min=-1, default=128,
               deprecated_group='DEFAULT',
               deprecated_name='quota_metadata_items',
               help='The number of metadata items allowed per instance.\n\n'
                    'Users can associate metadata with an instance during '
                    'instance creation. This metadata takes the form of '
                    'key-value pairs.\n\n'
                    'Possible values:\n\n'
                    '* A positive integer or 0.\n'
                    '* -1 to disable the quota.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(quota_group))
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    return {quota_group: quota_opts}
