"""nova-lite-compute: one compute worker per host.

It reaches only its own cell database ([database]); it has no API database
access.
"""

import sys

from nova_lite.cmd import common
from nova_lite.compute import manager
from nova_lite import service


def main(argv=None):
    conf = common.setup(sys.argv[1:] if argv is None else argv,
                        'nova-lite-compute')
    common.require_real_transport(conf, 'nova-lite-compute')
    common.configure_databases(conf, api=False)
    svc = service.Service(conf, 'nova-compute', 'compute',
                          manager.ComputeManager(conf),
                          pool_size=conf.compute.executor_thread_pool_size)
    svc.start()
    common.wait_for_signal(svc.stop)
