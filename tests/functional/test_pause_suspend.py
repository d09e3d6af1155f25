"""pause/unpause, suspend/resume and os-resetState through the stack."""

import time

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _server(stack):
    resp = stack.request('POST', '/v2.1/servers', json={
        'server': {'name': 'vm', 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _action(stack, sid, body, token='demo:demo', version=None):
    return stack.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                         token=token, version=version)


def _conflict(sid, action, state):
    return {'conflictingRequest': {
        'code': 409,
        'message': "Cannot '%s' instance %s while it is in vm_state %s"
                   % (action, sid, state)}}


def test_pause_and_unpause(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'unpause': None})
    assert resp.status_code == 409
    assert resp.json() == _conflict(sid, 'unpause', 'active')
    resp = _action(stack, sid, {'pause': None})
    assert resp.status_code == 202 and resp.text == ''
    paused = stack.wait_for_server(sid, 'PAUSED')
    assert paused['OS-EXT-STS:vm_state'] == 'paused'
    assert paused['OS-EXT-STS:power_state'] == 3
    driver = stack.aio.compute_manager.driver
    assert driver.guests[sid]['state'] == 3
    resp = _action(stack, sid, {'pause': None})
    assert resp.json() == _conflict(sid, 'pause', 'paused')
    for body in ({'suspend': None}, {'os-stop': None},
                 {'reboot': {'type': 'SOFT'}}):
        assert _action(stack, sid, body).status_code == 409, body
    assert _action(stack, sid, {'unpause': None}).status_code == 202
    active = stack.wait_for_server(sid, 'ACTIVE')
    assert active['OS-EXT-STS:power_state'] == 1
    assert driver.guests[sid]['state'] == 1


def test_suspend_and_resume(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'resume': None})
    assert resp.json() == _conflict(sid, 'resume', 'active')
    assert _action(stack, sid, {'suspend': None}).status_code == 202
    suspended = stack.wait_for_server(sid, 'SUSPENDED')
    assert suspended['OS-EXT-STS:vm_state'] == 'suspended'
    assert suspended['OS-EXT-STS:power_state'] == 7
    assert _action(stack, sid, {'suspend': None}).json() == _conflict(
        sid, 'suspend', 'suspended')
    assert _action(stack, sid, {'pause': None}).status_code == 409
    assert _action(stack, sid, {'resume': None}).status_code == 202
    assert stack.wait_for_server(sid, 'ACTIVE')[
        'OS-EXT-STS:power_state'] == 1
    # A hard reboot is allowed from suspended, as in nova.
    assert _action(stack, sid, {'suspend': None}).status_code == 202
    stack.wait_for_server(sid, 'SUSPENDED')
    assert _action(stack, sid, {'reboot': {'type': 'HARD'}}
                   ).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')


def test_stopped_server_cannot_be_paused_or_suspended(stack):
    sid = _server(stack)
    assert _action(stack, sid, {'os-stop': None}).status_code == 202
    stack.wait_for_server(sid, 'SHUTOFF')
    for name in ('pause', 'suspend'):
        resp = _action(stack, sid, {name: None})
        assert resp.json() == _conflict(sid, name, 'stopped')


def test_bodies_are_checked(stack):
    sid = _server(stack)
    for body in ({'pause': None, 'extra': 1}, {'resume': None, 'x': None}):
        assert _action(stack, sid, body).status_code == 400


def test_reset_state_is_for_admins(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'os-resetState': {'state': 'error'}})
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {
        'code': 403, 'message': "Policy doesn't allow os_compute_api:"
                                "os-admin-actions:reset_state to be "
                                "performed."}}
    resp = _action(stack, sid, {'os-resetState': {'state': 'error'}},
                   token='admin:admin')
    assert resp.status_code == 202 and resp.text == ''
    shown = stack.wait_for_server(sid, 'ERROR')
    assert shown['OS-EXT-STS:vm_state'] == 'error'
    # An errored server may still be rebooted hard, not paused.
    assert _action(stack, sid, {'pause': None}).json() == _conflict(
        sid, 'pause', 'error')
    resp = _action(stack, sid, {'os-resetState': {'state': 'active'}},
                   token='admin:admin')
    assert resp.status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')
    for bad in ({'state': 'stopped'}, {}, {'state': 'active', 'x': 1},
                None):
        resp = _action(stack, sid, {'os-resetState': bad},
                       token='admin:admin')
        assert resp.status_code == 400, bad
        assert 'badRequest' in resp.json()


def test_reset_state_clears_a_stuck_task(stack):
    stack.conf.set_override('pause_at', ['spawn'], group='fake_driver')
    stack.conf.set_override('pause_seconds', 3.0, group='fake_driver')
    resp = stack.request('POST', '/v2.1/servers', json={
        'server': {'name': 'vm', 'flavorRef': '1', 'imageRef': IMAGE}})
    sid = resp.json()['server']['id']

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        server = stack.request('GET', '/v2.1/servers/%s' % sid).json()[
            'server']
        if server['OS-EXT-STS:task_state'] == 'spawning':
            break
        time.sleep(0.02)
    assert server['OS-EXT-STS:task_state'] == 'spawning'
    resp = _action(stack, sid, {'os-resetState': {'state': 'error'}},
                   token='admin:admin')
    assert resp.status_code == 202
    shown = stack.request('GET', '/v2.1/servers/%s' % sid).json()['server']
    assert shown['OS-EXT-STS:vm_state'] == 'error'
    assert shown['OS-EXT-STS:task_state'] is None


def test_actions_are_recorded_with_their_compute_events(stack):
    sid = _server(stack)
    for name, status in (('pause', 'PAUSED'), ('unpause', 'ACTIVE'),
                         ('suspend', 'SUSPENDED'), ('resume', 'ACTIVE')):
        assert _action(stack, sid, {name: None}).status_code == 202
        stack.wait_for_server(sid, status)
    assert _action(stack, sid, {'os-resetState': {'state': 'error'}},
                   token='admin:admin').status_code == 202
    resp = stack.request('GET', '/v2.1/servers/%s/os-instance-actions' % sid,
                         version='2.51', token='admin:admin')
    listed = resp.json()['instanceActions']
    assert [a['action'] for a in listed] == [
        'resetState', 'resume', 'suspend', 'unpause', 'pause', 'create']
    by_name = {a['action']: a['request_id'] for a in listed}
    for name in ('pause', 'unpause', 'suspend', 'resume'):
        events = stack.request(
            'GET', '/v2.1/servers/%s/os-instance-actions/%s'
            % (sid, by_name[name]), version='2.51',
            token='admin:admin').json()['instanceAction']['events']
        assert [(e['event'], e['result']) for e in events] == [
            ('compute_%s_instance' % name, 'Success')], name
