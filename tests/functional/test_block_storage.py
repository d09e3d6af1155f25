"""The built-in block storage over real HTTP: Cinder's rules and views."""

import concurrent.futures
import os
import re

import pytest

from tests.fixtures import stack as stack_fixture

SERVER_A = '2c8e9c0e-4a1d-4c0e-8b1a-6a1c1c1c1c1a'
SERVER_B = '2c8e9c0e-4a1d-4c0e-8b1a-6a1c1c1c1c1b'
ADMIN = 'admin:admin'
# What nova sends beside the user's token: only services may delete an
# attachment that connects a volume to a server.
NOVA_SERVICE = {'X-Service-Token': 'nova:service'}
IMAGE_ID = 'c1b5a5f0-5a43-4f2b-9d0c-7e6f7d1c2b3a'


@pytest.fixture
def image_file(tmp_path):
    path = tmp_path / 'image.raw'
    path.write_bytes(b'NOVA-LITE-IMAGE' + bytes(range(256)) * 64)
    return path


@pytest.fixture
def bs(tmp_path, image_file):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('image_catalog', 'images',
         ['%s:raw-image:%s' % (IMAGE_ID, image_file),
          '70a599e0-31e7-49b7-b260-868f441e862b:cirros']),
    ])
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _type(bs, name='multiattach', multiattach=True):
    resp = bs.volume_request('POST', '/v3/types', token=ADMIN,
                             json={'volume_type': {'name': name}})
    assert resp.status_code == 200, resp.text
    type_id = resp.json()['volume_type']['id']
    if multiattach:
        resp = bs.volume_request(
            'POST', '/v3/types/%s/extra_specs' % type_id, token=ADMIN,
            json={'extra_specs': {'multiattach': '<is> True'}})
        assert resp.status_code == 200, resp.text
    return type_id


def _volume(bs, token='demo:demo', **fields):
    body = {'size': 1}
    body.update(fields)
    resp = bs.volume_request('POST', '/v3/volumes', token=token,
                             json={'volume': body})
    assert resp.status_code == 202, resp.text
    assert resp.json()['volume']['status'] == 'creating'
    return bs.wait_for_volume(resp.json()['volume']['id'], 'available',
                              token=token)


def _attach(bs, volume_id, server_id, host='compute1', token='demo:demo',
            complete=True):
    resp = bs.volume_request(
        'POST', '/v3/attachments', token=token, version='3.44',
        json={'attachment': {'volume_uuid': volume_id,
                             'instance_uuid': server_id}})
    if resp.status_code != 200:
        return resp
    attachment = resp.json()['attachment']
    if complete:
        resp = bs.volume_request(
            'PUT', '/v3/attachments/%s' % attachment['id'], token=token,
            version='3.44', json={'attachment': {'connector': {
                'host': host, 'mountpoint': '/dev/vdb'}}})
        assert resp.status_code == 200, resp.text
        resp = bs.volume_request(
            'POST', '/v3/attachments/%s/action' % attachment['id'],
            token=token, version='3.44', json={'os-complete': {}})
        assert resp.status_code == 204, resp.text
    return attachment


def _show(bs, volume_id, token='demo:demo', version=None):
    resp = bs.volume_request('GET', '/v3/volumes/%s' % volume_id,
                             token=token, version=version)
    assert resp.status_code == 200, resp.text
    return resp.json()['volume']


def test_version_documents(bs):
    root = bs.volume_request('GET', '/')
    assert root.status_code == 300
    (version,) = root.json()['versions']
    assert version['id'] == 'v3.0'
    assert (version['min_version'], version['version']) == ('3.0', '3.71')
    assert {'rel': 'self', 'href': bs.volume_base + '/v3/'} in \
        version['links']
    for path in ('/v3', '/v3/'):
        resp = bs.volume_request('GET', path)
        assert resp.status_code == 200
        assert resp.json() == root.json()


