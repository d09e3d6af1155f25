"""Volume snapshots of the built-in block storage, over its Cinder v3 API:
create (force for an in-use volume), list, detail, show, update, delete,
metadata, the data a snapshot keeps and volumes made from it, project
scoping and Cinder's errors."""

import os
import uuid

import jsonschema
import pytest

from nova_lite.block_storage import models
from nova_lite.block_storage import response_schemas as br
from tests.fixtures import stack as stack_fixture

DEMO = 'demo:demo'
OTHER = 'other:other'
ADMIN = 'admin:admin'


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


def _snapshot(bs, volume_id, status=202, token=DEMO, version=None,
              **extra):
    body = {'volume_id': volume_id}
    body.update(extra)
    resp = bs.volume_request('POST', '/v3/snapshots', token=token,
                             json={'snapshot': body}, version=version)
    assert resp.status_code == status, resp.text
    if status == 202:
        assert resp.json()['snapshot']['status'] == 'creating'
        bs.wait_for_snapshot(resp.json()['snapshot']['id'], token=token)
    return resp.json()


def _path(bs, name):
    return os.path.join(bs.conf.state_path, 'volumes', name)


def test_create_list_show_delete(bs):
    vol = _volume(bs, size=2)
    body = _snapshot(bs, vol['id'], name='s1', description='d',
                     metadata={'k': 'v'})
    jsonschema.validate(body, br.snapshot_show)
    snap = body['snapshot']
    assert (snap['status'], snap['size'], snap['volume_id'], snap['name'],
            snap['description'], snap['metadata']) == (
        'creating', 2, vol['id'], 's1', 'd', {'k': 'v'})
    # The summary (list) has Cinder's fields only; show and detail add the
    # extended attributes for the owner.
    listed = bs.volume_request('GET', '/v3/snapshots', token=DEMO).json()
    (mine,) = [s for s in listed['snapshots'] if s['id'] == snap['id']]
    assert sorted(mine) == sorted(snap)
    assert mine['status'] == 'available'
    for path in ('/v3/snapshots', '/v3/snapshots/detail'):
        resp = bs.volume_request('GET', path, token=DEMO)
        jsonschema.validate(resp.json(), br.snapshots_index)
        assert snap['id'] in [s['id'] for s in resp.json()['snapshots']]
        other = bs.volume_request('GET', path, token=OTHER).json()
        assert snap['id'] not in [s['id'] for s in other['snapshots']]
    resp = bs.volume_request('GET', '/v3/snapshots/%s' % snap['id'],
                             token=DEMO)
    shown = resp.json()['snapshot']
    assert shown == dict(
        mine, **{'os-extended-snapshot-attributes:project_id': 'demo',
                 'os-extended-snapshot-attributes:progress': '100%'})
    detail = bs.volume_request('GET', '/v3/snapshots/detail',
                               token=DEMO).json()['snapshots']
    assert shown in detail
    # Microversion fields (3.14 group, 3.41 user, 3.65 quota).
    resp = bs.volume_request('GET', '/v3/snapshots/%s' % snap['id'],
                             token=DEMO, version='3.65')
    assert {k: resp.json()['snapshot'][k] for k in (
        'group_snapshot_id', 'user_id', 'consumes_quota')} == {
        'group_snapshot_id': None, 'user_id': 'demo', 'consumes_quota': True}
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
    assert body['badRequest']['message'] == (
        'Invalid volume: Volume %s status must be available, in-use, but '
        'current status is: attaching.' % vol['id'])


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


def _write(path, offset, data):
    with open(path, 'r+b') as f:
        f.seek(offset)
        f.write(data)


def _read(path, offset, size):
    with open(path, 'rb') as f:
        f.seek(offset)
        return f.read(size)


def test_snapshot_keeps_the_volume_data(bs):
    """The snapshot copies the volume's bytes as they were: a volume made
    from it has them (sparse: only the written parts take room), later
    writes to the volume do not change it, and a bigger volume from it
    keeps the data and grows."""
    vol = _volume(bs, size=1)
    volume_path = _path(bs, 'volume-%s' % vol['id'])
    _write(volume_path, 0, b'BOOT' * 128)
    _write(volume_path, 300 * 1024 * 1024, b'deep data')
    snap = _snapshot(bs, vol['id'])['snapshot']
    snapshot_path = _path(bs, 'snapshot-%s' % snap['id'])
    assert os.path.getsize(snapshot_path) == 1024 ** 3
    assert os.stat(snapshot_path).st_blocks * 512 < 64 * 1024 * 1024
    _write(volume_path, 0, b'XXXX')
    resp = bs.volume_request('POST', '/v3/volumes', token=DEMO, json={
        'volume': {'snapshot_id': snap['id'], 'size': 2}})
    assert resp.status_code == 202, resp.text
    made = bs.wait_for_volume(resp.json()['volume']['id'], 'available')
    assert (made['size'], made['snapshot_id'], made['volume_type']) == (
        2, snap['id'], vol['volume_type'])
    made_path = _path(bs, 'volume-%s' % made['id'])
    assert _read(made_path, 0, 512) == b'BOOT' * 128
    assert _read(made_path, 300 * 1024 * 1024, 9) == b'deep data'
    assert os.path.getsize(made_path) == 2 * 1024 ** 3
    # Deleting the snapshot removes its file; the volume made from it
    # keeps its own copy.
    assert bs.volume_request('DELETE', '/v3/snapshots/%s' % snap['id'],
                             token=DEMO).status_code == 202
    assert not os.path.exists(snapshot_path)
    assert _read(made_path, 0, 4) == b'BOOT'


