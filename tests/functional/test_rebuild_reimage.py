"""2.93 rebuild of a volume-backed server: the root volume is re-imaged by
the block storage (os-reimage) and every other volume stays attached; and
the os-server-external-events API the block storage answers through."""

import os
import uuid

import jsonschema
import pytest

from nova_lite.api.schemas import server_external_events as see_schemas
from nova_lite.block_storage import compute as bs_compute
from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
OTHER = 'a2459075-d96c-40d5-893e-577ff92e721c'
ADMIN = 'admin:admin'
IMAGE_BYTES = b'FIRST-ROOT' + bytes(range(256)) * 8
OTHER_BYTES = b'REBUILT-ROOT' + bytes(range(255, -1, -1)) * 16


@pytest.fixture
def st(tmp_path):
    first = tmp_path / 'cirros.raw'
    first.write_bytes(IMAGE_BYTES)
    second = tmp_path / 'other.raw'
    second.write_bytes(OTHER_BYTES)
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('image_catalog', 'images',
         ['%s:cirros:%s' % (IMAGE, first), '%s:other:%s' % (OTHER, second)]),
    ])
    stack = stack_fixture.Stack(conf).start()
    try:
        yield stack
    finally:
        stack.stop()


def _volume(st, name, image=None, volume_type=None, size=1):
    body = {'size': size, 'name': name}
    if image:
        body['imageRef'] = image
    if volume_type:
        body['volume_type'] = volume_type
    resp = st.volume_request('POST', '/v3/volumes', json={'volume': body})
    assert resp.status_code == 202, resp.text
    return st.wait_for_volume(resp.json()['volume']['id'], 'available')


def _attach(st, sid, volume_id):
    resp = st.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % sid,
        version='2.60', json={'volumeAttachment': {'volumeId': volume_id}})
    assert resp.status_code == 200, resp.text


def _servers(st):
    """A volume-backed server with a multiattach volume it shares with an
    image-backed server."""
    resp = st.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    assert resp.status_code == 200, resp.text
    root = _volume(st, 'root', image=IMAGE)
    shared = _volume(st, 'shared', volume_type='multiattach')
    resp = st.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'bfv', 'flavorRef': '1', 'networks': 'none',
                   'block_device_mapping_v2': [
                       {'uuid': root['id'], 'source_type': 'volume',
                        'destination_type': 'volume', 'boot_index': 0}]}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    st.wait_for_server(sid, 'ACTIVE')
    resp = st.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': 'peer', 'flavorRef': '1', 'networks': 'none',
                   'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    peer = resp.json()['server']['id']
    st.wait_for_server(peer, 'ACTIVE')
    _attach(st, sid, shared['id'])
    _attach(st, peer, shared['id'])
    st.wait_for_volume(shared['id'], 'in-use')
    return sid, peer, root, shared


def _rebuild(st, sid, image=OTHER, version='2.93'):
    return st.request('POST', '/v2.1/servers/%s/action' % sid,
                      version=version, json={'rebuild': {'imageRef': image}})


def _attached(st, sid):
    return sorted(v['id'] for v in st.request(
        'GET', '/v2.1/servers/%s' % sid, version='2.60').json()['server'][
        'os-extended-volumes:volumes_attached'])


def _volume_file(st, volume_id):
    volumes = st.conf.block_storage.volumes_path or os.path.join(
        st.conf.state_path, 'volumes')
    with open(os.path.join(volumes, 'volume-%s' % volume_id), 'rb') as f:
        return f.read(64 * 1024)


def _guest(st, sid):
    driver = st.aio.compute_manager.driver
    return sorted(driver.get_guest_volumes(type('I', (), {'uuid': sid})())
                  .values())


def _rebuild_events(st, sid):
    listed = st.request('GET', '/v2.1/servers/%s/os-instance-actions' % sid,
                        version='2.51', token=ADMIN).json()['instanceActions']
    assert listed[0]['action'] == 'rebuild'
    return st.request(
        'GET', '/v2.1/servers/%s/os-instance-actions/%s'
        % (sid, listed[0]['request_id']), version='2.51',
        token=ADMIN).json()['instanceAction']['events']


