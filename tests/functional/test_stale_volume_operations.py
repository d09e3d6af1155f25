"""Attaches and detaches whose request to the compute service was lost (a
cast gone in a broker restart, an API that died between two steps): the
compute service rolls them back once they are older than
``[compute] volume_operation_timeout``, and not before."""

import datetime
import threading
import time

from oslo_utils import timeutils

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_fault
from nova_lite.objects import service as service_obj
from tests.functional import test_compute_recovery as helpers

TIMEOUT = 300


def _later(seconds):
    return timeutils.utcnow() + datetime.timedelta(seconds=seconds)


def _reclaim(manager, seconds):
    return manager.reclaim_stale_volume_operations(
        nl_context.get_admin_context(), now=_later(seconds))


def _attach_request(stack, server_id, volume_id):
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
        version='2.60', json={'volumeAttachment': {'volumeId': volume_id}})
    assert resp.status_code == 200, resp.text


def test_lost_attach_rolled_back_after_timeout_only(stack, monkeypatch):
    manager = stack.aio.compute_manager
    server = helpers._boot(stack, 'lost-attach')
    attached = helpers._volume(stack)
    helpers._attach(stack, server, attached)
    lost = helpers._volume(stack)
    casts = []
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'attach_volume',
                        lambda self, *args, **kwargs: casts.append(args))
    _attach_request(stack, server, lost)
    assert len(casts) == 1
    bdm = helpers._bdm(server, lost)
    assert bdm.attachment_id and not bdm.connection_info
    assert helpers._attachments(manager, server)[bdm.attachment_id][
        'status'] == 'reserved'

    # Younger than the timeout: it may still be on its way.
    assert _reclaim(manager, TIMEOUT - 30)['rolled_back'] == 0
    assert helpers._bdm(server, lost) is not None

    summary = _reclaim(manager, TIMEOUT + 1)
    assert summary['rolled_back'] == 1, summary
    assert helpers._bdm(server, lost) is None
    attachments = helpers._attachments(manager, server)
    assert bdm.attachment_id not in attachments
    assert helpers._volume_status(stack, lost) == 'available'
    assert 'within %d seconds' % TIMEOUT in helpers._fault(server)
    # The attached volume is left as it was.
    kept = helpers._bdm(server, attached)
    assert kept.connection_info and kept.attachment_id in attachments
    assert helpers._volume_status(stack, attached) == 'in-use'
    assert sum(_reclaim(manager, TIMEOUT * 10).values()) == 0

    # The lost request arriving after all plugs nothing.
    monkeypatch.undo()
    manager.attach_volume(nl_context.get_admin_context(), server, bdm.uuid)
    assert lost not in manager.driver.get_guest_volumes(
        helpers._Instance(server)).values()
    assert helpers._volume_status(stack, lost) == 'available'
    # And the volume can be attached again.
    helpers._attach(stack, server, lost)


def test_failed_server_keeps_its_fault_and_mappings(stack, monkeypatch):
    manager = stack.aio.compute_manager
    ctxt = nl_context.get_admin_context()
    server = helpers._boot(stack, 'failed')
    volume = helpers._volume(stack)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'attach_volume',
                        lambda self, *args, **kwargs: None)
    _attach_request(stack, server, volume)
    instance_obj.update(ctxt, server, {'vm_state': instance_obj.ERROR})
    instance_fault.create(ctxt, instance_fault.fault_values(
        server, exception.BuildAbortException(
            instance_uuid=server, reason='the build went wrong'),
        host='compute1'))
    assert sum(_reclaim(manager, TIMEOUT + 1).values()) == 0
    assert helpers._bdm(server, volume) is not None
    assert 'the build went wrong' in helpers._fault(server)
    instance_obj.update(ctxt, server, {'vm_state': instance_obj.ACTIVE})
    assert _reclaim(manager, TIMEOUT + 1)['rolled_back'] == 1


def test_reservation_never_given_attachment_removed(stack):
    manager = stack.aio.compute_manager
    ctxt = nl_context.get_admin_context()
    server = helpers._boot(stack, 'no-attachment')
    volume = helpers._volume(stack)
    manager.reserve_block_device_name(ctxt, server, None, volume)
    assert helpers._bdm(server, volume).attachment_id is None

    assert _reclaim(manager, TIMEOUT - 30)['forgotten'] == 0
    assert helpers._bdm(server, volume) is not None
    assert _reclaim(manager, TIMEOUT + 1)['forgotten'] == 1
    assert helpers._bdm(server, volume) is None
    helpers._attach(stack, server, volume)


