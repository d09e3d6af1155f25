"""The rebuild server action per microversion, image- and volume-backed."""

import base64

import jsonschema
import pytest

from nova_lite.api import microversion
from nova_lite.api.schemas import action_responses

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
OTHER = 'a2459075-d96c-40d5-893e-577ff92e721c'
ADMIN = 'admin:admin'


@pytest.fixture
def images(stack):
    stack.conf.set_override('images', ['%s:cirros' % IMAGE,
                                       '%s:other' % OTHER],
                            group='image_catalog')
    stack.seed_images()


@pytest.fixture
def v293(monkeypatch):
    """Requests up to 2.93 accepted, whatever the maximum served."""
    if not microversion.APIVersion(microversion.MAX_VERSION).matches(
            '2.93'):
        monkeypatch.setattr(microversion, 'MAX_VERSION', '2.93')


def _server(stack, name='vm', version=None, **extra):
    server = {'name': name, 'flavorRef': '1', 'imageRef': IMAGE}
    server.update(extra)
    if version:
        server.setdefault('networks', 'none')
    resp = stack.request('POST', '/v2.1/servers', json={'server': server},
                         version=version)
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _rebuild(stack, sid, version=None, token='demo:demo', **body):
    body.setdefault('imageRef', OTHER)
    return stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'rebuild': body}, version=version,
                         token=token)


def test_rebuild_to_another_image(stack, images):
    sid = _server(stack)
    resp = _rebuild(stack, sid, name='renamed', metadata={'a': 'b'},
                    adminPass='secret', accessIPv4='10.0.0.9')
    assert resp.status_code == 202, resp.text
    server = resp.json()['server']
    assert server['id'] == sid
    assert server['status'] == 'REBUILD'
    assert server['image']['id'] == OTHER
    assert server['name'] == 'renamed'
    assert server['metadata'] == {'a': 'b'}
    assert server['accessIPv4'] == '10.0.0.9'
    assert server['adminPass'] == 'secret'
    assert 'OS-EXT-STS:vm_state' not in server
    assert 'locked' not in server
    shown = stack.wait_for_server(sid, 'ACTIVE')
    assert shown['image']['id'] == OTHER
    assert shown['name'] == 'renamed'
    console = stack.request('POST', '/v2.1/servers/%s/action' % sid, json={
        'os-getConsoleOutput': {}}).json()['output']
    assert 'Rebuilding from image %s' % OTHER in console
    assert 'Booting renamed from image %s' % OTHER in console


def test_generated_password_and_password_off(stack, images):
    sid = _server(stack)
    resp = _rebuild(stack, sid)
    assert len(resp.json()['server']['adminPass']) >= 8
    stack.wait_for_server(sid, 'ACTIVE')
    stack.conf.set_override('enable_instance_password', False, group='api')
    resp = _rebuild(stack, sid, adminPass='x')
    assert resp.status_code == 202
    assert 'adminPass' not in resp.json()['server']
    stack.wait_for_server(sid, 'ACTIVE')


@pytest.mark.parametrize('version,full', [('2.74', False), ('2.75', True)])
def test_full_view_from_275(stack, images, version, full):
    sid = _server(stack)
    resp = _rebuild(stack, sid, version=version)
    assert resp.status_code == 202, resp.text
    jsonschema.validate(resp.json(),
                        action_responses.server_rebuild(version))
    server = resp.json()['server']
    assert ('OS-EXT-STS:task_state' in server) is full
    assert ('OS-EXT-AZ:availability_zone' in server) is full
    assert ('os-extended-volumes:volumes_attached' in server) is full
    assert server['locked'] is False
    assert server['locked_reason'] is None
    assert server['server_groups'] == []
    assert 'key_name' in server
    assert server['user_data'] is None
    assert 'OS-EXT-SRV-ATTR:user_data' not in server
    if full:
        assert server['OS-EXT-STS:task_state'] == 'rebuilding'
    stack.wait_for_server(sid, 'ACTIVE')
    resp = _rebuild(stack, sid, version=version, token=ADMIN)
    jsonschema.validate(resp.json(),
                        action_responses.server_rebuild(version))
    admin = resp.json()['server']
    assert ('OS-EXT-SRV-ATTR:host' in admin) is full
    stack.wait_for_server(sid, 'ACTIVE')


