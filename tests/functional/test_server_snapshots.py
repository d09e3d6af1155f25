"""createImage of image-backed servers through the stack (fake driver,
built-in image service)."""

import requests

from nova_lite.virt import fake

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _server(stack, name='vm', token='demo:demo'):
    resp = stack.request('POST', '/v2.1/servers', token=token, json={
        'server': {'name': name, 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE', token=token)
    return sid


def _action(stack, sid, body, token='demo:demo', version=None):
    return stack.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                         token=token, version=version)


def _image(stack, image_id, token='demo:demo'):
    resp = requests.get(stack.image_base + '/v2/images/%s' % image_id,
                        headers={'X-Auth-Token': token}, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _image_data(stack, image_id, token='demo:demo'):
    resp = requests.get(stack.image_base + '/v2/images/%s/file' % image_id,
                        headers={'X-Auth-Token': token}, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.content


def _wait_image(stack, image_id, status='active', token='demo:demo'):
    import time
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        image = _image(stack, image_id, token)
        if image['status'] == status:
            return image
        time.sleep(0.05)
    raise AssertionError('image %s is %s' % (image_id, image['status']))


def test_create_image_2_45_body_and_uploaded_disk(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'createImage': {
        'name': 'snap', 'metadata': {'purpose': 'test'}}}, version='2.45')
    assert resp.status_code == 202, resp.text
    assert 'Location' not in resp.headers
    image_id = resp.json()['image_id']
    stack.wait_for_server(sid, 'ACTIVE')
    image = _wait_image(stack, image_id)
    assert image['name'] == 'snap'
    assert image['visibility'] == 'private'
    assert image['owner'] == 'demo'
    assert image['instance_uuid'] == sid
    assert image['image_type'] == 'snapshot'
    assert image['base_image_ref'] == IMAGE
    assert image['user_id'] == 'demo'
    assert image['purpose'] == 'test'
    assert image['disk_format'] == 'raw'
    assert image['container_format'] == 'bare'
    server = stack.request('GET', '/v2.1/servers/%s' % sid).json()['server']
    data = _image_data(stack, image_id)
    assert data == fake.snapshot_data(_Inst(sid, 'vm', IMAGE), 1)
    assert server['OS-EXT-STS:task_state'] is None


class _Inst:
    def __init__(self, uuid, name, image_ref):
        self.uuid = uuid
        self.display_name = name
        self.image_ref = image_ref


def test_create_image_before_2_45_answers_a_location(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'createImage': {'name': 'snap'}},
                   version='2.44')
    assert resp.status_code == 202, resp.text
    assert resp.text == ''
    location = resp.headers['Location']
    image_id = location.rsplit('/', 1)[1]
    assert location == '%s/images/%s' % (stack.image_base, image_id)
    _wait_image(stack, image_id)


def _task_states(stack, sid, body, seen):
    """Run an action, noting each task state the server shows until its
    task ends."""
    import time
    resp = _action(stack, sid, body, version='2.45')
    assert resp.status_code == 202, resp.text
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        server = stack.request('GET', '/v2.1/servers/%s' % sid).json()[
            'server']
        state = server['OS-EXT-STS:task_state']
        if state is not None and (not seen or seen[-1] != state):
            seen.append(state)
        if state is None and seen:
            return resp.json()['image_id']
        time.sleep(0.02)
    raise AssertionError('task did not end: %s' % seen)


def test_snapshot_task_states_action_and_lock(tmp_path):
    from tests.fixtures import stack as stack_fixture
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('fake_driver', 'pause_at', ['snapshot']),
        ('fake_driver', 'pause_seconds', 1)])
    stack = stack_fixture.Stack(conf).start()
    try:
        sid = _server(stack)
        # A lock does not keep the owner from snapshotting (as nova).
        assert _action(stack, sid, {'lock': None}).status_code == 202
        seen = []
        image_id = _task_states(stack, sid, {'createImage': {'name': 's'}},
                                seen)
        # The driver holds the snapshot while the disk is "captured".
        assert 'image_pending_upload' in seen, seen
        assert set(seen) <= {'image_snapshot_pending', 'image_snapshot',
                             'image_pending_upload', 'image_uploading'}
        assert _wait_image(stack, image_id)['status'] == 'active'
        actions = stack.request(
            'GET', '/v2.1/servers/%s/os-instance-actions' % sid).json()[
            'instanceActions']
        assert actions[0]['action'] == 'createImage'
        detail = stack.request(
            'GET', '/v2.1/servers/%s/os-instance-actions/%s' % (
                sid, actions[0]['request_id']), version='2.51',
            token='admin:admin').json()['instanceAction']
        assert [e['event'] for e in detail['events']] == [
            'compute_snapshot_instance']
        assert detail['events'][0]['result'] == 'Success'
    finally:
        stack.stop()


