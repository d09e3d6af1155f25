"""POST /servers/{id}/os-volume_attachments from 2.101: 202 Accepted
without a body; the conductor and the compute host make the attachment,
which is listed once it is made."""

import time

from nova_lite.compute import api as compute_api
from nova_lite import context as nl_context
from nova_lite.objects import instance_fault

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'


def _boot(stack, name):
    resp = stack.request('POST', '/v2.1/servers', version='2.101', json={
        'server': {'name': name, 'flavorRef': '1', 'imageRef': IMAGE,
                   'networks': 'none'}})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE', version='2.101')
    return server_id


def _volume(stack, multiattach=False, name='vol'):
    body = {'size': 1, 'name': name}
    if multiattach:
        body['volume_type'] = 'multiattach'
    resp = stack.volume_request('POST', '/v3/volumes', json={'volume': body})
    assert resp.status_code == 202, resp.text
    return stack.wait_for_volume(resp.json()['volume']['id'], 'available')


def _attach(stack, server_id, volume_id, version='2.101'):
    return stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
        version=version, json={'volumeAttachment': {'volumeId': volume_id}})


def _listed(stack, server_id):
    resp = stack.request(
        'GET', '/v2.1/servers/%s/os-volume_attachments' % server_id,
        version='2.101')
    assert resp.status_code == 200, resp.text
    return resp.json()['volumeAttachments']


def _until(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError('never happened')


def test_multiattach_volume_on_two_servers(stack):
    resp = stack.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text
    servers = [_boot(stack, 'ma-1'), _boot(stack, 'ma-2')]
    volume = _volume(stack, multiattach=True)
    for server_id in servers:
        resp = _attach(stack, server_id, volume['id'])
        assert resp.status_code == 202, resp.text
        assert resp.content == b''
        assert 'Content-Type' not in resp.headers or \
            not resp.headers['Content-Type'].startswith('application/json')
    for server_id in servers:
        (item,) = _until(lambda s=server_id: _listed(stack, s))
        assert item['volumeId'] == volume['id']
        assert item['device'] == '/dev/vdb'
        assert item['attachment_id']
    shown = _until(lambda: (lambda v: v if v['status'] == 'in-use' and
                            len(v['attachments']) == 2 else None)(
        stack.volume_request('GET', '/v3/volumes/%s' % volume['id'],
                             token=ADMIN).json()['volume']))
    assert sorted(a['server_id'] for a in shown['attachments']) == \
        sorted(servers)
    # The same volume again on one of them: refused before anything is
    # cast, as nova refuses it.
    again = _attach(stack, servers[0], volume['id'])
    assert again.status_code == 400
    assert again.json()['badRequest']['message'] == (
        'Invalid volume: volume %s already attached' % volume['id'])
    for server_id in servers:
        attached = stack.request('GET', '/v2.1/servers/%s' % server_id,
                                 version='2.101').json()['server']
        assert attached['os-extended-volumes:volumes_attached'] == [
            {'id': volume['id'], 'delete_on_termination': False}]
        # The conductor started the action; the compute host recorded the
        # event of its attach.
        actions = stack.request(
            'GET', '/v2.1/servers/%s/os-instance-actions' % server_id,
            version='2.101').json()['instanceActions']
        (action,) = [a for a in actions if a['action'] == 'attach_volume']
        shown = stack.request(
            'GET', '/v2.1/servers/%s/os-instance-actions/%s'
            % (server_id, action['request_id']), version='2.101', token=ADMIN)
        events = shown.json()['instanceAction']['events']
        assert [(e['event'], e['result']) for e in events] == [
            ('compute_attach_volume', 'Success')]


def test_before_2_101_the_attachment_is_answered(stack):
    server_id = _boot(stack, 'sync')
    volume = _volume(stack, name='sync')
    resp = _attach(stack, server_id, volume['id'], version='2.100')
    assert resp.status_code == 200, resp.text
    body = resp.json()['volumeAttachment']
    assert body['volumeId'] == volume['id'] and body['device'] == '/dev/vdb'


def test_checks_made_before_accepting(stack):
    server_id = _boot(stack, 'checks')
    other = _boot(stack, 'checks-other')
    missing = '2c8e9c0e-4a1d-4c0e-8b1a-000000000000'
    resp = _attach(stack, server_id, missing)
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == (
        'Volume %s could not be found.' % missing)
    volume = _volume(stack, name='single')
    assert _attach(stack, server_id, volume['id']).status_code == 202
    _until(lambda: _listed(stack, server_id))
    taken = _attach(stack, other, volume['id'])
    assert taken.status_code == 400
    assert taken.json()['badRequest']['message'] == (
        'Invalid volume: volume %s is already attached to instances: %s'
        % (volume['id'], server_id))
    assert _listed(stack, other) == []


def test_failed_device_reservation_is_a_fault(stack):
    server_id = _boot(stack, 'fails')
    volume = _volume(stack, name='tagged')
    manager = stack.aio.compute_manager
    caps = dict(manager.driver.capabilities)
    manager.driver.capabilities = dict(
        caps, supports_tagged_attach_volume=False)
    try:
        resp = stack.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
            version='2.101', json={'volumeAttachment': {
                'volumeId': volume['id'], 'tag': 'data'}})
        assert resp.status_code == 202, resp.text
        ctx = nl_context.get_admin_context()

        def fault():
            _instance, cell = compute_api.API(stack.conf).get(
                ctx, server_id)
            cctxt = nl_context.target_cell(ctx, cell)
            return instance_fault.get_latest(cctxt, server_id)
        recorded = _until(fault)
    finally:
        manager.driver.capabilities = caps
    assert recorded['code'] == 400
    assert 'tag' in recorded['message'].lower()
    assert _listed(stack, server_id) == []
    assert stack.volume_request(
        'GET', '/v3/volumes/%s' % volume['id'],
        token=ADMIN).json()['volume']['status'] == 'available'