def test_rebuild_reimages_the_root_volume_and_keeps_every_volume(st):
    sid, peer, root, shared = _servers(st)
    assert _volume_file(st, root['id']).startswith(IMAGE_BYTES)
    resp = _rebuild(st, sid)
    assert resp.status_code == 202, resp.text
    assert resp.json()['server']['image'] == ''
    st.wait_for_server(sid, 'ACTIVE')
    # The root volume now holds the new image and says so.
    volume = st.volume_request('GET', '/v3/volumes/%s' % root['id'],
                               token=ADMIN).json()['volume']
    assert volume['status'] == 'in-use'
    assert volume['volume_image_metadata']['image_id'] == OTHER
    assert volume['volume_image_metadata']['image_name'] == 'other'
    assert [a['server_id'] for a in volume['attachments']] == [sid]
    assert _volume_file(st, root['id']).startswith(OTHER_BYTES)
    # Every volume is still attached, to both servers for the shared one.
    assert _attached(st, sid) == sorted([root['id'], shared['id']])
    assert _attached(st, peer) == [shared['id']]
    assert _guest(st, sid) == sorted([root['id'], shared['id']])
    assert _guest(st, peer) == [shared['id']]
    volume = st.volume_request('GET', '/v3/volumes/%s' % shared['id'],
                               token=ADMIN).json()['volume']
    assert volume['status'] == 'in-use'
    assert sorted(a['server_id'] for a in volume['attachments']) == \
        sorted([sid, peer])
    # Each root mapping has one attachment: the new one, attached.
    attachments = st.volume_request(
        'GET', '/v3/attachments/detail?volume_id=%s' % root['id'],
        version='3.44').json()['attachments']
    assert [(a['instance'], a['status']) for a in attachments] == [
        (sid, 'attached')]
    shown = st.request('GET', '/v2.1/servers/%s/os-volume_attachments/%s'
                       % (sid, root['id']), version='2.89').json()
    assert shown['volumeAttachment']['attachment_id'] == attachments[0]['id']
    assert [(e['event'], e['result']) for e in _rebuild_events(st, sid)] \
        == [('compute_rebuild_instance', 'Success')]
    # A second rebuild goes back to the first image.
    assert _rebuild(st, sid, image=IMAGE).status_code == 202
    st.wait_for_server(sid, 'ACTIVE')
    volume = st.volume_request('GET', '/v3/volumes/%s' % root['id'],
                               token=ADMIN).json()['volume']
    assert volume['volume_image_metadata']['image_id'] == IMAGE
    assert _volume_file(st, root['id']).startswith(IMAGE_BYTES)
    assert _attached(st, sid) == sorted([root['id'], shared['id']])


def test_rebuild_before_293_does_not_reimage(st):
    sid, peer, root, shared = _servers(st)
    resp = _rebuild(st, sid, image=IMAGE, version='2.92')
    assert resp.status_code == 202, resp.text
    st.wait_for_server(sid, 'ACTIVE')
    assert _volume_file(st, root['id']).startswith(IMAGE_BYTES)


def test_no_volume_reimaged_event_puts_the_server_in_error(st, monkeypatch):
    sid, peer, root, shared = _servers(st)
    st.conf.set_override('reimage_timeout_per_gb', 1)
    monkeypatch.setattr(bs_compute, 'volume_reimaged',
                        lambda *args, **kwargs: True)
    resp = _rebuild(st, sid)
    assert resp.status_code == 202, resp.text
    server = st.wait_for_server(sid, 'ERROR')
    assert server['fault']['code'] == 500
    assert server['fault']['message'] == (
        'Build of instance %s aborted: Failed to rebuild volume backed '
        'instance.' % sid)
    assert [(e['event'], e['result']) for e in _rebuild_events(st, sid)] \
        == [('compute_rebuild_instance', 'Error')]
    # The other server keeps its use of the shared volume.
    assert _attached(st, peer) == [shared['id']]
    assert _guest(st, peer) == [shared['id']]


# -- os-server-external-events ------------------------------------------------

def _events(st, events, version='2.93', token=ADMIN):
    return st.request('POST', '/v2.1/os-server-external-events',
                      version=version, token=token, json={'events': events})


