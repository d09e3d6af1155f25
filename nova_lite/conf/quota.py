"""[quota]: limits on what a project may hold."""

import copy

from oslo_config import cfg

quota_group = cfg.OptGroup(
    'quota', title='Quota Options',
    help='Quota options allow to manage quotas in the compute service.')

quota_opts = [
    cfg.IntOpt('server_groups', min=-1, default=10,
               help='The maximum number of server groups per project. '
                    'Server groups are used to control the affinity and '
                    'anti-affinity scheduling policy for a group of '
                    'servers. -1 means unlimited.'),
    cfg.IntOpt('server_group_members', min=-1, default=10,
               help='The maximum number of servers per server group. '
                    '-1 means unlimited.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(quota_group))
    conf.register_opts(quota_opts, group='quota')


def list_opts():
    return {quota_group: quota_opts}
