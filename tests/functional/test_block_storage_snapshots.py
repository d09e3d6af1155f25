"""Volume snapshots of the built-in block storage, over its Cinder v3 API:
create (force for an in-use volume), list, detail, show, delete, volumes
made from a snapshot, project scoping and Cinder's errors."""

import uuid

import jsonschema
import pytest

from nova_lite.block_storage import response_schemas as br
from tests.fixtures import stack as stack_fixture

DEMO = 'demo:demo'
OTHER = 'other:other'


@pytest.fixture(scope='module')
def bs(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('bs_snapshots'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _volume(bs, size=1):
    resp = bs.volume_request('POST', '/v3/volumes', token=DEMO,
                             json={'volume': {'size': size}})
    assert resp.status_code == 202, resp.text
    return bs.wait_for_volume(resp.json()['volume']['id'], 'available')


def _snapshot(bs, volume_id, status=202, token=DEMO, **extra):
    body = {'volume_id': volume_id}
    body.update(extra)
    resp = bs.volume_request('POST', '/v3/snapshots', token=token,
                             json={'snapshot': body})
    assert resp.status_code == status, resp.text
    return resp.json()


def test_create_list_show_delete(bs):
    vol = _volume(bs, size=2)
    body = _snapshot(bs, vol['id'], name='s1', description='d',
                     metadata={'k': 'v'})
    jsonschema.validate(body, br.snapshot_show)
    snap = body['snapshot']
    assert (snap['status'], snap['size'], snap['volume_id'], snap['name'],
            snap['description'], snap['metadata']) == (
        'available', 2, vol['id'], 's1', 'd', {'k': 'v'})
    for path in ('/v3/snapshots', '/v3/snapshots/detail'):
        resp = bs.volume_request('GET', path, token=DEMO)
        jsonschema.validate(resp.json(), br.snapshots_index)
        assert snap['id'] in [s['id'] for s in resp.json()['snapshots']]
        other = bs.volume_request('GET', path, token=OTHER).json()
        assert snap['id'] not in [s['id'] for s in other['snapshots']]
    resp = bs.volume_request('GET', '/v3/snapshots/%s' % snap['id'],
                             token=DEMO)
    assert resp.json() == {'snapshot': snap}
    assert bs.volume_request('GET', '/v3/snapshots/%s' % snap['id'],
                             token=OTHER).status_code == 404
    # The volume is not deleted while it has snapshots.
    resp = bs.volume_request('DELETE', '/v3/volumes/%s' % vol['id'],
                             token=DEMO)
    assert resp.status_code == 400
    assert 'have snapshots' in resp.json()['badRequest']['message']
    resp = bs.volume_request('DELETE', '/v3/snapshots/%s' % snap['id'],
                             token=DEMO)
    assert resp.status_code == 202
    resp = bs.volume_request('GET', '/v3/snapshots/%s' % snap['id'],
                             token=DEMO)
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404,
        'message': 'Snapshot %s could not be found.' % snap['id']}}
    assert bs.volume_request('DELETE', '/v3/volumes/%s' % vol['id'],
                             token=DEMO).status_code == 202


def test_volume_from_snapshot(bs):
    vol = _volume(bs, size=2)
    snap = _snapshot(bs, vol['id'])['snapshot']
    resp = bs.volume_request('POST', '/v3/volumes', token=DEMO, json={
        'volume': {'snapshot_id': snap['id']}})
    assert resp.status_code == 202, resp.text
    made = bs.wait_for_volume(resp.json()['volume']['id'], 'available')
    assert (made['size'], made['snapshot_id']) == (2, snap['id'])
    resp = bs.volume_request('POST', '/v3/volumes', token=DEMO, json={
        'volume': {'snapshot_id': snap['id'], 'size': 1}})
    assert resp.status_code == 400
    assert 'cannot be smaller than the snapshot size' in resp.text
    missing = str(uuid.uuid4())
    resp = bs.volume_request('POST', '/v3/volumes', token=DEMO, json={
        'volume': {'snapshot_id': missing, 'size': 1}})
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == \
        'Snapshot %s could not be found.' % missing


def test_errors(bs):
    missing = str(uuid.uuid4())
    body = _snapshot(bs, missing, status=404)
    assert body['itemNotFound']['message'] == \
        'Volume %s could not be found.' % missing
    vol = _volume(bs)
    _snapshot(bs, vol['id'], status=404, token=OTHER)
    _snapshot(bs, vol['id'], status=400, force='maybe')
    _snapshot(bs, vol['id'], status=400, unknown=1)
    assert bs.volume_request('DELETE', '/v3/snapshots/%s' % missing,
                             token=DEMO).status_code == 404


def test_in_use_volume_needs_force(bs):
    vol = _volume(bs)
    resp = bs.volume_request('POST', '/v3/volumes/%s/action' % vol['id'],
                             token=DEMO, json={'os-reserve': None})
    assert resp.status_code == 202, resp.text
    body = _snapshot(bs, vol['id'], status=400)
    assert body['badRequest']['message'] == (
        'Invalid volume: Volume %s status must be available, but current '
        'status is: attaching.' % vol['id'])
    body = _snapshot(bs, vol['id'], status=400, force=True)
    assert 'must be available or in-use' in body['badRequest']['message']


def test_limits_count_snapshots(bs):
    def used():
        resp = bs.volume_request('GET', '/v3/limits', token='proj3:proj3')
        absolute = resp.json()['limits']['absolute']
        return absolute['totalSnapshotsUsed'], absolute['totalGigabytesUsed']
    resp = bs.volume_request('POST', '/v3/volumes', token='proj3:proj3',
                             json={'volume': {'size': 3}})
    vol = bs.wait_for_volume(resp.json()['volume']['id'], 'available',
                             token='proj3:proj3')
    assert used() == (0, 3)
    _snapshot(bs, vol['id'], token='proj3:proj3')
    assert used() == (1, 6)
