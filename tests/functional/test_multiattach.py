"""Multi-attach over the whole stack in one process: the compute API, the
conductor, compute hosts (fake virt driver) and the built-in block storage,
over real HTTP. Every rule is checked on both sides of its microversion
boundary, and every attachment is checked on both sides (nova's mappings
and the block storage's attachments)."""

import concurrent.futures
import time

import pytest

from nova_lite import context as nl_context
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import service as service_obj

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'


# -- helpers -------------------------------------------------------------------

def _ma_type(stack):
    resp = stack.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text


def _volume(stack, multiattach=False, image=False, size=1, name='vol'):
    body = {'size': size, 'name': name}
    if multiattach:
        body['volume_type'] = 'multiattach'
    if image:
        body['imageRef'] = IMAGE
    resp = stack.volume_request('POST', '/v3/volumes',
                                json={'volume': body})
    assert resp.status_code == 202, resp.text
    return stack.wait_for_volume(resp.json()['volume']['id'], 'available')


def _show_volume(stack, volume_id):
    return stack.volume_request('GET', '/v3/volumes/%s' % volume_id,
                                token=ADMIN).json()['volume']


def _boot(stack, name, version='2.60', wait=True, **extra):
    server = {'name': name, 'flavorRef': '1', 'networks': 'none',
              'imageRef': IMAGE}
    server.update(extra)
    resp = stack.request('POST', '/v2.1/servers', version=version,
                         json={'server': server})
    if not wait:
        return resp
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    return stack.wait_for_server(server_id, 'ACTIVE', version='2.60')


def _attach(stack, server_id, volume_id, version='2.60', **extra):
    body = {'volumeId': volume_id}
    body.update(extra)
    return stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
        version=version, json={'volumeAttachment': body})


def _detach(stack, server_id, volume_id, version='2.60'):
    return stack.request(
        'DELETE', '/v2.1/servers/%s/os-volume_attachments/%s'
        % (server_id, volume_id), version=version)


def _attachments(stack, server_id, version='2.89'):
    resp = stack.request(
        'GET', '/v2.1/servers/%s/os-volume_attachments' % server_id,
        version=version)
    assert resp.status_code == 200, resp.text
    return resp.json()['volumeAttachments']


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError('condition never held')


def _wait_attached(stack, volume_id, server_ids):
    """Until Cinder lists exactly ``server_ids`` as attached."""
    def attached():
        volume = _show_volume(stack, volume_id)
        found = sorted(a['server_id'] for a in volume['attachments'])
        return volume if found == sorted(server_ids) else None
    return _wait(attached)


def _fault(stack, server_id):
    return stack.request('GET', '/v2.1/servers/%s' % server_id,
                         version='2.60').json()['server'].get('fault')


def _bdms(server_id):
    return bdm_obj.get_by_instance(nl_context.get_admin_context(),
                                   server_id)


def _on_host(stack, host, *names):
    """Boot servers onto ``host`` (the other hosts disabled meanwhile)."""
    ctxt = nl_context.get_admin_context()
    others = [s for s in service_obj.get_all(ctxt, binary='nova-compute')
              if s.host != host]
    for svc in others:
        service_obj.update(ctxt, svc.id, {'disabled': True})
    try:
        servers = [_boot(stack, name) for name in names]
    finally:
        for svc in others:
            service_obj.update(ctxt, svc.id, {'disabled': False})
    return servers


# -- the full lifecycle --------------------------------------------------------