def test_microversioned_fields(stack, images):
    sid = _server(stack)
    user_data = base64.b64encode(b'#!/bin/sh\necho hi\n').decode()
    for version, field, value in (('2.18', 'description', 'd'),
                                  ('2.53', 'key_name', None),
                                  ('2.56', 'user_data', user_data),
                                  ('2.62', 'trusted_image_certificates',
                                   ['0b5d2c72-12cc-4ba6-a8d7-3ff5cc1d8cb8']),
                                  ('2.89', 'hostname', 'new-name')):
        resp = _rebuild(stack, sid, version=version, **{field: value})
        assert resp.status_code == 400, (version, field)
        assert 'badRequest' in resp.json()
    resp = _rebuild(stack, sid, version='2.57', description='d',
                    key_name=None, user_data=user_data)
    assert resp.status_code == 202, resp.text
    server = resp.json()['server']
    assert server['description'] == 'd'
    assert server['key_name'] is None
    assert server['user_data'] == user_data
    stack.wait_for_server(sid, 'ACTIVE')
    resp = _rebuild(stack, sid, version='2.57', user_data='not base64!')
    assert resp.status_code == 400
    resp = _rebuild(stack, sid, version='2.57', user_data=None)
    assert resp.status_code == 202
    assert resp.json()['server']['user_data'] is None
    stack.wait_for_server(sid, 'ACTIVE')


def test_personality_until_257(stack, images):
    sid = _server(stack)
    files = [{'path': '/etc/motd', 'contents': 'aGk='}]
    assert _rebuild(stack, sid, version='2.56',
                    personality=files).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')
    assert _rebuild(stack, sid, version='2.57',
                    personality=files).status_code == 400


def test_hostname_from_290(stack, images, v293):
    sid = _server(stack)
    resp = _rebuild(stack, sid, version='2.90', hostname='new-host')
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'ACTIVE')
    shown = stack.request('GET', '/v2.1/servers/%s' % sid, version='2.3',
                          token=ADMIN).json()['server']
    assert shown['OS-EXT-SRV-ATTR:hostname'] == 'new-host'
    assert _rebuild(stack, sid, version='2.90',
                    hostname='bad_host!').status_code == 400


def test_unknown_key_name_and_image(stack, images):
    sid = _server(stack)
    resp = _rebuild(stack, sid, version='2.54', key_name='nokey')
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {
        'code': 400, 'message': 'Invalid key_name provided.'}}
    resp = _rebuild(stack, sid, imageRef='7a2e5a0e-1c2b-4a5e-9f1d-'
                                         '000000000000')
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {
        'code': 400, 'message': 'Cannot find image for rebuild'}}
    for bad in ({'imageRef': 'not-a-uuid'}, {'name': ''},
                {'metadata': 'x'}, {'preserve_ephemeral': 'maybe'},
                {'OS-DCF:diskConfig': 'SOMETIMES'}, {'extra': 1}):
        assert _rebuild(stack, sid, **bad).status_code == 400, bad
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'rebuild': {'name': 'x'}})
    assert resp.status_code == 400
    # Nothing was written by the refused requests.
    shown = stack.request('GET', '/v2.1/servers/%s' % sid).json()['server']
    assert shown['image']['id'] == IMAGE
    assert shown['status'] == 'ACTIVE'


def test_state_checks(stack, images):
    sid = _server(stack)
    assert stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'pause': None}).status_code == 202
    stack.wait_for_server(sid, 'PAUSED')
    resp = _rebuild(stack, sid)
    assert resp.status_code == 409
    assert resp.json() == {'conflictingRequest': {
        'code': 409, 'message': "Cannot 'rebuild' instance %s while it is "
                                "in vm_state paused" % sid}}


def test_rebuild_of_a_stopped_server_leaves_it_stopped(stack, images):
    sid = _server(stack)
    stack.request('POST', '/v2.1/servers/%s/action' % sid,
                  json={'os-stop': None})
    stack.wait_for_server(sid, 'SHUTOFF')
    assert _rebuild(stack, sid).status_code == 202
    shown = stack.wait_for_server(sid, 'SHUTOFF')
    assert shown['image']['id'] == OTHER
    assert shown['OS-EXT-STS:power_state'] == 4


# -- volume-backed -------------------------------------------------------------

def _volume(stack, image=False, multiattach=False, name='vol'):
    if multiattach:
        stack.volume_request('POST', '/v3/types', token=ADMIN, json={
            'volume_type': {'name': 'multiattach',
                            'extra_specs': {'multiattach': '<is> True'}}})
    body = {'size': 1, 'name': name}
    if image:
        body['imageRef'] = IMAGE
    if multiattach:
        body['volume_type'] = 'multiattach'
    resp = stack.volume_request('POST', '/v3/volumes', json={'volume': body})
    assert resp.status_code == 202, resp.text
    return stack.wait_for_volume(resp.json()['volume']['id'], 'available')


