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
