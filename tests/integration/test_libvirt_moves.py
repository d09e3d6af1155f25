"""Moves of libvirt servers against the real libvirtd with QEMU: two
compute services (compute1 and compute2, instances paths of their own)
share this machine's one libvirtd. Two servers share a multiattach
volume; one of them is resized (reverted, then confirmed on its own
host), cold migrated, rescued and unrescued, refused a live migration,
evacuated (its host's compute service stopped, then started again to
clean up), stopped and resized (staying stopped) and deleted while that
resize waits. After every step: the domain XML (the shared disk
``<shareable/>`` with ``cache='none'`` on both guests, the flavor's
vCPUs and memory, the disks in the right instances path), the block
storage's attachments and nova_lite's block device mappings agree, and a
host disconnects the volume only when no guest of its own has it any
more.

Needs libvirtd on qemu:///system (tools/ensure-libvirt; run as root).
Guests are firmware only (the image has no file: an empty root disk).
"""

import os
from xml.etree import ElementTree as ET

from oslo_serialization import jsonutils

from nova_lite import context as nl_context
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import migration as migration_obj
from nova_lite.objects import service as service_obj
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt.libvirt import volume as volume_drivers
from tests.integration import test_libvirt as libvirt_tests
from tests.integration.test_libvirt import ADMIN
from tests.integration.test_libvirt import IMAGE
from tests.integration.test_libvirt import libvirt_conn  # noqa: F401
from tests.integration.test_libvirt import stack  # noqa: F401

GiB = 1024 ** 3


class Recorder(volume_drivers.FileVolumeDriver):
    """The file volume driver of one host, recording disconnects."""

    def __init__(self, host):
        super().__init__(host)
        self.disconnected = []

    def disconnect_volume(self, connection_info, instance):
        self.disconnected.append((connection_info['serial'], instance.uuid))


def _wait(predicate, timeout=120):
    return libvirt_tests._wait(predicate, timeout=timeout)


def _action(st, sid, body, version='2.60'):
    return st.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                      version=version, token=ADMIN)


def _status(st, sid, status):
    return st.wait_for_server(sid, status, token=ADMIN, version='2.60',
                              timeout=120)


def _instance(sid):
    return instance_obj.get_by_uuid(nl_context.get_admin_context(), sid)


def _migrations(sid):
    return migration_obj.get_all(nl_context.get_admin_context(),
                                 {'instance_uuid': sid})


def _set_disabled(host, disabled):
    ctxt = nl_context.get_admin_context()
    svc = service_obj.get_by_host_and_binary(ctxt, host, 'nova-compute')
    service_obj.update(ctxt, svc.id, {'disabled': disabled})
    return svc


def _domain(conn, sid):
    dom = conn.lookupByUUIDString(sid)
    return dom, ET.fromstring(dom.XMLDesc(0))


def _check_guest(conn, sid, volume_id, paths, flavor=None):
    """The guest runs with the volume ``<shareable/>`` and uncached, its
    root disk in its host's instances path (and the flavor's vCPUs and
    memory)."""
    dom, root = _domain(conn, sid)
    assert dom.isActive(), sid
    host = _instance(sid).host
    shared = [d for d in root.findall('./devices/disk')
              if d.findtext('serial') == volume_id]
    assert len(shared) == 1, (sid, ET.tostring(root))
    assert shared[0].find('shareable') is not None
    assert shared[0].find('driver').get('cache') == 'none'
    (log,) = [s.find('source').get('path')
              for s in root.findall('./devices/serial')]
    assert log == os.path.join(paths[host], sid, 'console.log')
    if flavor is not None:
        assert int(root.findtext('vcpu')) == flavor[0]
        assert int(root.findtext('memory')) == flavor[1] * 1024
    return root


def _root_file(root):
    (disk,) = [d for d in root.findall('./devices/disk')
               if d.find('target').get('dev') == 'vda']
    return disk.find('source').get('file')


