"""Shelve stores an image-backed server's disk in an image the unshelve
boots from and then deletes; volume-backed servers store none."""

import pytest
import requests

from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


@pytest.fixture
def kept(tmp_path):
    """Shelved servers stay on their host until offloaded."""
    st = stack_fixture.Stack(stack_fixture.make_conf(
        tmp_path, overrides=[(None, 'shelved_offload_time', -1)])).start()
    try:
        yield st
    finally:
        st.stop()


def _server(stack, name='vm'):
    resp = stack.request('POST', '/v2.1/servers', json={
        'server': {'name': name, 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _action(stack, sid, body, version=None, token='demo:demo'):
    return stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json=body, version=version, token=token)


def _images(stack, name):
    resp = requests.get(stack.image_base + '/v2/images',
                        params={'name': name},
                        headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    assert resp.status_code == 200
    return resp.json()['images']


def _image_status(stack, image_id):
    resp = requests.get(stack.image_base + '/v2/images/%s' % image_id,
                        headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    return resp.status_code


def _system_metadata(stack, sid):
    from nova_lite import context as nl_context
    from nova_lite.objects import instance as instance_obj
    return instance_obj.get_by_uuid(nl_context.get_admin_context(),
                                    sid).system_metadata


def test_shelve_offload_unshelve_boots_from_the_snapshot(stack):
    sid = _server(stack, 'web')
    assert _action(stack, sid, {'shelve': None}).status_code == 202
    server = stack.wait_for_server(sid, 'SHELVED_OFFLOADED')
    [image] = _images(stack, 'web-shelved')
    assert image['status'] == 'active'
    assert image['image_type'] == 'snapshot'
    assert image['instance_uuid'] == sid
    assert image['base_image_ref'] == IMAGE
    meta = _system_metadata(stack, sid)
    assert meta['shelved_image_id'] == image['id']
    assert meta['shelved_host'] == 'compute1'
    assert meta['shelved_at']
    assert server['image']['id'] == IMAGE
    driver = stack.aio.compute_manager.driver
    assert sid not in driver.guests
    assert _action(stack, sid, {'unshelve': None}).status_code == 202
    server = stack.wait_for_server(sid, 'ACTIVE')
    # Booted from the stored image, which is gone afterwards; the server
    # still shows the image it was created from.
    assert 'from image %s' % image['id'] in driver.get_console_output(
        _Inst(sid))
    assert server['image']['id'] == IMAGE
    assert _image_status(stack, image['id']) == 404
    meta = _system_metadata(stack, sid)
    assert not {'shelved_image_id', 'shelved_at', 'shelved_host'} & set(meta)
    actions = stack.request(
        'GET', '/v2.1/servers/%s/os-instance-actions' % sid).json()[
        'instanceActions']
    assert [a['action'] for a in actions] == ['unshelve', 'shelve',
                                              'create']


class _Inst:
    def __init__(self, uuid):
        self.uuid = uuid


def test_unshelve_before_offload_deletes_the_snapshot(kept):
    sid = _server(kept, 'kept')
    assert _action(kept, sid, {'shelve': None}).status_code == 202
    kept.wait_for_server(sid, 'SHELVED')
    [image] = _images(kept, 'kept-shelved')
    assert _action(kept, sid, {'unshelve': None}).status_code == 202
    kept.wait_for_server(sid, 'ACTIVE')
    assert _image_status(kept, image['id']) == 404
    assert 'shelved_image_id' not in _system_metadata(kept, sid)
    # Shelved again and offloaded on request: the unshelve boots from
    # the new image.
    assert _action(kept, sid, {'shelve': None}).status_code == 202
    kept.wait_for_server(sid, 'SHELVED')
    [image] = _images(kept, 'kept-shelved')
    assert _action(kept, sid, {'shelveOffload': None},
                   token='admin:admin').status_code == 202
    kept.wait_for_server(sid, 'SHELVED_OFFLOADED')
    assert _image_status(kept, image['id']) == 200
    assert _action(kept, sid, {'unshelve': None}).status_code == 202
    kept.wait_for_server(sid, 'ACTIVE')
    assert _image_status(kept, image['id']) == 404


def test_deleting_a_shelved_server_deletes_its_snapshot(kept):
    sid = _server(kept, 'gone')
    assert _action(kept, sid, {'shelve': None}).status_code == 202
    kept.wait_for_server(sid, 'SHELVED')
    [image] = _images(kept, 'gone-shelved')
    assert kept.request('DELETE', '/v2.1/servers/%s' % sid).status_code == \
        204
    kept.wait_for_server(sid, 'DELETED')
    assert _image_status(kept, image['id']) == 404


def test_unshelve_without_the_snapshot_is_an_error(stack):
    sid = _server(stack, 'lost')
    assert _action(stack, sid, {'shelve': None}).status_code == 202
    stack.wait_for_server(sid, 'SHELVED_OFFLOADED')
    [image] = _images(stack, 'lost-shelved')
    resp = requests.delete(stack.image_base + '/v2/images/%s' % image['id'],
                           headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    assert resp.status_code == 204
    assert _action(stack, sid, {'unshelve': None}).status_code == 202
    server = stack.wait_for_server(sid, 'ERROR')
    assert server['fault']['message'] == (
        'Unshelve attempted but the image %s cannot be found.'
        % image['id'])


def test_periodic_offload_after_shelved_offload_time(kept):
    sid = _server(kept, 'later')
    assert _action(kept, sid, {'shelve': None}).status_code == 202
    kept.wait_for_server(sid, 'SHELVED')
    manager = kept.aio.compute_manager
    from nova_lite import context as nl_context
    kept.conf.set_override('shelved_offload_time', 3600)
    manager.offload_shelved_instances(nl_context.get_admin_context())
    kept.wait_for_server(sid, 'SHELVED')
    kept.conf.set_override('shelved_offload_time', 1)
    from nova_lite.objects import instance as instance_obj
    ctx = nl_context.get_admin_context()
    meta = dict(_system_metadata(kept, sid),
                shelved_at='2020-01-01T00:00:00.000000')
    instance_obj.update(ctx, sid, {'system_metadata': meta})
    manager.offload_shelved_instances(ctx)
    kept.wait_for_server(sid, 'SHELVED_OFFLOADED')
