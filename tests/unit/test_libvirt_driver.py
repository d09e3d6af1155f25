"""The libvirt driver against a fake libvirt connection of our own (the
libvirt test driver supports no device hot-plug), checking the XML it
renders and how it drives domains."""

import types
from xml.etree import ElementTree as ET

import pytest

from nova_lite import exception
from nova_lite.virt.libvirt import config
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt.libvirt import volume as volume_drivers
from tests.fixtures import stack as stack_fixture

VOL = '227cc671-f30b-4488-96fd-7d0bf13648d8'
UUID = '7696780b-3f53-4688-ab25-019bfcbbd806'


class FakeLibvirtError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code

    def get_error_code(self):
        return self.code


class FakeDomain:
    def __init__(self, conn, xml):
        self.conn = conn
        self.config = ET.fromstring(xml)
        self.live = None
        self.release_on_detach = True
        self.detach_calls = []

    def UUIDString(self):
        return self.config.find('uuid').text

    def isActive(self):
        return self.live is not None

    def create(self):
        self.live = ET.fromstring(ET.tostring(self.config))

    def destroy(self):
        self.live = None

    def undefineFlags(self, flags):
        self.conn.domains.pop(self.UUIDString(), None)

    def info(self):
        return [1 if self.live is not None else 5, 0, 0, 1, 0]

    def XMLDesc(self, flags=0):
        tree = self.live if (self.live is not None and not flags & 2) \
            else self.config
        return ET.tostring(tree, encoding='unicode')

    def attachDeviceFlags(self, xml, flags):
        disk = ET.fromstring(xml)
        for tree, bit in ((self.config, 2), (self.live, 1)):
            if flags & bit:
                if tree is None:
                    raise FakeLibvirtError(55, 'domain is not running')
                tree.find('devices').append(
                    ET.fromstring(ET.tostring(disk)))

    def detachDeviceFlags(self, xml, flags):
        dev = ET.fromstring(xml).find('target').get('dev')
        self.detach_calls.append((dev, flags))
        for tree, bit in ((self.config, 2), (self.live, 1)):
            if not flags & bit or tree is None:
                continue
            if bit == 1 and not self.release_on_detach:
                continue   # the guest keeps it: detach stays pending
            devices = tree.find('devices')
            for disk in devices.findall('disk'):
                if disk.find('target').get('dev') == dev:
                    devices.remove(disk)


class FakeConnection:
    def __init__(self, lib_version=9000000, qemu_version=7002022):
        self.lib_version = lib_version
        self.qemu_version = qemu_version
        self.domains = {}

    def getLibVersion(self):
        return self.lib_version

    def getVersion(self):
        return self.qemu_version

    def defineXML(self, xml):
        dom = FakeDomain(self, xml)
        self.domains[dom.UUIDString()] = dom
        return dom

    def lookupByUUIDString(self, uuid):
        if uuid not in self.domains:
            raise FakeLibvirtError(42, 'Domain not found')
        return self.domains[uuid]

    def listAllDomains(self, flags=0):
        return list(self.domains.values())


class RecordingVolumeDriver(volume_drivers.FileVolumeDriver):
    connected = []
    disconnected = []

    def connect_volume(self, connection_info, instance):
        self.connected.append(connection_info['serial'])

    def disconnect_volume(self, connection_info, instance):
        self.disconnected.append(connection_info['serial'])


@pytest.fixture
def conf(tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('libvirt', 'device_detach_timeout', 1),
        ('libvirt', 'device_detach_attempts', 2)])
    return conf


@pytest.fixture
def drv(conf):
    RecordingVolumeDriver.connected = []
    RecordingVolumeDriver.disconnected = []
    d = libvirt_driver.LibvirtDriver(
        conf, connection=FakeConnection(),
        volume_overrides={'file': RecordingVolumeDriver})
    d.init_host('compute1')
    return d


def _instance(**kw):
    values = dict(id=42, name='instance-0000002a', uuid=UUID,
                  display_name='vm1', image_ref='',
                  root_device_name='/dev/vda',
                  flavor={'memory_mb': 64, 'vcpus': 1, 'root_gb': 1})
    values.update(kw)
    return types.SimpleNamespace(**values)


def _info(multiattach=True, path='/var/lib/vols/volume-1', **data):
    info = {'driver_volume_type': 'file', 'serial': VOL,
            'data': dict({'device_path': path, 'format': 'raw',
                          'access_mode': 'rw'}, **data)}
    if multiattach:
        info['multiattach'] = True
    return info


def _disk(dom, dev, flags=0):
    for target, serial, element in config.parse_disks(dom.XMLDesc(flags)):
        if target == dev:
            return element
    return None


# -- capabilities -----------------------------------------------------------------

@pytest.mark.parametrize('lib,qemu,expected', [
    (3010000, 2012000, True),      # libvirt 3.10
    (9000000, 7002022, True),      # this machine: libvirt 9.0, QEMU 7.2
    (3009000, 2009000, True),      # QEMU before 2.10: no image locking
    (3009000, 2010000, False),     # old libvirt with a locking QEMU
])
def test_multiattach_capability_from_versions(conf, lib, qemu, expected):
    d = libvirt_driver.LibvirtDriver(conf, connection=FakeConnection(lib,
                                                                     qemu))
    d.init_host('compute1')
    assert d.capabilities['supports_multiattach'] is expected


