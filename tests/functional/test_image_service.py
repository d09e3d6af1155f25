"""The built-in image service over real HTTP: Glance's v2 rules."""

import hashlib

import pytest
import requests

from nova_lite.image_service import service
from tests.fixtures import stack as stack_fixture

SEED = '70a599e0-31e7-49b7-b260-868f441e862b'
PATCH = 'application/openstack-images-v2.1-json-patch'
DATA = b'NOVA-LITE' + bytes(range(256)) * 40


@pytest.fixture
def image_svc(tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('image_service', 'listen_port', 0)])
    svc = service.ImageService(conf).start()
    try:
        yield Client(svc.endpoint)
    finally:
        svc.stop()


class Client:
    def __init__(self, base):
        self.base = base

    def __call__(self, method, path, token='demo:demo', headers=None,
                 **kwargs):
        hdrs = {'X-Auth-Token': token}
        hdrs.update(headers or {})
        return requests.request(method, self.base + path, headers=hdrs,
                                timeout=30, **kwargs)

    def create(self, token='demo:demo', **body):
        body.setdefault('disk_format', 'raw')
        body.setdefault('container_format', 'bare')
        resp = self('POST', '/v2/images', token=token, json=body)
        assert resp.status_code == 201, resp.text
        return resp.json()

    def upload(self, image_id, data=DATA, token='demo:demo'):
        return self('PUT', '/v2/images/%s/file' % image_id, token=token,
                    data=data,
                    headers={'Content-Type': 'application/octet-stream'})

    def patch(self, image_id, ops, token='demo:demo', content_type=PATCH):
        return self('PATCH', '/v2/images/%s' % image_id, token=token,
                    json=ops, headers={'Content-Type': content_type})


def test_versions(image_svc):
    resp = requests.get(image_svc.base + '/')
    assert resp.status_code == 300
    versions = resp.json()['versions']
    assert versions[0]['status'] == 'CURRENT'
    assert versions[0]['links'][0]['href'] == image_svc.base + '/v2/'
    assert {v['id'] for v in versions} >= {'v2.0', 'v2.16'}
    assert requests.get(image_svc.base + '/versions').status_code == 200


def test_seed_image_is_public_and_active(image_svc):
    resp = image_svc('GET', '/v2/images/%s' % SEED)
    assert resp.status_code == 200
    body = resp.json()
    assert (body['status'], body['visibility']) == ('active', 'public')


def test_create_upload_download(image_svc):
    image = image_svc.create(name='img', hw_disk_bus='scsi')
    assert image['status'] == 'queued'
    assert image['visibility'] == 'shared'
    assert image['owner'] == 'demo'
    assert image['hw_disk_bus'] == 'scsi'
    assert image['size'] is None and image['checksum'] is None
    # No data yet: 204, as Glance.
    resp = image_svc('GET', '/v2/images/%s/file' % image['id'])
    assert resp.status_code == 204
    resp = image_svc.upload(image['id'])
    assert resp.status_code == 204, resp.text
    body = image_svc('GET', '/v2/images/%s' % image['id']).json()
    assert body['status'] == 'active'
    assert body['size'] == len(DATA)
    assert body['checksum'] == hashlib.md5(DATA).hexdigest()
    assert body['os_hash_algo'] == 'sha512'
    assert body['os_hash_value'] == hashlib.sha512(DATA).hexdigest()
    resp = image_svc('GET', '/v2/images/%s/file' % image['id'])
    assert resp.status_code == 200
    assert resp.content == DATA
    assert resp.headers['Content-MD5'] == body['checksum']
    # A second upload: 409, and the data is unchanged.
    resp = image_svc.upload(image['id'], data=b'other')
    assert resp.status_code == 409
    resp = image_svc('GET', '/v2/images/%s/file' % image['id'])
    assert resp.content == DATA


def test_upload_needs_octet_stream(image_svc):
    image = image_svc.create()
    resp = image_svc('PUT', '/v2/images/%s/file' % image['id'], data=b'x',
                     headers={'Content-Type': 'application/json'})
    assert resp.status_code == 415
    assert image_svc('GET', '/v2/images/%s' % image['id']).json()[
        'status'] == 'queued'


