import copy

from oslo_config import cfg

compute_group = cfg.OptGroup('compute', title='Compute options')

compute_opts = [
    cfg.IntOpt('executor_thread_pool_size', default=16, min=1,
               help='Threads of the compute RPC server executor.'),
    cfg.IntOpt('max_disk_devices_to_attach', default=-1, min=-1,
               help='Maximum number of disk devices allowed to attach to '
                    'a single server; -1 means unlimited.'),
    cfg.IntOpt('volume_operation_timeout', default=300, min=0,
               help='Seconds a volume attach reserved for a server of this '
                    'host may wait for this compute service to start it, '
                    'and a volume of one of its servers may stay '
                    '"detaching", before the compute service rolls the '
                    'attach or the detach back and records a fault on the '
                    'server: the request that would have done it was lost '
                    '(for instance in a restart of the message broker). '
                    'Checked once every half of this time, at most every '
                    'minute. 0 disables the check; a compute service still '
                    'reconciles its servers\' volumes when it starts.'),
]

block_device_opts = [
    cfg.IntOpt('block_device_allocate_retries', default=60, min=0,
               help='Number of times to check whether a volume created '
                    'for a server\'s block device mapping is available '
                    'before giving up on the build.'),
    cfg.IntOpt('block_device_allocate_retries_interval', default=3, min=0,
               help='Seconds between two checks of such a volume.'),
]

fake_group = cfg.OptGroup('fake_driver', title='Fake virt driver options')

fake_opts = [
    cfg.BoolOpt('supports_multiattach', default=True,
                help='Capability reported by the fake driver.'),
    cfg.BoolOpt('supports_tagged_attach_volume', default=True,
                help='Capability reported by the fake driver.'),
    cfg.BoolOpt('supports_migrate_to_same_host', default=False,
                help='Capability reported by the fake driver: a cold '
                     'migration may stay on its host (with [DEFAULT] '
                     'allow_resize_to_same_host), as on a single-host '
                     'deployment.'),
    cfg.BoolOpt('supports_bfv_rescue', default=True,
                help='Capability reported by the fake driver: volume-backed '
                     'servers may be rescued (microversion 2.87), as the '
                     'libvirt driver reports.'),
    cfg.FloatOpt('spawn_delay', default=0.0, min=0.0,
                 help='Seconds the fake driver waits in spawn.'),
    cfg.ListOpt('fail_spawn_for_names', default=[],
                help='Server names whose spawn the fake driver fails.'),
    cfg.BoolOpt('fail_attach', default=False,
                help='Make every volume attach of the fake driver fail.'),
    cfg.BoolOpt('fail_detach', default=False,
                help='Make every volume detach of the fake driver fail.'),
    cfg.ListOpt('pause_at', default=[],
                help='Named points where the fake driver waits '
                     'pause_seconds and logs "Fake driver pausing at '
                     '<point> for server <uuid>" first: attach_volume '
                     '(before the disk is plugged), detach_volume (before '
                     'it is unplugged), spawn. A fault-injection hook for '
                     'tests.'),
    cfg.FloatOpt('pause_seconds', default=0.0, min=0.0,
                 help='Seconds the fake driver waits at each point of '
                      'pause_at.'),
    cfg.BoolOpt('persist_guests', default=False,
                help='Keep the fake driver\'s guests and host connections '
                     'in <state_path>/fake-driver-<host>.json, so that they '
                     'outlive the compute process as a hypervisor\'s '
                     'guests outlive nova-compute.'),
]


def register_opts(conf):
    conf.register_opts(block_device_opts)
    conf.register_group(copy.deepcopy(compute_group))
    conf.register_opts(compute_opts, group=compute_group)
    conf.register_group(copy.deepcopy(fake_group))
    conf.register_opts(fake_opts, group=fake_group)


def list_opts():
    return {'DEFAULT': block_device_opts, compute_group: compute_opts,
            fake_group: fake_opts}