# -- XML -----------------------------------------------------------------------------

def test_multiattach_disk_is_shareable_and_uncached():
    vd = volume_drivers.FileVolumeDriver('compute1')
    disk = ET.fromstring(vd.get_config(_info(), 'vdb', 'virtio').to_string())
    assert disk.get('type') == 'file' and disk.get('device') == 'disk'
    assert disk.find('driver').get('cache') == 'none'
    assert disk.find('driver').get('type') == 'raw'
    assert disk.find('source').get('file') == '/var/lib/vols/volume-1'
    assert disk.find('target').attrib == {'dev': 'vdb', 'bus': 'virtio'}
    assert disk.find('serial').text == VOL
    assert disk.find('shareable') is not None
    single = ET.fromstring(vd.get_config(_info(multiattach=False), 'vdb',
                                         'virtio').to_string())
    assert single.find('shareable') is None
    assert single.find('driver').get('cache') == 'none'


@pytest.mark.parametrize('kind,data', [
    ('file', {'device_path': '/var/lib/vols/volume-1'}),
    ('local', {'device_path': '/dev/loop3'}),
    ('rbd', {'name': 'volumes/volume-1', 'hosts': ['10.0.0.1'],
             'ports': ['6789']}),
])
def test_read_only_access_mode_from_any_block_storage(kind, data):
    # Cinder (any driver) and the built-in block storage say read-only
    # with access_mode: the disk is <readonly/>, shared or not.
    for multiattach in (True, False):
        for mode, readonly in (('ro', True), ('rw', False)):
            info = {'driver_volume_type': kind, 'serial': VOL,
                    'data': dict(data, access_mode=mode)}
            if multiattach:
                info['multiattach'] = True
            driver_ = volume_drivers.get_driver(info, 'compute1')
            disk = ET.fromstring(driver_.get_config(
                info, 'vdc', 'virtio').to_string())
            assert (disk.find('readonly') is not None) is readonly
            assert (disk.find('shareable') is not None) is multiattach


def test_block_rbd_and_iscsi_disks():
    local = volume_drivers.get_driver(
        dict(_info(path='/dev/sdx'), driver_volume_type='local'), 'h')
    disk = ET.fromstring(local.get_config(
        dict(_info(path='/dev/sdx'), driver_volume_type='local'), 'sdb',
        'scsi').to_string())
    assert disk.get('type') == 'block'
    assert disk.find('source').get('dev') == '/dev/sdx'
    rbd_info = {'driver_volume_type': 'rbd', 'serial': VOL,
                'multiattach': True,
                'data': {'name': 'volumes/volume-%s' % VOL,
                         'hosts': ['10.0.0.1', '10.0.0.2'],
                         'ports': ['6789', '6789'], 'auth_enabled': True,
                         'auth_username': 'cinder',
                         'secret_uuid': UUID}}
    rbd = volume_drivers.get_driver(rbd_info, 'h')
    disk = ET.fromstring(rbd.get_config(rbd_info, 'vdc', 'virtio').
                         to_string())
    assert disk.get('type') == 'network'
    source = disk.find('source')
    assert (source.get('protocol'), source.get('name')) == (
        'rbd', 'volumes/volume-%s' % VOL)
    assert [(h.get('name'), h.get('port')) for h in source.findall(
        'host')] == [('10.0.0.1', '6789'), ('10.0.0.2', '6789')]
    assert disk.find('auth').get('username') == 'cinder'
    assert disk.find('auth/secret').attrib == {'type': 'ceph',
                                               'uuid': UUID}
    assert disk.find('shareable') is not None

    class Brick:
        def connect_volume(self, data):
            return {'path': '/dev/disk/by-path/ip-10.0.0.3:3260-iscsi-'
                            'iqn.2010-10.org.openstack:volume-1-lun-1'}

        def disconnect_volume(self, data, info):
            self.disconnected = data

    iscsi_info = {'driver_volume_type': 'iscsi', 'serial': VOL,
                  'data': {'target_portal': '10.0.0.3:3260',
                           'target_iqn': 'iqn.2010-10.org.openstack:'
                                         'volume-1', 'target_lun': 1}}
    brick = Brick()
    iscsi = volume_drivers.IscsiVolumeDriver('h', connector=brick)
    iscsi.connect_volume(iscsi_info, None)
    disk = ET.fromstring(iscsi.get_config(iscsi_info, 'vdd', 'virtio').
                         to_string())
    assert disk.get('type') == 'block'
    assert disk.find('source').get('dev').startswith('/dev/disk/by-path/')
    iscsi.disconnect_volume(iscsi_info, None)
    assert brick.disconnected['target_lun'] == 1