@pytest.mark.parametrize('header,status,message', [
    ('volume 3.72', 406, 'Version 3.72 is not supported by the API. '
                         'Minimum is 3.0 and maximum is 3.71.'),
    ('volume 2.0', 406, 'Version 2.0 is not supported by the API. '
                        'Minimum is 3.0 and maximum is 3.71.'),
    ('volume 3.x', 400, 'API Version String 3.x is of invalid format. '
                        'Must be of format MajorNum.MinorNum.'),
])
def test_bad_microversions(bs, header, status, message):
    resp = bs.volume_request('GET', '/v3/volumes',
                             headers={'OpenStack-API-Version': header})
    assert resp.status_code == status
    assert list(resp.json().values())[0]['message'] == message


def test_microversion_echoed(bs):
    resp = bs.volume_request('GET', '/v3/volumes', version='3.60')
    assert resp.headers['OpenStack-API-Version'] == 'volume 3.60'
    assert 'OpenStack-API-Version' in resp.headers['Vary']
    latest = bs.volume_request('GET', '/v3/volumes', version='latest')
    assert latest.headers['OpenStack-API-Version'] == 'volume 3.71'


def test_types_are_managed_by_admins_only(bs):
    resp = bs.volume_request('POST', '/v3/types',
                             json={'volume_type': {'name': 'mine'}})
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow volume_extension:types_manage to be "
        "performed.")
    type_id = _type(bs)
    dup = bs.volume_request('POST', '/v3/types', token=ADMIN,
                            json={'volume_type': {'name': 'multiattach'}})
    assert dup.status_code == 409
    listed = bs.volume_request('GET', '/v3/types').json()['volume_types']
    assert {t['name'] for t in listed} == {'__DEFAULT__', 'multiattach'}
    shown = bs.volume_request('GET', '/v3/types/%s' % type_id).json()
    assert shown['volume_type']['extra_specs'] == {
        'multiattach': '<is> True'}
    spec = bs.volume_request(
        'GET', '/v3/types/%s/extra_specs/multiattach' % type_id).json()
    assert spec == {'multiattach': '<is> True'}
    missing = bs.volume_request(
        'GET', '/v3/types/%s/extra_specs/nope' % type_id)
    assert missing.status_code == 404
    default = bs.volume_request('GET', '/v3/types/default').json()
    assert default['volume_type']['name'] == '__DEFAULT__'
    _volume(bs, volume_type='multiattach')
    in_use = bs.volume_request('DELETE', '/v3/types/%s' % type_id,
                               token=ADMIN)
    assert in_use.status_code == 400
    assert in_use.json()['badRequest']['message'] == (
        'Target volume type is still in use.')


def test_volume_lifecycle_and_views(bs):
    type_id = _type(bs)
    volume = _volume(bs, name='vol-multiattach', volume_type='multiattach',
                     metadata={'purpose': 'shared'})
    assert volume['multiattach'] is True
    assert volume['volume_type'] == 'multiattach'
    assert volume['bootable'] == 'false'
    assert volume['metadata'] == {'purpose': 'shared'}
    assert 'os-vol-host-attr:host' not in volume
    assert 'os-vol-tenant-attr:tenant_id' not in volume
    admin_view = _show(bs, volume['id'], token=ADMIN)
    assert admin_view['os-vol-host-attr:host'] == 'compute1@lite#lite'
    assert admin_view['os-vol-tenant-attr:tenant_id'] == 'demo'
    at_363 = _show(bs, volume['id'], version='3.63')
    assert at_363['volume_type_id'] == type_id
    assert 'volume_type_id' not in _show(bs, volume['id'], version='3.62')
    # Found by name, as the clients look volumes up.
    by_name = bs.volume_request(
        'GET', '/v3/volumes/detail?name=vol-multiattach').json()
    assert [v['id'] for v in by_name['volumes']] == [volume['id']]
    summary = bs.volume_request('GET', '/v3/volumes').json()['volumes']
    assert summary == [{'id': volume['id'], 'name': 'vol-multiattach',
                        'links': volume['links']}]
    updated = bs.volume_request(
        'PUT', '/v3/volumes/%s' % volume['id'],
        json={'volume': {'name': 'renamed', 'description': 'd'}})
    assert updated.status_code == 200
    assert updated.json()['volume']['name'] == 'renamed'
    # Other projects do not see it.
    other = bs.volume_request('GET', '/v3/volumes/%s' % volume['id'],
                              token='other:other')
    assert other.status_code == 404
    assert bs.volume_request('GET', '/v3/volumes/detail',
                             token='other:other').json()['volumes'] == []
    everyone = bs.volume_request(
        'GET', '/v3/volumes/detail?all_tenants=1', token=ADMIN).json()
    assert [v['id'] for v in everyone['volumes']] == [volume['id']]
    path = os.path.join(bs.conf.state_path, 'volumes',
                        'volume-%s' % volume['id'])
    assert os.path.getsize(path) == 1024 ** 3
    assert os.stat(path).st_blocks * 512 < 1024 ** 2  # sparse
    deleted = bs.volume_request('DELETE', '/v3/volumes/%s' % volume['id'])
    assert deleted.status_code == 202
    bs.wait_for_volume(volume['id'], 'DELETED')
    assert not os.path.exists(path)


