"""Soft delete ([DEFAULT] reclaim_instance_interval), restore, forceDelete
and the compute's reclaim of old soft-deleted servers."""

import datetime

from oslo_utils import timeutils

from nova_lite import context as nl_context
from nova_lite.objects import instance as instance_obj

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _server(stack, name='vm'):
    resp = stack.request('POST', '/v2.1/servers', json={
        'server': {'name': name, 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _action(stack, sid, body, token='demo:demo'):
    return stack.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                         token=token)


def _delete(stack, sid, token='demo:demo'):
    return stack.request('DELETE', '/v2.1/servers/%s' % sid, token=token)


def _soft_deleted(stack, sid):
    assert _delete(stack, sid).status_code == 204
    shown = stack.wait_for_server(sid, 'SOFT_DELETED')
    assert shown['OS-EXT-STS:vm_state'] == 'soft-delete'
    assert shown['OS-EXT-STS:power_state'] == 4
    return shown


def test_without_interval_delete_is_final_and_restore_conflicts(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'restore': None})
    assert resp.status_code == 409
    assert resp.json() == {'conflictingRequest': {
        'code': 409, 'message': "Cannot 'restore' instance %s while it is "
                                "in vm_state active" % sid}}
    assert _delete(stack, sid).status_code == 204
    stack.wait_for_server(sid, 'DELETED')


def test_soft_delete_then_restore(stack):
    stack.conf.set_override('reclaim_instance_interval', 3600)
    sid = _server(stack)
    _soft_deleted(stack, sid)
    driver = stack.aio.compute_manager.driver
    assert driver.guests[sid]['state'] == 4
    # Other actions are refused while it waits.
    resp = _action(stack, sid, {'os-start': None})
    assert resp.status_code == 409
    assert resp.json()['conflictingRequest']['message'] == (
        "Cannot 'start' instance %s while it is in vm_state soft-delete"
        % sid)
    resp = _action(stack, sid, {'restore': None})
    assert resp.status_code == 202 and resp.text == ''
    shown = stack.wait_for_server(sid, 'ACTIVE')
    assert shown['OS-EXT-STS:power_state'] == 1
    assert driver.guests[sid]['state'] == 1


def test_force_delete(stack):
    stack.conf.set_override('reclaim_instance_interval', 3600)
    sid = _server(stack)
    _soft_deleted(stack, sid)
    resp = _action(stack, sid, {'forceDelete': None})
    assert resp.status_code == 202 and resp.text == ''
    stack.wait_for_server(sid, 'DELETED')
    assert sid not in stack.aio.compute_manager.driver.guests


def test_force_delete_of_a_running_server(stack):
    sid = _server(stack)
    assert _action(stack, sid, {'forceDelete': None}).status_code == 202
    stack.wait_for_server(sid, 'DELETED')


def test_locked_soft_deleted_server(stack):
    stack.conf.set_override('reclaim_instance_interval', 3600)
    sid = _server(stack)
    _soft_deleted(stack, sid)
    assert _action(stack, sid, {'lock': None},
                   token='admin:admin').status_code == 202
    locked = {'conflictingRequest': {
        'code': 409, 'message': 'Instance %s is locked' % sid}}
    assert _action(stack, sid, {'restore': None}).json() == locked
    assert _action(stack, sid, {'forceDelete': None}).json() == locked
    assert _action(stack, sid, {'restore': None},
                   token='admin:admin').status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')


def test_reclaim_after_the_interval(stack):
    stack.conf.set_override('reclaim_instance_interval', 3600)
    manager = stack.aio.compute_manager
    old = _server(stack, 'old')
    young = _server(stack, 'young')
    _soft_deleted(stack, old)
    _soft_deleted(stack, young)
    ctxt = nl_context.get_admin_context()
    instance_obj.update(ctxt, old, {
        'deleted_at': timeutils.utcnow() - datetime.timedelta(hours=2)})
    reclaimed = manager.reclaim_queued_deletes(ctxt)
    assert old in reclaimed
    assert young not in reclaimed
    stack.wait_for_server(old, 'DELETED')
    assert stack.request('GET', '/v2.1/servers/%s' % young).json()[
        'server']['status'] == 'SOFT_DELETED'


def test_reclaim_is_off_without_interval(stack):
    assert stack.aio.compute_manager.reclaim_queued_deletes(
        nl_context.get_admin_context()) == []


def test_policies(stack):
    stack.conf.set_override('reclaim_instance_interval', 3600)
    sid = _server(stack)
    _soft_deleted(stack, sid)
    for body in ({'restore': None}, {'forceDelete': None}):
        assert _action(stack, sid, body,
                       token='other:other').status_code == 404
        assert _action(stack, sid, dict(body, x=1)).status_code == 400


def test_lists_count_soft_deleted_servers_as_deleted(stack):
    stack.conf.set_override('reclaim_instance_interval', 3600)
    kept = _server(stack, 'kept')
    sid = _server(stack, 'gone')
    _soft_deleted(stack, sid)
    for path in ('/v2.1/servers', '/v2.1/servers/detail',
                 '/v2.1/servers?status=SOFT_DELETED'):
        listed = stack.request('GET', path).json()['servers']
        assert sid not in [s['id'] for s in listed], path
    listed = stack.request('GET', '/v2.1/servers').json()['servers']
    assert [s['id'] for s in listed] == [kept]
    listed = stack.request('GET', '/v2.1/servers/detail?deleted=true&all_tenants=1',
                           token='admin:admin').json()['servers']
    assert [s['id'] for s in listed] == [sid]
    assert listed[0]['status'] == 'SOFT_DELETED'


def test_server_that_never_ran_is_deleted_for_good(stack):
    stack.conf.set_override('reclaim_instance_interval', 3600)
    stack.conf.set_override('fail_spawn_for_names', ['broken'],
                            group='fake_driver')
    resp = stack.request('POST', '/v2.1/servers', json={
        'server': {'name': 'broken', 'flavorRef': '1', 'imageRef': IMAGE}})
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ERROR')
    assert _delete(stack, sid).status_code == 204
    stack.wait_for_server(sid, 'DELETED')
