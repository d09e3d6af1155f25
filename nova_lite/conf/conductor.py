import copy

from oslo_config import cfg

conductor_group = cfg.OptGroup('conductor', title='Conductor options')

conductor_opts = [
    cfg.IntOpt('workers', default=4, min=1,
               help='Threads of the conductor RPC server executor.'),
    cfg.IntOpt('cell_timeout', default=60, min=1,
               help='Seconds to wait for each cell database when gathering '
                    'answers from all cells; a cell slower than this is '
                    'skipped and logged.'),
    cfg.IntOpt('service_version_cache_time', default=10, min=0,
               help='Seconds the minimum service versions over all cells '
                    'are cached by the conductor; 0 disables the cache.'),
]

scheduler_group = cfg.OptGroup('scheduler', title='Scheduler options')

scheduler_opts = [
    cfg.IntOpt('discover_hosts_in_cells_interval', default=60, min=-1,
               help='Seconds between periodic discoveries of unmapped '
                    'compute hosts in all cells. -1 disables the periodic '
                    'task; hosts are still discovered when no mapped host '
                    'can take a build.'),
    cfg.IntOpt('max_attempts', default=3, min=1,
               help='Maximum number of hosts a build is tried on: the '
                    'chosen host plus alternates of the same cell, which '
                    'the conductor of the cell tries in turn when a build '
                    'fails.'),
    cfg.BoolOpt('multiattach_capability_placement', default=False,
                help='Place servers that boot with a multiattach volume '
                     'only on compute hosts that can attach one: a service '
                     'version that supports multiattach and a driver that '
                     'reports the COMPUTE_VOLUME_MULTI_ATTACH trait. Such '
                     'a create is refused (409) only when no enabled, up '
                     'compute host of any cell can take it. False (the '
                     'default) keeps nova\'s rule: 409 as soon as any '
                     'compute service of any cell is older than multiattach '
                     'support. Set it on the API and conductor hosts.'),
]


filter_scheduler_group = cfg.OptGroup(
    'filter_scheduler', title='Filter scheduler options')

filter_scheduler_opts = [
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'ComputeCapabilitiesFilter',
                         'ImagePropertiesFilter',
                         'ServerGroupAntiAffinityFilter',
                         'ServerGroupAffinityFilter'],
                help='Filters the scheduler applies to the hosts of a build '
                     'or a move, as nova names them. Hosts that are '
                     'disabled or down, outside the requested availability '
                     'zone or against the server group\'s policy are always '
                     'left out. Add SameHostFilter and DifferentHostFilter '
                     'to honour the same_host and different_host scheduler '
                     'hints (server uuids: the host must hold one of them, '
                     'or none of them). Names of other nova filters are '
                     'logged by the conductor when it starts and not '
                     'applied.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(conductor_group))
    conf.register_opts(conductor_opts, group=conductor_group)
    conf.register_group(copy.deepcopy(scheduler_group))
    conf.register_opts(scheduler_opts, group=scheduler_group)
    conf.register_group(copy.deepcopy(filter_scheduler_group))
    conf.register_opts(filter_scheduler_opts, group=filter_scheduler_group)


def list_opts():
    return {conductor_group: conductor_opts, scheduler_group: scheduler_opts,
            filter_scheduler_group: filter_scheduler_opts}
