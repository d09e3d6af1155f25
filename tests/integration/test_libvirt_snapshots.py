"""Snapshots of image-backed libvirt servers against a real libvirtd with
QEMU (the fixtures of test_libvirt.py): createImage of a stopped and of a
running guest (saved and started again) uploads its root disk as qcow2; a new server boots from the
snapshot with the snapshot's data; shelve and unshelve carry the disk
through the image the shelve stored.

Needs libvirtd on qemu:///system (tools/ensure-libvirt; run as root).
"""

import json
import os
import subprocess

import requests

from nova_lite.image import glance
from tests.integration.test_libvirt import IMAGE
from tests.integration.test_libvirt import libvirt_conn  # noqa: F401
from tests.integration.test_libvirt import stack  # noqa: F401

VIR_DOMAIN_RUNNING = 1
MARKER = b'nova_lite snapshot marker\n' * 16


def _action(st, sid, body, version='2.45'):
    return st.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                      version=version)


def _boot(st, name, image):
    resp = st.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': name, 'imageRef': image, 'flavorRef': '1',
                   'networks': 'none'}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    st.wait_for_server(sid, 'ACTIVE', timeout=120)
    return sid


def _disk(st, sid):
    return os.path.join(st.aio.compute_manager.driver.instances_path, sid,
                        'disk')


def _info(path):
    return json.loads(subprocess.run(
        ['qemu-img', 'info', '-U', '--output=json', path], check=True,
        capture_output=True).stdout)


def _head(path, length=len(MARKER)):
    """The first bytes of the guest's view of a disk image."""
    out = path + '.raw'
    subprocess.run(['qemu-img', 'convert', '-U', '-O', 'raw', path, out],
                   check=True, capture_output=True)
    try:
        with open(out, 'rb') as f:
            return f.read(length)
    finally:
        os.unlink(out)


def _write_marker(path):
    """Write the marker at the start of the guest's disk (a qcow2 overlay
    or a raw file) while the guest is off."""
    fmt = _info(path)['format']
    if fmt == 'raw':
        with open(path, 'r+b') as f:
            f.write(MARKER)
        return
    data = path + '.marker'
    with open(data, 'wb') as f:
        f.write(MARKER)
    try:
        subprocess.run(['qemu-io', '-f', fmt, '-c',
                        'write -s %s 0 %d' % (data, len(MARKER)), path],
                       check=True, capture_output=True)
    finally:
        os.unlink(data)


def _image(st, image_id):
    resp = requests.get(st.image_base + '/v2/images/%s' % image_id,
                        headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    return resp


def test_snapshot_boot_and_shelve(stack, libvirt_conn):  # noqa: F811
    sid = _boot(stack, 'source', IMAGE)
    assert _action(stack, sid, {'os-stop': None}).status_code == 202
    stack.wait_for_server(sid, 'SHUTOFF', timeout=60)
    _write_marker(_disk(stack, sid))

    # Cold: the guest is off and stays so.
    resp = _action(stack, sid, {'createImage': {'name': 'cold'}})
    assert resp.status_code == 202, resp.text
    cold = resp.json()['image_id']
    stack.wait_for_server(sid, 'SHUTOFF', timeout=120)
    image = _image(stack, cold).json()
    assert image['status'] == 'active'
    assert image['disk_format'] == 'qcow2'
    assert image['container_format'] == 'bare'
    assert image['instance_uuid'] == sid
    assert image['base_image_ref'] == IMAGE
    resp = requests.get(st_file(stack, cold),
                        headers={'X-Auth-Token': 'demo:demo'}, timeout=60)
    assert resp.content[:4] == b'QFI\xfb'

    # Running: the guest's memory is saved for the copy, and it runs
    # again.
    assert _action(stack, sid, {'os-start': None}).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE', timeout=60)
    resp = _action(stack, sid, {'createImage': {'name': 'live'}})
    assert resp.status_code == 202, resp.text
    live = resp.json()['image_id']
    stack.wait_for_server(sid, 'ACTIVE', timeout=120)
    assert _image(stack, live).json()['status'] == 'active'
    assert libvirt_conn.lookupByUUIDString(sid).state()[0] == \
        VIR_DOMAIN_RUNNING

    # A server booted from the snapshot has its data.
    clone = _boot(stack, 'clone', live)
    assert libvirt_conn.lookupByUUIDString(clone).state()[0] == \
        VIR_DOMAIN_RUNNING
    assert _head(_disk(stack, clone)) == MARKER

    # Shelve stores the disk in an image; unshelve boots from it, pulls
    # its data into the new disk and deletes it.
    assert _action(stack, clone, {'shelve': None}).status_code == 202
    stack.wait_for_server(clone, 'SHELVED_OFFLOADED', timeout=120)
    assert clone not in {d.UUIDString()
                         for d in libvirt_conn.listAllDomains(0)}
    resp = requests.get(stack.image_base + '/v2/images',
                        params={'name': 'clone-shelved'},
                        headers={'X-Auth-Token': 'demo:demo'}, timeout=30)
    [shelved] = resp.json()['images']
    assert _head(glance.local_path(stack.conf, shelved['id'])) == MARKER
    assert _action(stack, clone, {'unshelve': None}).status_code == 202
    stack.wait_for_server(clone, 'ACTIVE', timeout=120)
    assert _image(stack, shelved['id']).status_code == 404
    assert libvirt_conn.lookupByUUIDString(clone).state()[0] == \
        VIR_DOMAIN_RUNNING
    # Read once QEMU has written everything out.
    assert _action(stack, clone, {'os-stop': None}).status_code == 202
    stack.wait_for_server(clone, 'SHUTOFF', timeout=60)
    disk = _disk(stack, clone)
    assert 'backing-filename' not in _info(disk)
    assert _head(disk) == MARKER
    for server in (sid, clone):
        assert stack.request('DELETE', '/v2.1/servers/%s' % server).\
            status_code == 204
        stack.wait_for_server(server, 'DELETED', timeout=60)


def st_file(st, image_id):
    return st.image_base + '/v2/images/%s/file' % image_id
