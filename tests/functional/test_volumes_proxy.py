"""os-volumes and os-snapshots through the whole stack: the proxy views of
the block storage volumes (create, list, detail, show, delete), nova's
errors, and the 404 from 2.36 on."""

import uuid

import jsonschema
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import volumes as t_vols
from tempest.lib.api_schema.response.compute.v2_1 import \
    snapshots as t_vols_snap

from tests.fixtures import stack as stack_fixture

DEMO = 'demo:demo'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('vol_proxy'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _call(stack, method, path, status, version='2.1', json=None,
          token=DEMO):
    resp = stack.request(method, '/v2.1' + path, token=token,
                         version=version, json=json)
    assert resp.status_code == status, resp.text
    return resp


def _create(stack, **extra):
    body = {'size': 1, 'display_name': 'proxy-vol',
            'display_description': 'made through nova',
            'metadata': {'k': 'v'}}
    body.update(extra)
    resp = _call(stack, 'POST', '/os-volumes', 200, json={'volume': body})
    vol = resp.json()['volume']
    assert resp.headers['Location'].endswith('/os-volumes/%s' % vol['id'])
    jsonschema.validate(resp.json(), t_vols.create_get_volume[
        'response_body'])
    stack.wait_for_volume(vol['id'], 'available')
    return vol


def test_create_show_list_delete(stack):
    vol = _create(stack)
    assert (vol['displayName'], vol['size'], vol['metadata']) == (
        'proxy-vol', 1, {'k': 'v'})
    assert vol['attachments'] == [{}]
    shown = _call(stack, 'GET', '/os-volumes/%s' % vol['id'], 200).json()
    jsonschema.validate(shown, t_vols.create_get_volume['response_body'])
    assert shown['volume']['status'] == 'available'
    assert shown['volume']['displayDescription'] == 'made through nova'
    for path in ('/os-volumes', '/os-volumes/detail'):
        listed = _call(stack, 'GET', path, 200).json()
        jsonschema.validate(listed, t_vols.list_volumes['response_body'])
        assert vol['id'] in [v['id'] for v in listed['volumes']]
    paged = _call(stack, 'GET', '/os-volumes?limit=1', 200).json()
    assert len(paged['volumes']) == 1
    resp = _call(stack, 'DELETE', '/os-volumes/%s' % vol['id'], 202)
    assert resp.text == ''


def test_attached_volume_view(stack):
    resp = _call(stack, 'POST', '/servers', 202, json={'server': {
        'name': 'proxy', 'imageRef': IMAGE, 'flavorRef': '1',
        'networks': 'none'}}, version='2.37')
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE')
    vol = _create(stack)
    _call(stack, 'POST', '/servers/%s/os-volume_attachments' % server_id,
          200, json={'volumeAttachment': {'volumeId': vol['id']}})
    stack.wait_for_volume(vol['id'], 'in-use')
    shown = _call(stack, 'GET', '/os-volumes/%s' % vol['id'], 200).json()
    jsonschema.validate(shown, t_vols.create_get_volume['response_body'])
    attachment = shown['volume']['attachments'][0]
    assert attachment['serverId'] == server_id
    assert attachment['volumeId'] == attachment['id'] == vol['id']
    assert attachment['device'].startswith('/dev/')


def test_not_found(stack):
    missing = str(uuid.uuid4())
    for method in ('GET', 'DELETE'):
        resp = _call(stack, method, '/os-volumes/%s' % missing, 404)
        assert resp.json() == {'itemNotFound': {
            'code': 404,
            'message': 'Volume %s could not be found.' % missing}}


@pytest.mark.parametrize('volume', [
    {}, {'size': 0}, {'size': '-1'}, {'size': 'abc'},
    {'size': 1, 'other': 1}, {'size': 1, 'display_name': 5}])
def test_create_bad_body(stack, volume):
    resp = _call(stack, 'POST', '/os-volumes', 400, json={'volume': volume})
    assert resp.json()['badRequest']['code'] == 400


@pytest.mark.parametrize('method,path', [
    ('GET', '/os-volumes'), ('GET', '/os-volumes/detail'),
    ('GET', '/os-volumes/x'), ('DELETE', '/os-volumes/x'),
    ('POST', '/os-volumes'), ('GET', '/os-snapshots'),
    ('GET', '/os-snapshots/detail'), ('GET', '/os-snapshots/x'),
    ('DELETE', '/os-snapshots/x'), ('POST', '/os-snapshots')])
def test_removed_at_2_36(stack, method, path):
    json = {'volume': {'size': 1}} if method == 'POST' else None
    resp = _call(stack, method, path, 404, version='2.36', json=json)
    assert resp.json()['itemNotFound']['code'] == 404


def _snapshot(stack, volume_id, status=200, **extra):
    body = {'volume_id': volume_id, 'display_name': 'snap',
            'display_description': 'a snapshot'}
    body.update(extra)
    return _call(stack, 'POST', '/os-snapshots', status,
                 json={'snapshot': body})


def test_snapshots(stack):
    vol = _create(stack)
    resp = _snapshot(stack, vol['id'])
    snap = resp.json()['snapshot']
    jsonschema.validate(resp.json(), t_vols_snap.create_get_snapshot[
        'response_body'])
    assert (snap['volumeId'], snap['size'], snap['status'],
            snap['displayName'], snap['displayDescription']) == (
        vol['id'], 1, 'creating', 'snap', 'a snapshot')
    stack.wait_for_snapshot(snap['id'])
    snap['status'] = 'available'
    shown = _call(stack, 'GET', '/os-snapshots/%s' % snap['id'], 200)
    jsonschema.validate(shown.json(), t_vols_snap.create_get_snapshot[
        'response_body'])
    assert shown.json()['snapshot'] == snap
    for path in ('/os-snapshots', '/os-snapshots/detail'):
        listed = _call(stack, 'GET', path, 200).json()
        jsonschema.validate(listed, t_vols_snap.list_snapshots[
            'response_body'])
        assert snap['id'] in [s['id'] for s in listed['snapshots']]
    # A volume with snapshots is not deleted.
    refused = _call(stack, 'DELETE', '/os-volumes/%s' % vol['id'], 400)
    assert refused.json()['badRequest']['code'] == 400
    # A volume made from the snapshot takes its size.
    made = _create(stack, snapshot_id=snap['id'])
    assert made['snapshotId'] == snap['id']
    _call(stack, 'DELETE', '/os-volumes/%s' % made['id'], 202)
    _call(stack, 'DELETE', '/os-snapshots/%s' % snap['id'], 202)
    _call(stack, 'GET', '/os-snapshots/%s' % snap['id'], 404)
    _call(stack, 'DELETE', '/os-volumes/%s' % vol['id'], 202)


def test_snapshot_errors(stack):
    missing = str(uuid.uuid4())
    for method in ('GET', 'DELETE'):
        resp = _call(stack, method, '/os-snapshots/%s' % missing, 404)
        assert resp.json() == {'itemNotFound': {
            'code': 404,
            'message': 'Snapshot %s could not be found.' % missing}}
    resp = _call(stack, 'POST', '/os-volumes', 404, json={'volume': {
        'size': 1, 'snapshot_id': missing}})
    assert resp.json()['itemNotFound']['message'] == \
        'Snapshot %s could not be found.' % missing
    _snapshot(stack, missing, status=404)
    _call(stack, 'POST', '/os-snapshots', 400, json={'snapshot': {}})
    _call(stack, 'POST', '/os-snapshots', 400, json={'snapshot': {
        'volume_id': missing, 'force': 'maybe'}})


def test_snapshot_of_in_use_volume_needs_force(stack):
    resp = _call(stack, 'POST', '/servers', 202, json={'server': {
        'name': 'snap-force', 'imageRef': IMAGE, 'flavorRef': '1',
        'networks': 'none'}}, version='2.37')
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE')
    vol = _create(stack)
    _call(stack, 'POST', '/servers/%s/os-volume_attachments' % server_id,
          200, json={'volumeAttachment': {'volumeId': vol['id']}})
    stack.wait_for_volume(vol['id'], 'in-use')
    refused = _snapshot(stack, vol['id'], status=400).json()
    assert 'status must be available' in refused['badRequest']['message']
    snap = _snapshot(stack, vol['id'], force=True).json()['snapshot']
    assert snap['status'] == 'creating'
    assert stack.wait_for_snapshot(snap['id'])['status'] == 'available'
    _call(stack, 'DELETE', '/os-snapshots/%s' % snap['id'], 202)


@pytest.mark.parametrize('method,path', [
    ('GET', '/os-volumes/'), ('DELETE', '/os-volumes/'),
    ('GET', '/os-snapshots/'), ('DELETE', '/os-snapshots/'),
    ('DELETE', '/os-volumes/%23%24%25%25%26%5E%26%5E'),
    ('GET', '/os-volumes/%23%24%25%25%26%5E%26%5E')])
def test_empty_and_odd_ids(stack, method, path):
    resp = _call(stack, method, path, 404)
    assert resp.json()['itemNotFound']['code'] == 404


def test_answers_match_the_openapi_document(stack):
    from nova_lite.openapi import compute as openapi
    doc = openapi.build('2.35')

    def schema(method, template, status=200):
        return doc['paths'][template][method.lower()]['responses'][
            str(status)]['content']['application/json']['schema']
    vol = _create(stack)
    jsonschema.validate(
        _call(stack, 'GET', '/os-volumes/%s' % vol['id'], 200).json(),
        schema('GET', '/os-volumes/{volume_id}'))
    jsonschema.validate(_call(stack, 'GET', '/os-volumes/detail',
                              200).json(),
                        schema('GET', '/os-volumes/detail'))
    snap = _snapshot(stack, vol['id'])
    jsonschema.validate(snap.json(), schema('POST', '/os-snapshots'))
    jsonschema.validate(_call(stack, 'GET', '/os-snapshots', 200).json(),
                        schema('GET', '/os-snapshots'))
    _call(stack, 'DELETE', '/os-snapshots/%s' % snap.json()['snapshot'][
        'id'], 202)
    _call(stack, 'DELETE', '/os-volumes/%s' % vol['id'], 202)
    paths = openapi.build('2.36')['paths']
    assert '/os-volumes' not in paths and '/os-snapshots' not in paths
