"""Answers that now match nova's: the v2.0 version document, unknown
collections, the vendor JSON media type, OS-DCF:diskConfig, instance
names and the texts of volume errors at boot and detach."""

import pytest

from nova_lite.compute import api as compute_api
from nova_lite import context as nl_context

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'
VND = 'application/vnd.openstack.compute+json'


def _fault(resp, status, key):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert list(body) == [key], body
    return body[key]['message']


@pytest.mark.parametrize('path', ['/v2', '/v2/'])
def test_v2_version_document(stack, path):
    resp = stack.request('GET', path, token=None)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'version': {
        'id': 'v2.0', 'status': 'DEPRECATED', 'version': '',
        'min_version': '', 'updated': '2025-07-04T12:00:00Z',
        'links': [{'rel': 'self', 'href': stack.base + '/v2/'},
                  {'rel': 'describedby', 'type': 'text/html',
                   'href': 'http://docs.openstack.org/'}],
        'media-types': [{'base': 'application/json',
                         'type': VND + ';version=2'}]}}
    assert resp.headers['x-openstack-request-id'].startswith('req-')
    assert 'OpenStack-API-Version' not in resp.headers
    root = stack.request('GET', '/', token=None).json()
    (v20,) = [v for v in root['versions'] if v['id'] == 'v2.0']
    assert v20['status'] == 'DEPRECATED'
    assert v20['links'] == [{'rel': 'self', 'href': stack.base + '/v2/'}]


@pytest.mark.parametrize('path', [
    '/v2.1/os-foo', '/v2.1/os-foo/', '/v2.1/os-foo/bar',
    '/v2.1/demo/os-foo', '/v2.1/os-volumes_boot'])
def test_unknown_collections_are_404(stack, path):
    resp = stack.request('GET', path)
    assert _fault(resp, 404, 'itemNotFound') == \
        'The resource could not be found.'
    resp = stack.request('POST', path, json={'x': {}})
    assert resp.status_code == 404


def test_project_id_urls_still_route(stack):
    assert stack.request('GET', '/v2.1/demo/servers').status_code == 200
    assert stack.request('GET', '/v2.1/demo/flavors/1').status_code == 200
    resp = stack.request('GET', '/v2.1/other/servers')
    assert "URL's project_id 'other' doesn't match" in _fault(
        resp, 400, 'badRequest')
    # A bare project id (hex) is the version document, as nova routes it.
    resp = stack.request('GET', '/v2.1/0123abcd', token='demo:0123abcd')
    assert resp.status_code == 200, resp.text
    assert resp.json()['version']['id'] == 'v2.1'


def test_vendor_json_media_type(stack):
    resp = stack.request('GET', '/v2.1/flavors', headers={'Accept': VND})
    assert resp.status_code == 200
    assert resp.headers['Content-Type'] == VND
    assert resp.json()['flavors']
    resp = stack.request('GET', '/v2.1/flavors', headers={
        'Accept': 'application/json;q=0.5, %s' % VND})
    assert resp.headers['Content-Type'] == VND
    resp = stack.request('GET', '/v2.1/flavors', headers={
        'Accept': 'application/json, %s;q=0.5' % VND})
    assert resp.headers['Content-Type'].startswith('application/json')
    resp = stack.request('GET', '/v2.1/flavors/nope',
                         headers={'Accept': VND})
    assert resp.status_code == 404
    assert resp.headers['Content-Type'] == VND
    assert 'itemNotFound' in resp.json()
    for path in ('/', '/v2.1/', '/v2/'):
        doc = stack.request('GET', path, token=None,
                            headers={'Accept': VND})
        assert doc.status_code == 200, path
        assert doc.headers['Content-Type'] == VND, path
    assert stack.request('GET', '/v2.1/flavors').headers[
        'Content-Type'].startswith('application/json')


def test_disk_config_is_stored(stack):
    resp = stack.request('POST', '/v2.1/servers', version='2.90', json={
        'server': {'name': 'auto', 'flavorRef': '1', 'imageRef': IMAGE,
                   'networks': 'none', 'OS-DCF:diskConfig': 'AUTO'}})
    assert resp.status_code == 202, resp.text
    server = resp.json()['server']
    assert server['OS-DCF:diskConfig'] == 'AUTO'
    shown = stack.wait_for_server(server['id'], 'ACTIVE', version='2.90')
    assert shown['OS-DCF:diskConfig'] == 'AUTO'
    resp = stack.request('PUT', '/v2.1/servers/%s' % server['id'],
                         version='2.1',
                         json={'server': {'OS-DCF:diskConfig': 'MANUAL'}})
    assert resp.status_code == 200, resp.text
    assert resp.json()['server']['OS-DCF:diskConfig'] == 'MANUAL'
    listed = stack.request('GET', '/v2.1/servers/detail').json()['servers']
    (item,) = [s for s in listed if s['id'] == server['id']]
    assert item['OS-DCF:diskConfig'] == 'MANUAL'
    resp = stack.request('PUT', '/v2.1/servers/%s' % server['id'],
                         json={'server': {'OS-DCF:diskConfig': 'AUTO'}})
    assert resp.json()['server']['OS-DCF:diskConfig'] == 'AUTO'
    resp = stack.request('PUT', '/v2.1/servers/%s' % server['id'],
                         json={'server': {'OS-DCF:diskConfig': 'auto'}})
    assert _fault(resp, 400, 'badRequest')
    plain = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'manual', 'flavorRef': '1', 'imageRef': IMAGE}})
    assert plain.json()['server']['OS-DCF:diskConfig'] == 'MANUAL'


def test_instance_name_is_the_template_of_the_id(stack):
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'named', 'flavorRef': '1', 'imageRef': IMAGE}})
    server_id = resp.json()['server']['id']
    shown = stack.wait_for_server(server_id, 'ACTIVE', token=ADMIN)
    ctx = nl_context.get_admin_context()
    instance, _cell = compute_api.API(stack.conf).get(ctx, server_id)
    assert instance.id
    assert shown['OS-EXT-SRV-ATTR:instance_name'] == \
        'instance-%08x' % instance.id


def _volume(stack, name):
    resp = stack.volume_request('POST', '/v3/volumes',
                                json={'volume': {'size': 1, 'name': name}})
    assert resp.status_code == 202, resp.text
    return stack.wait_for_volume(resp.json()['volume']['id'], 'available')


def _boot_with(stack, volume_id, boot_index=-1):
    return stack.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'bfv', 'flavorRef': '1', 'imageRef': IMAGE,
                   'networks': 'none', 'block_device_mapping_v2': [{
                       'uuid': volume_id, 'source_type': 'volume',
                       'destination_type': 'volume',
                       'boot_index': boot_index}]}})


def test_boot_volume_errors(stack):
    missing = '2c8e9c0e-4a1d-4c0e-8b1a-00000000abcd'
    assert _fault(_boot_with(stack, missing), 400, 'badRequest') == (
        'Volume %s could not be found.' % missing)
    volume = _volume(stack, 'once')
    first = _boot_with(stack, volume['id'])
    assert first.status_code == 202, first.text
    stack.wait_for_server(first.json()['server']['id'], 'ACTIVE')
    stack.wait_for_volume(volume['id'], 'in-use')
    before = stack.request('GET', '/v2.1/servers').json()
    message = _fault(_boot_with(stack, volume['id']), 400, 'badRequest')
    assert message.startswith(
        'Invalid volume: Invalid input received: Invalid volume: Volume %s '
        'status must be available or downloading to reserve, but the '
        'current status is in-use.' % volume['id']), message
    assert stack.request('GET', '/v2.1/servers').json() == before