def test_snapshot_states_and_bad_bodies(stack):
    sid = _server(stack)
    for body in ({'createImage': {}}, {'createImage': {'name': ''}},
                 {'createImage': {'name': 's', 'extra': 1}},
                 {'createImage': {'name': ' s'}},
                 {'createImage': {'name': 's', 'metadata': {'k': 1}}},
                 {'createImage': None}):
        resp = _action(stack, sid, body)
        assert resp.status_code == 400, (body, resp.text)
        assert 'badRequest' in resp.json()
    assert _action(stack, sid, {'pause': None}).status_code == 202
    stack.wait_for_server(sid, 'PAUSED')
    resp = _action(stack, sid, {'createImage': {'name': 'paused'}},
                   version='2.45')
    assert resp.status_code == 202, resp.text
    _wait_image(stack, resp.json()['image_id'])
    stack.wait_for_server(sid, 'PAUSED')
    assert _action(stack, sid, {'unpause': None}).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')
    assert _action(stack, sid, {'os-stop': None}).status_code == 202
    stack.wait_for_server(sid, 'SHUTOFF')
    resp = _action(stack, sid, {'createImage': {'name': 'off'}},
                   version='2.45')
    assert resp.status_code == 202
    _wait_image(stack, resp.json()['image_id'])
    stack.conf.set_override('shelved_offload_time', -1)
    assert _action(stack, sid, {'shelve': None}).status_code == 202
    stack.wait_for_server(sid, 'SHELVED')
    images_before = _list_images(stack)
    resp = _action(stack, sid, {'createImage': {'name': 'shelved'}})
    assert resp.status_code == 409
    assert resp.json() == {'conflictingRequest': {
        'code': 409,
        'message': "Cannot 'createImage' instance %s while it is in "
                   "vm_state shelved" % sid}}
    resp = _action(stack, sid, {'createBackup': {
        'name': 'b', 'backup_type': 'daily', 'rotation': 1}})
    assert resp.status_code == 409
    assert resp.json()['conflictingRequest']['message'] == (
        "Cannot 'createBackup' instance %s while it is in vm_state "
        "shelved" % sid)
    # No image is left behind by a refused request.
    assert _list_images(stack) == images_before


def _list_images(stack, token='demo:demo', **params):
    resp = requests.get(stack.image_base + '/v2/images', params=params,
                        headers={'X-Auth-Token': token}, timeout=30)
    assert resp.status_code == 200, resp.text
    return sorted(i['id'] for i in resp.json()['images'])


def test_image_metadata_quota_before_2_39(stack):
    sid = _server(stack)
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo',
                         token='admin:admin',
                         json={'quota_set': {'metadata_items': 1}})
    assert resp.status_code == 200, resp.text
    metadata = {'a': '1', 'b': '2'}
    resp = _action(stack, sid, {'createImage': {
        'name': 's', 'metadata': metadata}}, version='2.38')
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {
        'code': 403, 'message': 'Image metadata limit exceeded'}}
    resp = _action(stack, sid, {'createBackup': {
        'name': 's', 'backup_type': 'daily', 'rotation': 1,
        'metadata': metadata}}, version='2.38')
    assert resp.status_code == 403
    resp = _action(stack, sid, {'createImage': {
        'name': 's', 'metadata': metadata}}, version='2.39')
    assert resp.status_code == 202, resp.text


def test_admin_snapshot_of_another_project_is_shared(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'createImage': {'name': 'by-admin'}},
                   token='admin:admin', version='2.45')
    assert resp.status_code == 202, resp.text
    image_id = resp.json()['image_id']
    image = _wait_image(stack, image_id, token='admin:admin')
    assert image['visibility'] == 'shared'
    assert image['owner'] == 'admin'
    assert 'instance_owner' not in image
    resp = requests.get(
        stack.image_base + '/v2/images/%s/members' % image_id,
        headers={'X-Auth-Token': 'admin:admin'}, timeout=30)
    assert [m['member_id'] for m in resp.json()['members']] == ['demo']


def test_snapshot_of_a_snapshot_keeps_the_base_image(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'createImage': {
        'name': 'first', 'metadata': {'hw_disk_bus': 'virtio'}}},
        version='2.45')
    first = resp.json()['image_id']
    _wait_image(stack, first)
    stack.wait_for_server(sid, 'ACTIVE')
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'second', 'flavorRef': '1', 'imageRef': first}})
    assert resp.status_code == 202, resp.text
    second = resp.json()['server']['id']
    stack.wait_for_server(second, 'ACTIVE')
    resp = _action(stack, second, {'createImage': {'name': 'again'}},
                   version='2.45')
    image = _wait_image(stack, resp.json()['image_id'])
    assert image['base_image_ref'] == IMAGE
    assert image['instance_uuid'] == second
    # Inherited from the image the server booted from.
    assert image['hw_disk_bus'] == 'virtio'
    assert 'image_type' in image and image['image_type'] == 'snapshot'
    # The disk of the second server says it booted from the first image.
    assert ('image %s' % first).encode() in _image_data(
        stack, image['id'])


