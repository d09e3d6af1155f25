"""os-reimage of the built-in block storage (Cinder 3.68): the states it
takes, Cinder's answers, the bytes written and the volume-reimaged event
sent to the compute API for a volume reserved for a server."""

import os
import time

import pytest

from nova_lite.block_storage import compute as bs_compute
from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
NOVA_SERVICE = {'X-Service-Token': 'nova:service'}
CIRROS = '70a599e0-31e7-49b7-b260-868f441e862b'
FIRST = 'c1b5a5f0-5a43-4f2b-9d0c-7e6f7d1c2b3a'
SECOND = '5d0e7c35-2f6b-4d8e-9a51-1b8c2e6f4a90'
MISSING = '0e9f3a44-6b1c-4c5d-8e2f-3a4b5c6d7e8f'
FIRST_BYTES = b'FIRST-IMAGE' + bytes(range(256)) * 16
SECOND_BYTES = b'SECOND-IMAGE' + bytes(range(255, -1, -1)) * 32


@pytest.fixture
def bs(tmp_path):
    first = tmp_path / 'first.raw'
    first.write_bytes(FIRST_BYTES)
    second = tmp_path / 'second.raw'
    second.write_bytes(SECOND_BYTES)
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('image_catalog', 'images',
         ['%s:cirros' % CIRROS, '%s:first:%s' % (FIRST, first),
          '%s:second:%s' % (SECOND, second)]),
    ])
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _volume(bs, **fields):
    body = {'size': 1}
    body.update(fields)
    resp = bs.volume_request('POST', '/v3/volumes', json={'volume': body})
    assert resp.status_code == 202, resp.text
    return bs.wait_for_volume(resp.json()['volume']['id'], 'available')


def _reimage(bs, volume_id, image_id=SECOND, version='3.68', token=None,
             **extra):
    body = {'image_id': image_id}
    body.update(extra)
    return bs.volume_request('POST', '/v3/volumes/%s/action' % volume_id,
                             token=token or 'demo:demo', version=version,
                             json={'os-reimage': body})


def _file(bs, volume_id):
    volumes = bs.conf.block_storage.volumes_path or os.path.join(
        bs.conf.state_path, 'volumes')
    with open(os.path.join(volumes, 'volume-%s' % volume_id), 'rb') as f:
        return f.read(64 * 1024)


def test_reimage_writes_the_image_and_its_metadata(bs):
    volume = _volume(bs, imageRef=FIRST)
    assert _file(bs, volume['id']).startswith(FIRST_BYTES)
    resp = _reimage(bs, volume['id'])
    assert resp.status_code == 202, resp.text
    assert resp.text == ''
    shown = bs.wait_for_volume(volume['id'], 'available')
    assert shown['volume_image_metadata']['image_id'] == SECOND
    assert shown['volume_image_metadata']['image_name'] == 'second'
    assert shown['bootable'] == 'true'
    data = _file(bs, volume['id'])
    assert data.startswith(SECOND_BYTES)
    # What was beyond the new image is gone.
    rest = data[len(SECOND_BYTES):]
    assert rest == b'\0' * len(rest)


def test_a_blank_volume_becomes_bootable(bs):
    volume = _volume(bs)
    assert 'volume_image_metadata' not in volume
    assert _reimage(bs, volume['id'], FIRST,
                    reimage_reserved=False).status_code == 202
    shown = bs.wait_for_volume(volume['id'], 'available')
    assert shown['volume_image_metadata']['image_id'] == FIRST
    assert _file(bs, volume['id']).startswith(FIRST_BYTES)


def test_an_errored_volume_is_accepted(bs):
    volume = _volume(bs)
    resp = bs.volume_request(
        'POST', '/v3/volumes/%s/action' % volume['id'], token=ADMIN,
        json={'os-reset_status': {'status': 'error'}})
    assert resp.status_code == 202, resp.text
    assert _reimage(bs, volume['id']).status_code == 202
    shown = bs.wait_for_volume(volume['id'], 'error')
    assert shown['volume_image_metadata']['image_id'] == SECOND


def test_before_368_there_is_no_such_method(bs):
    volume = _volume(bs)
    resp = _reimage(bs, volume['id'], version='3.67')
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == \
        'API version 3.67 is not supported on this method.'


@pytest.mark.parametrize('body', [
    {'image_id': 'not-a-uuid'},
    {'image_id': SECOND, 'reimage_reserved': 'maybe'},
    {'image_id': SECOND, 'extra': 1},
    {'reimage_reserved': True},
])
def test_bad_bodies(bs, body):
    volume = _volume(bs)
    resp = bs.volume_request('POST', '/v3/volumes/%s/action' % volume['id'],
                             version='3.68', json={'os-reimage': body})
    assert resp.status_code == 400, resp.text
    assert 'badRequest' in resp.json()
    assert 'volume_image_metadata' not in bs.wait_for_volume(
        volume['id'], 'available')


