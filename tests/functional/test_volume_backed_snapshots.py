"""createImage of volume-backed servers: block storage snapshots of every
volume (multiattach ones too) and an image naming them, which boots a new
server; createBackup and shelve of volume-backed servers."""

import json

import requests

from tests.functional.test_rebuild_reimage import _volume

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'


def _bfv(st, name='bfv'):
    root = _volume(st, name + '-root', image=IMAGE)
    resp = st.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': name, 'flavorRef': '1', 'networks': 'none',
                   'block_device_mapping_v2': [
                       {'uuid': root['id'], 'source_type': 'volume',
                        'destination_type': 'volume', 'boot_index': 0}]}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    st.wait_for_server(sid, 'ACTIVE')
    return sid, root


def _action(st, sid, body, version='2.60', token='demo:demo'):
    return st.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                      version=version, token=token)


def _image(st, image_id):
    resp = requests.get(st.image_base + '/v2/images/%s' % image_id,
                        headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_volume_backed_snapshot_and_boot_from_it(stack):
    resp = stack.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text
    sid, root = _bfv(stack)
    shared = _volume(stack, 'shared', volume_type='multiattach')
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % sid,
        version='2.60', json={'volumeAttachment': {'volumeId': shared['id']}})
    assert resp.status_code == 200, resp.text
    stack.wait_for_volume(shared['id'], 'in-use')
    resp = _action(stack, sid, {'createImage': {
        'name': 'bfv-snap', 'metadata': {'note': 'x'}}}, version='2.45')
    assert resp.status_code == 202, resp.text
    image = _image(stack, resp.json()['image_id'])
    # Active at once, empty: the volumes' snapshots are the data.
    assert image['status'] == 'active'
    assert image['size'] == 0
    assert image['bdm_v2'] == 'True'
    assert image['root_device_name'] == '/dev/vda'
    assert image['note'] == 'x'
    assert 'image_type' not in image
    mappings = json.loads(image['block_device_mapping'])
    assert [m['device_name'] for m in mappings] == ['/dev/vda', '/dev/vdb']
    for mapping in mappings:
        assert mapping['source_type'] == 'snapshot'
        assert mapping['destination_type'] == 'volume'
        assert mapping['volume_id'] is None
    assert mappings[0]['boot_index'] == 0
    snapshots = {}
    for mapping, volume in zip(mappings, (root, shared)):
        snap = stack.wait_for_snapshot(mapping['snapshot_id'])
        assert snap['volume_id'] == volume['id']
        assert snap['name'] == 'snapshot for bfv-snap'
        snapshots[volume['id']] = snap
    server = stack.request('GET', '/v2.1/servers/%s' % sid).json()['server']
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-STS:task_state'] is None
    actions = stack.request(
        'GET', '/v2.1/servers/%s/os-instance-actions' % sid).json()[
        'instanceActions']
    assert actions[0]['action'] == 'createImage'
    # The image boots a server whose volumes are made from the snapshots.
    resp = stack.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'clone', 'flavorRef': '1', 'networks': 'none',
                   'imageRef': image['id']}})
    assert resp.status_code == 202, resp.text
    clone = resp.json()['server']['id']
    body = stack.wait_for_server(clone, 'ACTIVE', version='2.60')
    attached = body['os-extended-volumes:volumes_attached']
    assert len(attached) == 2
    for item in attached:
        volume = stack.volume_request(
            'GET', '/v3/volumes/%s' % item['id']).json()['volume']
        assert volume['snapshot_id'] in {s['id'] for s in
                                         snapshots.values()}
        assert volume['status'] == 'in-use'
    assert stack.aio.compute_manager.driver.guests[clone]['volumes']


def test_volume_backed_backup_and_shelve(stack):
    sid, _root = _bfv(stack)
    resp = _action(stack, sid, {'createBackup': {
        'name': 'b', 'backup_type': 'daily', 'rotation': 1}})
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {
        'code': 400,
        'message': 'Backup is not supported for volume-backed instances.'}}
    # Shelve stores no image and offloads at once.
    images = requests.get(stack.image_base + '/v2/images',
                          headers={'X-Auth-Token': 'demo:demo'},
                          timeout=30).json()['images']
    assert _action(stack, sid, {'shelve': None}).status_code == 202
    stack.wait_for_server(sid, 'SHELVED_OFFLOADED')
    after = requests.get(stack.image_base + '/v2/images',
                         headers={'X-Auth-Token': 'demo:demo'},
                         timeout=30).json()['images']
    assert [i['id'] for i in after] == [i['id'] for i in images]
    assert _action(stack, sid, {'unshelve': None}).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')


def test_volume_backed_snapshot_policy(tmp_path):
    import yaml
    from oslo_policy import opts as policy_opts

    from tests.fixtures import stack as stack_fixture
    path = tmp_path / 'policy.yaml'
    path.write_text(yaml.safe_dump({
        'os_compute_api:servers:create_image:allow_volume_backed': '!'}))
    conf = stack_fixture.make_conf(tmp_path)
    policy_opts.set_defaults(conf)
    conf.set_override('policy_file', str(path), group='oslo_policy')
    stack = stack_fixture.Stack(conf).start()
    try:
        _check_volume_backed_policy(stack)
    finally:
        stack.stop()


def _check_volume_backed_policy(stack):
    sid, _root = _bfv(stack)
    resp = _action(stack, sid, {'createImage': {'name': 'no'}})
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow os_compute_api:servers:"
                   "create_image:allow_volume_backed to be performed."}}
    # An image-backed server needs only os_compute_api:servers:create_image.
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'img', 'flavorRef': '1', 'imageRef': IMAGE}})
    image_backed = resp.json()['server']['id']
    stack.wait_for_server(image_backed, 'ACTIVE')
    resp = _action(stack, image_backed, {'createImage': {'name': 'ok'}})
    assert resp.status_code == 202, resp.text
