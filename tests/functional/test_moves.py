"""Moving servers over the whole stack: resize (confirm, revert), cold and
live migration, evacuation, rescue; each action's nova answers, its
migration records as os-migrations lists them, and its volumes."""

import json

import pytest
import requests

from nova_lite import context as nl_context
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj
from tests.fixtures import stack as stack_fixture
from tests.functional import test_multiattach as ma

ADMIN = 'admin:admin'


def _action(stack, server_id, body, version='2.60', token=ADMIN):
    return stack.request('POST', '/v2.1/servers/%s/action' % server_id,
                         json=body, version=version, token=token)


def _fault(resp, code):
    assert resp.status_code == code, resp.text
    (fault,) = resp.json().values()
    assert fault['code'] == code
    return fault['message']


def _wait(stack, server_id, status):
    return stack.wait_for_server(server_id, status, token=ADMIN,
                                 version='2.60', timeout=20)


def _host(server_id):
    return instance_obj.get_by_uuid(nl_context.get_admin_context(),
                                    server_id).host


def _migrations(stack, query='', version='2.80'):
    resp = stack.request('GET', '/v2.1/os-migrations' + query, token=ADMIN,
                         version=version)
    assert resp.status_code == 200, resp.text
    return resp.json()['migrations']


@pytest.fixture
def two_hosts(stack):
    second = stack.add_compute('compute2')
    return stack.aio.compute_manager, second


# -- resize ------------------------------------------------------------------------

