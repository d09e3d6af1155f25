"""What a compute host finds on start (``init_host``): every half-done
volume operation and task state a crash can leave, set up by hand on the
whole stack in one process, then reconciled. The same against real
processes killed with SIGKILL is in tests/reliability."""

import time

from oslo_serialization import jsonutils

from nova_lite import context as nl_context
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_fault

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'


def _boot(stack, name):
    resp = stack.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': name, 'flavorRef': '1', 'networks': 'none',
                   'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    return stack.wait_for_server(resp.json()['server']['id'], 'ACTIVE',
                                 version='2.60')['id']


def _volume(stack, multiattach=False):
    body = {'size': 1, 'name': 'vol'}
    if multiattach:
        body['volume_type'] = 'multiattach'
    resp = stack.volume_request('POST', '/v3/volumes', json={'volume': body})
    assert resp.status_code == 202, resp.text
    return stack.wait_for_volume(resp.json()['volume']['id'],
                                 'available')['id']


def _volume_status(stack, volume_id):
    return stack.volume_request('GET', '/v3/volumes/%s' % volume_id,
                                token=ADMIN).json()['volume']['status']


def _attach(stack, server_id, volume_id):
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
        version='2.60', json={'volumeAttachment': {'volumeId': volume_id}})
    assert resp.status_code == 200, resp.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        bdm = _bdm(server_id, volume_id)
        if bdm is not None and bdm.connection_info and \
                _volume_status(stack, volume_id) == 'in-use':
            return bdm
        time.sleep(0.05)
    raise AssertionError('never attached')


def _bdm(server_id, volume_id):
    ctxt = nl_context.get_admin_context()
    for bdm in bdm_obj.get_by_instance(ctxt, server_id):
        if bdm.volume_id == volume_id:
            return bdm
    return None


def _attachments(manager, server_id):
    return {a['id']: a for a in manager.volume_api.attachment_list(
        nl_context.get_admin_context(), instance_id=server_id,
        all_tenants=True)}


def _fault(server_id):
    fault = instance_fault.get_latest(nl_context.get_admin_context(),
                                      server_id)
    return fault['message'] if fault else None


class _Instance:
    def __init__(self, uuid):
        self.uuid = uuid


