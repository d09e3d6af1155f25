"""lock and unlock: who may unlock, what a lock refuses, locked_reason."""

import pytest

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _server(stack, token='demo:demo'):
    resp = stack.request('POST', '/v2.1/servers', token=token, json={
        'server': {'name': 'vm', 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE', token=token)
    return sid


def _action(stack, sid, body, version=None, token='demo:demo'):
    return stack.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                         version=version, token=token)


def _show(stack, sid, version, token='demo:demo'):
    return stack.request('GET', '/v2.1/servers/%s' % sid, version=version,
                         token=token).json()['server']


def test_lock_refuses_actions_and_delete_for_the_owner(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'lock': None})
    assert resp.status_code == 202, resp.text
    assert resp.text == ''
    assert _show(stack, sid, '2.9')['locked'] is True
    locked = {'conflictingRequest': {
        'code': 409, 'message': 'Instance %s is locked' % sid}}
    for body in ({'os-stop': None}, {'reboot': {'type': 'HARD'}},
                 {'pause': None}, {'suspend': None}, {'shelve': None},
                 {'rebuild': {'imageRef': IMAGE}}):
        resp = _action(stack, sid, body)
        assert resp.status_code == 409, (body, resp.text)
        assert resp.json() == locked
    resp = stack.request('DELETE', '/v2.1/servers/%s' % sid)
    assert resp.status_code == 409
    assert resp.json() == locked
    # Locking again as the owner is a no-op.
    assert _action(stack, sid, {'lock': None}).status_code == 202
    # An administrator is not held back by the lock.
    resp = _action(stack, sid, {'os-stop': None}, token='admin:admin')
    assert resp.status_code == 202
    stack.wait_for_server(sid, 'SHUTOFF')
    assert _action(stack, sid, {'unlock': None}).status_code == 202
    shown = _show(stack, sid, '2.73')
    assert shown['locked'] is False
    assert shown['locked_reason'] is None
    assert _action(stack, sid, {'os-start': None}).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')


def test_locked_reason_from_273(stack):
    sid = _server(stack)
    # Before 2.73 any value of "lock" is accepted and a reason ignored.
    resp = _action(stack, sid, {'lock': {'locked_reason': 'maintenance'}},
                   version='2.72')
    assert resp.status_code == 202
    shown = _show(stack, sid, '2.73')
    assert shown['locked'] is True
    assert shown['locked_reason'] is None
    assert _action(stack, sid, {'unlock': None}).status_code == 202
    resp = _action(stack, sid, {'lock': {'locked_reason': 'maintenance'}},
                   version='2.73')
    assert resp.status_code == 202
    shown = _show(stack, sid, '2.73')
    assert shown['locked'] is True
    assert shown['locked_reason'] == 'maintenance'
    assert 'locked_reason' not in _show(stack, sid, '2.72')
    for bad in ({'locked_reason': ''}, {'locked_reason': 'x' * 256},
                {'reason': 'x'}):
        resp = _action(stack, sid, {'lock': bad}, version='2.73')
        assert resp.status_code == 400, bad
    listed = stack.request('GET', '/v2.1/servers/detail?locked=true',
                           version='2.73').json()['servers']
    assert [s['id'] for s in listed] == [sid]
    listed = stack.request('GET', '/v2.1/servers/detail?locked=false',
                           version='2.73').json()['servers']
    assert listed == []


def test_owner_cannot_unlock_a_server_locked_by_an_admin(stack):
    sid = _server(stack)
    assert _action(stack, sid, {'lock': None},
                   token='admin:admin').status_code == 202
    resp = _action(stack, sid, {'unlock': None})
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow os_compute_api:os-lock-server:"
                   "unlock:unlock_override to be performed."}}
    assert _show(stack, sid, '2.9')['locked'] is True
    # The owner locking it again changes nothing either.
    assert _action(stack, sid, {'lock': None}).status_code == 202
    assert _action(stack, sid, {'unlock': None},
                   token='admin:admin').status_code == 202
    assert _show(stack, sid, '2.9')['locked'] is False


@pytest.mark.parametrize('body', [{'lock': None, 'x': 1},
                                  {'unlock': {'x': 1}}])
def test_lock_bodies_with_other_members(stack, body):
    sid = _server(stack)
    if 'unlock' in body:
        # Any value of "unlock" is accepted, as nova's schema has it.
        assert _action(stack, sid, body).status_code == 202
    else:
        assert _action(stack, sid, body).status_code == 400


def test_lock_of_another_projects_server_is_404(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'lock': None}, token='other:other')
    assert resp.status_code == 404


def test_lock_and_unlock_are_instance_actions(stack):
    sid = _server(stack)
    assert _action(stack, sid, {'lock': None}).status_code == 202
    assert _action(stack, sid, {'unlock': None}).status_code == 202
    resp = stack.request('GET', '/v2.1/servers/%s/os-instance-actions' % sid,
                         version='2.51')
    assert resp.status_code == 200, resp.text
    actions = [a['action'] for a in resp.json()['instanceActions']]
    assert actions[:2] == ['unlock', 'lock']
    assert actions[-1] == 'create'
    req = resp.json()['instanceActions'][1]['request_id']
    events = stack.request(
        'GET', '/v2.1/servers/%s/os-instance-actions/%s' % (sid, req),
        version='2.51', token='admin:admin').json()['instanceAction'][
        'events']
    assert [(e['event'], e['result']) for e in events] == [
        ('api_lock', 'Success')]


def test_lock_guards_metadata_and_volume_attachments(stack):
    sid = _server(stack)
    assert _action(stack, sid, {'lock': None}).status_code == 202
    locked = {'conflictingRequest': {
        'code': 409, 'message': 'Instance %s is locked' % sid}}
    resp = stack.request('POST', '/v2.1/servers/%s/metadata' % sid,
                         json={'metadata': {'a': 'b'}})
    assert resp.status_code == 409, resp.text
    assert resp.json() == locked
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % sid,
        json={'volumeAttachment': {
            'volumeId': 'a4d3c1e2-0000-4000-8000-000000000001'}})
    assert resp.json() == locked
    # Reading is not locked.
    assert stack.request('GET', '/v2.1/servers/%s/metadata' % sid
                         ).status_code == 200
    assert _action(stack, sid, {'os-getConsoleOutput': {}}
                   ).status_code == 200
    # An administrator may change them.
    resp = stack.request('POST', '/v2.1/servers/%s/metadata' % sid,
                         json={'metadata': {'a': 'b'}}, token='admin:admin')
    assert resp.status_code == 200, resp.text