def _server(st):
    resp = st.request('POST', '/v2.1/servers', json={'server': {
        'name': 'vm', 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    st.wait_for_server(sid, 'ACTIVE')
    return sid


def test_external_events_answer_each_event(st):
    sid = _server(st)
    missing = str(uuid.uuid4())
    resp = _events(st, [
        {'name': 'network-changed', 'server_uuid': sid},
        {'name': 'volume-reimaged', 'server_uuid': sid, 'tag': 'v',
         'status': 'failed'},
        {'name': 'volume-extended', 'server_uuid': sid},
        {'name': 'network-vif-plugged', 'server_uuid': missing, 'tag': 't'},
    ])
    assert resp.status_code == 207, resp.text
    assert resp.json() == {'events': [
        {'name': 'network-changed', 'server_uuid': sid,
         'status': 'completed', 'code': 200},
        {'name': 'volume-reimaged', 'server_uuid': sid, 'tag': 'v',
         'status': 'completed', 'code': 200},
        {'name': 'volume-extended', 'server_uuid': sid,
         'status': 'failed', 'code': 400},
        {'name': 'network-vif-plugged', 'server_uuid': missing, 'tag': 't',
         'status': 'failed', 'code': 404},
    ]}
    jsonschema.validate(resp.json(), see_schemas.create_response('2.93'))
    resp = _events(st, [{'name': 'network-changed', 'server_uuid': sid}])
    assert resp.status_code == 200
    assert resp.json()['events'][0]['code'] == 200


@pytest.mark.parametrize('name,first', [('volume-extended', '2.51'),
                                        ('power-update', '2.76'),
                                        ('volume-reimaged', '2.93')])
def test_event_names_per_microversion(st, name, first):
    sid = str(uuid.uuid4())
    major, minor = first.split('.')
    before = '%s.%d' % (major, int(minor) - 1)
    resp = _events(st, [{'name': name, 'server_uuid': sid, 'tag': 'x'}],
                   version=before)
    assert resp.status_code == 400, resp.text
    assert 'badRequest' in resp.json()
    resp = _events(st, [{'name': name, 'server_uuid': sid, 'tag': 'x'}],
                   version=first)
    assert resp.status_code == 207, resp.text
    assert resp.json()['events'][0]['code'] == 404


@pytest.mark.parametrize('body', [
    {'events': []}, {}, {'events': [{'name': 'bogus',
                                     'server_uuid': str(uuid.uuid4())}]},
    {'events': [{'name': 'network-changed', 'server_uuid': 'x'}]},
    {'events': [{'name': 'network-changed', 'server_uuid': str(uuid.uuid4()),
                 'status': 'bogus'}]},
])
def test_bad_bodies(st, body):
    resp = st.request('POST', '/v2.1/os-server-external-events',
                      version='2.93', token=ADMIN, json=body)
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['code'] == 400


def test_only_services_and_administrators(st):
    sid = _server(st)
    resp = _events(st, [{'name': 'network-changed', 'server_uuid': sid}],
                   token='demo:demo')
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow os_compute_api:"
                   "os-server-external-events:create to be performed."}}


def test_power_update_stops_and_starts_an_idle_server(st):
    sid = _server(st)
    resp = _events(st, [{'name': 'power-update', 'server_uuid': sid,
                         'tag': 'POWER_OFF'}], version='2.76')
    assert resp.status_code == 200, resp.text
    st.wait_for_server(sid, 'SHUTOFF')
    resp = _events(st, [{'name': 'power-update', 'server_uuid': sid,
                         'tag': 'POWER_ON'}], version='2.76')
    assert resp.status_code == 200, resp.text
    st.wait_for_server(sid, 'ACTIVE')
    listed = st.request('GET', '/v2.1/servers/%s/os-instance-actions' % sid,
                        token=ADMIN).json()['instanceActions']
    assert [a['action'] for a in listed][:2] == ['start', 'stop']


def test_every_volume_must_be_in_use(st):
    sid, peer, root, shared = _servers(st)
    resp = st.volume_request(
        'POST', '/v3/volumes/%s/action' % root['id'], token=ADMIN,
        json={'os-reset_status': {'status': 'available'}})
    assert resp.status_code == 202, resp.text
    resp = _rebuild(st, sid)
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {
        'code': 400,
        'message': "Invalid volume: volume '%s' status must be 'in-use'. "
                   "Currently in 'available' status" % root['id']}}
    server = st.request('GET', '/v2.1/servers/%s' % sid).json()['server']
    assert (server['status'], server['OS-EXT-STS:task_state']) == \
        ('ACTIVE', None)
    listed = st.request('GET', '/v2.1/servers/%s/os-instance-actions' % sid,
                        token=ADMIN).json()['instanceActions']
    assert 'rebuild' not in [a['action'] for a in listed]
    assert _volume_file(st, root['id']).startswith(IMAGE_BYTES)