# -- createBackup -----------------------------------------------------------

def _backup(stack, sid, name, rotation, backup_type='daily',
            version='2.45'):
    resp = _action(stack, sid, {'createBackup': {
        'name': name, 'backup_type': backup_type, 'rotation': rotation}},
        version=version)
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'ACTIVE')
    return resp


def _backups(stack, sid, backup_type='daily', expected=None):
    """The names of the server's backups, oldest first; with
    ``expected``, once they are those (the rotation follows the end of
    the task, as in nova)."""
    import time
    deadline = time.monotonic() + 10
    names = _backup_names(stack, sid, backup_type)
    while expected is not None and names != expected and \
            time.monotonic() < deadline:
        time.sleep(0.05)
        names = _backup_names(stack, sid, backup_type)
    return names


def _backup_names(stack, sid, backup_type):
    resp = requests.get(stack.image_base + '/v2/images', params={
        'image_type': 'backup', 'backup_type': backup_type,
        'instance_uuid': sid, 'sort_key': 'created_at', 'sort_dir': 'asc'},
        headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    return [i['name'] for i in resp.json()['images']]


def test_backup_rotation(stack):
    sid = _server(stack)
    first = _backup(stack, sid, 'b1', 2).json()['image_id']
    image = _wait_image(stack, first)
    assert image['image_type'] == 'backup'
    assert image['backup_type'] == 'daily'
    assert image['instance_uuid'] == sid
    # A backup keeps the image's formats.
    assert image['disk_format'] == 'raw'
    _backup(stack, sid, 'b2', 2)
    _backup(stack, sid, 'weekly', 2, backup_type='weekly')
    _backup(stack, sid, 'b3', 2)
    # The oldest daily went; the weekly one is another rotation.
    assert _backups(stack, sid, expected=['b2', 'b3']) == ['b2', 'b3']
    assert _backups(stack, sid, 'weekly') == ['weekly']
    resp = _backup(stack, sid, 'b4', 1, version='2.44')
    assert resp.text == ''
    location = resp.headers['Location']
    assert location.startswith(stack.base + '/v2.1/images/')
    assert _backups(stack, sid, expected=['b4']) == ['b4']
    # Rotation 0: no Location, and every daily backup goes, the new one
    # too.
    resp = _backup(stack, sid, 'b5', 0, version='2.44')
    assert 'Location' not in resp.headers
    assert _backups(stack, sid, expected=[]) == []
    _backup(stack, sid, 'b6', '0')
    assert _backups(stack, sid, expected=[]) == []
    for bad in ({'name': 'b', 'backup_type': 'daily'},
                {'name': 'b', 'backup_type': 'daily', 'rotation': -1},
                {'name': 'b', 'backup_type': 'daily', 'rotation': 'x'},
                {'name': 'b', 'rotation': 1},
                {'name': 'b', 'backup_type': 1, 'rotation': 1}):
        resp = _action(stack, sid, {'createBackup': bad})
        assert resp.status_code == 400, (bad, resp.text)


def test_image_tasks_of_a_snapshot(stack):
    sid = _server(stack)
    resp = _action(stack, sid, {'createImage': {'name': 's'}},
                   version='2.45')
    image_id = resp.json()['image_id']
    _wait_image(stack, image_id)
    resp = requests.get(stack.image_base + '/v2/images/%s/tasks' % image_id,
                        headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    assert resp.status_code == 200
    assert resp.json() == {'tasks': []}
    # Another project does not see the private snapshot.
    resp = requests.get(stack.image_base + '/v2/images/%s/tasks' % image_id,
                        headers={'X-Auth-Token': 'other:other'}, timeout=30)
    assert resp.status_code == 404


def test_snapshot_after_a_rebuild_names_the_new_image(stack):
    sid = _server(stack)
    resp = requests.post(stack.image_base + '/v2/images', json={
        'name': 'other', 'disk_format': 'raw', 'container_format': 'bare',
        'hw_vif_model': 'virtio'}, headers={'X-Auth-Token': 'demo:demo'},
        timeout=30)
    other = resp.json()['id']
    resp = requests.put(stack.image_base + '/v2/images/%s/file' % other,
                        data=b'other disk', timeout=30, headers={
                            'X-Auth-Token': 'demo:demo',
                            'Content-Type': 'application/octet-stream'})
    assert resp.status_code == 204
    resp = _action(stack, sid, {'rebuild': {'imageRef': other}})
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'ACTIVE')
    resp = _action(stack, sid, {'createImage': {'name': 'after'}},
                   version='2.45')
    image = _wait_image(stack, resp.json()['image_id'])
    assert image['base_image_ref'] == other
    assert image['hw_vif_model'] == 'virtio'