def test_one_volume_three_servers_two_hosts(stack):
    _ma_type(stack)
    second = stack.add_compute('compute2')
    first = stack.aio.compute_manager
    s1, s2 = _on_host(stack, 'compute1', 'ma-1', 'ma-2')
    (s3,) = _on_host(stack, 'compute2', 'ma-3')
    servers = [s1['id'], s2['id'], s3['id']]
    volume = _volume(stack, multiattach=True, name='vol-multiattach')
    for server_id in servers:
        resp = _attach(stack, server_id, volume['id'])
        assert resp.status_code == 200, resp.text
        assert resp.json()['volumeAttachment']['device'] == '/dev/vdb'
    shown = _wait_attached(stack, volume['id'], servers)
    assert shown['status'] == 'in-use'
    cinder_ids = {a['server_id']: a['attachment_id']
                  for a in shown['attachments']}
    assert len(set(cinder_ids.values())) == 3
    hosts = {a['server_id']: a['host_name'] for a in shown['attachments']}
    assert hosts == {s1['id']: 'compute1', s2['id']: 'compute1',
                     s3['id']: 'compute2'}
    for server_id in servers:
        (item,) = _attachments(stack, server_id)
        assert item['attachment_id'] == cinder_ids[server_id]
        assert item['volumeId'] == volume['id']
        assert item['device'] == '/dev/vdb'
    # One host connection per host, whatever the number of servers.
    assert first.driver.host_connections == {volume['id']: 2}
    assert second.driver.host_connections == {volume['id']: 1}
    # Detaching one server leaves the others, and the host connection
    # another server of that host still uses.
    assert _detach(stack, s1['id'], volume['id']).status_code == 202
    shown = _wait_attached(stack, volume['id'], [s2['id'], s3['id']])
    assert shown['status'] == 'in-use'
    assert _attachments(stack, s1['id']) == []
    assert first.driver.host_connections == {volume['id']: 1}
    assert volume['id'] not in first.driver.disconnects
    # Deleting a server cleans its attachment up.
    assert stack.request('DELETE', '/v2.1/servers/%s' % s2['id']).\
        status_code == 204
    stack.wait_for_server(s2['id'], 'DELETED')
    _wait_attached(stack, volume['id'], [s3['id']])
    assert first.driver.host_connections == {}
    assert first.driver.disconnects == [volume['id']]
    assert _detach(stack, s3['id'], volume['id']).status_code == 202
    final = _wait_attached(stack, volume['id'], [])
    assert final['status'] == 'available'
    assert second.driver.host_connections == {}


def test_attachment_views_by_microversion(stack):
    server = _boot(stack, 'views')
    volume = _volume(stack)
    too_early = _attach(stack, server['id'], volume['id'], version='2.48',
                        tag='data')
    assert too_early.status_code == 400
    resp = _attach(stack, server['id'], volume['id'], version='2.79',
                   tag='data', delete_on_termination=True,
                   device='/dev/vdc')
    assert resp.status_code == 200, resp.text
    assert resp.json()['volumeAttachment'] == {
        'id': volume['id'], 'serverId': server['id'],
        'volumeId': volume['id'], 'device': '/dev/vdc', 'tag': 'data',
        'delete_on_termination': True}
    _wait_attached(stack, volume['id'], [server['id']])
    (old,) = _attachments(stack, server['id'], version='2.1')
    assert old == {'id': volume['id'], 'volumeId': volume['id'],
                   'serverId': server['id'], 'device': '/dev/vdc'}
    (v270,) = _attachments(stack, server['id'], version='2.70')
    assert v270['tag'] == 'data' and 'delete_on_termination' not in v270
    (new,) = _attachments(stack, server['id'], version='2.89')
    assert set(new) == {'volumeId', 'serverId', 'device', 'tag',
                        'delete_on_termination', 'attachment_id',
                        'bdm_uuid'}
    show = stack.request('GET', '/v2.1/servers/%s/os-volume_attachments/%s'
                         % (server['id'], volume['id']), version='2.89')
    assert show.json()['volumeAttachment'] == new
    missing = stack.request('GET', '/v2.1/servers/%s/os-volume_attachments/'
                            '%s' % (server['id'], server['id']))
    assert missing.status_code == 404
    assert missing.json()['itemNotFound']['message'] == (
        'Instance %s is not attached to volume %s'
        % (server['id'], server['id']))
    detail = stack.request('GET', '/v2.1/servers/%s' % server['id'],
                           version='2.3').json()['server']
    assert detail['os-extended-volumes:volumes_attached'] == [
        {'id': volume['id'], 'delete_on_termination': True}]
    # 2.85: delete_on_termination may change, nothing else.
    path = '/v2.1/servers/%s/os-volume_attachments/%s' % (
        server['id'], volume['id'])
    for key, value in (('tag', 'other'), ('device', '/dev/vdz'),
                       ('serverId', volume['id'])):
        resp = stack.request('PUT', path, version='2.85', json={
            'volumeAttachment': {'volumeId': volume['id'], key: value}})
        assert resp.status_code == 400
        assert resp.json()['badRequest']['message'] == (
            'The %s property is not mutable' % key)
    resp = stack.request('PUT', path, version='2.85', json={
        'volumeAttachment': {'volumeId': volume['id'],
                             'delete_on_termination': False}})
    assert resp.status_code == 202, resp.text
    (updated,) = _attachments(stack, server['id'])
    assert updated['delete_on_termination'] is False
    # Before 2.85 the same body is a swap: a service's business.
    resp = stack.request('PUT', path, version='2.84', json={
        'volumeAttachment': {'volumeId': volume['id']}})
    assert resp.status_code == 403


