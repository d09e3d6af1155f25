"""The libvirt driver's moves (nova_lite.virt.libvirt.moves) against the
fake libvirt connection of test_libvirt_driver: two compute services
(instances paths of their own) share one connection, as two compute
workers share this machine's libvirtd. The disks are real files
(qemu-img grows them)."""

import os
import types
from xml.etree import ElementTree as ET

import pytest

from nova_lite import exception
from nova_lite.virt.libvirt import config
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt.libvirt import moves
from nova_lite.virt.libvirt import volume as volume_drivers
from tests.unit import test_libvirt_driver as base
from tests.unit.test_libvirt_driver import conf  # noqa: F401

VOL = base.VOL
UUID = base.UUID
GiB = 1024 ** 3
HOST_UUID = '8d06650a-52a2-478b-a2e2-f2a0631753ee'


class Connection(base.FakeConnection):
    def __init__(self, host_uuid=HOST_UUID):
        super().__init__()
        self.host_uuid = host_uuid

    def getCapabilities(self):
        return ('<capabilities><host><uuid>%s</uuid></host>'
                '</capabilities>' % self.host_uuid)


class Recorder(volume_drivers.FileVolumeDriver):
    def __init__(self, host):
        super().__init__(host)
        self.disconnected = []

    def disconnect_volume(self, connection_info, instance):
        self.disconnected.append((connection_info['serial'], instance.uuid))


def _driver(conf, conn, host, tmp_path):  # noqa: F811
    rec = Recorder(host)
    drv = libvirt_driver.LibvirtDriver(
        conf, connection=conn, volume_overrides={'file': rec},
        instances_path=str(tmp_path / ('instances-' + host)))
    drv.init_host(host)
    drv.recorder = rec
    return drv


@pytest.fixture
def pair(conf, tmp_path):  # noqa: F811
    conn = Connection()
    return (conn, _driver(conf, conn, 'compute1', tmp_path),
            _driver(conf, conn, 'compute2', tmp_path))


def _instance(uuid=UUID, flavor=None, **kw):
    values = dict(id=42, name='instance-0000002a', uuid=uuid,
                  display_name='vm1', image_ref='',
                  root_device_name='/dev/vda',
                  flavor=flavor or {'memory_mb': 64, 'vcpus': 1,
                                    'root_gb': 1})
    values.update(kw)
    return types.SimpleNamespace(**values)


def _bdi(disconnect=True, multiattach=True):
    return [{'device_name': '/dev/sdb', 'boot_index': None,
             'volume_id': VOL, 'disk_bus': 'scsi',
             'connection_info': base._info(multiattach=multiattach),
             'disconnect_host': disconnect}]


def _root(drv, uuid=UUID):
    return ET.fromstring(drv.conn.lookupByUUIDString(uuid).XMLDesc(0))


def _shared(root):
    (disk,) = [d for d in root.findall('./devices/disk')
               if d.findtext('serial') == VOL]
    return disk


def _file_of(root, dev):
    for target, _serial, element in config.parse_disks(
            ET.tostring(root, encoding='unicode')):
        if target == dev:
            return element.find('source').get('file')
    return None


# -- XML ------------------------------------------------------------------------------

def test_rescue_xml_boots_the_rescue_disk_first():
    guest = config.Guest(name='i-1', uuid=UUID, memory_mb=64, vcpus=1)
    guest.add_device(config.GuestDisk(source_path='/i/disk',
                                      target_dev='vda'))
    guest.add_device(volume_drivers.FileVolumeDriver('h').get_config(
        base._info(), 'vdb', 'virtio'))
    xml = moves.rescue_xml(guest.to_string(), '/i/disk.rescue', 'qcow2')
    root = ET.fromstring(xml)
    disks = root.findall('./devices/disk')
    # The rescue disk first, booted; the old root disk next (vdb is the
    # volume's, so vdc); the volume as it was.
    assert [d.find('target').get('dev') for d in disks] == \
        ['vda', 'vdc', 'vdb']
    assert disks[0].find('source').get('file') == '/i/disk.rescue'
    assert disks[0].find('driver').get('type') == 'qcow2'
    assert disks[0].find('boot').get('order') == '1'
    assert disks[1].find('source').get('file') == '/i/disk'
    assert disks[1].find('boot') is None
    assert disks[2].find('shareable') is not None
    assert disks[2].find('driver').get('cache') == 'none'
    assert root.find('./os/boot') is None
    assert root.findtext('uuid') == UUID