def test_resize_errors(stack, two_hosts):
    server = ma._boot(stack, 'rz')
    sid = server['id']
    assert _fault(_action(stack, sid, {'resize': {'flavorRef': '1'}}),
                  400) == 'When resizing, instances must change flavor!'
    assert _fault(_action(stack, sid, {'resize': {'flavorRef': 'nope'}}),
                  400) == 'Unable to locate requested flavor.'
    assert _action(stack, sid, {'resize': {}}).status_code == 400
    assert _fault(_action(stack, sid, {'confirmResize': None}), 409) == (
        "Cannot 'confirmResize' instance %s while it is in vm_state "
        "active" % sid)
    assert _fault(_action(stack, sid, {'revertResize': None}), 409) == (
        "Cannot 'revertResize' instance %s while it is in vm_state "
        "active" % sid)
    # Nothing was recorded by the refused requests.
    assert _migrations(stack) == []
    # A server being resized cannot be resized again.
    assert _action(stack, sid, {'resize': {'flavorRef': '2'}}).\
        status_code == 202
    _wait(stack, sid, 'VERIFY_RESIZE')
    assert _fault(_action(stack, sid, {'resize': {'flavorRef': '3'}}),
                  409) == ("Cannot 'resize' instance %s while it is in "
                           "vm_state resized" % sid)
    (mig,) = _migrations(stack)
    assert mig['migration_type'] == 'resize'
    assert mig['status'] == 'finished'
    assert (mig['source_compute'], mig['dest_compute']) == (
        'compute1', 'compute2')
    assert mig['old_instance_type_id'] != mig['new_instance_type_id']
    assert mig['user_id'] == 'admin' and mig['project_id'] == 'admin'
    # Confirmation is 204, and the server keeps its new flavor.
    resp = _action(stack, sid, {'confirmResize': None})
    assert resp.status_code == 204 and resp.content == b''
    shown = _wait(stack, sid, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.small'
    assert _fault(_action(stack, sid, {'revertResize': None}), 409)
    actions = stack.request('GET', '/v2.1/servers/%s/os-instance-actions'
                            % sid, token=ADMIN).json()['instanceActions']
    assert [a['action'] for a in actions] == [
        'confirmResize', 'resize', 'create']
    resize = [a for a in actions if a['action'] == 'resize'][0]
    events = stack.request(
        'GET', '/v2.1/servers/%s/os-instance-actions/%s'
        % (sid, resize['request_id']), token=ADMIN, version='2.51').json()
    names = {e['event']: e['result'] for e in
             events['instanceAction']['events']}
    assert names == {'compute_resize_instance': 'Success',
                     'compute_finish_resize': 'Success'}


def test_resize_stopped_server_comes_back_stopped(stack, two_hosts):
    server = ma._boot(stack, 'rz-stopped')
    sid = server['id']
    assert _action(stack, sid, {'os-stop': None}).status_code == 202
    _wait(stack, sid, 'SHUTOFF')
    assert _action(stack, sid, {'resize': {'flavorRef': '2'}}).\
        status_code == 202
    shown = _wait(stack, sid, 'VERIFY_RESIZE')
    assert shown['OS-EXT-STS:power_state'] == 4
    assert _action(stack, sid, {'revertResize': None}).status_code == 202
    _wait(stack, sid, 'SHUTOFF')
    assert _host(sid) == 'compute1'


def test_resize_keeps_the_disk_config_of_its_body(stack, two_hosts):
    sid = ma._boot(stack, 'rz-dcf')['id']
    assert _wait(stack, sid, 'ACTIVE')['OS-DCF:diskConfig'] == 'MANUAL'
    assert _action(stack, sid, {'resize': {
        'flavorRef': '2', 'OS-DCF:diskConfig': 'AUTO'}}).status_code == 202
    assert _wait(stack, sid, 'VERIFY_RESIZE')['OS-DCF:diskConfig'] == 'AUTO'
    # The confirm answers with nova's 204, taking {} as tempest sends it.
    assert _action(stack, sid, {'confirmResize': {}}).status_code == 204
    assert _wait(stack, sid, 'ACTIVE')['OS-DCF:diskConfig'] == 'AUTO'


def test_resize_without_a_second_host(stack):
    server = ma._boot(stack, 'lonely')
    sid = server['id']
    msg = _fault(_action(stack, sid, {'resize': {'flavorRef': '2'}}), 400)
    assert msg.startswith('No valid host was found.')
    shown = _wait(stack, sid, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    # Refused: nothing recorded.
    assert _migrations(stack) == []
    actions = stack.request('GET', '/v2.1/servers/%s/os-instance-actions'
                            % sid, token=ADMIN).json()['instanceActions']
    assert [a['action'] for a in actions] == ['create']
    msg = _fault(_action(stack, sid, {'migrate': None}), 400)
    assert msg == 'No valid host was found. No valid host found for cold ' \
        'migrate'
    assert _migrations(stack) == []


def test_resize_to_same_host_when_allowed(tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        (None, 'allow_resize_to_same_host', True)])
    stack = stack_fixture.Stack(conf).start()
    try:
        ma._ma_type(stack)
        server = ma._boot(stack, 'same')
        other = ma._boot(stack, 'same-other')
        volume = ma._volume(stack, multiattach=True)
        for sid in (server['id'], other['id']):
            assert ma._attach(stack, sid, volume['id']).status_code == 200
        ma._wait_attached(stack, volume['id'], [server['id'], other['id']])
        driver = stack.aio.compute_manager.driver
        assert driver.host_connections == {volume['id']: 2}
        assert _action(stack, server['id'],
                       {'resize': {'flavorRef': '2'}}).status_code == 202
        _wait(stack, server['id'], 'VERIFY_RESIZE')
        assert _host(server['id']) == 'compute1'
        assert driver.host_connections == {volume['id']: 2}
        assert _action(stack, server['id'],
                       {'revertResize': None}).status_code == 202
        _wait(stack, server['id'], 'ACTIVE')
        assert driver.host_connections == {volume['id']: 2}
        assert driver.disconnects == []
        shown = ma._show_volume(stack, volume['id'])
        assert sorted(a['server_id'] for a in shown['attachments']) == \
            sorted([server['id'], other['id']])
    finally:
        stack.stop()


# -- cold migration ------------------------------------------------------------

def test_migrate(stack, two_hosts):
    server = ma._boot(stack, 'cold')
    sid = server['id']
    member = _action(stack, sid, {'migrate': None}, token='demo:demo')
    assert _fault(member, 403) == (
        "Policy doesn't allow os_compute_api:os-migrate-server:migrate to "
        "be performed.")
    assert _fault(_action(stack, sid, {'migrate': {'host': 'compute1'}},
                          version='2.56'), 400) == \
        'Cannot migrate to the host where the server exists.'
    assert _fault(_action(stack, sid, {'migrate': {'host': 'nowhere'}},
                          version='2.56'), 400) == \
        'Compute host nowhere could not be found.'
    assert _migrations(stack) == []
    resp = _action(stack, sid, {'migrate': {'host': 'compute2'}},
                   version='2.56')
    assert resp.status_code == 202, resp.text
    shown = _wait(stack, sid, 'VERIFY_RESIZE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    assert _host(sid) == 'compute2'
    (mig,) = _migrations(stack)
    assert mig['migration_type'] == 'migration'
    assert mig['old_instance_type_id'] == mig['new_instance_type_id']
    assert 'links' not in mig
    assert _action(stack, sid, {'confirmResize': None}).status_code == 204
    _wait(stack, sid, 'ACTIVE')
    # Back to compute1, where the scheduler is the only choice left.
    assert _action(stack, sid, {'migrate': None}).status_code == 202
    _wait(stack, sid, 'VERIFY_RESIZE')
    assert _host(sid) == 'compute1'
    assert _action(stack, sid, {'revertResize': None}).status_code == 202
    _wait(stack, sid, 'ACTIVE')
    assert _host(sid) == 'compute2'
    statuses = [m['status'] for m in _migrations(stack)]
    assert statuses == ['reverted', 'confirmed']
    # Paging and filters of 2.59 and later see them.
    (newest,) = _migrations(stack, '?limit=1', version='2.59')
    (older,) = _migrations(stack, '?limit=1&marker=%s' % newest['uuid'],
                           version='2.59')
    assert newest['status'] == 'reverted' and older['status'] == 'confirmed'
    assert [m['status'] for m in _migrations(
        stack, '?migration_type=migration&status=confirmed')] == [
        'confirmed']
    # 2.66: changes-before.
    assert len(_migrations(stack, '?changes-before=2999-01-01T00:00:00Z',
                           version='2.66')) == 2
    assert _migrations(stack, '?changes-before=2000-01-01T00:00:00Z',
                       version='2.66') == []
    # Only in-progress live migrations have links.
    assert 'uuid' in newest and 'links' not in newest


# -- live migration --------------------------------------------------------------

def test_live_migration(stack, two_hosts):
    server = ma._boot(stack, 'live')
    sid = server['id']
    volume = ma._volume(stack)
    assert ma._attach(stack, sid, volume['id']).status_code == 200
    ma._wait_attached(stack, volume['id'], [sid])
    first, second = two_hosts
    body = {'os-migrateLive': {'host': None, 'block_migration': 'auto'}}
    assert _fault(_action(stack, sid, body, version='2.24'), 400)
    forced = {'os-migrateLive': {'host': None, 'block_migration': 'auto',
                                 'force': True}}
    assert _fault(_action(stack, sid, forced, version='2.30'), 400) == \
        "Can't force to a non-provided destination"
    assert _fault(_action(stack, sid, forced, version='2.68'), 400)
    resp = _action(stack, sid, body, version='2.68')
    assert resp.status_code == 202, resp.text
    ma._wait(lambda: _host(sid) == 'compute2' and
             _migrations(stack)[0]['status'] == 'completed')
    _wait(stack, sid, 'ACTIVE')
    (mig,) = _migrations(stack)
    assert mig['migration_type'] == 'live-migration'
    assert 'links' not in mig
    assert first.driver.host_connections == {}
    assert second.driver.host_connections == {volume['id']: 1}
    (attachment,) = ma._show_volume(stack, volume['id'])['attachments']
    assert attachment['host_name'] == 'compute2'
    (item,) = ma._attachments(stack, sid)
    assert item['attachment_id'] == attachment['attachment_id']
    # Before 2.25 the choice of the destination is answered: back to the
    # source is refused.
    same = {'os-migrateLive': {'host': 'compute2', 'block_migration': False,
                               'disk_over_commit': False}}
    assert 'to current host' in _fault(
        _action(stack, sid, same, version='2.1'), 400)
    assert _fault(_action(stack, sid, {'os-migrateLive': {
        'host': 'nowhere', 'block_migration': 'auto'}}, version='2.68'),
        400) == 'Compute host nowhere could not be found.'


def _paused_live_migration(stack, sid, seconds=30):
    stack.conf.set_override('pause_at', ['live_migration'],
                            group='fake_driver')
    stack.conf.set_override('pause_seconds', seconds, group='fake_driver')
    body = {'os-migrateLive': {'host': 'compute2',
                               'block_migration': 'auto'}}
    assert _action(stack, sid, body, version='2.68').status_code == 202

    def running():
        found = stack.request('GET', '/v2.1/servers/%s/migrations' % sid,
                              token=ADMIN, version='2.80').json()
        return found['migrations'] if found['migrations'] and \
            found['migrations'][0]['status'] == 'running' else None
    (mig,) = ma._wait(running)
    return mig


def test_live_migration_force_complete_and_abort(stack, two_hosts):
    server = ma._boot(stack, 'live-ctl')
    sid = server['id']
    path = '/v2.1/servers/%s/migrations' % sid
    try:
        mig = _paused_live_migration(stack, sid)
        assert mig['source_compute'] == 'compute1'
        assert mig['dest_compute'] == 'compute2'
        listed = _migrations(stack, '', version='2.23')
        assert listed[0]['links'][0]['href'].endswith(
            '/servers/%s/migrations/%s' % (sid, mig['id']))
        shown = stack.request('GET', '%s/%s' % (path, mig['id']),
                              token=ADMIN, version='2.80')
        assert shown.status_code == 200, shown.text
        assert shown.json()['migration']['server_uuid'] == sid
        assert stack.request(
            'POST', '%s/%s/action' % (path, mig['id']), token=ADMIN,
            version='2.21', json={'force_complete': None}).status_code == 404
        resp = stack.request('POST', '%s/%s/action' % (path, mig['id']),
                             token=ADMIN, version='2.22',
                             json={'force_complete': None})
        assert resp.status_code == 202, resp.text
        ma._wait(lambda: _host(sid) == 'compute2')
        _wait(stack, sid, 'ACTIVE')
        # Not running any more.
        resp = stack.request('POST', '%s/%s/action' % (path, mig['id']),
                             token=ADMIN, version='2.22',
                             json={'force_complete': None})
        assert _fault(resp, 409)
        # Abort the way back.
        mig = None
        body = {'os-migrateLive': {'host': 'compute1',
                                   'block_migration': 'auto'}}
        assert _action(stack, sid, body, version='2.68').status_code == 202

        def running():
            found = stack.request('GET', path, token=ADMIN,
                                  version='2.80').json()['migrations']
            return found if found and found[0]['status'] == 'running' \
                else None
        (mig,) = ma._wait(running)
        resp = stack.request('DELETE', '%s/%s' % (path, mig['id']),
                             token=ADMIN, version='2.23')
        assert resp.status_code == 404
        resp = stack.request('DELETE', '%s/%s' % (path, mig['id']),
                             token=ADMIN, version='2.24')
        assert resp.status_code == 202, resp.text
        _wait(stack, sid, 'ACTIVE')
        ma._wait(lambda: _migrations(stack)[0]['status'] == 'cancelled')
        assert _host(sid) == 'compute2'
        resp = stack.request('DELETE', '%s/%s' % (path, mig['id']),
                             token=ADMIN, version='2.24')
        assert _fault(resp, 409)
        resp = stack.request('DELETE', '%s/999999' % path,
                             token=ADMIN, version='2.24')
        assert resp.status_code in (404, 409)
    finally:
        stack.conf.clear_override('pause_at', group='fake_driver')
        stack.conf.clear_override('pause_seconds', group='fake_driver')


# -- evacuation ------------------------------------------------------------------------

def test_evacuate(stack, two_hosts):
    server = ma._boot(stack, 'evac')
    sid = server['id']
    assert _host(sid) == 'compute1'
    msg = _fault(_action(stack, sid, {'evacuate': {}}, version='2.14'), 400)
    assert msg == 'Compute service of compute1 is still in use.'
    assert _fault(_action(stack, sid, {'evacuate': {'host': 'nowhere'}},
                          version='2.14'), 404) == \
        'Compute host nowhere not found.'
    assert _fault(_action(stack, sid, {'evacuate': {'host': 'compute1'}},
                          version='2.14'), 400) == \
        "The target host can't be the same one."
    assert _fault(_action(stack, sid, {'evacuate': {'force': True}},
                          version='2.29'), 400) == \
        "Can't force to a non-provided destination"
    assert _action(stack, sid, {'evacuate': {}}, version='2.13').\
        status_code == 400
    assert _fault(_action(stack, sid, {'evacuate': {}}, token='demo:demo',
                          version='2.14'), 403)
    assert _migrations(stack) == []
    ctxt = nl_context.get_admin_context()
    svc = service_obj.get_by_host_and_binary(ctxt, 'compute1',
                                             'nova-compute')
    resp = stack.request('PUT', '/v2.1/os-services/%s' % svc.uuid,
                         token=ADMIN, version='2.53',
                         json={'forced_down': True})
    assert resp.status_code == 200, resp.text
    resp = _action(stack, sid, {'evacuate': {'onSharedStorage': False}},
                   version='2.13')
    assert resp.status_code == 200, resp.text
    assert set(resp.json()) == {'adminPass'}
    shown = _wait(stack, sid, 'ACTIVE')
    assert _host(sid) == 'compute2'
    assert shown['OS-EXT-STS:power_state'] == 1
    (mig,) = _migrations(stack)
    assert (mig['migration_type'], mig['status']) == ('evacuation', 'done')
    # From 2.14: 200 without a body.
    other = ma._boot(stack, 'evac-2')
    instance_obj.update(ctxt, other['id'], {'host': 'compute1'})
    resp = _action(stack, other['id'], {'evacuate': {}}, version='2.14')
    assert resp.status_code == 200 and resp.content == b''
    _wait(stack, other['id'], 'ACTIVE')


# -- rescue ----------------------------------------------------------------------------

def test_rescue_and_unrescue(stack):
    server = ma._boot(stack, 'rescue')
    sid = server['id']
    volume = ma._volume(stack)
    assert ma._attach(stack, sid, volume['id']).status_code == 200
    ma._wait_attached(stack, volume['id'], [sid])
    driver = stack.aio.compute_manager.driver
    assert _fault(_action(stack, sid, {'unrescue': None}), 409) == (
        "Cannot 'unrescue' instance %s while it is in vm_state active"
        % sid)
    resp = _action(stack, sid, {'rescue': {'adminPass': 'secret'}},
                   token='demo:demo')
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'adminPass': 'secret'}
    shown = _wait(stack, sid, 'RESCUE')
    assert shown['OS-EXT-STS:vm_state'] == 'rescued'
    assert driver.guests[sid]['rescue_image_ref'] == ma.IMAGE
    assert driver.host_connections == {volume['id']: 1}
    assert _fault(_action(stack, sid, {'rescue': None}), 409)
    assert _action(stack, sid, {'unrescue': None},
                   token='demo:demo').status_code == 202
    _wait(stack, sid, 'ACTIVE')
    assert 'rescue_image_ref' not in driver.guests[sid]
    assert driver.host_connections == {volume['id']: 1}
    (attachment,) = ma._show_volume(stack, volume['id'])['attachments']
    assert attachment['server_id'] == sid
    resp = _action(stack, sid, {'rescue': {'rescue_image_ref': ma.IMAGE}})
    assert resp.status_code == 200 and set(resp.json()) == {'adminPass'}
    _wait(stack, sid, 'RESCUE')


def test_rescue_of_volume_backed_server_needs_2_87(stack):
    volume = ma._volume(stack, image=True, size=1)
    resp = stack.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'bfv', 'flavorRef': '1', 'networks': 'none',
                   'block_device_mapping_v2': [{
                       'boot_index': 0, 'uuid': volume['id'],
                       'source_type': 'volume',
                       'destination_type': 'volume'}]}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    _wait(stack, sid, 'ACTIVE')
    refused = ('Instance %s cannot be rescued: Cannot rescue a '
               'volume-backed instance' % sid)
    msg = _fault(_action(stack, sid, {'rescue': None}, version='2.86'), 400)
    assert msg == refused
    # 2.87 needs a rescue image naming its rescue bus and device.
    assert _fault(_action(stack, sid, {'rescue': None}, version='2.87'),
                  400) == refused
    stable = _rescue_image(stack, hw_rescue_bus='virtio',
                           hw_rescue_device='disk')
    assert _fault(_action(stack, sid, {'rescue': {
        'rescue_image_ref': stable}}, version='2.86'), 400) == refused
    missing = '9d1c7a3e-0000-4000-8000-000000000001'
    assert _fault(_action(stack, sid, {'rescue': {
        'rescue_image_ref': missing}}, version='2.87'), 400) == (
        "Requested rescue image '%s' is not supported" % missing)
    # ... on a host whose driver can.
    driver = stack.aio.compute_manager.driver
    driver.capabilities['supports_bfv_rescue'] = False
    stack.aio.compute_manager.update_available_resource(
        nl_context.get_admin_context())
    assert _fault(_action(stack, sid, {'rescue': {
        'rescue_image_ref': stable}}, version='2.87'), 400) == (
        'Instance %s cannot be rescued: Host unable to rescue a '
        'volume-backed instance' % sid)
    driver.capabilities['supports_bfv_rescue'] = True
    stack.aio.compute_manager.update_available_resource(
        nl_context.get_admin_context())
    assert _action(stack, sid, {'rescue': {'rescue_image_ref': stable}},
                   version='2.87').status_code == 200
    _wait(stack, sid, 'RESCUE')
    assert driver.guests[sid]['rescue_image_ref'] == stable