# -- the multiattach rules -----------------------------------------------------

def test_m1_boot_with_multiattach_volume_needs_2_60(stack):
    _ma_type(stack)
    volume = _volume(stack, multiattach=True)
    bdm = [{'uuid': volume['id'], 'source_type': 'volume',
            'destination_type': 'volume', 'boot_index': -1}]
    old = _boot(stack, 'm1', version='2.59', wait=False,
                block_device_mapping_v2=bdm)
    assert old.status_code == 400
    assert old.json()['badRequest']['message'] == (
        'Multiattach volumes are only supported starting with compute API '
        'version 2.60.')
    assert _show_volume(stack, volume['id'])['status'] == 'available'
    new = _boot(stack, 'm1', version='2.60', wait=False,
                block_device_mapping_v2=bdm)
    assert new.status_code == 202, new.text
    server_id = new.json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE')
    _wait_attached(stack, volume['id'], [server_id])


def test_m2_attach_multiattach_volume_needs_2_60(stack):
    _ma_type(stack)
    server = _boot(stack, 'm2')
    volume = _volume(stack, multiattach=True)
    old = _attach(stack, server['id'], volume['id'], version='2.59')
    assert old.status_code == 400
    assert old.json()['badRequest']['message'] == (
        'Multiattach volumes are only supported starting with compute API '
        'version 2.60.')
    # Nothing left behind: no mapping, no attachment.
    assert [b for b in _bdms(server['id']) if b.volume_id] == []
    shown = _show_volume(stack, volume['id'])
    assert (shown['status'], shown['attachments']) == ('available', [])
    assert _attach(stack, server['id'], volume['id']).status_code == 200
    _wait_attached(stack, volume['id'], [server['id']])


def test_m3_boot_while_a_compute_is_too_old(stack):
    _ma_type(stack)
    stack.conf.set_override('service_version_cache_time', 0,
                            group='conductor')
    ctxt = nl_context.get_admin_context()
    (svc,) = service_obj.get_all(ctxt, binary='nova-compute')
    volume = _volume(stack, multiattach=True)
    plain = _volume(stack, name='plain')
    service_obj.update(ctxt, svc.id, {
        'version': service_obj.MIN_COMPUTE_MULTIATTACH - 1})
    try:
        bdm = [{'uuid': volume['id'], 'source_type': 'volume',
                'destination_type': 'volume', 'boot_index': -1}]
        resp = _boot(stack, 'm3', wait=False, block_device_mapping_v2=bdm)
        assert resp.status_code == 409
        assert resp.json()['conflictingRequest']['message'] == (
            'Multiattach volume support is not yet available.')
        assert _show_volume(stack, volume['id'])['attachments'] == []
        # Other volumes still boot.
        ok = _boot(stack, 'm3-plain', wait=False, block_device_mapping_v2=[
            {'uuid': plain['id'], 'source_type': 'volume',
             'destination_type': 'volume', 'boot_index': -1}])
        assert ok.status_code == 202, ok.text
    finally:
        service_obj.update(ctxt, svc.id,
                           {'version': service_obj.SERVICE_VERSION})
    resp = _boot(stack, 'm3-new', wait=False, block_device_mapping_v2=bdm)
    assert resp.status_code == 202, resp.text