def test_update_and_metadata(bs):
    vol = _volume(bs)
    snap = _snapshot(bs, vol['id'], name='before')['snapshot']
    url = '/v3/snapshots/%s' % snap['id']
    resp = bs.volume_request('PUT', url, token=DEMO, json={
        'snapshot': {'name': 'after', 'description': 'new'}})
    assert resp.status_code == 200, resp.text
    assert (resp.json()['snapshot']['name'],
            resp.json()['snapshot']['description']) == ('after', 'new')
    for body in ({'snapshot': {}}, {'snapshot': {'size': 3}}, {}):
        resp = bs.volume_request('PUT', url, token=DEMO, json=body)
        assert resp.status_code == 400, resp.text
    assert bs.volume_request('PUT', url, token=OTHER, json={
        'snapshot': {'name': 'x'}}).status_code == 404
    meta = url + '/metadata'
    resp = bs.volume_request('POST', meta, token=DEMO,
                             json={'metadata': {'a': '1', 'b': '2'}})
    assert resp.json() == {'metadata': {'a': '1', 'b': '2'}}
    resp = bs.volume_request('PUT', meta, token=DEMO,
                             json={'metadata': {'c': '3'}})
    assert resp.json() == {'metadata': {'c': '3'}}
    resp = bs.volume_request('PUT', meta + '/d', token=DEMO,
                             json={'meta': {'d': '4'}})
    assert resp.json() == {'meta': {'d': '4'}}
    resp = bs.volume_request('PUT', meta + '/e', token=DEMO,
                             json={'meta': {'d': '4'}})
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == \
        'Request body and URI mismatch'
    assert bs.volume_request('GET', meta + '/d', token=DEMO).json() == {
        'meta': {'d': '4'}}
    assert bs.volume_request('DELETE', meta + '/d',
                             token=DEMO).status_code == 200
    resp = bs.volume_request('GET', meta + '/d', token=DEMO)
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Snapshot %s has no metadata with key d.'
        % snap['id']}}
    assert bs.volume_request('GET', meta, token=DEMO).json() == {
        'metadata': {'c': '3'}}
    assert bs.volume_request('GET', meta, token=OTHER).status_code == 404
    assert bs.volume_request('GET', url, token=DEMO).json()['snapshot'][
        'metadata'] == {'c': '3'}


def test_force_from_3_66(bs):
    """From 3.66 an in-use volume is snapshotted without force, and a
    false force is refused with Cinder's text."""
    vol = _volume(bs)
    resp = bs.volume_request('POST', '/v3/volumes/%s/action' % vol['id'],
                             token=DEMO, json={'os-reserve': None})
    assert resp.status_code == 202, resp.text
    _snapshot(bs, vol['id'], status=400, version='3.65')
    body = _snapshot(bs, vol['id'], status=400, version='3.66', force=False)
    assert body['badRequest']['message'].startswith(
        "Since microversion 3.66 the 'force' flag is invalid")


def test_delete_and_volume_from_unfinished_snapshot(bs):
    """A snapshot still copying can be neither deleted nor used (Cinder's
    400s)."""
    vol = _volume(bs)
    snap = _snapshot(bs, vol['id'])['snapshot']
    store = bs.aio.block_storage.store
    with store._writer() as session:
        session.query(models.Snapshot).filter_by(id=snap['id']).update(
            {'status': 'creating', 'progress': '0%'})
    url = '/v3/snapshots/%s' % snap['id']
    resp = bs.volume_request('DELETE', url, token=DEMO)
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Invalid snapshot: Snapshot status must be available or error and '
        'must not be part of a group.')
    resp = bs.volume_request('POST', '/v3/volumes', token=DEMO, json={
        'volume': {'snapshot_id': snap['id']}})
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        "Invalid snapshot: Originating snapshot status must be one of "
        "'available' values")
    shown = bs.volume_request('GET', url, token=DEMO).json()['snapshot']
    assert shown['os-extended-snapshot-attributes:progress'] == '0%'
    with store._writer() as session:
        session.query(models.Snapshot).filter_by(id=snap['id']).update(
            {'status': 'error'})
    assert bs.volume_request('DELETE', url, token=DEMO).status_code == 202