def test_guest_config(drv, conf):
    bdi = [{'boot_index': None, 'device_name': '/dev/vdb',
            'connection_info': _info(), 'disk_bus': None}]
    guest = ET.fromstring(drv.guest_config(_instance(), bdi).to_string())
    assert guest.get('type') == 'qemu'
    # Named as nova names it: [DEFAULT] instance_name_template of the id.
    assert guest.find('name').text == 'instance-0000002a'
    assert guest.find('memory').text == str(64 * 1024)
    assert guest.find('features/acpi') is not None
    assert guest.find('devices/controller').get('model') == 'virtio-scsi'
    disks = guest.findall('devices/disk')
    assert [d.find('target').get('dev') for d in disks] == ['vda', 'vdb']
    assert disks[0].find('source').get('file').endswith(UUID + '/disk')
    assert disks[1].find('shareable') is not None
    serial = guest.find('devices/serial')
    assert serial.find('source').get('path').endswith('console.log')


# -- lifecycle and volumes ---------------------------------------------------------

def test_spawn_attach_detach_destroy(drv):
    inst = _instance()
    drv.spawn(inst, [])
    dom = drv.conn.lookupByUUIDString(UUID)
    assert dom.isActive()
    assert drv.get_power_state(inst) == 1
    drv.attach_volume(inst, _info(), '/dev/vdb')
    for flags in (0, 2):      # live and persistent
        disk = _disk(dom, 'vdb', flags)
        assert disk.find('shareable') is not None
        assert disk.find('driver').get('cache') == 'none'
    assert RecordingVolumeDriver.connected == [VOL]
    drv.detach_volume(inst, _info(), '/dev/vdb', disconnect_host=False)
    assert _disk(dom, 'vdb') is None and _disk(dom, 'vdb', 2) is None
    assert RecordingVolumeDriver.disconnected == []
    drv.attach_volume(inst, _info(), '/dev/vdb', disk_bus='scsi')
    assert _disk(dom, 'sdb').find('target').get('bus') == 'scsi'
    drv.detach_volume(inst, _info(), '/dev/vdb')
    assert RecordingVolumeDriver.disconnected == [VOL]
    drv.power_off(inst)
    assert drv.get_power_state(inst) == 4
    drv.power_on(inst)
    drv.destroy(inst, [{'connection_info': _info(),
                        'disconnect_host': False}])
    assert UUID not in drv.conn.domains
    assert RecordingVolumeDriver.disconnected == [VOL]


def test_detach_that_the_guest_never_completes(drv):
    inst = _instance()
    drv.spawn(inst, [])
    dom = drv.conn.lookupByUUIDString(UUID)
    drv.attach_volume(inst, _info(), '/dev/vdb')
    dom.release_on_detach = False
    with pytest.raises(libvirt_driver.DeviceDetachFailed) as error:
        drv.detach_volume(inst, _info(), '/dev/vdb')
    assert str(error.value) == (
        'Device detach failed for vdb: the guest did not release it after '
        '2 attempts of 1 seconds')
    assert [f for d, f in dom.detach_calls] == [2, 1, 1]
    assert RecordingVolumeDriver.disconnected == []


def test_attach_failure_disconnects(drv):
    inst = _instance()
    drv.spawn(inst, [])
    dom = drv.conn.lookupByUUIDString(UUID)
    dom.destroy()
    dom.live = None

    def fail(xml, flags):
        raise FakeLibvirtError(1, 'boom')
    dom.attachDeviceFlags = fail
    with pytest.raises(FakeLibvirtError):
        drv.attach_volume(inst, _info(), '/dev/vdb')
    assert RecordingVolumeDriver.disconnected == [VOL]


def test_device_names_ignore_the_requested_one(drv):
    inst = _instance()
    assert drv.get_device_name_for_instance(inst, ['/dev/vdb'],
                                            '/dev/vdz') == '/dev/vdc'
    assert libvirt_driver.target_dev('/dev/vdc', 'scsi') == 'sdc'


def test_guest_volumes_from_disk_serials(drv):
    inst = _instance()
    assert drv.get_guest_volumes(inst) is None
    drv.spawn(inst, [])
    assert drv.get_guest_volumes(inst) == {}
    drv.attach_volume(inst, _info(), '/dev/vdb')
    assert drv.get_guest_volumes(inst) == {'vdb': VOL}
    drv.detach_volume(inst, _info(), '/dev/vdb')
    assert drv.get_guest_volumes(inst) == {}


# -- admin password ---------------------------------------------------------------

def test_admin_password_needs_the_guest_agent(drv, monkeypatch):
    set_calls = []
    monkeypatch.setattr(
        drv, '_domain', lambda inst: types.SimpleNamespace(
            setUserPassword=lambda *a: set_calls.append(a)))
    with pytest.raises(exception.QemuGuestAgentNotEnabled) as error:
        drv.set_admin_password(_instance(), 'pw')
    assert error.value.format_message() == 'QEMU guest agent is not enabled'
    assert set_calls == []
    drv.set_admin_password(_instance(system_metadata={
        'image_hw_qemu_guest_agent': 'yes',
        'image_os_admin_user': 'admin'}), 'pw')
    assert set_calls == [('admin', 'pw', 0)]