def test_m4_m5_attach_to_a_host_that_cannot(stack):
    _ma_type(stack)
    server = _boot(stack, 'm45')
    volume = _volume(stack, multiattach=True)
    plain = _volume(stack, name='plain')
    ctxt = nl_context.get_admin_context()
    (svc,) = service_obj.get_all(ctxt, binary='nova-compute')
    service_obj.update(ctxt, svc.id, {
        'version': service_obj.MIN_COMPUTE_MULTIATTACH - 1})
    try:
        old_host = _attach(stack, server['id'], volume['id'])
        assert old_host.status_code == 409
        assert old_host.json()['conflictingRequest']['message'] == (
            'Multiattach volume support is not yet available.')
    finally:
        service_obj.update(ctxt, svc.id,
                           {'version': service_obj.SERVICE_VERSION})
    driver = stack.aio.compute_manager.driver
    driver.capabilities['supports_multiattach'] = False
    try:
        for version in ('2.59', '2.60'):
            resp = _attach(stack, server['id'], volume['id'],
                           version=version)
            assert resp.status_code == 409
            assert resp.json()['conflictingRequest']['message'] == (
                "Volume %s has 'multiattach' set, which is not supported "
                "for this instance." % volume['id'])
        assert _attach(stack, server['id'], plain['id']).status_code == 200
    finally:
        driver.capabilities['supports_multiattach'] = True
    assert [b.volume_id for b in _bdms(server['id'])
            if b.volume_id] == [plain['id']]
    assert _show_volume(stack, volume['id'])['attachments'] == []


def test_m6_multiattach_to_shelved_offloaded(stack):
    _ma_type(stack)
    server = _boot(stack, 'm6')
    resp = stack.request('POST', '/v2.1/servers/%s/action' % server['id'],
                         json={'shelve': None}, version='2.60')
    assert resp.status_code == 202
    stack.wait_for_server(server['id'], 'SHELVED_OFFLOADED')
    volume = _volume(stack, multiattach=True)
    resp = _attach(stack, server['id'], volume['id'])
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Attaching multiattach volumes is not supported for '
        'shelved-offloaded instances.')
    plain = _volume(stack, name='plain')
    before = _attach(stack, server['id'], plain['id'], version='2.19')
    assert before.status_code == 409
    resp = _attach(stack, server['id'], plain['id'], version='2.70')
    assert resp.status_code == 200, resp.text
    assert resp.json()['volumeAttachment']['device'] is None
    assert _show_volume(stack, plain['id'])['status'] == 'in-use'
    (item,) = _attachments(stack, server['id'], version='2.70')
    assert 'device' not in item
    # Unshelve connects it on a host.
    resp = stack.request('POST', '/v2.1/servers/%s/action' % server['id'],
                         json={'unshelve': None}, version='2.60')
    assert resp.status_code == 202
    stack.wait_for_server(server['id'], 'ACTIVE')
    (item,) = _attachments(stack, server['id'])
    assert item['device'] == '/dev/vdb'
    shown = _show_volume(stack, plain['id'])
    assert shown['attachments'][0]['host_name'] == 'compute1'


def test_m8_several_servers_with_a_volume(stack):
    volume = _volume(stack)
    resp = _boot(stack, 'm8', wait=False, min_count=2,
                 block_device_mapping_v2=[{
                     'uuid': volume['id'], 'source_type': 'volume',
                     'destination_type': 'volume', 'boot_index': -1}])
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Cannot attach one or more volumes to multiple instances')