def _agree(st, volume_id, servers):
    """Block storage has one attachment per server (for its host) plus
    those an unfinished move keeps; each mapping names its attachment and
    the multiattach connection."""
    ctxt = nl_context.get_admin_context()
    volume = st.volume_request('GET', '/v3/volumes/%s' % volume_id,
                               token=ADMIN).json()['volume']
    attachments = {a['attachment_id']: a for a in volume['attachments']}
    kept = set()
    for sid in servers:
        for mig in _migrations(sid):
            if mig.status in ('finished', 'confirming', 'reverting'):
                kept.update((mig.move_data.get('attachments') or
                             {}).values())
    mapped = set()
    for sid in servers:
        bdm = bdm_obj.get_by_volume_and_instance(ctxt, volume_id, sid)
        attachment = attachments[bdm.attachment_id]
        assert attachment['server_id'] == sid
        assert attachment['host_name'] == _instance(sid).host
        info = jsonutils.loads(bdm.connection_info)
        assert info['serial'] == volume_id and info['multiattach'] is True
        mapped.add(bdm.attachment_id)
    assert set(attachments) == mapped | kept, (attachments, mapped, kept)
    assert volume['status'] == 'in-use'
    return {sid: bdm_obj.get_by_volume_and_instance(
        ctxt, volume_id, sid).attachment_id for sid in servers}


def _boot(st, name):
    resp = st.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': name, 'imageRef': IMAGE, 'flavorRef': '1',
                   'networks': 'none'}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    _status(st, sid, 'ACTIVE')
    return sid


