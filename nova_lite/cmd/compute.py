"""nova-lite-compute: one compute worker per host.

It reaches only its own cell database ([database]); it has no API database
access.
"""

from nova_lite.cmd import common
from nova_lite.compute import manager
from nova_lite import service


def main(argv=None):
    return common.run('nova-lite-compute', argv, _serve)


def _serve(conf):
    common.require_real_transport(conf, 'nova-lite-compute')
    common.configure_databases(conf, api=False)
    svc = service.Service(conf, 'nova-compute', 'compute',
                          manager.ComputeManager(conf),
                          pool_size=conf.compute.executor_thread_pool_size)
    svc.start()
    common.wait_for_signal(svc.stop)
