"""/os-assisted-volume-snapshots over HTTP against the whole stack: the
snapshot reaches the fake driver of the volume's host, and every refusal
is nova's 400 with its text."""

import json
import time
import urllib.parse
import uuid

from tests.functional import test_multiattach as ma

ADMIN = 'admin:admin'
PATH = '/v2.1/os-assisted-volume-snapshots'


def _create_body(volume_id, snapshot_id, **extra):
    info = {'snapshot_id': snapshot_id, 'type': 'qcow2',
            'new_file': 'volume-%s.%s' % (volume_id, snapshot_id[:8])}
    info.update(extra)
    return {'snapshot': {'volume_id': volume_id, 'create_info': info}}


def _delete_path(snapshot_id, delete_info, **extra):
    query = {'delete_info': json.dumps(delete_info)}
    query.update(extra)
    return '%s/%s?%s' % (PATH, snapshot_id, urllib.parse.urlencode(query))


def _driver_snapshots(stack, server_id):
    guest = stack.aio.compute_manager.driver.guests[server_id]
    return dict(guest.get('volume_snapshots', {}))


def _wait(predicate):
    deadline = time.monotonic() + 10
    while not predicate():
        assert time.monotonic() < deadline, 'timed out'
        time.sleep(0.02)


def _attached_server(stack, name='avs'):
    server = ma._boot(stack, name)
    volume = ma._volume(stack)
    assert ma._attach(stack, server['id'], volume['id']).status_code == 200
    stack.wait_for_volume(volume['id'], 'in-use')
    return server, volume


def test_create_and_delete_reach_the_driver(stack):
    server, volume = _attached_server(stack)
    snapshot_id = str(uuid.uuid4())
    resp = stack.request('POST', PATH, token=ADMIN, json=_create_body(
        volume['id'], snapshot_id, id=snapshot_id))
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'snapshot': {'id': snapshot_id,
                                        'volumeId': volume['id']}}
    _wait(lambda: snapshot_id in _driver_snapshots(stack, server['id']))
    kept = _driver_snapshots(stack, server['id'])[snapshot_id]
    assert kept['volume_id'] == volume['id']
    assert kept['type'] == 'qcow2'

    resp = stack.request('DELETE', _delete_path(snapshot_id, {
        'volume_id': volume['id'], 'type': 'qcow2',
        'file_to_merge': None, 'merge_target_file': None}), token=ADMIN)
    assert resp.status_code == 204, resp.text
    assert resp.content == b''
    _wait(lambda: snapshot_id not in _driver_snapshots(stack, server['id']))


def test_create_without_an_id_answers_null(stack):
    _server, volume = _attached_server(stack)
    resp = stack.request('POST', PATH, token=ADMIN, json=_create_body(
        volume['id'], str(uuid.uuid4())))
    assert resp.status_code == 200, resp.text
    assert resp.json()['snapshot']['id'] is None


def test_refusals(stack):
    ma._ma_type(stack)
    a = ma._boot(stack, 'avs-a')
    b = ma._boot(stack, 'avs-b')
    shared = ma._volume(stack, multiattach=True)
    for server in (a, b):
        assert ma._attach(stack, server['id'], shared['id']).status_code \
            == 200
    ma._wait_attached(stack, shared['id'], [a['id'], b['id']])
    loose = ma._volume(stack, name='loose')

    def refused(resp, message):
        assert resp.status_code == 400, resp.text
        assert resp.json() == {'badRequest': {'code': 400,
                                              'message': message}}

    refused(stack.request('POST', PATH, token=ADMIN, json=_create_body(
        shared['id'], str(uuid.uuid4()))),
        'Block Device Mapping %s is a multi-attach volume and is not valid '
        'for this operation.' % shared['id'])
    refused(stack.request('POST', PATH, token=ADMIN, json=_create_body(
        loose['id'], str(uuid.uuid4()))),
        'No volume Block Device Mapping with id %s.' % loose['id'])
    refused(stack.request('DELETE', _delete_path(
        str(uuid.uuid4()), {'volume_id': loose['id']}), token=ADMIN),
        'No volume Block Device Mapping with id %s.' % loose['id'])
    # delete_info missing, not JSON, or without the volume.
    refused(stack.request('DELETE', '%s/%s' % (PATH, uuid.uuid4()),
                          token=ADMIN), "'delete_info'")
    resp = stack.request('DELETE', '%s/%s?delete_info=nope' % (
        PATH, uuid.uuid4()), token=ADMIN)
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'].startswith('Expecting value')
    refused(stack.request('DELETE', _delete_path(str(uuid.uuid4()), {}),
                          token=ADMIN), "'volume_id'")
    # Only qcow2 overlays, and nothing but the known keys.
    resp = stack.request('POST', PATH, token=ADMIN, json=_create_body(
        loose['id'], str(uuid.uuid4()), type='raw'))
    assert resp.status_code == 400
    assert "'raw' is not one of ['qcow2']" in \
        resp.json()['badRequest']['message']
    # Unknown query parameters: ignored up to 2.74, refused from 2.75.
    path = _delete_path(str(uuid.uuid4()), {'volume_id': loose['id']},
                        other='1')
    assert stack.request('DELETE', path, token=ADMIN,
                         version='2.74').json()['badRequest']['message'] \
        == 'No volume Block Device Mapping with id %s.' % loose['id']
    resp = stack.request('DELETE', path, token=ADMIN, version='2.75')
    assert resp.status_code == 400
    assert 'Additional properties are not allowed' in \
        resp.json()['badRequest']['message']


def test_a_server_with_a_task_is_refused(stack):
    server, volume = _attached_server(stack, 'avs-busy')
    from nova_lite import context as nl_context
    from nova_lite.objects import instance as instance_obj
    ctx = nl_context.get_admin_context()
    instance_obj.update(ctx, server['id'], {'task_state': 'rebooting'})
    resp = stack.request('POST', PATH, token=ADMIN, json=_create_body(
        volume['id'], str(uuid.uuid4())))
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Instance %s in task_state rebooting. Cannot volume_snapshot_create '
        'while the instance is in this state.' % server['id'])


def test_members_are_refused(stack):
    _server, volume = _attached_server(stack, 'avs-member')
    resp = stack.request('POST', PATH, json=_create_body(
        volume['id'], str(uuid.uuid4())))
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-assisted-volume-snapshots:"
        "create to be performed.")