def _rescue_image(stack, **properties):
    body = dict(properties, name='rescue', disk_format='raw',
                container_format='bare')
    headers = {'X-Auth-Token': 'demo:demo'}
    resp = requests.post(stack.image_base + '/v2/images', json=body,
                         headers=headers, timeout=30)
    assert resp.status_code == 201, resp.text
    image_id = resp.json()['id']
    resp = requests.put(
        stack.image_base + '/v2/images/%s/file' % image_id, data=b'rescue',
        headers=dict(headers, **{'Content-Type': 'application/octet-stream'}),
        timeout=30)
    assert resp.status_code == 204, resp.text
    return image_id


def test_rescue_refuses_a_volume_snapshot_image(stack):
    server = ma._boot(stack, 'rescue-bdm')
    image_id = _rescue_image(stack, block_device_mapping=json.dumps([{
        'boot_index': 0, 'source_type': 'snapshot',
        'destination_type': 'volume',
        'snapshot_id': '0c5e0b4c-0000-4000-8000-000000000002'}]))
    resp = _action(stack, server['id'], {'rescue': {
        'rescue_image_ref': image_id}})
    assert _fault(resp, 400) == (
        "Requested rescue image '%s' is not supported" % image_id)
    shown = stack.request('GET', '/v2.1/servers/%s' % server['id']).json()
    assert shown['server']['status'] == 'ACTIVE'


