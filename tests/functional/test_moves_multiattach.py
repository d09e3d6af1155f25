"""Moving one of three servers that share a multiattach volume: resize
(confirmed, reverted), cold migration, evacuation, and a move whose
destination fails. After every step the block storage's attachments,
nova_lite's mappings and each host's connections must agree, and the two
other servers must keep the volume."""

from oslo_serialization import jsonutils
import pytest

from nova_lite import context as nl_context
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import migration as migration_obj
from nova_lite.objects import service as service_obj
from tests.functional import test_multiattach as ma

ADMIN = 'admin:admin'


def _action(stack, server_id, body, version='2.60', token=ADMIN):
    return stack.request('POST', '/v2.1/servers/%s/action' % server_id,
                         json=body, version=version, token=token)


def _server(stack, server_id):
    return stack.request('GET', '/v2.1/servers/%s' % server_id,
                         token=ADMIN, version='2.60').json()['server']


def _wait_status(stack, server_id, status):
    return stack.wait_for_server(server_id, status, token=ADMIN,
                                 version='2.60', timeout=20)


def _instance(server_id):
    return instance_obj.get_by_uuid(nl_context.get_admin_context(),
                                    server_id)


def _migrations(server_id):
    return migration_obj.get_all(nl_context.get_admin_context(),
                                 {'instance_uuid': server_id})


def _agree(stack, volume_id, servers, hosts):
    """The three views of the volume agree; ``servers``: the ids of the
    servers that must have it; ``hosts``: {host: compute manager}."""
    ctxt = nl_context.get_admin_context()
    volume = ma._show_volume(stack, volume_id)
    attachments = {a['attachment_id']: a for a in volume['attachments']}
    kept = set()
    for server_id in servers:
        for mig in _migrations(server_id):
            if mig.status in ('finished', 'confirming', 'reverting'):
                kept.update((mig.move_data.get('attachments') or
                             {}).values())
    mapped = {}
    for server_id in servers:
        inst = _instance(server_id)
        bdm = bdm_obj.get_by_volume_and_instance(ctxt, volume_id, server_id)
        assert bdm.attachment_id in attachments, (server_id, attachments)
        attachment = attachments[bdm.attachment_id]
        assert attachment['server_id'] == server_id
        assert attachment['host_name'] == inst.host
        assert bdm.connection_info, server_id
        info = jsonutils.loads(bdm.connection_info)
        assert info['serial'] == volume_id and info['multiattach']
        mapped[bdm.attachment_id] = inst.host
    # Nothing in block storage but the mapped attachments and those a
    # move keeps for its revert.
    assert set(attachments) == set(mapped) | kept, (attachments, mapped,
                                                    kept)
    for attachment_id in kept:
        assert attachments[attachment_id]['server_id'] in servers
    # Each host connects the volume once per guest of its own using it.
    for host, manager in hosts.items():
        guests = [u for u, g in manager.driver.guests.items()
                  if volume_id in {i.get('serial')
                                   for i in g['volumes'].values()}]
        users = [s for s in servers if _instance(s).host == host]
        assert sorted(guests) == sorted(users), (host, guests, users)
        assert manager.driver.host_connections.get(volume_id, 0) == \
            len(users), (host, manager.driver.host_connections)
    assert volume['status'] == 'in-use'


@pytest.fixture
def three(stack):
    """Three servers sharing a multiattach volume: two on compute1, one
    on compute2."""
    ma._ma_type(stack)
    second = stack.add_compute('compute2')
    first = stack.aio.compute_manager
    s1, s2 = ma._on_host(stack, 'compute1', 'mv-1', 'mv-2')
    (s3,) = ma._on_host(stack, 'compute2', 'mv-3')
    servers = [s1['id'], s2['id'], s3['id']]
    volume = ma._volume(stack, multiattach=True, name='shared')
    for server_id in servers:
        resp = ma._attach(stack, server_id, volume['id'])
        assert resp.status_code == 200, resp.text
    ma._wait_attached(stack, volume['id'], servers)
    hosts = {'compute1': first, 'compute2': second}
    _agree(stack, volume['id'], servers, hosts)
    return servers, volume['id'], hosts