def test_errors_are_glance_webob_answers(image_svc):
    missing = '00000000-0000-0000-0000-000000000000'
    resp = image_svc('GET', '/v2/images/%s' % missing,
                     headers={'Accept': 'application/json'})
    assert resp.status_code == 404
    assert resp.json()['code'] == '404 Not Found'
    assert 'No image found with ID' in resp.json()['message']
    resp = image_svc('GET', '/v2/images/nope', headers={'Accept': '*/*'})
    assert resp.status_code == 404
    assert 'No image found with ID nope' in resp.text


def test_create_refuses_read_only_and_bad_values(image_svc):
    for body, status in (({'status': 'active'}, 403),
                         ({'checksum': 'x'}, 403),
                         ({'location': 'x'}, 403),
                         ({'disk_format': 'nope'}, 400),
                         ({'min_ram': -1}, 400),
                         ({'custom': 1}, 400),
                         ({'id': 'not-a-uuid'}, 400),
                         ({'visibility': 'public'}, 403)):
        resp = image_svc('POST', '/v2/images', json=body)
        assert resp.status_code == status, (body, resp.text)
    assert [i for i in image_svc('GET', '/v2/images').json()['images']
            if i['owner'] == 'demo'] == []


def test_admin_may_publicize(image_svc):
    image = image_svc.create(token='admin:admin', visibility='public',
                             name='pub')
    assert image['visibility'] == 'public'
    resp = image_svc('GET', '/v2/images/%s' % image['id'],
                     token='other:other')
    assert resp.status_code == 200


def test_private_image_hidden_from_other_projects(image_svc):
    image = image_svc.create(visibility='private')
    resp = image_svc('GET', '/v2/images/%s' % image['id'],
                     token='other:other')
    assert resp.status_code == 404
    ids = [i['id'] for i in image_svc(
        'GET', '/v2/images', token='other:other').json()['images']]
    assert image['id'] not in ids
    resp = image_svc('DELETE', '/v2/images/%s' % image['id'],
                     token='other:other')
    assert resp.status_code == 404
    assert image_svc('GET', '/v2/images/%s' % image['id']).status_code == 200


def test_patch(image_svc):
    image = image_svc.create(name='a')
    resp = image_svc.patch(image['id'], [
        {'op': 'replace', 'path': '/name', 'value': 'b'},
        {'op': 'add', 'path': '/hw_qemu_guest_agent', 'value': 'yes'},
        {'op': 'replace', 'path': '/tags', 'value': ['t1', 't2']}])
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body['name'], body['hw_qemu_guest_agent']) == ('b', 'yes')
    assert body['tags'] == ['t1', 't2']
    resp = image_svc.patch(image['id'], [
        {'op': 'remove', 'path': '/hw_qemu_guest_agent'}])
    assert 'hw_qemu_guest_agent' not in resp.json()
    for ops, status in (
            ([{'op': 'replace', 'path': '/status', 'value': 'active'}], 403),
            ([{'op': 'replace', 'path': '/size', 'value': 1}], 403),
            ([{'op': 'add', 'path': '/deleted', 'value': 'x'}], 403),
            ([{'op': 'remove', 'path': '/nothere'}], 409),
            ([{'op': 'replace', 'path': '/nothere', 'value': 'x'}], 409),
            ([{'op': 'move', 'path': '/name', 'value': 'x'}], 400),
            ([{'op': 'replace', 'path': '/name', 'value': 'c'},
              {'op': 'replace', 'path': '/visibility',
               'value': 'public'}], 403)):
        resp = image_svc.patch(image['id'], ops)
        assert resp.status_code == status, (ops, resp.text)
    # None of the refused patches changed anything.
    assert image_svc('GET', '/v2/images/%s' % image['id']).json()[
        'name'] == 'b'
    resp = image_svc.patch(image['id'], [], content_type='application/json')
    assert resp.status_code == 415


