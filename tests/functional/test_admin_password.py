"""changePassword and injectNetworkInfo through the stack."""

from tests.functional.test_pause_suspend import _action
from tests.functional.test_pause_suspend import _conflict
from tests.functional.test_pause_suspend import _server


def test_change_password_sets_it_in_the_guest(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'changePassword': {'adminPass': 's3cret'}})
    assert resp.status_code == 202 and resp.text == ''
    driver = stack.aio.compute_manager.driver
    assert driver.guests[sid]['admin_password'] == 's3cret'
    shown = stack.request('GET', '/v2.1/servers/%s' % sid).json()['server']
    assert shown['status'] == 'ACTIVE'
    assert shown['OS-EXT-STS:task_state'] is None
    actions = stack.request(
        'GET', '/v2.1/servers/%s/os-instance-actions' % sid,
        token='admin:admin').json()['instanceActions']
    assert 'changePassword' in [a['action'] for a in actions]
    action_id = [a for a in actions
                 if a['action'] == 'changePassword'][0]['request_id']
    events = stack.request(
        'GET', '/v2.1/servers/%s/os-instance-actions/%s' % (sid, action_id),
        token='admin:admin', version='2.51').json()['instanceAction'][
            'events']
    assert [(e['event'], e['result']) for e in events] == [
        ('compute_set_admin_password', 'Success')]


def test_change_password_bodies_and_states(stack):
    sid = _server(stack)
    for bad in ({}, {'adminPass': 1}, {'adminPass': 'x', 'other': 1}, None):
        resp = _action(stack, sid, {'changePassword': bad})
        assert resp.status_code == 400, bad
        assert 'badRequest' in resp.json()
    assert _action(stack, sid, {'os-stop': None}).status_code == 202
    stack.wait_for_server(sid, 'SHUTOFF')
    resp = _action(stack, sid, {'changePassword': {'adminPass': 'x'}})
    assert resp.status_code == 409
    assert resp.json() == _conflict(sid, 'changePassword', 'stopped')
    assert _action(stack, sid, {'os-start': None}).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')
    assert _action(stack, sid, {'lock': None}).status_code == 202
    resp = _action(stack, sid, {'changePassword': {'adminPass': 'x'}})
    assert resp.status_code == 409
    assert resp.json()['conflictingRequest']['message'] == \
        'Instance %s is locked' % sid


def test_change_password_refused_by_the_guest(stack):
    sid = _server(stack)
    driver = stack.aio.compute_manager.driver
    driver.guests[sid]['state'] = 4  # shut down behind the API's back
    resp = _action(stack, sid, {'changePassword': {'adminPass': 'x'}})
    assert resp.status_code == 409
    assert resp.json()['conflictingRequest']['message'] == (
        'Failed to set admin password on %s because instance %s is not '
        'running' % (sid, sid))
    shown = stack.request('GET', '/v2.1/servers/%s' % sid,
                          token='admin:admin').json()['server']
    assert shown['OS-EXT-STS:task_state'] is None
    assert 'admin_password' not in driver.guests[sid]


def test_inject_network_info_is_for_admins(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'injectNetworkInfo': None})
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-admin-actions:"
        "inject_network_info to be performed.")
    resp = _action(stack, sid, {'injectNetworkInfo': None},
                   token='admin:admin')
    assert resp.status_code == 202 and resp.text == ''
    resp = _action(stack, sid, {'injectNetworkInfo': None, 'x': 1},
                   token='admin:admin')
    assert resp.status_code == 400
    # A locked server stops its owner, not an admin, as nova's lock.
    assert _action(stack, sid, {'lock': None}).status_code == 202
    resp = _action(stack, sid, {'injectNetworkInfo': None},
                   token='admin:admin')
    assert resp.status_code == 202
