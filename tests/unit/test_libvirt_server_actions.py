"""The libvirt driver's pause, suspend, console output and rebuild against
the fake libvirt connection of test_libvirt_driver, extended with the
domain calls these actions make."""

import os
from xml.etree import ElementTree as ET

import pytest

from nova_lite.virt.libvirt import config as libvirt_config
from nova_lite.virt.libvirt import driver as libvirt_driver
from tests.fixtures import stack as stack_fixture
from tests.unit import test_libvirt_driver as base

UUID = base.UUID
OTHER_IMAGE = 'a2459075-d96c-40d5-893e-577ff92e721c'


class ActionDomain(base.FakeDomain):
    """Tracks libvirt's domain states: 1 running, 3 paused, 5 shut off,
    and a managed save image."""

    def __init__(self, conn, xml):
        super().__init__(conn, xml)
        self.paused = False
        self.managed_save = False
        self.calls = []

    def info(self):
        if self.live is None:
            return [5, 0, 0, 1, 0]
        return [3 if self.paused else 1, 0, 0, 1, 0]

    def suspend(self):
        self.calls.append('suspend')
        if self.live is None:
            raise base.FakeLibvirtError(55, 'domain is not running')
        self.paused = True

    def resume(self):
        self.calls.append('resume')
        self.paused = False

    def managedSave(self, flags):
        self.calls.append(('managedSave', flags))
        self.managed_save = True
        self.live = None

    def create(self):
        self.calls.append('create')
        self.restored = self.managed_save
        self.managed_save = False
        super().create()

    def undefineFlags(self, flags):
        self.calls.append(('undefineFlags', flags))
        if self.managed_save and not flags & 1:
            raise base.FakeLibvirtError(
                55, 'Refusing to undefine while domain managed save image '
                    'exists')
        super().undefineFlags(flags)


class ActionConnection(base.FakeConnection):
    def defineXML(self, xml):
        dom = ActionDomain(self, xml)
        self.domains[dom.UUIDString()] = dom
        return dom


@pytest.fixture
def conf(tmp_path):
    return stack_fixture.make_conf(tmp_path)


@pytest.fixture
def drv(conf):
    base.RecordingVolumeDriver.connected = []
    base.RecordingVolumeDriver.disconnected = []
    d = libvirt_driver.LibvirtDriver(
        conf, connection=ActionConnection(),
        volume_overrides={'file': base.RecordingVolumeDriver})
    d.init_host('compute1')
    return d


def test_pause_and_unpause_suspend_and_resume_the_domain(drv):
    inst = base._instance()
    drv.spawn(inst, [])
    dom = drv.conn.lookupByUUIDString(UUID)
    drv.pause(inst)
    assert dom.calls[-1] == 'suspend'
    assert drv.get_power_state(inst) == 3
    drv.unpause(inst)
    assert dom.calls[-1] == 'resume'
    assert drv.get_power_state(inst) == 1


def test_suspend_is_a_managed_save_and_resume_restores_it(drv):
    inst = base._instance()
    drv.spawn(inst, [])
    dom = drv.conn.lookupByUUIDString(UUID)
    drv.suspend(inst)
    assert dom.calls[-1] == ('managedSave', 0)
    assert dom.managed_save and not dom.isActive()
    assert drv.get_power_state(inst) == 4
    drv.resume(inst, [])
    assert dom.calls[-1] == 'create'
    assert dom.restored is True
    assert drv.get_power_state(inst) == 1


def test_destroying_a_suspended_guest_drops_its_saved_image(drv):
    inst = base._instance()
    drv.spawn(inst, [])
    dom = drv.conn.lookupByUUIDString(UUID)
    drv.suspend(inst)
    drv.destroy(inst, [])
    assert ('undefineFlags', libvirt_driver.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
            ) in dom.calls
    assert UUID not in drv.conn.domains


def test_actions_on_a_missing_guest(drv):
    inst = base._instance()
    for call in (drv.pause, drv.unpause, drv.suspend,
                 drv.get_console_output):
        with pytest.raises(Exception) as error:
            call(inst)
        assert 'could not be found' in str(error.value)


def test_console_log_is_the_serial_file_of_the_guest(drv):
    inst = base._instance()
    drv.spawn(inst, [])
    dom = drv.conn.lookupByUUIDString(UUID)
    serial = dom.config.find('devices/serial')
    assert serial.get('type') == 'file'
    path = serial.find('source').get('path')
    assert path == drv.console_log_path(inst)
    assert path == os.path.join(drv.instances_path, UUID, 'console.log')
    # Nothing written yet: an empty log, as nova answers.
    assert drv.get_console_output(inst) == b''
    with open(path, 'wb') as f:
        f.write(b'login: \n')
    assert drv.get_console_output(inst) == b'login: \n'


def test_console_log_is_read_from_the_file_the_domain_names(drv,
                                                            tmp_path):
    # A domain whose console is a pty logged to a file of its own (as
    # nova's guests are): that file is read, not console.log.
    inst = base._instance()
    drv.spawn(inst, [])
    dom = drv.conn.lookupByUUIDString(UUID)
    devices = dom.live.find('devices')
    devices.remove(devices.find('serial'))
    log = tmp_path / 'elsewhere.log'
    serial = ET.SubElement(devices, 'serial', type='pty')
    ET.SubElement(serial, 'log', file=str(log), append='off')
    with open(drv.console_log_path(inst), 'wb') as f:
        f.write(b'not this one\n')
    assert drv.get_console_output(inst) == b''
    log.write_bytes(b'nova-lite-guest: ready\n')
    assert drv.get_console_output(inst) == b'nova-lite-guest: ready\n'
    assert libvirt_config.console_log_paths(dom.XMLDesc(0)) == [str(log)]


def test_console_log_returns_its_last_100k(drv):
    inst = base._instance()
    drv.spawn(inst, [])
    path = drv.console_log_path(inst)
    with open(path, 'wb') as f:
        f.write(b'a' * 1000 + b'b' * libvirt_driver.MAX_CONSOLE_BYTES)
    out = drv.get_console_output(inst)
    assert len(out) == libvirt_driver.MAX_CONSOLE_BYTES
    assert set(out) == {ord('b')}


def test_rebuild_redefines_the_guest_from_the_new_image(drv, conf,
                                                        tmp_path):
    image = tmp_path / 'other.img'
    image.write_bytes(b'\0' * 1024)
    conf.set_override('images', ['%s:other:%s' % (OTHER_IMAGE, image)],
                      group='image_catalog')
    inst = base._instance()
    bdi = [{'boot_index': None, 'device_name': '/dev/vdb',
            'connection_info': base._info(), 'disk_bus': None,
            'disconnect_host': False}]
    drv.spawn(inst, bdi)
    old = drv.conn.lookupByUUIDString(UUID)
    inst.image_ref = OTHER_IMAGE
    try:
        drv.rebuild(inst, bdi)
    except Exception as error:     # qemu-img missing on this host
        if 'qemu-img' not in str(error):
            raise
        pytest.skip('qemu-img is not installed')
    new = drv.conn.lookupByUUIDString(UUID)
    assert new is not old
    assert new.isActive()
    guest = ET.fromstring(new.XMLDesc(2))
    targets = [d.find('target').get('dev')
               for d in guest.findall('devices/disk')]
    assert targets == ['vda', 'vdb']
    # The multiattach volume another server here uses stays connected:
    # disconnected nowhere, connected again for the new guest.
    assert base.RecordingVolumeDriver.disconnected == []
    assert base.RecordingVolumeDriver.connected == [base.VOL, base.VOL]
