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
    cfg.IntOpt('server_groups', min=-1, default=10,
               deprecated_group='DEFAULT',
               deprecated_name='quota_server_groups',
               help='The maximum number of server groups per project.\n\n'
                    'Server groups are used to control the affinity and '
                    'anti-affinity scheduling policy for a group of '
                    'servers or instances. Reducing the quota will not '
                    'affect any existing group, but new servers will not be '
                    'allowed into groups that have become over quota.\n\n'
                    'Possible values:\n\n'
                    '* A positive integer or 0.\n'
                    '* -1 to disable the quota.'),
    cfg.IntOpt('server_group_members', min=-1, default=10,
               deprecated_group='DEFAULT',
               deprecated_name='quota_server_group_members',
               help='The maximum number of servers per server group.\n\n'
                    'Possible values:\n\n'
                    '* A positive integer or 0.\n'
                    '* -1 to disable the quota.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(quota_group))
    conf.register_opts(quota_opts, group=quota_group)


def list_opts():
    return {quota_group: quota_opts}
