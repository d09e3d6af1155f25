"""os-instance-actions through the whole stack, over HTTP: what every
operation records, and what each microversion shows of it."""

import hashlib
import time

import pytest

from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(
        tmp_path_factory.mktemp('actions'),
        overrides=[(None, 'shelved_offload_time', -1)])
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _server(stack):
    body = {'server': {'name': 'ia', 'flavorRef': '1', 'imageRef': IMAGE}}
    resp = stack.request('POST', '/v2.1/servers', json=body)
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid, resp.headers['x-compute-request-id']


def _actions(sid):
    return '/v2.1/servers/%s/os-instance-actions' % sid


def _act(stack, sid, body, status, token='demo:demo'):
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                         token=token)
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, status)
    return resp.headers['x-compute-request-id']


def _show(stack, sid, request_id, version=None, token='demo:demo'):
    resp = stack.request('GET', '%s/%s' % (_actions(sid), request_id),
                         version=version, token=token)
    assert resp.status_code == 200, resp.text
    return resp.json()['instanceAction']


def _finished(stack, sid, request_id, count=1):
    """The action once its events have finished (the compute service
    records the finish after the server's state is written)."""
    deadline = time.monotonic() + 10
    while True:
        action = _show(stack, sid, request_id, token='admin:admin')
        events = action['events']
        if len(events) >= count and all(e['finish_time'] for e in events):
            return action
        assert time.monotonic() < deadline, action
        time.sleep(0.05)


def test_every_operation_is_recorded(stack):
    sid, create_id = _server(stack)
    ids = {'create': create_id}
    ids['stop'] = _act(stack, sid, {'os-stop': None}, 'SHUTOFF')
    ids['start'] = _act(stack, sid, {'os-start': None}, 'ACTIVE')
    ids['reboot'] = _act(stack, sid, {'reboot': {'type': 'HARD'}}, 'ACTIVE')
    ids['shelve'] = _act(stack, sid, {'shelve': None}, 'SHELVED')
    ids['shelveOffload'] = _act(stack, sid, {'shelveOffload': None},
                                'SHELVED_OFFLOADED', token='admin:admin')
    ids['unshelve'] = _act(stack, sid, {'unshelve': None}, 'ACTIVE')
    resp = stack.request('GET', _actions(sid))
    assert resp.status_code == 200, resp.text
    listed = resp.json()['instanceActions']
    assert [a['action'] for a in listed] == [
        'unshelve', 'shelveOffload', 'shelve', 'reboot', 'start', 'stop',
        'create']
    for action in listed:
        assert set(action) == {'action', 'instance_uuid', 'request_id',
                               'user_id', 'project_id', 'start_time',
                               'message'}
        assert action['request_id'] == ids[action['action']]
        assert action['instance_uuid'] == sid
        assert action['user_id'] == (
            'admin' if action['action'] == 'shelveOffload' else 'demo')
        assert action['message'] is None
    expected = {
        'create': ['compute__do_build_and_run_instance'],
        'stop': ['compute_stop_instance'],
        'start': ['compute_start_instance'],
        'reboot': ['compute_reboot_instance'],
        'shelve': ['compute_shelve_instance'],
        'shelveOffload': ['compute_shelve_offload_instance'],
        # The conductor reads the image the shelve stored, as nova's.
        'unshelve': ['compute_unshelve_instance', 'schedule_instances',
                     'get_image_info'],
    }
    for name, events in expected.items():
        action = _finished(stack, sid, ids[name], len(events))
        assert [e['event'] for e in action['events']] == events, name
        for event in action['events']:
            assert event['result'] == 'Success'
            assert event['traceback'] is None


def test_delete_and_deleted_servers(stack):
    sid, create_id = _server(stack)
    assert stack.request('DELETE', '/v2.1/servers/%s' % sid).status_code \
        == 204
    stack.wait_for_server(sid, 'DELETED')
    resp = stack.request('GET', _actions(sid), version='2.20')
    assert resp.status_code == 404
    resp = stack.request('GET', _actions(sid), version='2.21')
    assert resp.status_code == 200, resp.text
    assert sorted(a['action'] for a in resp.json()[
        'instanceActions']) == ['create', 'delete']
    delete_id = [a['request_id'] for a in resp.json()['instanceActions']
                 if a['action'] == 'delete'][0]
    action = stack.request('GET', '%s/%s' % (_actions(sid), delete_id),
                           version='2.21', token='admin:admin').json()[
        'instanceAction']
    assert [e['event'] for e in action['events']] == [
        'compute_terminate_instance']


def test_events_per_microversion(stack):
    sid, create_id = _server(stack)
    _finished(stack, sid, create_id)
    # Before 2.51 the events are for those the events policy allows.
    assert 'events' not in _show(stack, sid, create_id, version='2.50')
    admin = _show(stack, sid, create_id, version='2.50', token='admin:admin')
    assert set(admin['events'][0]) == {'event', 'start_time', 'finish_time',
                                       'result', 'traceback'}
    # 2.51: events for the owner, without traceback.
    own = _show(stack, sid, create_id, version='2.51')
    assert set(own['events'][0]) == {'event', 'start_time', 'finish_time',
                                     'result'}
    # 2.58: updated_at.
    assert 'updated_at' in _show(stack, sid, create_id, version='2.58')
    # 2.62: hostId for everyone, host for administrators.
    host_id = hashlib.sha224(b'democompute1').hexdigest()
    own = _show(stack, sid, create_id, version='2.62')
    assert own['events'][0]['hostId'] == host_id
    assert 'host' not in own['events'][0]
    admin = _show(stack, sid, create_id, version='2.62', token='admin:admin')
    assert admin['events'][0]['host'] == 'compute1'
    assert admin['events'][0]['hostId'] == host_id
    # 2.84: details where its policy allows (administrators).
    admin = _show(stack, sid, create_id, version='2.84', token='admin:admin')
    assert admin['events'][0]['details'] is None
    own = _show(stack, sid, create_id, version='2.84')
    assert 'details' not in own['events'][0]
    assert own['start_time'].count('.') == 1


