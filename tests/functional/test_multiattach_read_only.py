"""Read-only subsequent attachments: a multiattach volume type with
``multiattach_subsequent_mode = ro`` gives its volumes' first attachment
read/write and every later one read-only (``access_mode: ro`` in the
connection info, as Cinder gives a read-only volume's), and the compute
hands that on to its driver."""

import time

import pytest

from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
SERVERS = ['2c8e9c0e-4a1d-4c0e-8b1a-6a1c1c1c1c1%d' % i for i in range(4)]
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


@pytest.fixture
def bs(tmp_path):
    st = stack_fixture.Stack(stack_fixture.make_conf(tmp_path)).start()
    try:
        yield st
    finally:
        st.stop()


def _type(bs, name, **specs):
    resp = bs.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': name, 'extra_specs': specs}})
    assert resp.status_code == 200, resp.text
    return resp.json()['volume_type']['id']


def _volume(bs, volume_type):
    resp = bs.volume_request('POST', '/v3/volumes', json={'volume': {
        'size': 1, 'volume_type': volume_type}})
    assert resp.status_code == 202, resp.text
    return bs.wait_for_volume(resp.json()['volume']['id'],
                              'available')['id']


def _connect(bs, volume_id, server_id, mode=None):
    resp = bs.volume_request(
        'POST', '/v3/attachments', version='3.54',
        json={'attachment': dict({'volume_uuid': volume_id,
                                  'instance_uuid': server_id},
                                 **({'mode': mode} if mode else {}))})
    assert resp.status_code == 200, resp.text
    attachment_id = resp.json()['attachment']['id']
    connector = {'host': 'compute1', 'mountpoint': '/dev/vdb'}
    if mode:
        connector['mode'] = mode
    resp = bs.volume_request(
        'PUT', '/v3/attachments/%s' % attachment_id, version='3.54',
        json={'attachment': {'connector': connector}})
    assert resp.status_code == 200, resp.text
    attachment = resp.json()['attachment']
    return attachment_id, attachment['connection_info']['access_mode'], \
        attachment['attach_mode']


def test_first_attachment_writes_later_ones_read(bs):
    _type(bs, 'shared-ro', multiattach='<is> True',
          multiattach_subsequent_mode='ro')
    volume_id = _volume(bs, 'shared-ro')
    first, mode, attach_mode = _connect(bs, volume_id, SERVERS[0])
    assert (mode, attach_mode) == ('rw', 'rw')
    # Every later attachment is read-only, even one asking for rw.
    second, mode, attach_mode = _connect(bs, volume_id, SERVERS[1])
    assert (mode, attach_mode) == ('ro', 'ro')
    assert _connect(bs, volume_id, SERVERS[2], mode='rw')[1:] == \
        ('ro', 'ro')
    # The writer gone, the readers stay read-only; the next attachment is
    # the new writer.
    resp = bs.volume_request('DELETE', '/v3/attachments/%s' % first,
                             version='3.54')
    assert resp.status_code == 200, resp.text
    shown = bs.volume_request('GET', '/v3/attachments/%s' % second,
                              version='3.54').json()['attachment']
    assert shown['attach_mode'] == 'ro'
    assert _connect(bs, volume_id, SERVERS[3])[1] == 'rw'


def test_default_and_rw_types_share_read_write(bs):
    _type(bs, 'shared', multiattach='<is> True')
    _type(bs, 'shared-rw', multiattach='<is> True',
          multiattach_subsequent_mode='rw')
    for name in ('shared', 'shared-rw'):
        volume_id = _volume(bs, name)
        assert [_connect(bs, volume_id, s)[1] for s in SERVERS[:2]] == \
            ['rw', 'rw']


@pytest.mark.parametrize('value', ['RO', 'read-only', ''])
def test_bad_subsequent_mode_is_refused(bs, value):
    resp = bs.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'bad', 'extra_specs': {
            'multiattach_subsequent_mode': value}}})
    assert resp.status_code == 400, resp.text
    assert 'multiattach_subsequent_mode' in \
        resp.json()['badRequest']['message']
    listed = bs.volume_request('GET', '/v3/types', token=ADMIN).json()
    assert 'bad' not in [t['name'] for t in listed['volume_types']]
    type_id = _type(bs, 'good', multiattach='<is> True')
    for method, path, body in (
            ('POST', '/v3/types/%s/extra_specs' % type_id,
             {'extra_specs': {'multiattach_subsequent_mode': value}}),
            ('PUT', '/v3/types/%s/extra_specs/multiattach_subsequent_mode'
             % type_id, {'multiattach_subsequent_mode': value})):
        resp = bs.volume_request(method, path, token=ADMIN, json=body)
        assert resp.status_code == 400, resp.text
    specs = bs.volume_request('GET', '/v3/types/%s/extra_specs' % type_id,
                              token=ADMIN).json()['extra_specs']
    assert specs == {'multiattach': '<is> True'}


def test_compute_hands_read_only_to_the_driver(bs):
    _type(bs, 'shared-ro', multiattach='<is> True',
          multiattach_subsequent_mode='ro')
    volume_id = _volume(bs, 'shared-ro')
    servers = []
    for name in ('vm1', 'vm2'):
        resp = bs.request('POST', '/v2.1/servers', version='2.60', json={
            'server': {'name': name, 'flavorRef': '1', 'imageRef': IMAGE,
                       'networks': 'none'}})
        assert resp.status_code == 202, resp.text
        servers.append(resp.json()['server']['id'])
        bs.wait_for_server(servers[-1], 'ACTIVE')
    for server_id in servers:
        resp = bs.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
            version='2.60', json={'volumeAttachment': {'volumeId':
                                                       volume_id}})
        assert resp.status_code == 200, resp.text
    guests = bs.aio.compute_manager.driver.guests

    def modes():
        out = []
        for server_id in servers:
            infos = list(guests[server_id]['volumes'].values())
            out.append([i['data']['access_mode'] for i in infos])
        return out
    deadline = time.monotonic() + 30
    while modes() != [['rw'], ['ro']]:
        assert time.monotonic() < deadline, modes()
        time.sleep(0.1)