def test_rescue_xml_puts_the_root_disk_second():
    guest = config.Guest(name='i-1', uuid=UUID, memory_mb=64, vcpus=1)
    guest.add_device(config.GuestDisk(source_path='/i/disk',
                                      target_dev='vda'))
    root = ET.fromstring(moves.rescue_xml(guest.to_string(), '/r', 'raw'))
    assert _file_of(root, 'vda') == '/r'
    assert _file_of(root, 'vdb') == '/i/disk'


# -- ownership of the domains of one libvirtd --------------------------------------

def test_each_service_sees_its_own_domains(pair):
    conn, one, two = pair
    inst = _instance()
    one.spawn(inst, _bdi())
    assert one.list_instance_uuids() == [UUID]
    assert two.list_instance_uuids() == []
    assert two.get_guest_volumes(inst) is None
    assert two.get_power_state(inst) == 0
    # Destroying it on the other service leaves the domain alone.
    two.destroy(inst, _bdi())
    assert UUID in conn.domains
    # libvirt.xml is kept beside the disk, as nova keeps it.
    with open(os.path.join(one.instances_path, UUID, 'libvirt.xml')) as f:
        assert f.read() == conn.domains[UUID].XMLDesc(2)


def test_a_volume_another_guest_here_has_stays_connected(pair):
    conn, one, two = pair
    other = _instance(uuid='11111111-2222-3333-4444-555555555555',
                      name='instance-0000002b', id=43)
    one.spawn(_instance(), _bdi())
    one.spawn(other, _bdi())
    # A guest of another service with the volume does not count.
    third = '22222222-2222-3333-4444-555555555555'
    two.spawn(_instance(uuid=third, name='instance-0000002c', id=44),
              _bdi())
    one.destroy(_instance(), _bdi())
    assert one.recorder.disconnected == []
    one.destroy(other, _bdi())
    assert one.recorder.disconnected == [(VOL, other.uuid)]
    # Told not to, nothing is disconnected.
    two.destroy(_instance(uuid=third), _bdi(disconnect=False))
    assert two.recorder.disconnected == []


# -- resize and cold migration ------------------------------------------------------

def test_resize_down_is_refused_before_anything_changes(pair):
    conn, one, _two = pair
    inst = _instance(flavor={'memory_mb': 64, 'vcpus': 1, 'root_gb': 2})
    one.spawn(inst, _bdi())
    with pytest.raises(exception.InstanceFaultRollback) as caught:
        one.migrate_disk_and_power_off(
            inst, 'compute2', {'memory_mb': 64, 'vcpus': 1, 'root_gb': 1},
            _bdi())
    assert caught.value.inner_exception.format_message() == \
        'Resize error: Unable to resize disk down.'
    assert conn.domains[UUID].isActive()
    assert one.recorder.disconnected == []


def test_cold_migration_resize_confirm(pair):
    conn, one, two = pair
    inst = _instance()
    one.spawn(inst, _bdi())
    src = os.path.join(one.instances_path, UUID)
    with open(os.path.join(src, 'disk'), 'r+b') as f:
        f.write(b'root disk data')
    bigger = {'memory_mb': 128, 'vcpus': 2, 'root_gb': 2}
    info = one.migrate_disk_and_power_off(inst, 'compute2', bigger, _bdi())
    # Powered off and undefined (one libvirtd), the disks kept.
    assert UUID not in conn.domains
    assert info == {'source_host': 'compute1', 'path': src + '_resize',
                    'root_gb': 1, 'booted_from_volume': False}
    assert not os.path.exists(src)
    assert os.path.isfile(os.path.join(src + '_resize', 'libvirt.xml'))
    assert one.recorder.disconnected == [(VOL, UUID)]

    moved = _instance(flavor=bigger)
    two.finish_migration(moved, info, _bdi(), True)
    root = _root(two)
    assert root.findtext('vcpu') == '2'
    assert root.findtext('memory') == str(128 * 1024)
    disk = _file_of(root, 'vda')
    assert disk == os.path.join(two.instances_path, UUID, 'disk')
    assert os.path.getsize(disk) == 2 * GiB
    with open(disk, 'rb') as f:
        assert f.read(14) == b'root disk data'
    shared = _shared(root)
    assert shared.find('shareable') is not None
    assert shared.find('driver').get('cache') == 'none'
    assert conn.domains[UUID].isActive()
    assert one.list_instance_uuids() == [] and \
        two.list_instance_uuids() == [UUID]

    one.confirm_migration(inst, info)
    assert not os.path.exists(src + '_resize')
    assert os.path.isfile(disk)


