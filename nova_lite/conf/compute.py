import copy

from oslo_config import cfg

compute_group = cfg.OptGroup('compute', title='Compute options')

compute_opts = [
    cfg.IntOpt('shelved_offload_time', default=0, min=-1,
               help='Seconds to wait before offloading a shelved server; 0 '
                    'offloads at once, -1 never.'),
    cfg.IntOpt('executor_thread_pool_size', default=16, min=1,
               help='Threads of the compute RPC server executor.'),
]

fake_group = cfg.OptGroup('fake_driver', title='Fake virt driver options')

fake_opts = [
    cfg.BoolOpt('supports_multiattach', default=True,
                help='Capability reported by the fake driver.'),
    cfg.BoolOpt('supports_tagged_attach_volume', default=True,
                help='Capability reported by the fake driver.'),
    cfg.FloatOpt('spawn_delay', default=0.0, min=0.0,
                 help='Seconds the fake driver waits in spawn.'),
    cfg.ListOpt('fail_spawn_for_names', default=[],
                help='Server names whose spawn the fake driver fails.'),
]


def register_opts(conf):
    conf.register_group(copy.deepcopy(compute_group))
    conf.register_opts(compute_opts, group=compute_group)
    conf.register_group(copy.deepcopy(fake_group))
    conf.register_opts(fake_opts, group=fake_group)


def list_opts():
    return {compute_group: compute_opts, fake_group: fake_opts}