def test_project_in_url(bs):
    volume = _volume(bs)
    resp = bs.volume_request('GET', '/v3/demo/volumes/%s' % volume['id'])
    assert resp.status_code == 200
    assert resp.json()['volume']['links'][0]['href'].endswith(
        '/v3/demo/volumes/%s' % volume['id'])
    wrong = bs.volume_request('GET', '/v3/other/volumes/%s' % volume['id'])
    assert wrong.status_code == 400


def test_volume_from_image_holds_its_bytes(bs, image_file):
    volume = _volume(bs, imageRef=IMAGE_ID)
    assert volume['bootable'] == 'true'
    assert volume['volume_image_metadata']['image_id'] == IMAGE_ID
    path = os.path.join(bs.conf.state_path, 'volumes',
                        'volume-%s' % volume['id'])
    data = image_file.read_bytes()
    with open(path, 'rb') as f:
        assert f.read(len(data)) == data
    bad = bs.volume_request('POST', '/v3/volumes', json={
        'volume': {'size': 1, 'imageRef': SERVER_A}})
    assert bad.status_code == 400
    assert bad.json()['badRequest']['message'] == (
        'Invalid image identifier or unable to access requested image.')


@pytest.mark.parametrize('body,status,message', [
    ({'volume': {'size': 0}}, 400, 'Invalid input for field/attribute '
     'size. Value: 0. 0 is less than the minimum of 1'),
    ({'volume': {'size': 'big'}}, 400, None),
    ({'volume': {}}, 400, "Invalid input received: Volume size 'None' "
     "must be an integer and greater than 0"),
    ({'volume': {'size': 1, 'volume_type': 'nope'}}, 404,
     'Volume type with name nope could not be found.'),
    ({'volume': {'size': 1, 'snapshot_id': SERVER_A}}, 404,
     'Snapshot %s could not be found.' % SERVER_A),
    ({'volume': {'size': 4096}}, 413, None),
    ({'vol': {}}, 400, None),
])
def test_create_errors(bs, body, status, message):
    resp = bs.volume_request('POST', '/v3/volumes', json=body)
    assert resp.status_code == status, resp.text
    fault = list(resp.json().values())[0]
    assert fault['code'] == status
    if message:
        assert fault['message'] == message
    assert bs.volume_request('GET', '/v3/volumes').json()['volumes'] == []