def test_revert_restores_the_old_disk_and_flavor(pair):
    conn, one, two = pair
    inst = _instance()
    one.spawn(inst, _bdi())
    bigger = {'memory_mb': 128, 'vcpus': 2, 'root_gb': 2}
    info = one.migrate_disk_and_power_off(inst, 'compute2', bigger, _bdi())
    two.finish_migration(_instance(flavor=bigger), info, _bdi(), True)
    # The destination lets go, the source takes it back.
    two.destroy(_instance(flavor=bigger), _bdi())
    assert not os.path.exists(os.path.join(two.instances_path, UUID))
    one.finish_revert_migration(inst, info, _bdi())
    root = _root(one)
    assert root.findtext('vcpu') == '1'
    assert root.findtext('memory') == str(64 * 1024)
    disk = os.path.join(one.instances_path, UUID, 'disk')
    assert _file_of(root, 'vda') == disk
    assert os.path.getsize(disk) == GiB
    assert not os.path.exists(disk + '_resize')
    assert _shared(root).find('shareable') is not None


def test_resize_on_the_same_host(pair):
    conn, one, _two = pair
    inst = _instance()
    one.spawn(inst, _bdi())
    bigger = {'memory_mb': 128, 'vcpus': 1, 'root_gb': 3}
    info = one.migrate_disk_and_power_off(inst, 'compute1', bigger,
                                          _bdi(disconnect=False))
    one.finish_migration(_instance(flavor=bigger), info,
                         _bdi(disconnect=False), True)
    directory = os.path.join(one.instances_path, UUID)
    assert os.path.getsize(os.path.join(directory, 'disk')) == 3 * GiB
    assert os.path.getsize(os.path.join(directory + '_resize',
                                        'disk')) == GiB
    assert one.recorder.disconnected == []
    one.confirm_migration(inst, info)
    assert not os.path.exists(directory + '_resize')
    assert _root(one).findtext('memory') == str(128 * 1024)


def test_a_migration_without_a_resize_keeps_the_disk_size(pair):
    conn, one, two = pair
    inst = _instance(flavor={'memory_mb': 64, 'vcpus': 1, 'root_gb': 1})
    one.spawn(inst, [])
    info = one.migrate_disk_and_power_off(inst, 'compute2', inst.flavor, [])
    two.finish_migration(inst, info, [], False)
    assert os.path.getsize(os.path.join(two.instances_path, UUID,
                                        'disk')) == GiB


# -- evacuation --------------------------------------------------------------------

def test_evacuation_replaces_the_down_hosts_domain(pair):
    conn, one, two = pair
    inst = _instance()
    one.spawn(inst, [])
    # Attached after the guest was made: the down host's clean-up still
    # knows of it.
    one.attach_volume(inst, base._info(), '/dev/sdb', disk_bus='scsi')
    two.spawn_evacuated(inst, _bdi())
    root = _root(two)
    assert _file_of(root, 'vda') == os.path.join(two.instances_path, UUID,
                                                 'disk')
    assert _shared(root).find('shareable') is not None
    # compute1 cleans up when it starts again, from its libvirt.xml: its
    # files and its connection go, the new domain stays.
    assert one.get_evacuated_guest_volumes(inst) == {'sdb': VOL}
    one.destroy(inst, _bdi())
    assert conn.domains[UUID].isActive()
    assert not os.path.exists(os.path.join(one.instances_path, UUID))
    assert one.recorder.disconnected == [(VOL, UUID)]
    assert one.get_evacuated_guest_volumes(inst) is None


# -- rescue -----------------------------------------------------------------------------

def test_rescue_and_unrescue(pair):
    conn, one, _two = pair
    inst = _instance()
    one.spawn(inst, _bdi())
    before = conn.domains[UUID].XMLDesc(2)
    one.rescue(inst, None)
    directory = os.path.join(one.instances_path, UUID)
    root = _root(one)
    assert _file_of(root, 'vda') == os.path.join(directory, 'disk.rescue')
    assert _file_of(root, 'vdb') == os.path.join(directory, 'disk')
    assert _shared(root).find('shareable') is not None
    assert conn.domains[UUID].isActive()
    one.unrescue(inst)
    assert conn.domains[UUID].XMLDesc(2) == before
    assert conn.domains[UUID].isActive()
    assert not os.path.exists(os.path.join(directory, 'disk.rescue'))
    assert not os.path.exists(os.path.join(directory, 'unrescue.xml'))
    assert one.recorder.disconnected == []


# -- live migration checks --------------------------------------------------------

def test_live_migration_to_the_same_libvirtd_fails_its_checks(pair):
    _conn, one, two = pair
    inst = _instance()
    data = two.check_can_live_migrate_destination(inst)
    assert data['libvirt_host_uuid'] == HOST_UUID
    with pytest.raises(exception.MigrationPreCheckError) as caught:
        one.check_can_live_migrate_source(inst, data)
    assert caught.value.format_message() == (
        'Migration pre-check error: compute1 and compute2 are served by '
        'the same libvirt daemon (host %s): a guest cannot be live '
        'migrated to the hypervisor it runs on' % HOST_UUID)


