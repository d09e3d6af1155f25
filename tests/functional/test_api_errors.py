"""Bad requests get nova's fault bodies, never a traceback."""

import uuid

import pytest

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _fault(resp, status, key):
    assert resp.status_code == status, resp.text
    assert resp.headers['Content-Type'].startswith('application/json')
    body = resp.json()
    assert list(body) == [key], body
    assert body[key]['code'] == status
    assert 'Traceback' not in resp.text
    return body[key]['message']


def test_discovery(stack):
    root = stack.request('GET', '/', token=None)
    assert root.status_code == 200
    versions = {v['id']: v for v in root.json()['versions']}
    assert versions['v2.1']['version'] == '2.104'
    assert versions['v2.1']['min_version'] == '2.1'
    doc = stack.request('GET', '/v2.1', token=None)
    assert doc.status_code == 200
    assert doc.json()['version']['links'][0]['href'].endswith('/v2.1/')
    assert doc.headers['OpenStack-API-Version'] == 'compute 2.1'
    assert doc.headers['X-OpenStack-Nova-API-Version'] == '2.1'
    assert doc.headers['x-openstack-request-id'].startswith('req-')
    assert doc.headers['x-compute-request-id'] == \
        doc.headers['x-openstack-request-id']


def test_microversion_negotiation(stack):
    latest = stack.request('GET', '/v2.1/flavors', version='latest')
    assert latest.headers['OpenStack-API-Version'] == 'compute 2.104'
    legacy = stack.request('GET', '/v2.1/flavors',
                           headers={'X-OpenStack-Nova-API-Version': '2.60'})
    assert legacy.headers['X-OpenStack-Nova-API-Version'] == '2.60'
    too_new = stack.request('GET', '/v2.1/flavors', version='2.105')
    assert _fault(too_new, 406, 'computeFault') == (
        'Version 2.105 is not supported by the API. Minimum is 2.1 and '
        'maximum is 2.104.')
    bad = stack.request('GET', '/v2.1/flavors', version='2.01')
    assert 'invalid format' in _fault(bad, 400, 'badRequest')


@pytest.mark.parametrize('body,fragment', [
    ('{"server": ', 'Malformed request body'),
    ('{"server": {"name": "x", "flavorRef": "1", "imageRef": "%s", '
     '"bogus": 1}}' % IMAGE, "Additional properties are not allowed"),
    ('{"server": {"name": 5, "flavorRef": "1", "imageRef": "%s"}}' % IMAGE,
     "Invalid input for field/attribute name"),
    ('{"server": {"flavorRef": "1", "imageRef": "%s"}}' % IMAGE,
     "'name' is a required property"),
    ('{"server": {"name": "x", "flavorRef": "999", "imageRef": "%s"}}'
     % IMAGE, 'Flavor 999 could not be found.'),
    ('{"server": {"name": "x", "flavorRef": "1"}}',
     'Missing imageRef attribute'),
    ('{"server": {"name": "x", "flavorRef": "1", "imageRef": "", '
     '"min_count": 3, "max_count": 2, "block_device_mapping_v2": []}}',
     'min_count must be <= max_count'),
])
def test_bad_create_bodies(stack, body, fragment):
    resp = stack.request('POST', '/v2.1/servers', data=body,
                         headers={'Content-Type': 'application/json'})
    assert fragment in _fault(resp, 400, 'badRequest')
    assert stack.request('GET', '/v2.1/servers').json() == {'servers': []}


