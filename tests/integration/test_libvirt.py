"""The all-in-one on the libvirt driver against a real libvirtd with QEMU:
two running guests share one multiattach volume as a hot-plugged
``<shareable/>`` disk with ``cache='none'``.

Needs libvirtd on qemu:///system (tools/ensure-libvirt starts it; run as
root). Guests are TCG, firmware only (no bootable disk), so volumes go on
the virtio-scsi bus, whose unplug needs no guest OS.
"""

import os
import shutil
import time
import uuid
from xml.etree import ElementTree as ET

import pytest

from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'


@pytest.fixture
def libvirt_conn():
    libvirt = pytest.importorskip('libvirt')
    try:
        conn = libvirt.open('qemu:///system')
    except libvirt.libvirtError as error:
        pytest.fail('libvirtd is not reachable on qemu:///system (%s); '
                    'start it with tools/ensure-libvirt' % error)
    yield conn
    conn.close()


@pytest.fixture
def stack(libvirt_conn):
    # QEMU runs as libvirt-qemu: every directory on the way to the disks
    # must be traversable by it (pytest's tmp_path is not).
    run = uuid.uuid4().hex
    state = os.path.join('/var/lib/nova-lite-tests', run)
    os.makedirs(state, mode=0o755)
    os.chmod('/var/lib/nova-lite-tests', 0o755)
    conf = stack_fixture.make_conf(state, overrides=[
        (None, 'compute_driver', 'libvirt.LibvirtDriver'),
        ('libvirt', 'virt_type', 'qemu'),
        ('libvirt', 'connection_uri', 'qemu:///system'),
        ('libvirt', 'default_disk_bus', 'scsi'),
        ('libvirt', 'device_detach_timeout', 10),
        # Every stack's cell database counts its ids from 1: a name of
        # its own keeps its domains apart from those of other runs on the
        # same libvirtd (a real compute host has one libvirtd to itself).
        (None, 'instance_name_template', 'nl-%s-%%08x' % run[:8]),
    ])
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()
        # Guests a failed test left behind go too: this run's only (other
        # runs may share the libvirtd meanwhile).
        for dom in libvirt_conn.listAllDomains():
            if not dom.name().startswith('nl-%s-' % run[:8]):
                continue
            try:
                if dom.isActive():
                    dom.destroy()
                dom.undefine()
            except Exception:
                pass
        shutil.rmtree(state, ignore_errors=True)


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError('condition never held')


def _shared_disks(conn, server_id, volume_id):
    dom = conn.lookupByUUIDString(server_id)
    root = ET.fromstring(dom.XMLDesc(0))
    return [d for d in root.findall('./devices/disk')
            if d.findtext('serial') == volume_id]


def test_multiattach_volume_on_two_running_guests(stack, libvirt_conn):
    manager = stack.aio.compute_manager
    assert manager.driver.capabilities['supports_multiattach'] is True
    stack.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    made = stack.volume_request('POST', '/v3/volumes', json={'volume': {
        'size': 1, 'volume_type': 'multiattach', 'name': 'shared'}})
    volume_id = made.json()['volume']['id']
    stack.wait_for_volume(volume_id, 'available')
    servers = []
    for name in ('guest-1', 'guest-2'):
        resp = stack.request('POST', '/v2.1/servers', version='2.60', json={
            'server': {'name': name, 'imageRef': IMAGE, 'flavorRef': '1',
                       'networks': 'none'}})
        assert resp.status_code == 202, resp.text
        servers.append(resp.json()['server']['id'])
    for server_id in servers:
        stack.wait_for_server(server_id, 'ACTIVE', timeout=120)
        assert libvirt_conn.lookupByUUIDString(server_id).isActive()
        # The domain is named as the API names the server's instance
        # (virsh dumpxml <instance_name> finds it).
        shown = stack.request('GET', '/v2.1/servers/%s' % server_id,
                              token=ADMIN).json()['server']
        name = shown['OS-EXT-SRV-ATTR:instance_name']
        assert name.startswith('nl-') and len(name) == 20, name
        assert libvirt_conn.lookupByName(name).UUIDString() == server_id
    for server_id in servers:
        resp = stack.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
            version='2.60', json={'volumeAttachment': {
                'volumeId': volume_id}})
        assert resp.status_code == 200, resp.text

    def attached():
        volume = stack.volume_request('GET', '/v3/volumes/%s' % volume_id,
                                      token=ADMIN).json()['volume']
        return sorted(a['server_id'] for a in volume['attachments'])
    _wait(lambda: attached() == sorted(servers))
    sources = set()
    for server_id in servers:
        (disk,) = _shared_disks(libvirt_conn, server_id, volume_id)
        assert disk.find('shareable') is not None
        assert disk.find('driver').get('cache') == 'none'
        assert disk.find('target').get('bus') == 'scsi'
        sources.add(disk.find('source').get('file'))
    (source,) = sources
    assert source.endswith('volume-%s' % volume_id)
    # Detach from the first guest: the second keeps the disk.
    resp = stack.request('DELETE', '/v2.1/servers/%s/os-volume_attachments/'
                         '%s' % (servers[0], volume_id), version='2.60')
    assert resp.status_code == 202
    _wait(lambda: attached() == [servers[1]])
    assert _shared_disks(libvirt_conn, servers[0], volume_id) == []
    (kept,) = _shared_disks(libvirt_conn, servers[1], volume_id)
    assert kept.find('source').get('file') == source
    for server_id in servers:
        assert stack.request('DELETE', '/v2.1/servers/%s' % server_id).\
            status_code == 204
    for server_id in servers:
        stack.wait_for_server(server_id, 'DELETED', timeout=60)
    remaining = {d.UUIDString() for d in libvirt_conn.listAllDomains(0)}
    assert not remaining & set(servers)
    _wait(lambda: attached() == [])