def _volume_backed(stack):
    root = _volume(stack, image=True, name='root')
    shared = _volume(stack, multiattach=True, name='shared')
    resp = stack.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'bfv', 'flavorRef': '1', 'networks': 'none',
                   'block_device_mapping_v2': [
                       {'uuid': root['id'], 'source_type': 'volume',
                        'destination_type': 'volume', 'boot_index': 0}]}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % sid,
        version='2.60', json={'volumeAttachment': {'volumeId': shared['id']}})
    assert resp.status_code == 200, resp.text
    stack.wait_for_volume(shared['id'], 'in-use')
    return sid, root, shared


def _attached(stack, sid):
    return sorted(v['id'] for v in stack.request(
        'GET', '/v2.1/servers/%s' % sid, version='2.60').json()['server'][
        'os-extended-volumes:volumes_attached'])


def test_volume_backed_rebuild_before_293(stack, images, v293):
    sid, root, shared = _volume_backed(stack)
    resp = _rebuild(stack, sid, version='2.92')
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {
        'code': 400,
        'message': 'Image %s is unacceptable: Unable to rebuild with a '
                   'different image for a volume-backed server.' % OTHER}}
    # The image the root volume was made from is accepted.
    resp = _rebuild(stack, sid, version='2.92', imageRef=IMAGE)
    assert resp.status_code == 202, resp.text
    assert resp.json()['server']['image'] == ''
    stack.wait_for_server(sid, 'ACTIVE')
    assert _attached(stack, sid) == sorted([root['id'], shared['id']])


def test_volume_backed_rebuild_from_293_keeps_every_volume(
        stack, images, v293):
    sid, root, shared = _volume_backed(stack)
    other = _server(stack, 'sharing', version='2.60')
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % other,
        version='2.60', json={'volumeAttachment': {'volumeId': shared['id']}})
    assert resp.status_code == 200, resp.text
    driver = stack.aio.compute_manager.driver
    resp = _rebuild(stack, sid, version='2.93')
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'ACTIVE')
    assert _attached(stack, sid) == sorted([root['id'], shared['id']])
    guest = driver.get_guest_volumes(
        type('I', (), {'uuid': sid})())
    assert sorted(guest.values()) == sorted([root['id'], shared['id']])
    # The other server's use of the shared volume was not disturbed.
    assert driver.host_connections[shared['id']] >= 1
    assert shared['id'] in driver.get_guest_volumes(
        type('I', (), {'uuid': other})()).values()
    volume = stack.volume_request('GET', '/v3/volumes/%s' % shared['id'],
                                  token=ADMIN).json()['volume']
    assert sorted(a['server_id'] for a in volume['attachments']) == \
        sorted([sid, other])


@pytest.mark.parametrize('version', ['2.1', '2.9', '2.19', '2.26', '2.47',
                                     '2.54', '2.57', '2.63', '2.71', '2.73',
                                     '2.89', '2.90', '2.96', '2.98', '2.100',
                                     '2.104'])
def test_bodies_match_their_schema(stack, images, version):
    sid = _server(stack)
    resp = _rebuild(stack, sid, version=version)
    assert resp.status_code == 202, resp.text
    jsonschema.validate(resp.json(),
                        action_responses.server_rebuild(version))
    stack.wait_for_server(sid, 'ACTIVE')


def test_rebuild_with_a_key_pair_from_254(stack, images):
    resp = stack.request('POST', '/v2.1/os-keypairs', version='2.10',
                         json={'keypair': {'name': 'k1'}})
    assert resp.status_code == 201, resp.text
    sid = _server(stack)
    resp = _rebuild(stack, sid, version='2.54', key_name='k1')
    assert resp.status_code == 202, resp.text
    assert resp.json()['server']['key_name'] == 'k1'
    stack.wait_for_server(sid, 'ACTIVE')
    shown = stack.request('GET', '/v2.1/servers/%s' % sid).json()['server']
    assert shown['key_name'] == 'k1'
    # null unsets it.
    resp = _rebuild(stack, sid, version='2.54', key_name=None)
    assert resp.json()['server']['key_name'] is None
    stack.wait_for_server(sid, 'ACTIVE')
    # Another user's key pair of that name is not found.
    resp = _rebuild(stack, sid, version='2.54', key_name='k1',
                    token='demo2:demo')
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == \
        'Invalid key_name provided.'