def test_live_migration_between_libvirtds_is_refused(
        conf, tmp_path):  # noqa: F811
    one = _driver(conf, Connection(), 'compute1', tmp_path)
    two = _driver(conf, Connection('another'), 'compute2', tmp_path)
    data = two.check_can_live_migrate_destination(_instance())
    with pytest.raises(exception.MigrationPreCheckError) as caught:
        one.check_can_live_migrate_source(_instance(), data)
    assert 'does not live migrate' in caught.value.format_message()


def test_a_failed_destination_leaves_nothing_and_the_source_takes_back(
        pair, monkeypatch):
    conn, one, two = pair
    inst = _instance()
    one.spawn(inst, _bdi())
    bigger = {'memory_mb': 128, 'vcpus': 2, 'root_gb': 2}
    info = one.migrate_disk_and_power_off(inst, 'compute2', bigger, _bdi())

    def refuse(dom_xml):
        raise RuntimeError('the hypervisor refuses the guest')
    monkeypatch.setattr(conn, 'defineXML', refuse)
    with pytest.raises(RuntimeError):
        two.finish_migration(_instance(flavor=bigger), info, _bdi(), True)
    assert not os.path.exists(os.path.join(two.instances_path, UUID))
    monkeypatch.undo()
    one.finish_revert_migration(inst, info, _bdi())
    assert conn.domains[UUID].isActive()
    assert _file_of(_root(one), 'vda') == os.path.join(
        one.instances_path, UUID, 'disk')


def test_revert_on_the_same_host(pair):
    conn, one, _two = pair
    inst = _instance()
    one.spawn(inst, _bdi())
    directory = os.path.join(one.instances_path, UUID)
    with open(os.path.join(directory, 'disk'), 'r+b') as f:
        f.write(b'old data')
    bigger = {'memory_mb': 128, 'vcpus': 1, 'root_gb': 3}
    info = one.migrate_disk_and_power_off(inst, 'compute1', bigger,
                                          _bdi(disconnect=False))
    one.finish_migration(_instance(flavor=bigger), info,
                         _bdi(disconnect=False), True)
    # The new guest goes (the kept disk stays), the old one comes back.
    one.destroy(_instance(flavor=bigger), _bdi(disconnect=False))
    assert os.path.isdir(directory + '_resize')
    one.finish_revert_migration(inst, info, _bdi())
    assert os.path.getsize(os.path.join(directory, 'disk')) == GiB
    with open(os.path.join(directory, 'disk'), 'rb') as f:
        assert f.read(8) == b'old data'
    assert _root(one).findtext('memory') == str(64 * 1024)
    assert not os.path.exists(directory + '_resize')


def test_a_volume_backed_server_moves_without_a_disk(pair):
    conn, one, two = pair
    root_volume = [{'device_name': '/dev/vda', 'boot_index': 0,
                    'volume_id': 'root-vol', 'disk_bus': 'virtio',
                    'connection_info': dict(
                        base._info(multiattach=False, path='/vols/root'),
                        serial='root-vol'),
                    'disconnect_host': True}]
    inst = _instance(flavor={'memory_mb': 64, 'vcpus': 1, 'root_gb': 5})
    one.spawn(inst, root_volume + _bdi())
    # A smaller flavor disk does not matter to a volume-backed server.
    smaller = {'memory_mb': 128, 'vcpus': 1, 'root_gb': 1}
    info = one.migrate_disk_and_power_off(inst, 'compute2', smaller,
                                          root_volume + _bdi())
    assert info['booted_from_volume'] is True
    two.finish_migration(_instance(flavor=smaller), info,
                         root_volume + _bdi(), True)
    root = _root(two)
    assert _file_of(root, 'vda') == '/vols/root'
    assert not os.path.exists(os.path.join(two.instances_path, UUID,
                                           'disk'))
    assert _shared(root).find('shareable') is not None
    assert sorted(one.recorder.disconnected) == [(VOL, UUID),
                                                 ('root-vol', UUID)]


def test_a_domain_going_meanwhile_is_nobodys(pair):
    conn, one, _two = pair
    one.spawn(_instance(), [])
    dom = conn.domains[UUID]

    def gone(flags=0):
        raise base.FakeLibvirtError(42, 'Domain not found')
    dom.XMLDesc = gone
    assert one.list_instance_uuids() == []
    assert one._guests_using(VOL, 'another') == []