def test_attachment_lifecycle_statuses(bs):
    volume = _volume(bs)
    attachment = _attach(bs, volume['id'], SERVER_A, complete=False)
    assert attachment['status'] == 'reserved'
    assert attachment['connection_info'] == {}
    assert _show(bs, volume['id'])['status'] == 'reserved'
    updated = bs.volume_request(
        'PUT', '/v3/attachments/%s' % attachment['id'], version='3.44',
        json={'attachment': {'connector': {'host': 'compute1',
                                           'mountpoint': '/dev/vdb'}}})
    info = updated.json()['attachment']['connection_info']
    assert info['driver_volume_type'] == 'file'
    assert info['device_path'].endswith('volume-%s' % volume['id'])
    assert info['attachment_id'] == attachment['id']
    assert _show(bs, volume['id'])['status'] == 'attaching'
    bs.volume_request('POST', '/v3/attachments/%s/action' % attachment['id'],
                      version='3.44', json={'os-complete': {}})
    shown = _show(bs, volume['id'])
    assert shown['status'] == 'in-use'
    (entry,) = shown['attachments']
    assert entry['attachment_id'] == attachment['id']
    assert entry['server_id'] == SERVER_A
    assert entry['device'] == '/dev/vdb'
    assert entry['host_name'] is None          # members do not see hosts
    assert entry['id'] == entry['volume_id'] == volume['id']
    # Cinder's timestamp: naive UTC, always with microseconds.
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$',
                    entry['attached_at']), entry['attached_at']
    (admin_entry,) = _show(bs, volume['id'], token=ADMIN)['attachments']
    assert admin_entry['host_name'] == 'compute1'
    refused = bs.volume_request('DELETE', '/v3/volumes/%s' % volume['id'])
    assert refused.status_code == 400
    assert 'must not be migrating, attached' in \
        refused.json()['badRequest']['message']
    detaching = bs.volume_request(
        'POST', '/v3/volumes/%s/action' % volume['id'],
        json={'os-begin_detaching': None})
    assert detaching.status_code == 202
    assert _show(bs, volume['id'])['status'] == 'detaching'
    bs.volume_request('POST', '/v3/volumes/%s/action' % volume['id'],
                      json={'os-roll_detaching': None})
    assert _show(bs, volume['id'])['status'] == 'in-use'
    left = bs.volume_request('DELETE', '/v3/attachments/%s'
                             % attachment['id'], version='3.44',
                             headers=NOVA_SERVICE)
    assert left.status_code == 200
    assert left.json() == {'attachments': []}
    final = _show(bs, volume['id'])
    assert (final['status'], final['attachments']) == ('available', [])
    gone = bs.volume_request('GET', '/v3/attachments/%s' % attachment['id'],
                             version='3.44')
    assert gone.status_code == 404


def test_refused_attachment_calls_write_nothing(bs):
    """Attachment calls check policy inside their write transaction: a
    project reader's create, update, complete and delete are refused and
    leave the volume and its attachment as they were."""
    reader = {'X-Roles': 'reader'}
    volume = _volume(bs)
    refused = bs.volume_request(
        'POST', '/v3/attachments', version='3.44', headers=reader,
        json={'attachment': {'volume_uuid': volume['id'],
                             'instance_uuid': SERVER_A}})
    assert refused.status_code == 403, refused.text
    assert 'forbidden' in refused.json()
    shown = _show(bs, volume['id'])
    assert (shown['status'], shown['attachments']) == ('available', [])
    attachment = _attach(bs, volume['id'], SERVER_A, complete=False)
    path = '/v3/attachments/%s' % attachment['id']
    for method, suffix, body in (
            ('PUT', '', {'attachment': {'connector': {
                'host': 'compute1', 'mountpoint': '/dev/vdb'}}}),
            ('POST', '/action', {'os-complete': {}}),
            ('DELETE', '', None)):
        resp = bs.volume_request(method, path + suffix, version='3.44',
                                 headers=dict(reader, **NOVA_SERVICE),
                                 json=body)
        assert resp.status_code == 403, (method, suffix, resp.text)
        kept = bs.volume_request('GET', path, version='3.44').json()[
            'attachment']
        assert (kept['status'], kept['connection_info']) == ('reserved', {})
        assert _show(bs, volume['id'])['status'] == 'reserved'


def test_attachments_need_their_microversions(bs):
    volume = _volume(bs)
    old = bs.volume_request('POST', '/v3/attachments', version='3.26', json={
        'attachment': {'volume_uuid': volume['id']}})
    assert old.status_code == 404
    assert old.json()['itemNotFound']['message'] == (
        'API version 3.26 is not supported on this method.')
    attachment = _attach(bs, volume['id'], SERVER_A, complete=False)
    early = bs.volume_request(
        'POST', '/v3/attachments/%s/action' % attachment['id'],
        version='3.43', json={'os-complete': {}})
    assert early.status_code == 404