def test_not_found(stack):
    sid, _create_id = _server(stack)
    resp = stack.request('GET', '%s/req-nope' % _actions(sid))
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Action req-nope not found'}}
    resp = stack.request('GET', _actions(sid), token='other:other')
    assert resp.status_code == 404
    missing = '00000000-0000-0000-0000-000000000000'
    resp = stack.request('GET', _actions(missing))
    assert resp.json()['itemNotFound']['message'] == \
        'Instance %s could not be found.' % missing


def test_paging_and_changes(stack):
    sid, create_id = _server(stack)
    reboot_ids = [_act(stack, sid, {'reboot': {'type': 'SOFT'}}, 'ACTIVE')
                  for _ in range(3)]
    resp = stack.request('GET', _actions(sid) + '?limit=2', version='2.58')
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert [a['request_id'] for a in body['instanceActions']] == \
        reboot_ids[::-1][:2]
    assert all('updated_at' in a for a in body['instanceActions'])
    next_link = body['links'][0]
    assert next_link['rel'] == 'next'
    assert 'marker=%s' % reboot_ids[1] in next_link['href']
    resp = stack.request('GET', _actions(sid) + '?limit=2&marker=%s'
                         % reboot_ids[1], version='2.58')
    assert [a['request_id'] for a in resp.json()['instanceActions']] == [
        reboot_ids[0], create_id]
    assert 'links' in resp.json()
    resp = stack.request('GET', _actions(sid) + '?limit=5&marker=%s'
                         % reboot_ids[1], version='2.58')
    assert 'links' not in resp.json()
    resp = stack.request('GET', _actions(sid) + '?marker=nope',
                         version='2.58')
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == \
        'Marker None could not be found.'
    # Unknown parameters: ignored before 2.58, refused from 2.58.
    assert stack.request('GET', _actions(sid) + '?foo=1',
                         version='2.57').status_code == 200
    assert stack.request('GET', _actions(sid) + '?foo=1',
                         version='2.58').status_code == 400
    assert stack.request('GET', _actions(sid) + '?limit=-1',
                         version='2.58').status_code == 400
    resp = stack.request('GET', _actions(sid) + '?changes-since=3000-01-01'
                         'T00:00:00Z', version='2.58')
    assert resp.json()['instanceActions'] == []
    resp = stack.request('GET', _actions(sid) + '?changes-since=2000-01-01'
                         'T00:00:00Z', version='2.58')
    assert len(resp.json()['instanceActions']) == 4
    assert stack.request('GET', _actions(sid) + '?changes-before=2000-01-01'
                         'T00:00:00Z', version='2.65').status_code == 400
    resp = stack.request('GET', _actions(sid) + '?changes-before=2000-01-01'
                         'T00:00:00Z', version='2.66')
    assert resp.json()['instanceActions'] == []
    resp = stack.request('GET', _actions(sid) + '?changes-since=2001-01-01'
                         'T00:00:00Z&changes-before=2000-01-01T00:00:00Z',
                         version='2.66')
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'The value of changes-since must be less than or equal to '
        'changes-before.')


def test_failed_event(stack):
    """A failed compute step ends its event in Error with the details."""
    from nova_lite import exception

    sid, _create_id = _server(stack)
    driver = stack.aio.compute_manager.driver
    original = driver.reboot

    def broken(*args, **kwargs):
        raise exception.NovaLiteException('the hypervisor said no')
    driver.reboot = broken
    try:
        request_id = _act(stack, sid, {'reboot': {'type': 'HARD'}},
                          'ACTIVE')
        action = _finished(stack, sid, request_id)
    finally:
        driver.reboot = original
    assert action['message'] == 'Error'
    event = action['events'][0]
    assert event['result'] == 'Error'
    assert 'the hypervisor said no' in event['traceback']
    admin = _show(stack, sid, request_id, version='2.84', token='admin:admin')
    assert admin['events'][0]['details'] == 'the hypervisor said no'
    own = _show(stack, sid, request_id, version='2.84')
    assert set(own['events'][0]) == {'event', 'start_time', 'finish_time',
                                     'result', 'hostId'}


def test_lock_pause_suspend_rebuild_are_recorded(stack):
    sid, _create_id = _server(stack)
    ids = {}
    for name, body, status in (
            ('lock', {'lock': None}, 'ACTIVE'),
            ('unlock', {'unlock': None}, 'ACTIVE'),
            ('pause', {'pause': None}, 'PAUSED'),
            ('unpause', {'unpause': None}, 'ACTIVE'),
            ('suspend', {'suspend': None}, 'SUSPENDED'),
            ('resume', {'resume': None}, 'ACTIVE'),
            ('rebuild', {'rebuild': {'imageRef': IMAGE}}, 'ACTIVE')):
        ids[name] = _act(stack, sid, body, status)
    listed = stack.request('GET', _actions(sid)).json()['instanceActions']
    assert [a['action'] for a in listed] == [
        'rebuild', 'resume', 'suspend', 'unpause', 'pause', 'unlock', 'lock',
        'create']
    for name in ('pause', 'unpause', 'suspend', 'resume', 'rebuild'):
        action = _finished(stack, sid, ids[name])
        assert [(e['event'], e['result']) for e in action['events']] == [
            ('compute_%s_instance' % name, 'Success')]