def test_protected_image_cannot_be_deleted(image_svc):
    image = image_svc.create(protected=True)
    resp = image_svc('DELETE', '/v2/images/%s' % image['id'])
    assert resp.status_code == 403
    assert 'is protected' in resp.text
    image_svc.patch(image['id'], [{'op': 'replace', 'path': '/protected',
                                   'value': False}])
    assert image_svc('DELETE', '/v2/images/%s' %
                     image['id']).status_code == 204
    assert image_svc('GET', '/v2/images/%s' %
                     image['id']).status_code == 404


def test_delete_removes_the_data_file(image_svc, tmp_path):
    image = image_svc.create()
    image_svc.upload(image['id'])
    path = tmp_path / 'images' / image['id']
    assert path.read_bytes() == DATA
    assert image_svc('DELETE', '/v2/images/%s' %
                     image['id']).status_code == 204
    assert not path.exists()


def test_tags(image_svc):
    image = image_svc.create()
    path = '/v2/images/%s/tags/' % image['id']
    assert image_svc('PUT', path + 'x').status_code == 204
    assert image_svc('PUT', path + 'x').status_code == 204
    assert image_svc('GET', '/v2/images/%s' % image['id']).json()[
        'tags'] == ['x']
    assert image_svc('DELETE', path + 'x').status_code == 204
    assert image_svc('DELETE', path + 'x').status_code == 404
    assert image_svc('PUT', path + 'y', token='other:other').status_code \
        == 404


def test_list_filters_and_paging(image_svc):
    ids = [image_svc.create(name='p%d' % n, container_format='bare',
                            tags=['even'] if n % 2 == 0 else [])['id']
           for n in range(5)]
    image_svc.upload(ids[0])

    def names(query):
        resp = image_svc('GET', '/v2/images' + query)
        assert resp.status_code == 200, resp.text
        return [i['name'] for i in resp.json()['images']]

    assert names('?name=p1') == ['p1']
    assert sorted(names('?tag=even')) == ['p0', 'p2', 'p4']
    assert names('?status=active&owner=demo') == ['p0']
    assert names('?size_min=1') == ['p0']
    assert names('?size=%d' % len(DATA)) == ['p0']
    assert names('?sort_key=name&sort_dir=asc&owner=demo') == [
        'p0', 'p1', 'p2', 'p3', 'p4']
    assert names('?sort=name:desc&owner=demo') == [
        'p4', 'p3', 'p2', 'p1', 'p0']
    assert sorted(names('?name=in:p1,p3')) == ['p1', 'p3']
    resp = image_svc('GET', '/v2/images?limit=2&sort_key=name&sort_dir=asc'
                            '&owner=demo').json()
    assert [i['name'] for i in resp['images']] == ['p0', 'p1']
    assert 'marker=%s' % ids[1] in resp['next']
    follow = image_svc('GET', resp['next']).json()
    assert [i['name'] for i in follow['images']] == ['p2', 'p3']
    for query in ('?limit=x', '?limit=-1', '?sort_key=nope',
                  '?sort_dir=up', '?visibility=nope', '?marker=nope',
                  '?status=nope'):
        assert image_svc('GET', '/v2/images' + query).status_code == 400


def test_members(image_svc):
    image = image_svc.create()
    members = '/v2/images/%s/members' % image['id']
    resp = image_svc('POST', members, json={'member': 'other'})
    assert resp.status_code == 200, resp.text
    assert resp.json()['status'] == 'pending'
    assert image_svc('POST', members, json={'member': 'other'}).status_code \
        == 409
    # Pending: not in the member's default list, but it can be shown.
    listed = [i['id'] for i in image_svc('GET', '/v2/images',
                                         token='other:other').json()[
        'images']]
    assert image['id'] not in listed
    assert image_svc('GET', '/v2/images/%s' % image['id'],
                     token='other:other').status_code == 200
    # The owner may not accept on the member's behalf.
    resp = image_svc('PUT', members + '/other', json={'status': 'accepted'})
    assert resp.status_code == 403
    resp = image_svc('PUT', members + '/other', token='other:other',
                     json={'status': 'accepted'})
    assert resp.status_code == 200
    assert resp.json()['status'] == 'accepted'
    listed = [i['id'] for i in image_svc('GET', '/v2/images',
                                         token='other:other').json()[
        'images']]
    assert image['id'] in listed
    body = image_svc('GET', members).json()
    assert [m['member_id'] for m in body['members']] == ['other']
    assert body['schema'] == '/v2/schemas/members'
    assert image_svc('DELETE', members + '/other').status_code == 204
    assert image_svc('GET', '/v2/images/%s' % image['id'],
                     token='other:other').status_code == 404
    private = image_svc.create(visibility='private')
    resp = image_svc('POST', '/v2/images/%s/members' % private['id'],
                     json={'member': 'other'})
    assert resp.status_code == 403