def test_moves_of_a_guest_sharing_a_multiattach_volume(
        stack, libvirt_conn):  # noqa: F811
    st, conn = stack, libvirt_conn
    first = st.aio.compute_manager
    rec1, rec2 = Recorder('compute1'), Recorder('compute2')
    first.driver._volume_overrides['file'] = rec1
    path2 = os.path.join(st.conf.state_path, 'instances-compute2')
    st.add_compute('compute2', driver=libvirt_driver.LibvirtDriver(
        st.conf, instances_path=path2, volume_overrides={'file': rec2}))
    paths = {'compute1': first.driver.instances_path, 'compute2': path2}
    assert paths['compute1'] != path2

    # Two servers on compute1 share a multiattach volume.
    st.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    made = st.volume_request('POST', '/v3/volumes', json={'volume': {
        'size': 1, 'volume_type': 'multiattach', 'name': 'shared'}})
    volume_id = made.json()['volume']['id']
    st.wait_for_volume(volume_id, 'available')
    _set_disabled('compute2', True)
    try:
        a, b = _boot(st, 'mover'), _boot(st, 'stayer')
    finally:
        _set_disabled('compute2', False)
    for sid in (a, b):
        resp = st.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % sid,
            version='2.60', json={'volumeAttachment': {
                'volumeId': volume_id}})
        assert resp.status_code == 200, resp.text
    _wait(lambda: len(st.volume_request(
        'GET', '/v3/volumes/%s' % volume_id,
        token=ADMIN).json()['volume']['attachments']) == 2)
    before = _agree(st, volume_id, [a, b])
    _check_guest(conn, a, volume_id, paths, (1, 512))
    _check_guest(conn, b, volume_id, paths)
    a_dir = os.path.join(paths['compute1'], a)

    # -- resize to compute2, revert ---------------------------------------
    assert _action(st, a, {'resize': {'flavorRef': '2'}}).status_code == 202
    _status(st, a, 'VERIFY_RESIZE')
    assert _instance(a).host == 'compute2'
    root = _check_guest(conn, a, volume_id, paths, (1, 2048))
    _check_guest(conn, b, volume_id, paths)
    disk = _root_file(root)
    assert disk == os.path.join(path2, a, 'disk')
    # The root disk grew to the new flavor's 20 GiB; the old one is kept.
    assert os.path.getsize(disk) == 20 * GiB
    assert os.path.getsize(os.path.join(a_dir + '_resize', 'disk')) == GiB
    assert not os.path.exists(a_dir)
    moved = _agree(st, volume_id, [a, b])
    assert moved[a] != before[a] and moved[b] == before[b]
    # compute1 keeps the volume connected for the other server.
    assert rec1.disconnected == []

    assert _action(st, a, {'revertResize': None}).status_code == 202
    _status(st, a, 'ACTIVE')
    _wait(lambda: _migrations(a)[0].status == 'reverted')
    assert _instance(a).host == 'compute1'
    root = _check_guest(conn, a, volume_id, paths, (1, 512))
    assert _root_file(root) == os.path.join(a_dir, 'disk')
    assert os.path.getsize(os.path.join(a_dir, 'disk')) == GiB
    assert not os.path.exists(a_dir + '_resize')
    assert not os.path.exists(os.path.join(path2, a))
    _check_guest(conn, b, volume_id, paths)
    assert _agree(st, volume_id, [a, b])[a] == before[a]
    # compute2 had no other guest of the volume: it disconnected it.
    assert rec2.disconnected == [(volume_id, a)]
    assert rec1.disconnected == []

    # -- resize on the same host, confirm -----------------------------------
    st.conf.set_override('allow_resize_to_same_host', True)
    _set_disabled('compute2', True)
    try:
        assert _action(st, a, {'resize': {'flavorRef': '2'}}).\
            status_code == 202
        _status(st, a, 'VERIFY_RESIZE')
    finally:
        _set_disabled('compute2', False)
        st.conf.clear_override('allow_resize_to_same_host')
    assert _instance(a).host == 'compute1'
    root = _check_guest(conn, a, volume_id, paths, (1, 2048))
    assert _root_file(root) == os.path.join(a_dir, 'disk')
    assert os.path.isdir(a_dir + '_resize')
    _agree(st, volume_id, [a, b])
    assert _action(st, a, {'confirmResize': None}).status_code == 204
    _status(st, a, 'ACTIVE')
    _wait(lambda: _migrations(a)[0].status == 'confirmed')
    assert not os.path.exists(a_dir + '_resize')
    _check_guest(conn, a, volume_id, paths, (1, 2048))
    _check_guest(conn, b, volume_id, paths)
    _agree(st, volume_id, [a, b])
    assert rec1.disconnected == []

    # -- cold migration to compute2, confirm ----------------------------------
    assert _action(st, a, {'migrate': None}).status_code == 202
    _status(st, a, 'VERIFY_RESIZE')
    assert _instance(a).host == 'compute2'
    root = _check_guest(conn, a, volume_id, paths, (1, 2048))
    assert _root_file(root) == os.path.join(path2, a, 'disk')
    _check_guest(conn, b, volume_id, paths)
    _agree(st, volume_id, [a, b])
    assert _action(st, a, {'confirmResize': None}).status_code == 204
    _status(st, a, 'ACTIVE')
    _wait(lambda: _migrations(a)[0].status == 'confirmed')
    assert not os.path.exists(a_dir + '_resize')
    assert not os.path.exists(a_dir)
    _agree(st, volume_id, [a, b])
    assert rec1.disconnected == []

    # -- rescue and unrescue ------------------------------------------------------
    normal = ET.tostring(_domain(conn, a)[1].find('devices'))
    assert _action(st, a, {'rescue': {}}).status_code == 200
    _status(st, a, 'RESCUE')
    root = _check_guest(conn, a, volume_id, paths)
    disks = {d.find('target').get('dev'): d
             for d in root.findall('./devices/disk')}
    assert disks['vda'].find('source').get('file') == os.path.join(
        path2, a, 'disk.rescue')
    assert disks['vda'].find('boot').get('order') == '1'
    assert disks['vdb'].find('source').get('file') == os.path.join(
        path2, a, 'disk')
    _check_guest(conn, b, volume_id, paths)
    _agree(st, volume_id, [a, b])
    assert _action(st, a, {'unrescue': None}).status_code == 202
    _status(st, a, 'ACTIVE')
    root = _check_guest(conn, a, volume_id, paths, (1, 2048))
    assert _root_file(root) == os.path.join(path2, a, 'disk')
    assert not os.path.exists(os.path.join(path2, a, 'disk.rescue'))
    assert len(root.findall('./devices/disk')) == \
        len(ET.fromstring(normal).findall('disk'))
    _agree(st, volume_id, [a, b])

    # -- live migration: one libvirtd cannot migrate to itself -----------------
    body = {'os-migrateLive': {'host': 'compute1', 'block_migration': 'auto',
                               'force': True}}
    resp = _action(st, a, body, version='2.30')
    assert resp.status_code == 400, resp.text
    message = resp.json()['badRequest']['message']
    assert message.startswith('Migration pre-check error: compute2 and '
                              'compute1 are served by the same libvirt '
                              'daemon'), message
    resp = _action(st, a, {'os-migrateLive': {
        'host': None, 'block_migration': False,
        'disk_over_commit': False}}, version='2.24')
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['message'].startswith(
        'No valid host was found.')
    resp = _action(st, a, {'os-migrateLive': {
        'host': 'compute1', 'block_migration': 'auto'}}, version='2.68')
    assert resp.status_code == 202, resp.text
    _wait(lambda: [m for m in _migrations(a)
                   if m.migration_type == 'live-migration' and
                   m.status == 'error'])
    _status(st, a, 'ACTIVE')
    assert _instance(a).host == 'compute2'
    _check_guest(conn, a, volume_id, paths, (1, 2048))
    _agree(st, volume_id, [a, b])

    # -- evacuation from compute2 (stopped, forced down) to compute1 ------
    (stopped,) = st.extra_services
    stopped.stop()
    st.extra_services.remove(stopped)
    ctxt = nl_context.get_admin_context()
    svc = service_obj.get_by_host_and_binary(ctxt, 'compute2',
                                             'nova-compute')
    service_obj.update(ctxt, svc.id, {'forced_down': True})
    resp = _action(st, a, {'evacuate': {}}, version='2.68')
    assert resp.status_code == 200, resp.text
    _status(st, a, 'ACTIVE')
    assert _instance(a).host == 'compute1'
    root = _check_guest(conn, a, volume_id, paths, (1, 2048))
    assert _root_file(root) == os.path.join(a_dir, 'disk')
    _check_guest(conn, b, volume_id, paths)
    (evac,) = [m for m in _migrations(a) if m.migration_type == 'evacuation']
    assert evac.status == 'done'
    _agree(st, volume_id, [a, b])
    # compute2's files and connection stay until it starts again.
    assert os.path.isdir(os.path.join(path2, a))
    disconnects = list(rec2.disconnected)
    # compute2 starts again and cleans up what it left.
    service_obj.update(ctxt, svc.id, {'forced_down': False})
    st.add_compute('compute2', driver=libvirt_driver.LibvirtDriver(
        st.conf, instances_path=path2, volume_overrides={'file': rec2}))
    assert rec2.disconnected == disconnects + [(volume_id, a)]
    assert not os.path.exists(os.path.join(path2, a))
    assert [m.status for m in _migrations(a)
            if m.migration_type == 'evacuation'] == ['completed']
    # The new guest on compute1 was left alone.
    _check_guest(conn, a, volume_id, paths, (1, 2048))
    _agree(st, volume_id, [a, b])
    assert rec1.disconnected == []

    # -- a stopped server resized stays stopped; deleted while it waits -----
    assert _action(st, a, {'os-stop': None}).status_code == 202
    _status(st, a, 'SHUTOFF')
    assert not conn.lookupByUUIDString(a).isActive()
    assert _action(st, a, {'resize': {'flavorRef': '3'}}).status_code == 202
    shown = _status(st, a, 'VERIFY_RESIZE')
    assert shown['OS-EXT-STS:power_state'] == 4
    assert _instance(a).host == 'compute2'
    dom, root = _domain(conn, a)
    assert not dom.isActive()
    assert (root.findtext('vcpu'), root.findtext('memory')) == \
        ('2', str(4096 * 1024))
    assert _root_file(root) == os.path.join(path2, a, 'disk')
    shared = [d for d in root.findall('./devices/disk')
              if d.findtext('serial') == volume_id]
    assert shared[0].find('shareable') is not None
    _agree(st, volume_id, [a, b])
    assert os.path.isdir(a_dir + '_resize')
    assert st.request('DELETE', '/v2.1/servers/%s' % a,
                      token=ADMIN).status_code == 204
    st.wait_for_server(a, 'DELETED', token=ADMIN, timeout=60)
    # The source drops the disk it kept; only the other server's
    # attachment is left.
    _wait(lambda: not os.path.exists(a_dir + '_resize'))
    assert not os.path.exists(os.path.join(path2, a))
    assert _migrations(a)[0].status == 'confirmed'
    _agree(st, volume_id, [b])
    _check_guest(conn, b, volume_id, paths)
    assert rec1.disconnected == []

    assert st.request('DELETE', '/v2.1/servers/%s' % b,
                      token=ADMIN).status_code == 204
    st.wait_for_server(b, 'DELETED', token=ADMIN, timeout=60)
    assert rec1.disconnected == [(volume_id, b)]
    assert not {d.UUIDString() for d in conn.listAllDomains(0)} & {a, b}