def test_m9_m10_duplicates(stack):
    _ma_type(stack)
    a = _boot(stack, 'dup-a')
    b = _boot(stack, 'dup-b')
    shared = _volume(stack, multiattach=True)
    assert _attach(stack, a['id'], shared['id']).status_code == 200
    twice = _attach(stack, a['id'], shared['id'])
    assert twice.status_code == 400
    assert twice.json()['badRequest']['message'] == (
        'Invalid volume: volume %s already attached' % shared['id'])
    single = _volume(stack, name='single')
    assert _attach(stack, a['id'], single['id']).status_code == 200
    _wait_attached(stack, single['id'], [a['id']])
    taken = _attach(stack, b['id'], single['id'])
    assert taken.status_code == 400
    # Refused by the compute API, from its mappings, before block storage.
    assert taken.json()['badRequest']['message'] == (
        'Invalid volume: volume %s is already attached to instances: %s'
        % (single['id'], a['id']))
    assert [x.volume_id for x in _bdms(b['id']) if x.volume_id] == []


def test_m7_swap_from_multiattach_volume(stack):
    _ma_type(stack)
    a = _boot(stack, 'swap-a')
    b = _boot(stack, 'swap-b')
    shared = _volume(stack, multiattach=True)
    target = _volume(stack, name='target')
    for server in (a, b):
        assert _attach(stack, server['id'], shared['id']).status_code == 200
    _wait_attached(stack, shared['id'], [a['id'], b['id']])
    path = '/v2.1/servers/%s/os-volume_attachments/%s' % (
        a['id'], shared['id'])
    body = {'volumeAttachment': {'volumeId': target['id']}}
    member = stack.request('PUT', path, json=body, version='2.60')
    assert member.status_code == 403
    resp = stack.request('PUT', path, json=body, version='2.60',
                         token=ADMIN)
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Swapping multi-attach volumes with more than one read/write '
        'attachment is not supported.')
    assert _show_volume(stack, shared['id'])['status'] == 'in-use'
    assert _show_volume(stack, target['id'])['attachments'] == []
    # With one attachment left the swap goes through.
    assert _detach(stack, b['id'], shared['id']).status_code == 202
    _wait_attached(stack, shared['id'], [a['id']])
    resp = stack.request('PUT', path, json=body, version='2.60',
                         token=ADMIN)
    assert resp.status_code == 202, resp.text
    _wait_attached(stack, target['id'], [a['id']])
    _wait_attached(stack, shared['id'], [])
    (item,) = _attachments(stack, a['id'])
    assert item['volumeId'] == target['id']


def test_m11_boot_from_multiattach_volume_without_driver_support(stack):
    _ma_type(stack)
    volume = _volume(stack, multiattach=True)
    driver = stack.aio.compute_manager.driver
    driver.capabilities['supports_multiattach'] = False
    try:
        resp = _boot(stack, 'm11', wait=False, block_device_mapping_v2=[{
            'uuid': volume['id'], 'source_type': 'volume',
            'destination_type': 'volume', 'boot_index': -1}])
        assert resp.status_code == 202
        server_id = resp.json()['server']['id']
        stack.wait_for_server(server_id, 'ERROR')
    finally:
        driver.capabilities['supports_multiattach'] = True
    assert _fault(stack, server_id)['message'] == (
        "Build of instance %s aborted: Volume %s has 'multiattach' set, "
        "which is not supported for this instance."
        % (server_id, volume['id']))
    shown = _show_volume(stack, volume['id'])
    assert (shown['status'], shown['attachments']) == ('available', [])


# -- boot from volume ----------------------------------------------------------