def test_deactivate_reactivate(image_svc):
    image = image_svc.create()
    action = '/v2/images/%s/actions/' % image['id']
    assert image_svc('POST', action + 'deactivate').status_code == 403
    image_svc.upload(image['id'])
    assert image_svc('POST', action + 'deactivate').status_code == 204
    assert image_svc('GET', '/v2/images/%s' % image['id']).json()[
        'status'] == 'deactivated'
    assert image_svc('GET', '/v2/images/%s/file' %
                     image['id']).status_code == 403
    assert image_svc('GET', '/v2/images/%s/file' % image['id'],
                     token='admin:admin').status_code == 200
    assert image_svc('POST', action + 'reactivate').status_code == 204
    assert image_svc('GET', '/v2/images/%s/file' %
                     image['id']).status_code == 200


def test_schemas(image_svc):
    for name in ('image', 'images', 'member', 'members'):
        resp = image_svc('GET', '/v2/schemas/%s' % name)
        assert resp.status_code == 200
        assert resp.json()['name'] == name
    props = image_svc('GET', '/v2/schemas/image').json()['properties']
    assert 'os_hash_value' in props and props['status']['readOnly']


def test_reader_cannot_write(image_svc):
    resp = image_svc('POST', '/v2/images', json={'name': 'r'},
                     headers={'X-Roles': 'reader'})
    assert resp.status_code == 403
    assert image_svc('GET', '/v2/images').json()['images'] == [
        i for i in image_svc('GET', '/v2/images').json()['images']
        if i['name'] != 'r']


def test_seed_is_idempotent(tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('image_service', 'listen_port', 0)])
    svc = service.ImageService(conf)
    svc.build()
    try:
        assert service.seed(conf, svc.store) == []
        assert [i['id'] for i in svc.store.list()] == [SEED]
    finally:
        svc.stop()


def test_patch_older_form_and_reserved_prefix(image_svc):
    image = image_svc.create(name='a')
    resp = image_svc.patch(image['id'], [{'replace': '/name', 'value': 'b'}])
    assert resp.status_code == 200, resp.text
    assert resp.json()['name'] == 'b'
    resp = image_svc.patch(image['id'], [{'replace': '/name', 'add': '/x',
                                          'value': 'b'}])
    assert resp.status_code == 400
    resp = image_svc.patch(image['id'], [
        {'op': 'add', 'path': '/os_glance_foo', 'value': 'x'}])
    assert resp.status_code == 403
    resp = image_svc('POST', '/v2/images', json={'os_glance_foo': 'x'})
    assert resp.status_code == 403


def test_empty_image_id_is_not_found(image_svc):
    assert image_svc('GET', '/v2/images/').status_code == 404
    assert image_svc('DELETE', '/v2/images/').status_code == 404


def test_anonymous_reads_under_noauth2(image_svc):
    private = image_svc.create(visibility='private')
    resp = requests.get(image_svc.base + '/v2/images', timeout=30)
    assert resp.status_code == 200, resp.text
    ids = [i['id'] for i in resp.json()['images']]
    assert SEED in ids and private['id'] not in ids
    assert requests.get(image_svc.base + '/v2/images/%s' % private['id'],
                        timeout=30).status_code == 404
    # Writes still need a token.
    resp = requests.post(image_svc.base + '/v2/images', json={}, timeout=30)
    assert resp.status_code != 201
    assert len(image_svc('GET', '/v2/images?owner=demo').json()[
        'images']) == 1