def test_unknown_image_and_volume(bs):
    volume = _volume(bs)
    resp = _reimage(bs, volume['id'], MISSING)
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Image %s could not be found.' % MISSING}}
    resp = _reimage(bs, MISSING)
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == \
        'Volume %s could not be found.' % MISSING
    # Another project's volume does not exist for this one.
    resp = _reimage(bs, volume['id'], token='alt:alt')
    assert resp.status_code == 404


def _reserve(bs, volume_id, server_id):
    resp = bs.volume_request('POST', '/v3/attachments', version='3.44',
                             headers=NOVA_SERVICE, json={'attachment': {
                                 'volume_uuid': volume_id,
                                 'instance_uuid': server_id}})
    assert resp.status_code == 200, resp.text
    return resp.json()['attachment']['id']


def test_reserved_volume_needs_reimage_reserved(bs):
    volume = _volume(bs, imageRef=FIRST)
    _reserve(bs, volume['id'], MISSING)
    for extra in ({}, {'reimage_reserved': False}):
        resp = _reimage(bs, volume['id'], **extra)
        assert resp.status_code == 400, resp.text
        assert resp.json() == {'badRequest': {
            'code': 400,
            'message': 'Invalid volume: Volume %s status must be available '
                       'or error, but current status is reserved.'
                       % volume['id']}}
    shown = bs.wait_for_volume(volume['id'], 'reserved')
    assert shown['volume_image_metadata']['image_id'] == FIRST
    assert _file(bs, volume['id']).startswith(FIRST_BYTES)


def test_in_use_volume_is_refused_even_with_reimage_reserved(bs):
    volume = _volume(bs)
    attachment_id = _reserve(bs, volume['id'], MISSING)
    resp = bs.volume_request(
        'PUT', '/v3/attachments/%s' % attachment_id, version='3.44',
        json={'attachment': {'connector': {'host': 'compute1',
                                           'mountpoint': '/dev/vdb'}}})
    assert resp.status_code == 200, resp.text
    resp = bs.volume_request(
        'POST', '/v3/attachments/%s/action' % attachment_id,
        version='3.44', json={'os-complete': None})
    assert resp.status_code == 204, resp.text
    bs.wait_for_volume(volume['id'], 'in-use')
    resp = _reimage(bs, volume['id'], reimage_reserved=True)
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Invalid volume: Volume %s status must be available or error or '
        'reserved, but current status is in-use.' % volume['id'])


def test_reserved_volume_tells_the_compute_api(bs, monkeypatch):
    resp = bs.request('POST', '/v2.1/servers', json={'server': {
        'name': 'vm', 'flavorRef': '1', 'imageRef': CIRROS}})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    bs.wait_for_server(server_id, 'ACTIVE')
    volume = _volume(bs, imageRef=FIRST)
    _reserve(bs, volume['id'], server_id)
    sent = []
    original = bs_compute.send_events

    def recording(conf, ctx, credentials, events, **kwargs):
        result = original(conf, ctx, credentials, events, **kwargs)
        sent.append((events, result))
        return result

    monkeypatch.setattr(bs_compute, 'send_events', recording)
    resp = _reimage(bs, volume['id'], reimage_reserved=True)
    assert resp.status_code == 202, resp.text
    shown = bs.wait_for_volume(volume['id'], 'reserved')
    assert shown['volume_image_metadata']['image_id'] == SECOND
    # The event follows the status change.
    deadline = time.monotonic() + 10
    while not sent and time.monotonic() < deadline:
        time.sleep(0.05)
    # The compute API accepted the event (code 200 for the server).
    assert sent == [([{'name': 'volume-reimaged', 'server_uuid': server_id,
                       'tag': volume['id']}], True)]


def test_available_volume_sends_no_event(bs, monkeypatch):
    sent = []
    monkeypatch.setattr(bs_compute, 'send_events',
                        lambda *args, **kwargs: sent.append(args))
    volume = _volume(bs)
    assert _reimage(bs, volume['id']).status_code == 202
    bs.wait_for_volume(volume['id'], 'available')
    shown = bs.wait_for_volume(volume['id'], 'available')
    assert shown['volume_image_metadata']['image_id'] == SECOND
    assert sent == []


def test_volume_shared_by_two_servers_is_refused(bs):
    resp = bs.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text
    volume = _volume(bs, volume_type='multiattach')
    _reserve(bs, volume['id'], MISSING)
    _reserve(bs, volume['id'], FIRST)
    resp = _reimage(bs, volume['id'], reimage_reserved=True)
    assert resp.status_code == 409
    assert resp.json()['conflictingRequest']['message'] == \
        'Cannot re-image a volume which is attached to more than one server.'
