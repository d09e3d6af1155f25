"""nova-lite-all: the compute API reads images from its image service."""

import pytest
import requests

from tests.fixtures import stack as stack_fixture


@pytest.fixture
def stack(tmp_path):
    st = stack_fixture.Stack(stack_fixture.make_conf(tmp_path)).start()
    try:
        yield st
    finally:
        st.stop()


def _image(stack, **body):
    body.update(disk_format='raw', container_format='bare')
    resp = requests.post(stack.image_base + '/v2/images', json=body,
                         headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    assert resp.status_code == 201, resp.text
    return resp.json()['id']


def _boot(stack, image_id):
    return stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'vm', 'imageRef': image_id, 'flavorRef': '1',
        'networks': 'none'}}, version='2.37')


def test_boot_needs_an_active_image_of_the_service(stack):
    assert stack.conf.glance.api_servers == [stack.image_base]
    image_id = _image(stack, name='queued')
    resp = _boot(stack, image_id)
    assert resp.status_code == 400
    assert 'is not active' in resp.text
    resp = requests.put(stack.image_base + '/v2/images/%s/file' % image_id,
                        data=b'disk', timeout=30, headers={
                            'X-Auth-Token': 'demo:demo',
                            'Content-Type': 'application/octet-stream'})
    assert resp.status_code == 204
    resp = _boot(stack, image_id)
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(resp.json()['server']['id'], 'ACTIVE')


def test_private_image_of_another_project_is_not_found(stack):
    image_id = _image(stack, name='mine', visibility='private')
    resp = stack.request('POST', '/v2.1/servers', token='other:other',
                         json={'server': {'name': 'vm', 'imageRef': image_id,
                                          'flavorRef': '1',
                                          'networks': 'none'}},
                         version='2.37')
    assert resp.status_code == 400
    assert 'could not be found' in resp.text


def test_image_service_mounted_under_the_compute_listener(stack):
    resp = requests.get(stack.base + '/image/', timeout=30)
    assert resp.status_code == 300
    assert resp.json()['versions'][0]['links'][0]['href'] == \
        stack.base + '/image/v2/'
    image_id = _image(stack, name='via-port')
    resp = requests.get(stack.base + '/image/v2/images/%s' % image_id,
                        headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    assert resp.json()['name'] == 'via-port'


def _upload(stack, image_id):
    resp = requests.put(stack.image_base + '/v2/images/%s/file' % image_id,
                        data=b'disk', timeout=30, headers={
                            'X-Auth-Token': 'demo:demo',
                            'Content-Type': 'application/octet-stream'})
    assert resp.status_code == 204, resp.text


def test_flavor_too_small_for_the_image(stack):
    flavor = stack.request('GET', '/v2.1/flavors/1').json()['flavor']
    big_ram = _image(stack, name='big-ram', min_ram=flavor['ram'] + 1)
    _upload(stack, big_ram)
    resp = _boot(stack, big_ram)
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        "Flavor's memory is too small for requested image.")
    big_disk = _image(stack, name='big-disk', min_disk=flavor['disk'] + 1)
    _upload(stack, big_disk)
    resp = _boot(stack, big_disk)
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        "Flavor's disk is too small for requested image. Flavor disk is "
        "%d bytes, minimum size is %d bytes." % (
            flavor['disk'] * 1024 ** 3, (flavor['disk'] + 1) * 1024 ** 3))
    # Refused: nothing was created.
    assert stack.request('GET', '/v2.1/servers').json()['servers'] == []
    fits = _image(stack, name='fits', min_ram=flavor['ram'],
                  min_disk=flavor['disk'])
    _upload(stack, fits)
    resp = _boot(stack, fits)
    assert resp.status_code == 202, resp.text