def test_non_multiattach_volume_takes_one_attachment(bs):
    volume = _volume(bs)
    _attach(bs, volume['id'], SERVER_A)
    second = _attach(bs, volume['id'], SERVER_B)
    assert second.status_code == 400
    assert second.json()['badRequest']['message'] == (
        'Invalid volume: Volume %s status must be available or downloading '
        'to reserve, but the current status is in-use.' % volume['id'])
    # The same server may attach it again (a move to another host).
    again = _attach(bs, volume['id'], SERVER_A, complete=False)
    assert again['status'] == 'reserved'


def test_multiattach_volume_takes_many(bs):
    _type(bs)
    volume = _volume(bs, volume_type='multiattach')
    first = _attach(bs, volume['id'], SERVER_A, host='compute1')
    second = _attach(bs, volume['id'], SERVER_B, host='compute2')
    shown = _show(bs, volume['id'], token=ADMIN)
    assert shown['status'] == 'in-use'
    assert {(a['server_id'], a['attachment_id'], a['host_name'])
            for a in shown['attachments']} == {
        (SERVER_A, first['id'], 'compute1'),
        (SERVER_B, second['id'], 'compute2')}
    listed = bs.volume_request(
        'GET', '/v3/attachments?volume_id=%s' % volume['id'],
        version='3.44').json()['attachments']
    assert {a['id'] for a in listed} == {first['id'], second['id']}
    listed_status = {a['id']: a['status'] for a in listed}
    left = bs.volume_request('DELETE', '/v3/attachments/%s' % first['id'],
                             version='3.44',
                             headers=NOVA_SERVICE).json()['attachments']
    # Each attachment left as a summary, as cinder answers a delete.
    assert left == [{'id': second['id'], 'instance': SERVER_B,
                     'volume_id': volume['id'],
                     'status': listed_status[second['id']]}]
    assert _show(bs, volume['id'])['status'] == 'in-use'


def test_parallel_attachments_lose_nothing(bs):
    _type(bs)
    shared = _volume(bs, volume_type='multiattach')
    single = _volume(bs)
    servers = ['2c8e9c0e-4a1d-4c0e-8b1a-%012d' % i for i in range(16)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        made = list(pool.map(
            lambda s: _attach(bs, shared['id'], s, host=s[-4:]), servers))
        raced = list(pool.map(
            lambda s: _attach(bs, single['id'], s, complete=False), servers))
    assert len({a['id'] for a in made}) == 16
    shown = _show(bs, shared['id'])
    assert {a['server_id'] for a in shown['attachments']} == set(servers)
    winners = [r for r in raced if isinstance(r, dict)]
    assert len(winners) == 1
    assert all(r.status_code == 400 for r in raced
               if not isinstance(r, dict))
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda a: bs.volume_request(
            'DELETE', '/v3/attachments/%s' % a['id'], version='3.44',
            headers=NOVA_SERVICE), made))
    final = _show(bs, shared['id'])
    assert (final['status'], final['attachments']) == ('available', [])


def test_bad_bodies_and_routes(bs):
    resp = bs.volume_request('POST', '/v3/volumes', data=b'{not json',
                             headers={'Content-Type': 'application/json'})
    assert resp.status_code == 400
    assert 'badRequest' in resp.json()
    resp = bs.volume_request('PATCH', '/v3/volumes')
    assert resp.status_code == 405
    resp = bs.volume_request('GET', '/v3/backups')
    assert resp.status_code == 404
    volume = _volume(bs)
    resp = bs.volume_request('POST', '/v3/volumes/%s/action' % volume['id'],
                             json={'os-frobnicate': {}})
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'There is no such action: os-frobnicate')
    resp = bs.volume_request('GET', '/v3/volumes', token='')
    assert resp.status_code == 401