def _snapshot_action(bs, snapshot_id, body, token=ADMIN):
    return bs.volume_request('POST', '/v3/snapshots/%s/action' % snapshot_id,
                             token=token, json=body)


def test_snapshot_actions(bs):
    """os-reset_status and os-force_delete for administrators,
    os-update_snapshot_status with Cinder's status map."""
    vol = _volume(bs)
    snap = _snapshot(bs, vol['id'])['snapshot']
    url = '/v3/snapshots/%s' % snap['id']
    resp = _snapshot_action(bs, snap['id'], {
        'os-reset_status': {'status': 'creating'}}, token=DEMO)
    assert resp.status_code == 403
    resp = _snapshot_action(bs, snap['id'], {
        'os-reset_status': {'status': 'bogus'}})
    assert resp.status_code == 400
    assert _snapshot_action(bs, snap['id'], {
        'os-reset_status': {'status': 'creating'}}).status_code == 202
    resp = _snapshot_action(bs, snap['id'], {
        'os-update_snapshot_status': {'status': 'deleting'}}, token=DEMO)
    assert resp.json()['badRequest']['message'] == (
        'Provided snapshot status deleting not allowed for snapshot with '
        'status creating.')
    assert _snapshot_action(bs, snap['id'], {
        'os-update_snapshot_status': {'status': 'error', 'progress': '50%'}},
        token=DEMO).status_code == 202
    shown = bs.volume_request('GET', url, token=DEMO).json()['snapshot']
    assert (shown['status'],
            shown['os-extended-snapshot-attributes:progress']) == (
        'error', '50%')
    resp = _snapshot_action(bs, snap['id'], {
        'os-update_snapshot_status': {'status': 'available'}}, token=DEMO)
    assert resp.json()['badRequest']['message'] == (
        'Snapshot status error not allowed for update_snapshot_status')
    _snapshot_action(bs, snap['id'], {
        'os-reset_status': {'status': 'deleting'}})
    assert bs.volume_request('DELETE', url, token=DEMO).status_code == 400
    assert _snapshot_action(bs, snap['id'], {'os-force_delete': {}},
                            token=DEMO).status_code == 403
    assert _snapshot_action(bs, snap['id'],
                            {'os-force_delete': {}}).status_code == 202
    assert bs.volume_request('GET', url, token=DEMO).status_code == 404
    assert not os.path.exists(_path(bs, 'snapshot-%s' % snap['id']))
    assert _snapshot_action(bs, vol['id'], {'os-force_delete': {}}
                            ).status_code == 404


def test_cascade_delete(bs):
    """A volume with snapshots is deleted with them only with cascade
    (forced or not); a snapshot in progress stops the cascade."""
    vol = _volume(bs)
    first = _snapshot(bs, vol['id'])['snapshot']
    second = _snapshot(bs, vol['id'])['snapshot']
    url = '/v3/volumes/%s' % vol['id']
    assert bs.volume_request('DELETE', url + '?force=true', token=ADMIN,
                             version='3.23').status_code == 400
    _snapshot_action(bs, second['id'], {
        'os-reset_status': {'status': 'creating'}})
    resp = bs.volume_request('DELETE', url + '?cascade=true', token=DEMO)
    assert resp.status_code == 400
    assert bs.volume_request('GET', '/v3/snapshots/%s' % first['id'],
                             token=DEMO).status_code == 200
    _snapshot_action(bs, second['id'], {
        'os-reset_status': {'status': 'available'}})
    resp = bs.volume_request('DELETE', url + '?cascade=true', token=DEMO)
    assert resp.status_code == 202, resp.text
    bs.wait_for_volume(vol['id'], 'DELETED')
    for snap in (first, second):
        assert bs.volume_request('GET', '/v3/snapshots/%s' % snap['id'],
                                 token=DEMO).status_code == 404
        assert not os.path.exists(_path(bs, 'snapshot-%s' % snap['id']))
    assert bs.volume_request('DELETE', url + '?cascade=maybe',
                             token=DEMO).status_code in (400, 404)


def test_snapshot_without_volume_id(bs):
    """A null volume id is Cinder's 404."""
    body = _snapshot(bs, None, status=404)
    assert body['itemNotFound']['message'] == \
        'Volume None could not be found.'