def test_reconciles_each_half_done_volume_operation(stack):
    resp = stack.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text
    manager = stack.aio.compute_manager
    ctxt = nl_context.get_admin_context()
    s1, s2 = _boot(stack, 'r1'), _boot(stack, 'r2')
    shared = _volume(stack, multiattach=True)
    kept, lost, unplugged, detaching, replug = [_volume(stack)
                                                for _ in range(5)]
    for server_id in (s1, s2):
        _attach(stack, server_id, shared)
    for volume_id in (kept, lost, unplugged, detaching, replug):
        _attach(stack, s1, volume_id)

    # An attach interrupted after the disk was plugged, before block
    # storage heard it was complete: a mapping, a connected but unfinished
    # attachment, the disk in the guest.
    pending = _volume(stack)
    att = manager.volume_api.attachment_create(ctxt, pending, s2)
    updated = manager.volume_api.attachment_update(
        ctxt, att['id'], manager.driver.get_volume_connector(None), '/dev/vdc')
    info = dict(updated['connection_info'], serial=pending)
    manager.driver.attach_volume(_Instance(s2), info, '/dev/vdc')
    bdm_obj.create(ctxt, {
        'instance_uuid': s2, 'volume_id': pending, 'attachment_id': att['id'],
        'source_type': 'volume', 'destination_type': 'volume',
        'device_name': '/dev/vdc', 'device_type': 'disk',
        'connection_info': jsonutils.dumps(info)})
    assert pending in manager.driver.get_guest_volumes(
        _Instance(s2)).values()
    # An attach interrupted before the disk was plugged.
    early = _volume(stack)
    early_att = manager.volume_api.attachment_create(ctxt, early, s2)
    bdm_obj.create(ctxt, {
        'instance_uuid': s2, 'volume_id': early,
        'attachment_id': early_att['id'], 'source_type': 'volume',
        'destination_type': 'volume', 'device_name': '/dev/vdd',
        'device_type': 'disk'})
    # An attachment nova never recorded.
    stray = manager.volume_api.attachment_create(ctxt, _volume(stack), s2)
    # A mapping whose attachment block storage lost.
    manager.volume_api.attachment_delete(ctxt, _bdm(s1, lost).attachment_id)
    # A detach interrupted after the guest let go of the disk.
    bdm = _bdm(s1, unplugged)
    manager.driver.detach_volume(_Instance(s1),
                                 jsonutils.loads(bdm.connection_info),
                                 bdm.device_name)
    bdm_obj.update(ctxt, bdm.id, {'connection_info': None})
    # A detach interrupted before the guest let go.
    manager.volume_api.begin_detaching(ctxt, detaching)
    # A disk the guest lost.
    bdm = _bdm(s1, replug)
    manager.driver.detach_volume(_Instance(s1),
                                 jsonutils.loads(bdm.connection_info),
                                 bdm.device_name, disconnect_host=False)

    summary = manager.recover_host(ctxt)

    assert summary['servers'] == 2
    assert summary['rolled_back'] == 3      # pending, early, detaching
    assert summary['removed'] == 1          # lost
    assert summary['completed'] == 1        # unplugged
    assert summary['replugged'] == 1        # replug
    assert summary['deleted_attachments'] == 1
    assert _bdm(s2, pending) is None
    assert att['id'] not in _attachments(manager, s2)
    assert stray['id'] not in _attachments(manager, s2)
    assert _volume_status(stack, pending) == 'available'
    assert _bdm(s2, early) is None
    assert _volume_status(stack, early) == 'available'
    assert 'could not be attached' in _fault(s2)
    assert _bdm(s1, lost) is None
    assert _bdm(s1, unplugged) is None
    assert _volume_status(stack, unplugged) == 'available'
    assert _bdm(s1, detaching) is not None
    assert _volume_status(stack, detaching) == 'in-use'
    assert 'could not be detached' in _fault(s1)
    guest = manager.driver.get_guest_volumes(_Instance(s1))
    assert sorted(guest.values()) == sorted([shared, kept, detaching,
                                             replug])
    assert sorted(manager.driver.get_guest_volumes(
        _Instance(s2)).values()) == [shared]
    # Both sides agree for every server.
    for server_id in (s1, s2):
        mapped = {b.attachment_id for b in bdm_obj.get_by_instance(
            ctxt, server_id) if b.volume_id}
        assert mapped == set(_attachments(manager, server_id))
    # Nothing left to do the second time.
    again = manager.recover_host(ctxt)
    assert sum(again.values()) == again['servers'] == 2


def test_clears_task_states_as_nova_does(stack):
    manager = stack.aio.compute_manager
    ctxt = nl_context.get_admin_context()
    stopping, rebooting, shelving, building = [
        _boot(stack, 't%d' % i) for i in range(4)]
    instance_obj.update(ctxt, stopping, {'task_state': 'powering-off'})
    instance_obj.update(ctxt, rebooting, {'task_state': 'rebooting'})
    instance_obj.update(ctxt, shelving, {'task_state': 'shelving'})
    instance_obj.update(ctxt, building, {'vm_state': 'building',
                                         'task_state': 'spawning'})
    manager.recover_host(ctxt)
    get = lambda uuid: instance_obj.get_by_uuid(ctxt, uuid)  # noqa: E731
    assert (get(stopping).vm_state, get(stopping).task_state) == (
        'stopped', None)
    assert (get(rebooting).vm_state, get(rebooting).task_state) == (
        'active', None)
    assert (get(shelving).vm_state, get(shelving).task_state) == (
        'active', None)
    assert (get(building).vm_state, get(building).task_state) == (
        'error', None)
    assert 'restarted during the build' in _fault(building)


def test_reserve_answer_lost_leaves_no_mapping(stack, monkeypatch):
    """The compute host made the mapping but its answer never came back
    (message bus trouble): the API answers nova's fault and the mapping
    without an attachment is gone."""
    import oslo_messaging as messaging

    from nova_lite.compute import rpcapi

    server_id = _boot(stack, 'lost-answer')
    volume_id = _volume(stack)
    original = rpcapi.ComputeAPI.reserve_block_device_name

    def answer_lost(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raise messaging.MessagingTimeout('Timed out waiting for a reply')

    monkeypatch.setattr(rpcapi.ComputeAPI, 'reserve_block_device_name',
                        answer_lost)
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
        version='2.60', json={'volumeAttachment': {'volumeId': volume_id}})
    assert resp.status_code == 500, resp.text
    assert resp.json()['computeFault']['code'] == 500
    assert _bdm(server_id, volume_id) is None
    assert _volume_status(stack, volume_id) == 'available'
