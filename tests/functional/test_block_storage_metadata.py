"""Volume metadata, the image metadata of volumes made from an image
(``volume_image_metadata`` and the os-*_image_metadata actions), and what
volumes made from another volume or a snapshot inherit, over the block
storage's HTTP API."""

import hashlib
import os

import pytest

from tests.fixtures import stack as stack_fixture

DEMO = 'demo:demo'
OTHER = 'other:other'
IMAGE_ID = 'c1b5a5f0-5a43-4f2b-9d0c-7e6f7d1c2b3a'
IMAGE_BYTES = b'NOVA-LITE-IMAGE' + bytes(range(256)) * 64


@pytest.fixture(scope='module')
def bs(tmp_path_factory):
    base = tmp_path_factory.mktemp('bs_metadata')
    image = base / 'image.raw'
    image.write_bytes(IMAGE_BYTES)
    conf = stack_fixture.make_conf(base, overrides=[
        ('image_catalog', 'images', ['%s:raw-image:%s' % (IMAGE_ID, image)])])
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _volume(bs, **fields):
    body = {'size': 1}
    body.update(fields)
    resp = bs.volume_request('POST', '/v3/volumes', token=DEMO,
                             json={'volume': body})
    assert resp.status_code == 202, resp.text
    return bs.wait_for_volume(resp.json()['volume']['id'], 'available')


def _action(bs, volume_id, body, token=DEMO):
    return bs.volume_request('POST', '/v3/volumes/%s/action' % volume_id,
                             token=token, json=body)


def test_volume_metadata_crud(bs):
    vol = _volume(bs, metadata={'a': '1'})
    url = '/v3/volumes/%s/metadata' % vol['id']
    assert bs.volume_request('GET', url).json() == {'metadata': {'a': '1'}}
    resp = bs.volume_request('POST', url, json={'metadata': {'b': '2'}})
    assert resp.json() == {'metadata': {'a': '1', 'b': '2'}}
    resp = bs.volume_request('PUT', url, json={'metadata': {'c': '3'}})
    assert resp.json() == {'metadata': {'c': '3'}}
    resp = bs.volume_request('PUT', url + '/c', json={'meta': {'c': '4'}})
    assert resp.json() == {'meta': {'c': '4'}}
    assert bs.volume_request('GET', url + '/c').json() == {
        'meta': {'c': '4'}}
    shown = bs.volume_request('GET', '/v3/volumes/%s' % vol['id']).json()
    assert shown['volume']['metadata'] == {'c': '4'}
    assert bs.volume_request('DELETE', url + '/c').status_code == 200
    resp = bs.volume_request('GET', url + '/c')
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Volume %s has no metadata with key c.'
        % vol['id']}}
    assert bs.volume_request('DELETE', url + '/c').status_code == 404
    # Cinder's 400s; nothing written.
    for method, path, body in (
            ('PUT', url + '/x', {'meta': {'y': '1'}}),
            ('PUT', url + '/x', {'meta': {'x': '1', 'y': '2'}}),
            ('POST', url, {'metadata': {'k': 1}}),
            ('POST', url, {'metadata': {'': 'v'}}),
            ('PUT', url, {'meta': {}}),
            ('POST', url, None)):
        resp = bs.volume_request(method, path, json=body)
        assert resp.status_code == 400, (method, path, body, resp.text)
    assert bs.volume_request('GET', url).json() == {'metadata': {}}
    assert bs.volume_request('GET', url, token=OTHER).status_code == 404
    assert bs.volume_request('POST', url, token=OTHER, json={
        'metadata': {'k': 'v'}}).status_code == 404
    resp = bs.volume_request('POST', url, json={'metadata': {'k': 'v'}},
                             headers={'X-Roles': 'reader'})
    assert resp.status_code == 403


def test_volume_from_image(bs):
    vol = _volume(bs, imageRef=IMAGE_ID)
    assert vol['bootable'] == 'true'
    assert vol['volume_image_metadata'] == {
        'image_id': IMAGE_ID, 'image_name': 'raw-image',
        'container_format': 'bare', 'disk_format': 'qcow2',
        'min_disk': '0', 'min_ram': '0', 'size': str(len(IMAGE_BYTES)),
        'checksum': hashlib.md5(IMAGE_BYTES).hexdigest()}
    path = os.path.join(bs.conf.state_path, 'volumes',
                        'volume-%s' % vol['id'])
    with open(path, 'rb') as f:
        assert f.read(len(IMAGE_BYTES)) == IMAGE_BYTES
    listed = bs.volume_request('GET', '/v3/volumes/detail').json()
    (mine,) = [v for v in listed['volumes'] if v['id'] == vol['id']]
    assert mine['volume_image_metadata'] == vol['volume_image_metadata']


def test_image_metadata_actions(bs):
    vol = _volume(bs, imageRef=IMAGE_ID)
    resp = _action(bs, vol['id'], {'os-set_image_metadata': {
        'metadata': {'hw_disk_bus': 'scsi'}}})
    assert resp.status_code == 200, resp.text
    assert resp.json()['metadata']['hw_disk_bus'] == 'scsi'
    resp = _action(bs, vol['id'], {'os-show_image_metadata': None})
    assert resp.json()['metadata']['hw_disk_bus'] == 'scsi'
    shown = bs.volume_request('GET', '/v3/volumes/%s' % vol['id']).json()
    assert shown['volume']['volume_image_metadata']['hw_disk_bus'] == 'scsi'
    resp = _action(bs, vol['id'], {'os-unset_image_metadata': {
        'key': 'hw_disk_bus'}})
    assert resp.status_code == 200
    resp = _action(bs, vol['id'], {'os-unset_image_metadata': {
        'key': 'hw_disk_bus'}})
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Glance metadata for volume/snapshot %s '
        'cannot be found.' % vol['id']}}
    assert _action(bs, vol['id'], {'os-set_image_metadata': {
        'metadata': {'k': 1}}}).status_code == 400
    assert _action(bs, vol['id'], {'os-set_image_metadata': {
        'metadata': {'k': 'v'}}}, token=OTHER).status_code == 404


def test_clones_inherit_image_metadata(bs):
    """A volume made from an image volume, or from its snapshot, is
    bootable with the same image metadata and the same bytes (Cinder
    copies them)."""
    vol = _volume(bs, imageRef=IMAGE_ID)
    clone = _volume(bs, source_volid=vol['id'])
    resp = bs.volume_request('POST', '/v3/snapshots', json={
        'snapshot': {'volume_id': vol['id']}})
    snap = bs.wait_for_snapshot(resp.json()['snapshot']['id'])
    from_snap = _volume(bs, snapshot_id=snap['id'])
    for made in (clone, from_snap):
        assert made['bootable'] == 'true'
        assert made['volume_image_metadata'] == vol['volume_image_metadata']
        path = os.path.join(bs.conf.state_path, 'volumes',
                            'volume-%s' % made['id'])
        with open(path, 'rb') as f:
            assert f.read(len(IMAGE_BYTES)) == IMAGE_BYTES


def test_extend_with_null_size_is_refused(bs):
    vol = _volume(bs)
    resp = _action(bs, vol['id'], {'os-extend': {'new_size': None}})
    assert resp.status_code == 400, resp.text
    assert bs.volume_request('GET', '/v3/volumes/%s' % vol['id']).json()[
        'volume']['size'] == 1
