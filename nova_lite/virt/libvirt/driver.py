"""The libvirt virt driver (libvirt-python): QEMU guests, and volumes
hot-plugged as ``<disk>`` devices, shareable with ``cache='none'`` when
multiattach.

Guests are ``<domain type='qemu'>`` (TCG) unless ``[libvirt] virt_type``
says kvm, with ACPI on (PCI hot-plug needs it), a virtio-scsi controller,
a root disk (a file under ``[DEFAULT] instances_path``, backed by the
image's file when the catalog names one, or the boot volume) and a serial
console written to ``console.log`` beside it.
"""

import logging
import os
import shutil
import subprocess
import threading
import time
from xml.etree import ElementTree as ET

from nova_lite import block_device
from nova_lite import exception
from nova_lite.compute import power_state
from nova_lite.image import catalog
from nova_lite.image import glance
from nova_lite.virt import configdrive
from nova_lite.virt import driver
from nova_lite.virt.libvirt import config
from nova_lite.virt.libvirt import host_info
from nova_lite.virt.libvirt import moves
from nova_lite.virt.libvirt import snapshot as snapshots
from nova_lite.virt.libvirt import volume as volume_drivers

LOG = logging.getLogger(__name__)

VIR_DOMAIN_AFFECT_LIVE = 1
VIR_DOMAIN_AFFECT_CONFIG = 2
VIR_DOMAIN_XML_INACTIVE = 2
VIR_ERR_NO_DOMAIN = 42
VIR_DOMAIN_UNDEFINE_MANAGED_SAVE = 1

# The most of a console log returned (nova's MAX_CONSOLE_BYTES).
MAX_CONSOLE_BYTES = 100 * 1024

# supports_multiattach: libvirt >= 3.10, or QEMU older than 2.10 (which had
# no image locking to trip over).
MIN_LIBVIRT_MULTIATTACH = 3010000
MIN_QEMU_IMAGE_LOCKING = 2010000

_POWER_STATES = {
    0: power_state.NOSTATE,      # VIR_DOMAIN_NOSTATE
    1: power_state.RUNNING,      # RUNNING
    2: power_state.RUNNING,      # BLOCKED
    3: power_state.PAUSED,       # PAUSED
    4: power_state.SHUTDOWN,     # SHUTDOWN (in progress)
    5: power_state.SHUTDOWN,     # SHUTOFF
    6: power_state.CRASHED,      # CRASHED
    7: power_state.SUSPENDED,    # PMSUSPENDED
}
_BUS_PREFIX = {'virtio': 'vd', 'scsi': 'sd', 'sata': 'sd'}


class DeviceDetachFailed(exception.NovaLiteException):
    msg_fmt = 'Device detach failed for %(device)s: %(reason)s'


def supports_multiattach(lib_version, qemu_version):
    return lib_version >= MIN_LIBVIRT_MULTIATTACH or \
        qemu_version < MIN_QEMU_IMAGE_LOCKING


def domain_name(instance):
    """The server's instance name (``[DEFAULT] instance_name_template``),
    as the API shows it in ``OS-EXT-SRV-ATTR:instance_name``. Domains are
    looked up by uuid."""
    return instance.name


def target_dev(mountpoint, bus):
    """The guest device name on ``bus`` for a nova device name."""
    matched = block_device.match_device(
        block_device.prepend_dev(mountpoint))
    letters = matched[1] if matched else 'b'
    return _BUS_PREFIX.get(bus, 'vd') + letters


