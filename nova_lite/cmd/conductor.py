"""nova-lite-conductor: builds servers, schedules, talks to every cell."""

from nova_lite.cmd import common
from nova_lite.conductor import manager
from nova_lite import service


def main(argv=None):
    return common.run('nova-lite-conductor', argv, _serve)


def _serve(conf):
    common.require_real_transport(conf, 'nova-lite-conductor')
    # Without an API database this is the conductor of one cell.
    superconductor = conf.api_database.connection is not None
    common.configure_databases(conf, api=superconductor)
    svc = service.Service(conf, 'nova-conductor', 'conductor',
                          manager.ConductorManager(
                              conf, superconductor=superconductor),
                          pool_size=conf.conductor.workers)
    svc.start()
    common.wait_for_signal(svc.stop)