def test_boot_from_volumes_and_delete(stack):
    _ma_type(stack)
    root = _volume(stack, image=True, name='root')
    shared = _volume(stack, multiattach=True, name='shared')
    resp = stack.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'bfv', 'flavorRef': '1', 'imageRef': '',
                   'networks': 'none', 'block_device_mapping_v2': [
                       {'uuid': root['id'], 'source_type': 'volume',
                        'destination_type': 'volume', 'boot_index': '0',
                        'delete_on_termination': False},
                       {'uuid': IMAGE, 'source_type': 'image',
                        'destination_type': 'volume', 'volume_size': '1',
                        'boot_index': '1', 'delete_on_termination': True},
                       {'uuid': shared['id'], 'source_type': 'volume',
                        'destination_type': 'volume', 'boot_index': '-1',
                        'tag': 'multiattach'}]}})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    server = stack.wait_for_server(server_id, 'ACTIVE')
    assert server['image'] == ''
    items = {a['volumeId']: a for a in _attachments(stack, server_id)}
    assert len(items) == 3
    assert items[root['id']]['device'] == '/dev/vda'
    created = [v for v in items if v not in (root['id'], shared['id'])]
    (made,) = created
    assert items[made]['delete_on_termination'] is True
    made_volume = _show_volume(stack, made)
    assert made_volume['bootable'] == 'true'
    assert made_volume['status'] == 'in-use'
    for volume_id, item in items.items():
        (entry,) = _show_volume(stack, volume_id)['attachments']
        assert entry['attachment_id'] == item['attachment_id']
        assert entry['device'] == item['device']
    root_detach = _detach(stack, server_id, root['id'])
    assert root_detach.status_code == 400
    assert root_detach.json()['badRequest']['message'] == (
        'Cannot detach a root device volume')
    assert stack.request('DELETE', '/v2.1/servers/%s' % server_id).\
        status_code == 204
    stack.wait_for_server(server_id, 'DELETED')
    assert _show_volume(stack, root['id'])['status'] == 'available'
    assert _show_volume(stack, shared['id'])['status'] == 'available'
    stack.wait_for_volume(made, 'DELETED', token=ADMIN)


def test_boot_from_volume_errors(stack):
    blank = _volume(stack, name='blank')
    resp = _boot(stack, 'nb', wait=False, imageRef='',
                 block_device_mapping_v2=[{
                     'uuid': blank['id'], 'source_type': 'volume',
                     'destination_type': 'volume', 'boot_index': 0}])
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Block Device %s is not bootable.' % blank['id'])
    missing = '2c8e9c0e-4a1d-4c0e-8b1a-000000000000'
    resp = _boot(stack, 'nf', wait=False, block_device_mapping_v2=[{
        'uuid': missing, 'source_type': 'volume',
        'destination_type': 'volume', 'boot_index': -1}])
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Volume %s could not be found.' % missing)
    resp = _attach(stack, _boot(stack, 'att')['id'], missing)
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == (
        'Volume %s could not be found.' % missing)


def test_server_deleted_before_placement_frees_its_volume(stack):
    stack.conf.set_override('spawn_delay', 0.0, group='fake_driver')
    volume = _volume(stack)
    # No compute host can take it: the server lands in cell0 in ERROR.
    ctxt = nl_context.get_admin_context()
    (svc,) = service_obj.get_all(ctxt, binary='nova-compute')
    service_obj.update(ctxt, svc.id, {'disabled': True})
    try:
        resp = _boot(stack, 'nohost', wait=False, block_device_mapping_v2=[{
            'uuid': volume['id'], 'source_type': 'volume',
            'destination_type': 'volume', 'boot_index': -1}])
        server_id = resp.json()['server']['id']
        stack.wait_for_server(server_id, 'ERROR')
    finally:
        service_obj.update(ctxt, svc.id, {'disabled': False})
    assert _show_volume(stack, volume['id'])['status'] == 'reserved'
    assert stack.request('DELETE', '/v2.1/servers/%s' % server_id).\
        status_code == 204
    stack.wait_for_server(server_id, 'DELETED')
    shown = _show_volume(stack, volume['id'])
    assert (shown['status'], shown['attachments']) == ('available', [])


# -- failures leave nothing behind ---------------------------------------------

