"""/images and /images/{image_id}/metadata through the whole stack: the
compute API's views of the built-in image service's images (list, detail,
show, delete, metadata), nova's filters, paging and faults, and the 404
from 2.36 on (2.39 for the metadata)."""

import uuid

import jsonschema
import pytest
import requests
from tempest.lib.api_schema.response.compute.v2_1 import images as t_images

from tests.fixtures import stack as stack_fixture

DEMO = 'demo:demo'
OTHER = 'other:other'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('img_proxy'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _call(stack, method, path, status, version='2.35', json=None,
          token=DEMO):
    resp = stack.request(method, '/v2.1' + path, token=token,
                         version=version, json=json)
    assert resp.status_code == status, resp.text
    return resp


def _image(stack, data=b'disk', token=DEMO, **body):
    body.setdefault('name', 'img-%s' % uuid.uuid4().hex[:8])
    body.update(disk_format='raw', container_format='bare')
    resp = requests.post(stack.image_base + '/v2/images', json=body,
                         headers={'X-Auth-Token': token}, timeout=30)
    assert resp.status_code == 201, resp.text
    image_id = resp.json()['id']
    if data is not None:
        resp = requests.put(
            stack.image_base + '/v2/images/%s/file' % image_id, data=data,
            timeout=30, headers={'X-Auth-Token': token,
                                 'Content-Type': 'application/octet-stream'})
        assert resp.status_code == 204, resp.text
    return image_id


def _service_image(stack, image_id, token=DEMO):
    return requests.get(stack.image_base + '/v2/images/%s' % image_id,
                        headers={'X-Auth-Token': token}, timeout=30)


def test_show_is_nova_view_of_the_image(stack):
    image_id = _image(stack, name='shown', min_ram=64, min_disk=1,
                      os_distro='cirros', auto_disk_config='true')
    body = _call(stack, 'GET', '/images/%s' % image_id, 200).json()
    jsonschema.validate(body, t_images.get_image['response_body'])
    image = body['image']
    assert (image['id'], image['name'], image['status'],
            image['progress']) == (image_id, 'shown', 'ACTIVE', 100)
    assert (image['minRam'], image['minDisk']) == (64, 1)
    assert image['OS-EXT-IMG-SIZE:size'] == 4
    assert image['metadata'] == {'os_distro': 'cirros',
                                 'auto_disk_config': 'true'}
    assert image['OS-DCF:diskConfig'] == 'AUTO'
    assert image['created'].endswith('Z') and image['updated'].endswith('Z')
    assert 'server' not in image
    rels = {link['rel']: link for link in image['links']}
    assert rels['self']['href'] == '%s/v2.1/images/%s' % (stack.base,
                                                          image_id)
    assert rels['bookmark']['href'] == '%s/images/%s' % (stack.base,
                                                         image_id)
    assert rels['alternate'] == {
        'rel': 'alternate', 'type': 'application/vnd.openstack.image',
        'href': '%s/images/%s' % (stack.image_base, image_id)}


def test_queued_image_is_saving_and_snapshot_names_its_server(stack):
    server_id = str(uuid.uuid4())
    image_id = _image(stack, data=None, instance_uuid=server_id,
                      image_type='snapshot')
    image = _call(stack, 'GET', '/images/%s' % image_id, 200).json()['image']
    assert (image['status'], image['progress']) == ('SAVING', 25)
    assert image['server']['id'] == server_id
    assert image['server']['links'][0] == {
        'rel': 'self',
        'href': '%s/v2.1/servers/%s' % (stack.base, server_id)}
    # The ``server`` filter takes the id or the server's URL.
    for value in (server_id, 'http://compute/servers/%s' % server_id):
        listed = _call(stack, 'GET', '/images?server=%s' % value,
                       200).json()['images']
        assert [i['id'] for i in listed] == [image_id]


def test_list_and_detail_filters(stack):
    tag = uuid.uuid4().hex[:8]
    active = _image(stack, name='f-%s' % tag, min_disk=3)
    queued = _image(stack, name='f-%s' % tag, data=None, image_type='backup')
    body = _call(stack, 'GET', '/images?name=f-%s' % tag, 200).json()
    jsonschema.validate(body, t_images.list_images['response_body'])
    assert {i['id'] for i in body['images']} == {active, queued}
    assert set(body['images'][0]) == {'id', 'name', 'links'}
    detail = _call(stack, 'GET', '/images/detail?name=f-%s' % tag,
                   200).json()
    jsonschema.validate(detail, t_images.list_images_details[
        'response_body'])
    assert {i['id']: i['status'] for i in detail['images']} == {
        active: 'ACTIVE', queued: 'SAVING'}

    def ids(query):
        return {i['id'] for i in _call(
            stack, 'GET', '/images/detail?name=f-%s&%s' % (tag, query),
            200).json()['images']}

    assert ids('status=ACTIVE') == {active}
    assert ids('status=queued') == {queued}
    assert ids('minDisk=3') == {active}
    assert ids('type=backup') == {queued}
    assert ids('changes-since=2000-01-01T00:00:00Z') == {active, queued}
    assert ids('changes-since=2999-01-01T00:00:00Z') == set()
    resp = _call(stack, 'GET', '/images?changes-since=never', 400)
    assert 'badRequest' in resp.json()


def test_paging_with_limit_marker_and_next_links(stack):
    tag = uuid.uuid4().hex[:8]
    made = {_image(stack, name='p-%s' % tag) for _i in range(3)}
    query = '/images?name=p-%s&limit=2' % tag
    first = _call(stack, 'GET', query, 200).json()
    assert len(first['images']) == 2
    next_link = first['images_links'][0]
    assert next_link['rel'] == 'next'
    marker = first['images'][-1]['id']
    assert 'marker=%s' % marker in next_link['href']
    assert next_link['href'].startswith(stack.base + '/v2.1/images?')
    second = _call(stack, 'GET', query + '&marker=%s' % marker, 200).json()
    assert len(second['images']) == 1
    assert 'images_links' not in second
    seen = {i['id'] for i in first['images'] + second['images']}
    assert seen == made
    detail = _call(stack, 'GET', '/images/detail?name=p-%s&limit=1' % tag,
                   200).json()
    assert '/v2.1/images/detail?' in detail['images_links'][0]['href']
    for bad in ('limit=abc', 'limit=-1'):
        resp = _call(stack, 'GET', '/images?%s' % bad, 400)
        assert 'badRequest' in resp.json()
    marker = str(uuid.uuid4())
    resp = _call(stack, 'GET', '/images?marker=%s' % marker, 400)
    assert resp.json() == {'badRequest': {
        'code': 400,
        'message': 'Invalid marker. Image %s could not be found.' % marker}}


def test_removed_from_2_36_and_metadata_from_2_39(stack):
    image_id = _image(stack, k='v')
    for method, path in (('GET', '/images'), ('GET', '/images/detail'),
                         ('GET', '/images/%s' % image_id),
                         ('DELETE', '/images/%s' % image_id)):
        resp = _call(stack, method, path, 404, version='2.36')
        assert resp.json() == {'itemNotFound': {
            'code': 404, 'message': 'The resource could not be found.'}}
    # The image metadata stays up to 2.38.
    meta = _call(stack, 'GET', '/images/%s/metadata' % image_id, 200,
                 version='2.38').json()
    assert meta == {'metadata': {'k': 'v'}}
    _call(stack, 'GET', '/images/%s/metadata' % image_id, 404,
          version='2.39')
    _call(stack, 'POST', '/images/%s/metadata' % image_id, 404,
          version='2.39', json={'metadata': {'a': 'b'}})
    _call(stack, 'DELETE', '/images/%s/metadata/k' % image_id, 404,
          version='2.39')
    assert _service_image(stack, image_id).json()['k'] == 'v'
    _call(stack, 'GET', '/images/%s' % image_id, 200, version='2.1')


def test_metadata_crud(stack):
    image_id = _image(stack, a='1', b='2')
    base = '/images/%s/metadata' % image_id
    body = _call(stack, 'GET', base, 200).json()
    jsonschema.validate(body, t_images.image_metadata['response_body'])
    assert body == {'metadata': {'a': '1', 'b': '2'}}
    item = _call(stack, 'GET', base + '/a', 200).json()
    jsonschema.validate(item, t_images.image_meta_item['response_body'])
    assert item == {'meta': {'a': '1'}}
    resp = _call(stack, 'GET', base + '/nope', 404)
    assert resp.json()['itemNotFound']['message'] == \
        'The resource could not be found.'

    merged = _call(stack, 'POST', base, 200,
                   json={'metadata': {'b': '20', 'c': '3'}}).json()
    assert merged == {'metadata': {'a': '1', 'b': '20', 'c': '3'}}
    assert _service_image(stack, image_id).json()['b'] == '20'

    replaced = _call(stack, 'PUT', base, 200,
                     json={'metadata': {'x': 'y'}}).json()
    assert replaced == {'metadata': {'x': 'y'}}
    assert _call(stack, 'GET', base, 200).json() == {'metadata': {'x': 'y'}}
    service = _service_image(stack, image_id).json()
    assert 'a' not in service and service['x'] == 'y'

    one = _call(stack, 'PUT', base + '/z', 200,
                json={'meta': {'z': 'zz'}}).json()
    assert one == {'meta': {'z': 'zz'}}
    resp = _call(stack, 'PUT', base + '/z', 400, json={'meta': {'w': '1'}})
    assert resp.json()['badRequest']['message'] == \
        'Request body and URI mismatch'

    _call(stack, 'DELETE', base + '/x', 204)
    assert _call(stack, 'GET', base, 200).json() == {
        'metadata': {'z': 'zz'}}
    resp = _call(stack, 'DELETE', base + '/x', 404)
    assert resp.json()['itemNotFound']['message'] == 'Invalid metadata key'
    # The image's view shows the same items.
    image = _call(stack, 'GET', '/images/%s' % image_id, 200).json()
    assert image['image']['metadata'] == {'z': 'zz'}


def test_refused_metadata_changes_write_nothing(stack):
    image_id = _image(stack, keep='me')
    base = '/images/%s/metadata' % image_id
    # Over [quota] metadata_items (128 by default): 403, nothing written.
    many = {'k%d' % i: 'v' for i in range(200)}
    resp = _call(stack, 'POST', base, 403, json={'metadata': many})
    assert resp.json()['forbidden']['message'] == \
        'Image metadata limit exceeded'
    # A body the schema refuses: 400, nothing written.
    _call(stack, 'POST', base, 400, json={'metadata': {'k': 1}})
    _call(stack, 'PUT', base, 400, json={'meta': {'k': 'v'}})
    # Another project's private image: not found, nothing written.
    resp = _call(stack, 'POST', base, 404, token=OTHER,
                 json={'metadata': {'evil': 'yes'}})
    assert resp.json()['itemNotFound']['message'] == 'Image not found.'
    _call(stack, 'DELETE', base + '/keep', 404, token=OTHER)
    _call(stack, 'DELETE', '/images/%s' % image_id, 404, token=OTHER)
    service = _service_image(stack, image_id).json()
    assert service['keep'] == 'me'
    assert 'evil' not in service and 'k0' not in service and 'k' not in \
        service


def test_delete_and_not_found(stack):
    image_id = _image(stack)
    resp = _call(stack, 'DELETE', '/images/%s' % image_id, 204)
    assert resp.content == b''
    assert _service_image(stack, image_id).status_code == 404
    for method, path in (('GET', '/images/%s' % image_id),
                         ('DELETE', '/images/%s' % image_id),
                         ('GET', '/images/%s/metadata' % image_id),
                         ('GET', '/images/%s/metadata/k' % image_id)):
        resp = _call(stack, method, path, 404)
        assert resp.json() == {'itemNotFound': {
            'code': 404, 'message': 'Image not found.'}}
    resp = _call(stack, 'GET', '/images/not-a-uuid', 404)
    assert resp.json()['itemNotFound']['message'] == 'Image not found.'


def test_private_image_hidden_from_other_project(stack):
    image_id = _image(stack, visibility='private')
    _call(stack, 'GET', '/images/%s' % image_id, 404, token=OTHER)
    listed = _call(stack, 'GET', '/images', 200, token=OTHER).json()
    assert image_id not in {i['id'] for i in listed['images']}
    listed = _call(stack, 'GET', '/images', 200).json()
    assert image_id in {i['id'] for i in listed['images']}


def test_protected_image_is_not_deleted(stack):
    image_id = _image(stack, protected=True)
    resp = _call(stack, 'DELETE', '/images/%s' % image_id, 403)
    assert resp.json() == {'forbidden': {
        'code': 403, 'message': 'You are not allowed to delete the image.'}}
    assert _service_image(stack, image_id).status_code == 200


def test_image_look_ups_through_the_compute_endpoint(stack):
    """novaclient finds images at /v2.1/v2/images (the image service's
    answer); ``v2`` is not taken for a project id."""
    image_id = _image(stack, name='looked-up')
    resp = stack.request('GET', '/v2.1/v2/images/%s' % image_id)
    assert resp.status_code == 200, resp.text
    assert resp.json()['name'] == 'looked-up'
    listed = stack.request('GET', '/v2.1/v2/images?name=looked-up')
    assert [i['id'] for i in listed.json()['images']] == [image_id]
    # The compute API's own proxy, with a project id in the URL, still works.
    resp = stack.request('GET', '/v2.1/demo/images/%s' % image_id,
                         version='2.35')
    assert resp.status_code == 200, resp.text
    assert resp.json()['image']['id'] == image_id