def test_multi_create_with_volume_is_refused(stack):
    body = {'server': {
        'name': 'x', 'flavorRef': '1', 'imageRef': '', 'networks': 'none',
        'min_count': 2, 'block_device_mapping_v2': [{
            'uuid': str(uuid.uuid4()), 'source_type': 'volume',
            'destination_type': 'volume', 'boot_index': 0}]}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.60')
    assert _fault(resp, 400, 'badRequest') == (
        'Cannot attach one or more volumes to multiple instances')


def test_unknown_server_and_action(stack):
    missing = str(uuid.uuid4())
    resp = stack.request('GET', '/v2.1/servers/%s' % missing)
    assert _fault(resp, 404, 'itemNotFound') == (
        'Instance %s could not be found.' % missing)
    resp = stack.request('GET', '/v2.1/servers/not-a-uuid')
    _fault(resp, 404, 'itemNotFound')
    sid = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'a', 'flavorRef': '1', 'imageRef': IMAGE}}
    ).json()['server']['id']
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'fly': None})
    assert _fault(resp, 400, 'badRequest') == 'There is no such action: fly'
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'os-stop': None, 'os-start': None})
    assert _fault(resp, 400, 'badRequest') == 'Malformed request body'
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'reboot': {'type': 'GENTLE'}})
    _fault(resp, 400, 'badRequest')


def test_unknown_route_and_method(stack):
    _fault(stack.request('GET', '/v2.1/nothing-here/at/all'), 404,
           'itemNotFound')
    _fault(stack.request('PATCH', '/v2.1/servers'), 405, 'badMethod')


def test_body_size_limit(stack):
    body = '{"server": {"name": "%s"}}' % ('x' * 200000)
    resp = stack.request('POST', '/v2.1/servers', data=body,
                         headers={'Content-Type': 'application/json'})
    _fault(resp, 413, 'overLimit')


def test_unsupported_content_type(stack):
    resp = stack.request('POST', '/v2.1/servers', data='<server/>',
                         headers={'Content-Type': 'application/xml'})
    assert _fault(resp, 415, 'badMediaType') == 'Unsupported Content-Type'


def test_flavors(stack):
    flavors = stack.request('GET', '/v2.1/flavors').json()['flavors']
    assert '1' in [f['id'] for f in flavors]
    one = stack.request('GET', '/v2.1/flavors/1').json()['flavor']
    assert (one['name'], one['ram'], one['vcpus'], one['disk']) == (
        'm1.tiny', 512, 1, 1)
    detail = stack.request('GET', '/v2.1/flavors/detail?limit=2').json()
    assert len(detail['flavors']) == 2 and detail['flavors_links']
    _fault(stack.request('GET', '/v2.1/flavors/nope'), 404, 'itemNotFound')


@pytest.mark.parametrize('raw', [
    b'\xff\xfe{"server": 1}',
    b'[' * 5000 + b']' * 5000,
    b'{"server": {"name": "\xc3\x28", "flavorRef": "1"}}',
])
def test_undecodable_bodies(stack, raw):
    resp = stack.request('POST', '/v2.1/servers', data=raw,
                         headers={'Content-Type': 'application/json'})
    assert resp.status_code == 400
    assert 'badRequest' in resp.json()


def test_put_and_actions_on_missing_servers(stack):
    missing = str(uuid.uuid4())
    resp = stack.request('PUT', '/v2.1/servers/%s' % missing,
                         json={'server': {'name': 'x'}})
    _fault(resp, 404, 'itemNotFound')
    resp = stack.request('POST', '/v2.1/servers/%s/action' % missing,
                         json={'os-stop': None})
    _fault(resp, 404, 'itemNotFound')
    resp = stack.request('DELETE', '/v2.1/servers/%s' % missing)
    _fault(resp, 404, 'itemNotFound')


def test_unknown_image_is_refused(stack):
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'x', 'flavorRef': '1',
        'imageRef': '11111111-2222-3333-4444-555555555555'}})
    assert _fault(resp, 400, 'badRequest') == (
        'Image 11111111-2222-3333-4444-555555555555 could not be found.')


def test_query_params_before_and_after_2_75(stack):
    assert stack.request('GET', '/v2.1/servers?bogus=1',
                         version='2.74').status_code == 200
    resp = stack.request('GET', '/v2.1/servers?bogus=1', version='2.75')
    assert 'bogus' in _fault(resp, 400, 'badRequest')
    resp = stack.request('GET', '/v2.1/servers?limit=-1')
    _fault(resp, 400, 'badRequest')