def test_moves_keep_the_shared_volume(stack, three):
    servers, volume_id, hosts = three
    s1, s2, s3 = servers
    first, second = hosts['compute1'], hosts['compute2']
    # Resize s1 (compute1 -> compute2), revert.
    resp = _action(stack, s1, {'resize': {'flavorRef': '2'}})
    assert resp.status_code == 202, resp.text
    shown = _wait_status(stack, s1, 'VERIFY_RESIZE')
    assert shown['flavor']['original_name'] == 'm1.small'
    assert _instance(s1).host == 'compute2'
    _agree(stack, volume_id, servers, hosts)
    # s2 still uses the volume on compute1: no disconnect there.
    assert volume_id not in first.driver.disconnects
    assert first.driver.host_connections[volume_id] == 1
    resp = _action(stack, s1, {'revertResize': None})
    assert resp.status_code == 202, resp.text
    shown = _wait_status(stack, s1, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    assert _instance(s1).host == 'compute1'
    _agree(stack, volume_id, servers, hosts)
    (mig,) = _migrations(s1)
    assert (mig.migration_type, mig.status) == ('resize', 'reverted')
    # Resize again, confirm: the kept attachment goes.
    before = {a['attachment_id'] for a in
              ma._show_volume(stack, volume_id)['attachments']}
    assert _action(stack, s1, {'resize': {'flavorRef': '2'}}).\
        status_code == 202
    _wait_status(stack, s1, 'VERIFY_RESIZE')
    resp = _action(stack, s1, {'confirmResize': None})
    assert resp.status_code == 204, resp.text
    shown = _wait_status(stack, s1, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.small'
    ma._wait(lambda: _migrations(s1)[0].status == 'confirmed')
    _agree(stack, volume_id, servers, hosts)
    after = {a['attachment_id'] for a in
             ma._show_volume(stack, volume_id)['attachments']}
    assert len(after) == 3 and len(before & after) == 2
    # Cold migrate s1 back to compute1, confirm.
    resp = _action(stack, s1, {'migrate': None})
    assert resp.status_code == 202, resp.text
    _wait_status(stack, s1, 'VERIFY_RESIZE')
    assert _instance(s1).host == 'compute1'
    _agree(stack, volume_id, servers, hosts)
    # compute2 still has s3 using it: no disconnect there either.
    assert volume_id not in second.driver.disconnects
    assert _action(stack, s1, {'confirmResize': None}).status_code == 204
    _wait_status(stack, s1, 'ACTIVE')
    ma._wait(lambda: _migrations(s1)[0].status == 'confirmed')
    _agree(stack, volume_id, servers, hosts)
    assert [m.migration_type for m in _migrations(s1)] == [
        'migration', 'resize', 'resize']
    # Evacuate s3 (alone on compute2) once compute2 is forced down.
    ctxt = nl_context.get_admin_context()
    svc = service_obj.get_by_host_and_binary(ctxt, 'compute2',
                                             'nova-compute')
    resp = _action(stack, s3, {'evacuate': {}}, version='2.29')
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == \
        'Compute service of compute2 is still in use.'
    service_obj.update(ctxt, svc.id, {'forced_down': True})
    resp = _action(stack, s3, {'evacuate': {}}, version='2.95')
    assert resp.status_code == 200, resp.text
    shown = _wait_status(stack, s3, 'SHUTOFF')
    assert _instance(s3).host == 'compute1'
    (evac,) = _migrations(s3)
    assert (evac.migration_type, evac.status) == ('evacuation', 'done')
    # compute2 still holds the guest until it comes back.
    assert second.driver.host_connections == {volume_id: 1}
    service_obj.update(ctxt, svc.id, {'forced_down': False})
    second.destroy_evacuated_instances(ctxt)
    assert second.driver.host_connections == {}
    assert second.driver.disconnects[-1] == volume_id
    assert _migrations(s3)[0].status == 'completed'
    _agree(stack, volume_id, servers, hosts)
    assert first.driver.host_connections[volume_id] == 3


def test_failed_destination_keeps_the_source(stack, three, monkeypatch):
    servers, volume_id, hosts = three
    s1 = servers[0]
    second = hosts['compute2']
    before = sorted(a['attachment_id'] for a in
                    ma._show_volume(stack, volume_id)['attachments'])

    def fail(instance, block_device_info):
        raise RuntimeError('destination hypervisor failure')

    monkeypatch.setattr(second.driver, 'spawn', fail)
    resp = _action(stack, s1, {'resize': {'flavorRef': '2'}})
    assert resp.status_code == 202, resp.text
    ma._wait(lambda: _migrations(s1)[0].status == 'error')
    shown = _wait_status(stack, s1, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    assert _instance(s1).host == 'compute1'
    after = sorted(a['attachment_id'] for a in
                   ma._show_volume(stack, volume_id)['attachments'])
    assert after == before
    _agree(stack, volume_id, servers, hosts)
    assert second.driver.host_connections == {volume_id: 1}
    # The next move works once the destination is healthy again.
    monkeypatch.undo()
    assert _action(stack, s1, {'migrate': None}).status_code == 202
    _wait_status(stack, s1, 'VERIFY_RESIZE')
    _agree(stack, volume_id, servers, hosts)
    assert _action(stack, s1, {'revertResize': None}).status_code == 202
    _wait_status(stack, s1, 'ACTIVE')
    ma._wait(lambda: _migrations(s1)[0].status == 'reverted')
    _agree(stack, volume_id, servers, hosts)


def test_failed_evacuation_keeps_old_attachments(stack, three, monkeypatch):
    servers, volume_id, hosts = three
    s3 = servers[2]
    first = hosts['compute1']
    before = sorted(a['attachment_id'] for a in
                    ma._show_volume(stack, volume_id)['attachments'])
    ctxt = nl_context.get_admin_context()
    svc = service_obj.get_by_host_and_binary(ctxt, 'compute2',
                                             'nova-compute')
    service_obj.update(ctxt, svc.id, {'forced_down': True})

    def fail(instance, block_device_info):
        raise RuntimeError('destination hypervisor failure')

    monkeypatch.setattr(first.driver, 'spawn', fail)
    resp = _action(stack, s3, {'evacuate': {}}, version='2.68')
    assert resp.status_code == 200, resp.text
    _wait_status(stack, s3, 'ERROR')
    assert _migrations(s3)[0].status == 'failed'
    after = sorted(a['attachment_id'] for a in
                   ma._show_volume(stack, volume_id)['attachments'])
    assert after == before
    assert first.driver.host_connections == {volume_id: 2}


def test_live_migration_keeps_the_shared_volume(stack, three, monkeypatch):
    servers, volume_id, hosts = three
    s1 = servers[0]
    first, second = hosts['compute1'], hosts['compute2']
    body = {'os-migrateLive': {'host': 'compute2',
                               'block_migration': 'auto'}}
    assert _action(stack, s1, body, version='2.68').status_code == 202
    ma._wait(lambda: _migrations(s1) and
             _migrations(s1)[0].status == 'completed')
    _wait_status(stack, s1, 'ACTIVE')
    assert _instance(s1).host == 'compute2'
    _agree(stack, volume_id, servers, hosts)
    assert volume_id not in first.driver.disconnects
    assert second.driver.host_connections == {volume_id: 2}
    # Back to compute1, whose hypervisor fails: the server stays where it
    # is, with the attachment it had.
    before = sorted(a['attachment_id'] for a in
                    ma._show_volume(stack, volume_id)['attachments'])

    def fail(instance, block_device_info):
        raise RuntimeError('destination hypervisor failure')

    monkeypatch.setattr(first.driver, 'spawn', fail)
    body['os-migrateLive']['host'] = 'compute1'
    assert _action(stack, s1, body, version='2.68').status_code == 202
    ma._wait(lambda: _migrations(s1)[0].status == 'error')
    _wait_status(stack, s1, 'ACTIVE')
    assert _instance(s1).host == 'compute2'
    after = sorted(a['attachment_id'] for a in
                   ma._show_volume(stack, volume_id)['attachments'])
    assert after == before
    _agree(stack, volume_id, servers, hosts)
    assert first.driver.host_connections == {volume_id: 1}


def test_delete_while_the_resize_waits(stack, three):
    servers, volume_id, hosts = three
    s1, s2, s3 = servers
    assert _action(stack, s1, {'resize': {'flavorRef': '2'}}).\
        status_code == 202
    _wait_status(stack, s1, 'VERIFY_RESIZE')
    assert len(ma._show_volume(stack, volume_id)['attachments']) == 4
    assert stack.request('DELETE', '/v2.1/servers/%s' % s1,
                         token=ADMIN).status_code == 204
    stack.wait_for_server(s1, 'DELETED', token=ADMIN, timeout=20)
    ma._wait_attached(stack, volume_id, [s2, s3])
    _agree(stack, volume_id, [s2, s3], hosts)
    (mig,) = migration_obj.get_all(nl_context.get_admin_context(),
                                   {'instance_uuid': s1})
    assert mig.status == 'confirmed'


def test_restarts_during_the_resize_keep_the_attachments(stack, three):
    servers, volume_id, hosts = three
    s1 = servers[0]
    assert _action(stack, s1, {'resize': {'flavorRef': '2'}}).\
        status_code == 202
    _wait_status(stack, s1, 'VERIFY_RESIZE')
    before = sorted(a['attachment_id'] for a in
                    ma._show_volume(stack, volume_id)['attachments'])
    assert len(before) == 4
    ctxt = nl_context.get_admin_context()
    for manager in hosts.values():
        summary = manager.recover_host(ctxt)
        assert summary['deleted_attachments'] == 0
    after = sorted(a['attachment_id'] for a in
                   ma._show_volume(stack, volume_id)['attachments'])
    assert after == before
    _agree(stack, volume_id, servers, hosts)
    assert _action(stack, s1, {'revertResize': None}).status_code == 202
    _wait_status(stack, s1, 'ACTIVE')
    ma._wait(lambda: _migrations(s1)[0].status == 'reverted')
    _agree(stack, volume_id, servers, hosts)


def test_volumes_changed_while_the_resize_waits(stack, three):
    servers, volume_id, hosts = three
    s1, s2, s3 = servers
    first, second = hosts['compute1'], hosts['compute2']
    assert _action(stack, s1, {'resize': {'flavorRef': '2'}}).\
        status_code == 202
    _wait_status(stack, s1, 'VERIFY_RESIZE')
    plain = ma._volume(stack, name='plain')
    assert ma._attach(stack, s1, plain['id']).status_code == 200
    ma._wait_attached(stack, plain['id'], [s1])
    assert ma._detach(stack, s1, volume_id).status_code == 202
    ma._wait(lambda: [a['volumeId'] for a in ma._attachments(stack, s1)]
             == [plain['id']])
    # Only the attachment kept on the source for a revert is left of s1.
    left = [a for a in ma._show_volume(stack, volume_id)['attachments']
            if a['server_id'] == s1]
    assert [a['host_name'] for a in left] == ['compute1']
    assert second.driver.host_connections[volume_id] == 1
    assert _action(stack, s1, {'revertResize': None}).status_code == 202
    _wait_status(stack, s1, 'ACTIVE')
    ma._wait(lambda: _migrations(s1)[0].status == 'reverted')
    # The shared volume: only the two others, nothing left of s1.
    ma._wait_attached(stack, volume_id, [s2, s3])
    _agree(stack, volume_id, [s2, s3], hosts)
    # The volume attached meanwhile came back with the server.
    (attachment,) = ma._show_volume(stack, plain['id'])['attachments']
    assert attachment['host_name'] == 'compute1'
    assert first.driver.host_connections[plain['id']] == 1
    assert plain['id'] not in second.driver.host_connections
    (item,) = ma._attachments(stack, s1)
    assert item['attachment_id'] == attachment['attachment_id']


def test_failed_source_keeps_the_server(stack, three, monkeypatch):
    servers, volume_id, hosts = three
    s1 = servers[0]
    first = hosts['compute1']
    before = sorted(a['attachment_id'] for a in
                    ma._show_volume(stack, volume_id)['attachments'])

    def fail(instance):
        raise RuntimeError('source hypervisor failure')

    monkeypatch.setattr(first.driver, 'power_off', fail)
    assert _action(stack, s1, {'migrate': None}).status_code == 202
    ma._wait(lambda: _migrations(s1)[0].status == 'error')
    shown = _wait_status(stack, s1, 'ACTIVE')
    assert shown['OS-EXT-STS:power_state'] == 1
    assert _instance(s1).host == 'compute1'
    after = sorted(a['attachment_id'] for a in
                   ma._show_volume(stack, volume_id)['attachments'])
    assert after == before
    _agree(stack, volume_id, servers, hosts)
    assert first.driver.host_connections == {volume_id: 2}