def test_resize_up_needs_quota(stack, two_hosts):
    server = ma._boot(stack, 'quota')
    sid = server['id']
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo', token=ADMIN,
                         json={'quota_set': {'ram': 1024}})
    assert resp.status_code == 200, resp.text
    msg = _fault(_action(stack, sid, {'resize': {'flavorRef': '2'}},
                         token='demo:demo'), 403)
    assert msg == ('Quota exceeded for ram: Requested 1536, but already '
                   'used 512 of 1024 ram')
    assert _migrations(stack) == []
    # A flavor that is no bigger needs none.
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo', token=ADMIN,
                         json={'quota_set': {'ram': 512}})
    assert resp.status_code == 200, resp.text
    assert _action(stack, sid, {'migrate': None}).status_code == 202
    _wait(stack, sid, 'VERIFY_RESIZE')


def test_the_server_takes_the_zone_of_its_new_host(stack, two_hosts):
    resp = stack.request('POST', '/v2.1/os-aggregates', token=ADMIN,
                         json={'aggregate': {'name': 'agg2',
                                             'availability_zone': 'az2'}})
    assert resp.status_code == 200, resp.text
    agg = resp.json()['aggregate']['id']
    resp = stack.request('POST', '/v2.1/os-aggregates/%s/action' % agg,
                         token=ADMIN,
                         json={'add_host': {'host': 'compute2'}})
    assert resp.status_code == 200, resp.text
    server = ma._boot(stack, 'zoned')
    sid = server['id']
    assert _host(sid) == 'compute1'

    def zone():
        return stack.request('GET', '/v2.1/servers/%s' % sid, token=ADMIN,
                             ).json()['server']['OS-EXT-AZ:availability_zone']
    assert zone() == 'nova'
    assert _action(stack, sid, {'migrate': None}).status_code == 202
    _wait(stack, sid, 'VERIFY_RESIZE')
    assert zone() == 'az2'
    assert _action(stack, sid, {'revertResize': None}).status_code == 202
    _wait(stack, sid, 'ACTIVE')
    assert zone() == 'nova'
    body = {'os-migrateLive': {'host': None, 'block_migration': 'auto'}}
    assert _action(stack, sid, body, version='2.68').status_code == 202
    ma._wait(lambda: _host(sid) == 'compute2')
    _wait(stack, sid, 'ACTIVE')
    assert zone() == 'az2'