def test_lost_detach_rolled_back_after_timeout_only(stack, monkeypatch):
    manager = stack.aio.compute_manager
    server = helpers._boot(stack, 'lost-detach')
    volume = helpers._volume(stack)
    helpers._attach(stack, server, volume)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'detach_volume',
                        lambda self, *args, **kwargs: None)
    resp = stack.request(
        'DELETE', '/v2.1/servers/%s/os-volume_attachments/%s' % (
            server, volume), version='2.60')
    assert resp.status_code == 202, resp.text
    assert helpers._volume_status(stack, volume) == 'detaching'

    assert _reclaim(manager, TIMEOUT - 30)['detaches_rolled_back'] == 0
    assert helpers._volume_status(stack, volume) == 'detaching'
    assert _reclaim(manager, TIMEOUT + 1)['detaches_rolled_back'] == 1
    assert helpers._volume_status(stack, volume) == 'in-use'
    assert helpers._bdm(server, volume).connection_info

    # Detaching works again.
    monkeypatch.undo()
    resp = stack.request(
        'DELETE', '/v2.1/servers/%s/os-volume_attachments/%s' % (
            server, volume), version='2.60')
    assert resp.status_code == 202, resp.text
    deadline = time.monotonic() + 30
    while helpers._bdm(server, volume) is not None:
        assert time.monotonic() < deadline, 'never detached'
        time.sleep(0.05)
    assert helpers._volume_status(stack, volume) == 'available'


def test_disabled_with_zero(stack, monkeypatch):
    manager = stack.aio.compute_manager
    server = helpers._boot(stack, 'disabled')
    volume = helpers._volume(stack)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI, 'attach_volume',
                        lambda self, *args, **kwargs: None)
    _attach_request(stack, server, volume)
    manager.conf.set_override('volume_operation_timeout', 0, group='compute')
    try:
        assert sum(_reclaim(manager, 10 ** 6).values()) == 0
    finally:
        manager.conf.clear_override('volume_operation_timeout',
                                    group='compute')
    assert helpers._bdm(server, volume) is not None


class _Recorder:
    """Stands for the manager in its periodic_tasks: counts the checks."""

    def __init__(self, conf):
        self.conf = conf
        self.calls = []

    def refresh_resources_if_due(self, context):
        pass

    def reclaim_stale_volume_operations(self, context):
        self.calls.append(context)


def test_periodic_checks_every_half_timeout_at_most_every_minute(stack):
    conf = stack.aio.compute_manager.conf
    recorder = _Recorder(conf)
    periodic = compute_manager.ComputeManager.periodic_tasks
    recorder._last_volume_check = time.monotonic()
    periodic(recorder, 'ctxt')
    assert recorder.calls == []
    recorder._last_volume_check = time.monotonic() - 61
    periodic(recorder, 'ctxt')
    assert recorder.calls == ['ctxt']
    periodic(recorder, 'ctxt')
    assert recorder.calls == ['ctxt']
    conf.set_override('volume_operation_timeout', 20, group='compute')
    try:
        recorder._last_volume_check = time.monotonic() - 11
        periodic(recorder, 'ctxt')
        assert recorder.calls == ['ctxt', 'ctxt']
        conf.set_override('volume_operation_timeout', 0, group='compute')
        recorder._last_volume_check = time.monotonic() - 10 ** 4
        periodic(recorder, 'ctxt')
        assert recorder.calls == ['ctxt', 'ctxt']
    finally:
        conf.clear_override('volume_operation_timeout', group='compute')


def test_periodic_task_waiting_does_not_delay_heartbeat(stack, monkeypatch):
    """A periodic task blocked (on a server's lock, say) leaves the
    service's heartbeat going."""
    stack.add_compute('compute-hb')
    svc = stack.extra_services[-1]
    release = threading.Event()
    entered = threading.Event()

    def blocked(context):
        entered.set()
        release.wait(30)

    monkeypatch.setattr(svc.manager, 'periodic_tasks', blocked)
    ctxt = nl_context.get_admin_context()

    def reports():
        return service_obj.get_by_host_and_binary(
            ctxt, 'compute-hb', 'nova-compute').report_count

    try:
        assert entered.wait(10)
        first = reports()
        deadline = time.monotonic() + 10
        while reports() < first + 2:
            assert time.monotonic() < deadline, 'no heartbeat'
            time.sleep(0.2)
    finally:
        release.set()