class LibvirtDriver(moves.LibvirtMoves, host_info.HostInfo,
                    driver.ComputeDriver):

    capabilities = {
        'supports_multiattach': True,
        'supports_tagged_attach_volume': True,
        'supports_moves': True,
        'supports_bfv_rescue': True,
    }

    def __init__(self, conf, connection=None, volume_overrides=None,
                 instances_path=None):
        super().__init__(conf)
        self._conn = connection
        self._conn_lock = threading.Lock()
        self._volume_overrides = volume_overrides or {}
        self.instances_path = instances_path or conf.instances_path or \
            os.path.join(conf.state_path, 'instances')

    # -- connection ----------------------------------------------------------

    @property
    def conn(self):
        with self._conn_lock:
            if self._conn is None:
                import libvirt
                uri = self.conf.libvirt.connection_uri or 'qemu:///system'
                self._conn = libvirt.open(uri)
            return self._conn

    def init_host(self, host):
        super().init_host(host)
        os.makedirs(self.instances_path, mode=0o755, exist_ok=True)
        lib, qemu = self.conn.getLibVersion(), self.conn.getVersion()
        self.capabilities['supports_multiattach'] = supports_multiattach(
            lib, qemu)
        LOG.info('libvirt %s, QEMU %s: multiattach %s', lib, qemu,
                 'supported' if self.capabilities['supports_multiattach']
                 else 'not supported')

    def cleanup_host(self, host):
        with self._conn_lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                except Exception:
                    pass
                self._conn = None

    def _lookup(self, instance):
        """The server's domain if it is this compute service's (see
        :mod:`nova_lite.virt.libvirt.moves`)."""
        dom = self._any_domain(instance.uuid)
        return dom if dom is not None and self._owns(dom) else None

    def _domain(self, instance):
        dom = self._lookup(instance)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return dom

    def list_instance_uuids(self):
        return [d.UUIDString() for d in self.conn.listAllDomains(0)
                if self._owns(d)]

    # -- guest configuration -----------------------------------------------------

    def _instance_dir(self, instance):
        return os.path.join(self.instances_path, instance.uuid)

    def _bus(self, bdm=None):
        return (bdm or {}).get('disk_bus') or \
            self.conf.libvirt.default_disk_bus

    def _volume_driver(self, connection_info):
        return volume_drivers.get_driver(connection_info, self.host,
                                         self._volume_overrides)

    def _root_disk_file(self, instance):
        """Create the local root disk: a qcow2 overlay of the image's file,
        or an empty sparse raw disk of the flavor's size."""
        os.makedirs(self._instance_dir(instance), mode=0o755, exist_ok=True)
        path = os.path.join(self._instance_dir(instance), 'disk')
        if os.path.isfile(path):
            # A disk the guest already has (moved, or kept for a revert).
            return path, moves.disk_format(path)
        size_gb = max(int((instance.flavor or {}).get('root_gb') or 1), 1)
        image_path = None
        if instance.image_ref:
            # The built-in image service's file of the image on this host,
            # else the file the image catalog names.
            image_path = glance.local_path(self.conf, instance.image_ref)
            if image_path is None:
                try:
                    image_path = catalog.get(self.conf,
                                             instance.image_ref).path
                except exception.ImageNotFound:
                    image_path = None
        if image_path and os.path.isfile(image_path):
            with open(image_path, 'rb') as f:
                backing_format = 'qcow2' if f.read(4) == b'QFI\xfb' \
                    else 'raw'
            subprocess.run(
                ['qemu-img', 'create', '-q', '-f', 'qcow2', '-F',
                 backing_format, '-b', image_path, path, '%dG' % size_gb],
                check=True, capture_output=True)
            return path, 'qcow2'
        with open(path, 'wb') as f:
            f.truncate(size_gb * 1024 ** 3)
        return path, 'raw'

    def guest_config(self, instance, block_device_info):
        flavor = instance.flavor or {}
        guest = config.Guest(
            name=domain_name(instance), uuid=instance.uuid,
            memory_mb=int(flavor.get('memory_mb') or 128),
            vcpus=int(flavor.get('vcpus') or 1),
            virt_type=self.conf.libvirt.virt_type,
            description='nova_lite server %s' % instance.display_name)
        guest.add_device(config.GuestController())
        root = [b for b in block_device_info or []
                if b.get('boot_index') == 0 and b.get('connection_info')]
        if not root:
            path, fmt = self._root_disk_file(instance)
            guest.add_device(config.GuestDisk(
                source_type='file', source_path=path, target_dev='vda',
                target_bus='virtio', driver_format=fmt,
                driver_cache='none'))
        for bdm in block_device_info or []:
            info = bdm.get('connection_info')
            if not info:
                continue
            bus = self._bus(bdm)
            name = 'vda' if bdm.get('boot_index') == 0 else \
                target_dev(bdm.get('device_name') or '/dev/vdb', bus)
            driver_ = self._volume_driver(info)
            driver_.connect_volume(info, instance)
            guest.add_device(driver_.get_config(
                info, name, 'virtio' if name == 'vda' else bus))
        if configdrive.required_by(self.conf, instance):
            guest.add_device(self._config_drive_disk(instance))
        guest.add_device(config.GuestSerialLog(
            self.console_log_path(instance)))
        return guest

    def config_drive_path(self, instance):
        return os.path.join(self._instance_dir(instance), 'disk.config')

    def _config_drive_disk(self, instance):
        """As nova attaches it: an ISO 9660 drive is a read-only CD-ROM
        on the IDE bus ('pc' machine), last device (hdd); a VFAT one is
        the last disk of the default bus."""
        if self.conf.config_drive_format == 'vfat':
            bus = self.conf.libvirt.default_disk_bus
            return config.GuestDisk(
                source_path=self.config_drive_path(instance),
                target_dev=_BUS_PREFIX.get(bus, 'vd') + 'z',
                target_bus=bus, driver_format='raw', driver_cache='none')
        return config.GuestDisk(
            source_path=self.config_drive_path(instance),
            device_type='cdrom', target_dev='hdd', target_bus='ide',
            driver_format='raw', driver_cache='none', readonly=True)

    def _device_metadata(self, dom, block_device_info):
        """``devices`` of the config drive's meta_data.json: the tagged
        volumes with their guest addresses, read from the defined
        domain."""
        disks = {serial: element for _target, serial, element in
                 config.parse_disks(dom.XMLDesc(0)) if serial}
        devices = []
        for bdm in block_device_info or []:
            element = disks.get(bdm.get('volume_id'))
            if not bdm.get('tag') or element is None:
                continue
            target = element.find('target')
            devices.append(configdrive.disk_metadata(
                bdm, target.get('bus'),
                address=config.device_address(element),
                path='/dev/' + target.get('dev')))
        return devices

    def _create_config_drive(self, instance, dom, block_device_info):
        devices = self._device_metadata(dom, block_device_info)
        contents = configdrive.files(self.conf, instance, devices)
        path = self.config_drive_path(instance)
        LOG.info('Creating config drive at %s', path)
        configdrive.make_drive(self.conf, contents, path)

    # -- lifecycle ---------------------------------------------------------------

    def spawn(self, instance, block_device_info):
        os.makedirs(self._instance_dir(instance), mode=0o755,
                    exist_ok=True)
        xml = self.guest_config(instance, block_device_info).to_string()
        dom = self.conn.defineXML(xml)
        self._save_xml(self._instance_dir(instance), xml)
        try:
            # Made once the domain is defined: the metadata gives the
            # tagged volumes' PCI addresses libvirt assigned.
            if configdrive.required_by(self.conf, instance):
                self._create_config_drive(instance, dom, block_device_info)
            dom.create()
        except Exception:
            self._undefine(dom)
            raise

    def _undefine(self, dom):
        try:
            if dom.isActive():
                dom.destroy()
        finally:
            # A suspended guest's saved memory image goes with it.
            dom.undefineFlags(VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)

    def destroy(self, instance, block_device_info=None):
        dom = self._lookup(instance)
        if dom is not None:
            self._undefine(dom)
        self._release_volumes(instance, block_device_info)
        shutil.rmtree(self._instance_dir(instance), ignore_errors=True)

    def power_off(self, instance):
        dom = self._domain(instance)
        if dom.isActive():
            dom.destroy()

    def power_on(self, instance, block_device_info=None):
        dom = self._domain(instance)
        if not dom.isActive():
            dom.create()

    def reboot(self, instance, reboot_type, block_device_info=None):
        # Guests may run no OS that honours ACPI: reboot hard.
        dom = self._domain(instance)
        if dom.isActive():
            dom.destroy()
        dom.create()

    def set_admin_password(self, instance, new_pass):
        """Through the QEMU guest agent, which the image must declare
        (``hw_qemu_guest_agent``), as nova's libvirt driver."""
        meta = getattr(instance, 'system_metadata', None) or {}
        if str(meta.get('image_hw_qemu_guest_agent', '')).lower() not in (
                'true', 'yes', '1', 'on'):
            raise exception.QemuGuestAgentNotEnabled()
        user = meta.get('image_os_admin_user') or 'root'
        import libvirt
        try:
            self._domain(instance).setUserPassword(user, new_pass, 0)
        except libvirt.libvirtError as error:
            raise exception.InstancePasswordSetFailed(
                instance=instance.uuid, reason=error.get_error_message())

    def pause(self, instance):
        self._domain(instance).suspend()

    def unpause(self, instance):
        self._domain(instance).resume()

    def suspend(self, instance):
        # As nova: the guest's memory is saved to a file libvirt manages
        # and the guest stops; starting the domain again restores it.
        self._domain(instance).managedSave(0)

    def resume(self, instance, block_device_info=None):
        dom = self._domain(instance)
        if not dom.isActive():
            dom.create()

    def snapshot(self, context, instance, image_id, update_task_state):
        snapshots.snapshot(self, context, instance, image_id,
                           update_task_state)

    def flatten_root_disk(self, instance):
        snapshots.flatten_root_disk(self, instance)

    def console_log_path(self, instance):
        return os.path.join(self._instance_dir(instance), 'console.log')

    def get_console_output(self, instance):
        """The end (at most MAX_CONSOLE_BYTES) of the serial console log,
        read from the file the domain's XML names (a ``<serial
        type='file'>`` source or a console's ``<log file=...>``), as nova
        does; ``console.log`` in the instance directory by default."""
        dom = self._domain(instance)
        paths = config.console_log_paths(dom.XMLDesc(0))
        path = paths[0] if paths else self.console_log_path(instance)
        try:
            with open(path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - MAX_CONSOLE_BYTES))
                data = f.read()
        except FileNotFoundError:
            LOG.info('Server %s has a file console whose log is not (yet?) '
                     'there', instance.uuid)
            return b''
        if size > MAX_CONSOLE_BYTES:
            LOG.info('Truncated console log of %s returned, %d bytes '
                     'ignored', instance.uuid, size - MAX_CONSOLE_BYTES)
        return data

    def get_power_state(self, instance):
        dom = self._lookup(instance)
        if dom is None:
            return power_state.NOSTATE
        return _POWER_STATES.get(dom.info()[0], power_state.NOSTATE)

    # -- volumes -----------------------------------------------------------------

    def get_device_name_for_instance(self, instance, used_names,
                                     requested=None):
        # As nova's libvirt driver: a requested name is checked, then the
        # next free one is used.
        return block_device.next_device_name(
            instance.root_device_name, used_names, requested,
            honour_requested=False,
            maximum=self.conf.compute.max_disk_devices_to_attach)

    def get_volume_connector(self, instance):
        connector = super().get_volume_connector(instance)
        try:
            with open('/etc/iscsi/initiatorname.iscsi') as f:
                for line in f:
                    if line.startswith('InitiatorName='):
                        connector['initiator'] = line.split('=', 1)[1].strip()
        except OSError:
            pass
        return connector

    def attach_volume(self, instance, connection_info, mountpoint,
                      disk_bus=None, device_type=None):
        dom = self._domain(instance)
        bus = disk_bus or self.conf.libvirt.default_disk_bus
        vol_driver = self._volume_driver(connection_info)
        vol_driver.connect_volume(connection_info, instance)
        disk = vol_driver.get_config(connection_info,
                                     target_dev(mountpoint, bus), bus)
        flags = VIR_DOMAIN_AFFECT_CONFIG
        if dom.isActive():
            flags |= VIR_DOMAIN_AFFECT_LIVE
        try:
            dom.attachDeviceFlags(disk.to_string(), flags)
        except Exception:
            vol_driver.disconnect_volume(connection_info, instance)
            raise

    def get_guest_volumes(self, instance):
        dom = self._lookup(instance)
        if dom is None:
            return None
        # Volumes carry their id as the disk serial; the root disk of an
        # image has none.
        return {target: serial for target, serial, _element in
                config.parse_disks(dom.XMLDesc(0)) if serial}

    @staticmethod
    def _find_disk(dom, dev, flags=0):
        for target, _serial, element in config.parse_disks(
                dom.XMLDesc(flags)):
            if target == dev:
                return ET.tostring(element, encoding='unicode')
        return None

    def _find_any(self, dom, mountpoint):
        for bus in ('virtio', 'scsi'):
            dev = target_dev(mountpoint, bus)
            if self._find_disk(dom, dev, VIR_DOMAIN_XML_INACTIVE) or \
                    self._find_disk(dom, dev):
                return dev
        return target_dev(mountpoint, 'virtio')

    def detach_volume(self, instance, connection_info, mountpoint,
                      disconnect_host=True):
        dom = self._lookup(instance)
        if dom is not None:
            self._detach_device(dom, self._find_any(dom, mountpoint))
        if disconnect_host:
            self._volume_driver(connection_info).disconnect_volume(
                connection_info, instance)

    def _detach_device(self, dom, dev):
        """Detach ``dev`` from the persistent config, then from the running
        guest, retrying until the guest releases it."""
        persistent = self._find_disk(dom, dev, VIR_DOMAIN_XML_INACTIVE)
        if persistent:
            dom.detachDeviceFlags(persistent, VIR_DOMAIN_AFFECT_CONFIG)
        if not dom.isActive():
            return
        attempts = self.conf.libvirt.device_detach_attempts
        timeout = self.conf.libvirt.device_detach_timeout
        for attempt in range(attempts):
            live = self._find_disk(dom, dev)
            if live is None:
                return
            try:
                dom.detachDeviceFlags(live, VIR_DOMAIN_AFFECT_LIVE)
            except Exception as error:
                LOG.warning('Detach request %d for %s failed: %s',
                            attempt + 1, dev, error)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self._find_disk(dom, dev) is None:
                    return
                time.sleep(0.1)
            LOG.warning('The guest has not released %s yet (attempt %d of '
                        '%d)', dev, attempt + 1, attempts)
        raise DeviceDetachFailed(
            device=dev, reason='the guest did not release it after %d '
            'attempts of %d seconds' % (attempts, timeout))

    def swap_volume(self, instance, old_connection_info,
                    new_connection_info, mountpoint):
        raise exception.NotSupported(
            reason='swapping volumes is not supported by the libvirt '
                   'driver of nova_lite')