@pytest.mark.parametrize('step', ['update', 'driver', 'complete'])
def test_attach_failures_roll_back(stack, step, monkeypatch):
    _ma_type(stack)
    server = _boot(stack, 'fail-%s' % step)
    volume = _volume(stack, multiattach=True)
    manager = stack.aio.compute_manager

    def boom(*args, **kwargs):
        raise RuntimeError('injected failure at %s' % step)

    if step == 'update':
        monkeypatch.setattr(manager.volume_api, 'attachment_update', boom)
    elif step == 'driver':
        stack.conf.set_override('fail_attach', True, group='fake_driver')
    else:
        monkeypatch.setattr(manager.volume_api, 'attachment_complete', boom)
    resp = _attach(stack, server['id'], volume['id'])
    assert resp.status_code == 200, resp.text

    def rolled_back():
        shown = _show_volume(stack, volume['id'])
        return shown['status'] == 'available' and not shown['attachments'] \
            and not [b for b in _bdms(server['id']) if b.volume_id]
    _wait(rolled_back)
    listed = stack.volume_request(
        'GET', '/v3/attachments?volume_id=%s' % volume['id'], token=ADMIN,
        version='3.44').json()['attachments']
    assert listed == []
    assert manager.driver.host_connections == {}
    assert manager.driver.guests[server['id']]['volumes'] == {}
    assert _fault(stack, server['id']) is None  # ACTIVE: no fault shown
    stack.conf.clear_override('fail_attach', group='fake_driver')
    monkeypatch.undo()
    assert _attach(stack, server['id'], volume['id']).status_code == 200
    _wait_attached(stack, volume['id'], [server['id']])


def test_detach_failure_rolls_back(stack):
    server = _boot(stack, 'detach-fail')
    volume = _volume(stack)
    assert _attach(stack, server['id'], volume['id']).status_code == 200
    _wait_attached(stack, volume['id'], [server['id']])
    stack.conf.set_override('fail_detach', True, group='fake_driver')
    assert _detach(stack, server['id'], volume['id']).status_code == 202
    _wait(lambda: _show_volume(stack, volume['id'])['status'] == 'in-use')
    assert [b.volume_id for b in _bdms(server['id']) if b.volume_id] == [
        volume['id']]
    stack.conf.clear_override('fail_detach', group='fake_driver')
    assert _detach(stack, server['id'], volume['id']).status_code == 202
    _wait_attached(stack, volume['id'], [])


# -- concurrency ---------------------------------------------------------------

def test_32_parallel_attaches_and_detaches(stack):
    _ma_type(stack)
    count = 32
    # More servers than the default quota of instances allows.
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo', token=ADMIN,
                         json={'quota_set': {'instances': count,
                                             'cores': count, 'ram': -1}})
    assert resp.status_code == 200, resp.text
    ids = []
    for index in range(count):
        resp = _boot(stack, 'par-%d' % index, wait=False)
        assert resp.status_code == 202, resp.text
        ids.append(resp.json()['server']['id'])
    for server_id in ids:
        stack.wait_for_server(server_id, 'ACTIVE', timeout=60)
    volume = _volume(stack, multiattach=True)
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(
            lambda sid: _attach(stack, sid, volume['id']), ids))
    assert [r.status_code for r in answers] == [200] * count
    shown = _wait_attached(stack, volume['id'], ids)
    attachment_ids = {a['attachment_id'] for a in shown['attachments']}
    assert len(attachment_ids) == count
    nova_side = set()
    for server_id in ids:
        (bdm,) = [b for b in _bdms(server_id) if b.volume_id]
        nova_side.add(bdm.attachment_id)
    assert nova_side == attachment_ids
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(
            lambda sid: _detach(stack, sid, volume['id']), ids))
    assert [r.status_code for r in answers] == [202] * count
    final = _wait_attached(stack, volume['id'], [])
    assert final['status'] == 'available'
    listed = stack.volume_request(
        'GET', '/v3/attachments?volume_id=%s' % volume['id'], token=ADMIN,
        version='3.44').json()['attachments']
    assert listed == []
    assert stack.aio.compute_manager.driver.host_connections == {}
