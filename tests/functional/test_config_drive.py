"""Config drives through the API on the fake driver: asked for with
``config_drive: true`` or forced by ``[DEFAULT] force_config_drive``,
shown in the server as nova shows it, with the tagged volumes of 2.42 in
the drive's metadata."""

import base64

import pytest

from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _boot(stack, name, **extra):
    body = {'server': dict({'name': name, 'flavorRef': '1',
                            'imageRef': IMAGE, 'networks': 'none'}, **extra)}
    resp = stack.request('POST', '/v2.1/servers', version='2.42', json=body)
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _shown(stack, sid):
    return stack.request('GET', '/v2.1/servers/%s' % sid,
                         version='2.42').json()['server']


def _guest(stack, sid):
    return stack.aio.compute_manager.driver.guests[sid]


def test_config_drive_on_request(stack):
    volume = stack.volume_request('POST', '/v3/volumes', json={
        'volume': {'size': 1, 'name': 'data'}}).json()['volume']['id']
    stack.wait_for_volume(volume, 'available')
    user_data = base64.b64encode(b'#!/bin/sh\necho hi\n').decode()
    sid = _boot(stack, 'vm1', config_drive=True, user_data=user_data,
                block_device_mapping_v2=[
                    {'source_type': 'image', 'destination_type': 'local',
                     'uuid': IMAGE, 'boot_index': 0},
                    {'source_type': 'volume', 'destination_type': 'volume',
                     'uuid': volume, 'boot_index': -1,
                     'tag': 'multiattach'}])
    assert _shown(stack, sid)['config_drive'] == 'True'
    drive = _guest(stack, sid)['config_drive']
    assert drive['label'] == 'config-2'
    assert 'openstack/latest/user_data' in drive['files']
    meta = drive['meta_data']
    assert meta['uuid'] == sid and meta['name'] == 'vm1'
    assert meta['hostname'] == 'vm1'
    assert [(d['serial'], d['tags'], d['path']) for d in meta['devices']] \
        == [(volume, ['multiattach'], '/dev/vdb')]
    # Not asked for: none, and the server says so with an empty string.
    other = _boot(stack, 'vm2')
    assert _shown(stack, other)['config_drive'] == ''
    assert 'config_drive' not in _guest(stack, other)


@pytest.fixture
def forced_stack(tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        (None, 'force_config_drive', True)])
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def test_forced_config_drive(forced_stack):
    sid = _boot(forced_stack, 'forced')
    assert _shown(forced_stack, sid)['config_drive'] == 'True'
    assert _guest(forced_stack, sid)['config_drive']['meta_data'][
        'devices'] == []
