"""An in-memory virt driver, for tests and laptops.

Guests are records in a dict; capabilities come from ``[fake_driver]``.
"""

import contextlib
import json
import logging
import os
import threading
import time

import orjson
from oslo_utils import timeutils

from nova_lite import exception
from nova_lite.compute import power_state
from nova_lite.image import glance
from nova_lite.virt import configdrive
from nova_lite.virt import driver
from nova_lite.virt import uptime

LOG = logging.getLogger(__name__)

# What the fake hypervisor offers: plenty, as nova's fake driver does.
FAKE_VCPUS = 1000
FAKE_MEMORY_MB = 800000
FAKE_LOCAL_GB = 600000
FAKE_CPU_INFO = {'arch': 'x86_64', 'model': 'Nehalem', 'vendor': 'Intel',
                 'features': ['pge', 'clflush'],
                 'topology': {'cores': 1, 'threads': 1, 'sockets': 4}}
_STATE_NAMES = {power_state.RUNNING: 'running',
                power_state.SHUTDOWN: 'shutdown'}


class FakeDriver(driver.ComputeDriver):

    def __init__(self, conf):
        super().__init__(conf)
        self.capabilities['supports_multiattach'] = \
            conf.fake_driver.supports_multiattach
        self.capabilities['supports_tagged_attach_volume'] = \
            conf.fake_driver.supports_tagged_attach_volume
        self.capabilities['supports_migrate_to_same_host'] = \
            conf.fake_driver.supports_migrate_to_same_host
        self.capabilities['supports_bfv_rescue'] = \
            conf.fake_driver.supports_bfv_rescue
        # In-memory guests move as they are.
        self.capabilities['supports_moves'] = True
        self._lock = threading.Lock()
        self.guests = {}
        # Host connections per volume id, as a host connector would hold
        # them: connected on first use, disconnected when told to.
        self.host_connections = {}
        self.disconnects = []
        self._state_file = None
        self._started = time.time()
        # Console logs of guests being rebuilt, kept across the rebuild.
        self._kept_consoles = {}

    # -- persistence and fault injection -----------------------------------

    def init_host(self, host):
        super().init_host(host)
        if not self.conf.fake_driver.persist_guests:
            return
        self._state_file = os.path.join(
            self.conf.state_path, 'fake-driver-%s.json' % host)
        try:
            with open(self._state_file) as f:
                state = json.load(f)
        except FileNotFoundError:
            return
        with self._lock:
            self.guests = state.get('guests', {})
            self.host_connections = state.get('host_connections', {})

    def _save(self):
        if self._state_file is None:
            return
        tmp = self._state_file + '.tmp'
        # One call of the C encoder: json.dump writes through the pure
        # Python one, chunk by chunk.
        data = orjson.dumps({'guests': self.guests,
                             'host_connections': self.host_connections},
                            option=orjson.OPT_NON_STR_KEYS)
        with open(tmp, 'wb') as f:
            f.write(data)
        os.replace(tmp, self._state_file)

    @contextlib.contextmanager
    def _changing(self):
        with self._lock:
            yield
            self._save()

    def _pause(self, point, instance):
        if point not in self.conf.fake_driver.pause_at:
            return
        LOG.info('Fake driver pausing at %s for server %s', point,
                 instance.uuid)
        time.sleep(self.conf.fake_driver.pause_seconds)

    def get_guest_volumes(self, instance):
        with self._lock:
            guest = self.guests.get(instance.uuid)
            if guest is None:
                return None
            return {mountpoint: info.get('serial')
                    for mountpoint, info in guest['volumes'].items()}

    def list_instance_uuids(self):
        with self._lock:
            return list(self.guests)

    def spawn(self, instance, block_device_info):
        if self.conf.fake_driver.spawn_delay:
            time.sleep(self.conf.fake_driver.spawn_delay)
        self._pause('spawn', instance)
        if instance.display_name in self.conf.fake_driver.fail_spawn_for_names:
            raise exception.InstanceDeployFailure(
                reason='the fake driver was told to fail this server')
        disks = {}
        with self._changing():
            for bdm in block_device_info or []:
                info = bdm.get('connection_info')
                if info:
                    self._connect(info)
                    disks[bdm.get('device_name')] = info
            console = self._kept_consoles.pop(instance.uuid, [])
            self.guests[instance.uuid] = {
                'state': power_state.RUNNING, 'volumes': disks,
                'console': console}
            if configdrive.required_by(self.conf, instance):
                self.guests[instance.uuid]['config_drive'] = \
                    self._config_drive(instance, block_device_info)
            self._log(instance, 'Booting %s from image %s' % (
                instance.display_name, instance.image_ref or '(volume)'))
            self._boot_lines(instance)

    def _config_drive(self, instance, block_device_info):
        """What a config drive would hold: the format, the paths and
        ``openstack/latest/meta_data.json``."""
        devices = [configdrive.disk_metadata(bdm, 'virtio')
                   for bdm in block_device_info or []
                   if bdm.get('tag') and bdm.get('volume_id')]
        contents = configdrive.files(self.conf, instance, devices)
        return {'format': self.conf.config_drive_format,
                'label': configdrive.LABEL,
                'files': sorted(contents),
                'meta_data': json.loads(
                    contents['openstack/latest/meta_data.json'])}

    def _connect(self, info):
        serial = info.get('serial')
        self.host_connections[serial] = \
            self.host_connections.get(serial, 0) + 1

    def _disconnect(self, info, disconnect_host):
        serial = info.get('serial')
        if serial not in self.host_connections:
            return
        self.host_connections[serial] -= 1
        if disconnect_host:
            self.disconnects.append(serial)
            del self.host_connections[serial]

    def destroy(self, instance, block_device_info=None):
        with self._changing():
            guest = self.guests.pop(instance.uuid, None)
            if guest is None:
                return
            for bdm in block_device_info or []:
                info = bdm.get('connection_info')
                if info and bdm.get('device_name') in guest['volumes']:
                    self._disconnect(info, bdm.get('disconnect_host', True))

    def _guest(self, instance):
        guest = self.guests.get(instance.uuid)
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return guest

    def _log(self, instance, line):
        """Append a line to the guest's console log (lock held)."""
        guest = self.guests.get(instance.uuid)
        if guest is None:
            return
        log = guest.setdefault('console', [])
        log.append(line)
        del log[:-self.CONSOLE_LINES]

    # The most lines a fake console log keeps.
    CONSOLE_LINES = 1000

    def _boot_lines(self, instance):
        self._log(instance, 'Starting kernel ...')
        self._log(instance, 'cloud-init finished')
        self._log(instance, '%s login: ' % (
            getattr(instance, 'hostname', None) or instance.display_name))

    def power_off(self, instance):
        with self._changing():
            self._guest(instance)['state'] = power_state.SHUTDOWN
            self._log(instance, 'Powering off')

    def power_on(self, instance, block_device_info=None):
        with self._changing():
            self._guest(instance)['state'] = power_state.RUNNING
            self._log(instance, 'Booting %s' % instance.display_name)
            self._boot_lines(instance)

    def reboot(self, instance, reboot_type, block_device_info=None):
        with self._changing():
            self._guest(instance)['state'] = power_state.RUNNING
            self._log(instance, 'Rebooting (%s)' % reboot_type.lower())
            self._log(instance, 'Booting %s' % instance.display_name)
            self._boot_lines(instance)

    def _set_state(self, instance, expected, state, line):
        with self._changing():
            guest = self._guest(instance)
            if guest['state'] not in expected:
                raise exception.InstanceInvalidState(
                    attr='power_state', instance_uuid=instance.uuid,
                    state=guest['state'], method=line.lower())
            guest['state'] = state
            self._log(instance, line)

    def set_admin_password(self, instance, new_pass):
        with self._lock:
            guest = self.guests.get(instance.uuid)
            if guest is None:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            guest['admin_password'] = new_pass
            self._log(instance, 'Admin password set')

    def pause(self, instance):
        self._set_state(instance, (power_state.RUNNING,),
                        driver.POWER_PAUSED, 'Paused')

    def unpause(self, instance):
        self._set_state(instance, (driver.POWER_PAUSED,),
                        power_state.RUNNING, 'Unpaused')

    def suspend(self, instance):
        self._set_state(instance, (power_state.RUNNING,),
                        driver.POWER_SUSPENDED, 'Suspended')

    def resume(self, instance, block_device_info=None):
        self._set_state(instance, (driver.POWER_SUSPENDED,),
                        power_state.RUNNING, 'Resumed')

    def rebuild(self, instance, block_device_info, preserve_ephemeral=False):
        with self._lock:
            guest = self._guest(instance)
            self._log(instance, 'Rebuilding from image %s' % (
                instance.image_ref or '(volume)'))
            self._kept_consoles[instance.uuid] = list(guest.get('console', []))
        super().rebuild(instance, block_device_info, preserve_ephemeral)

    def rescue(self, instance, rescue_image_ref):
        with self._changing():
            guest = self._guest(instance)
            guest['rescue_image_ref'] = rescue_image_ref
            guest['state'] = power_state.RUNNING
            self._log(instance, 'Rescue boot of %s from image %s' % (
                instance.display_name, rescue_image_ref))

    def unrescue(self, instance):
        with self._changing():
            guest = self._guest(instance)
            guest.pop('rescue_image_ref', None)
            guest['state'] = power_state.RUNNING
            self._log(instance, 'Leaving rescue: booting %s again' %
                      instance.display_name)

    def snapshot(self, context, instance, image_id, update_task_state):
        """A small raw "disk" naming the server and what it booted from
        is uploaded as the image's data."""
        with self._lock:
            guest = self._guest(instance)
            state = guest['state']
            self._log(instance, 'Snapshot to image %s' % image_id)
        update_task_state('image_pending_upload')
        self._pause('snapshot', instance)
        data = snapshot_data(instance, state)
        update_task_state('image_uploading',
                          expected_state='image_pending_upload')
        glance.upload(self.conf, context, image_id, data,
                      disk_format='raw', container_format='bare')

    def get_console_output(self, instance):
        with self._lock:
            guest = self._guest(instance)
            return ''.join(line + '\n' for line in guest.get('console', []))

    def get_power_state(self, instance):
        with self._lock:
            guest = self.guests.get(instance.uuid)
            return guest['state'] if guest else power_state.NOSTATE

    def attach_volume(self, instance, connection_info, mountpoint,
                      disk_bus=None, device_type=None):
        if self.conf.fake_driver.fail_attach:
            raise exception.NovaLiteException(
                'the fake driver was told to fail attaches')
        self._pause('attach_volume', instance)
        with self._changing():
            guest = self._guest(instance)
            if mountpoint in guest['volumes']:
                raise exception.DevicePathInUse(path=mountpoint)
            self._connect(connection_info)
            guest['volumes'][mountpoint] = connection_info

    def detach_volume(self, instance, connection_info, mountpoint,
                      disconnect_host=True):
        if self.conf.fake_driver.fail_detach:
            raise exception.NovaLiteException(
                'the fake driver was told to fail detaches')
        self._pause('detach_volume', instance)
        with self._changing():
            guest = self.guests.get(instance.uuid)
            if guest is not None and \
                    guest['volumes'].pop(mountpoint, None) is not None:
                self._disconnect(connection_info, disconnect_host)

    def swap_volume(self, instance, old_connection_info,
                    new_connection_info, mountpoint):
        with self._changing():
            guest = self._guest(instance)
            guest['volumes'][mountpoint] = new_connection_info
            self._connect(new_connection_info)
            self._disconnect(old_connection_info, True)

    def volume_snapshot_create(self, instance, volume_id, create_info):
        with self._changing():
            guest = self._guest(instance)
            if volume_id not in self._volume_serials(guest):
                raise exception.VolumeBDMNotFound(volume_id=volume_id)
            guest.setdefault('volume_snapshots', {})[
                create_info['snapshot_id']] = dict(create_info,
                                                   volume_id=volume_id)

    def volume_snapshot_delete(self, instance, volume_id, snapshot_id,
                               delete_info):
        with self._changing():
            guest = self._guest(instance)
            if volume_id not in self._volume_serials(guest):
                raise exception.VolumeBDMNotFound(volume_id=volume_id)
            guest.setdefault('volume_snapshots', {}).pop(snapshot_id, None)

    @staticmethod
    def _volume_serials(guest):
        return {info.get('serial') for info in guest['volumes'].values()}

    # -- the host and its guests as administrators see them -------------------

    def get_available_resource(self):
        return {'vcpus': FAKE_VCPUS, 'memory_mb': FAKE_MEMORY_MB,
                'local_gb': FAKE_LOCAL_GB, 'hypervisor_type': 'fake',
                'hypervisor_version': 1000,
                'hypervisor_hostname': self.host,
                'cpu_info': json.dumps(FAKE_CPU_INFO),
                'disk_available_least': FAKE_LOCAL_GB}

    def get_host_uptime(self):
        return uptime.since(self._started)

    def set_host_enabled(self, enabled):
        return 'enabled' if enabled else 'disabled'

    def host_maintenance_mode(self, host, mode):
        return 'on_maintenance' if mode else 'off_maintenance'

    def host_power_action(self, action):
        return action

    def _guest_copy(self, instance):
        with self._lock:
            guest = self._guest(instance)
            return guest['state'], sorted(guest['volumes'])

    @staticmethod
    def _disks(volumes):
        """The root disk, then the attached volumes (``vdb``...)."""
        return ['vda'] + [os.path.basename(v) for v in volumes
                          if os.path.basename(v) != 'vda']

    def get_diagnostics(self, instance):
        _state, volumes = self._guest_copy(instance)
        flavor = instance.flavor or {}
        out = {}
        for cpu in range(int(flavor.get('vcpus') or 1)):
            out['cpu%d_time' % cpu] = 17300000000
        out['memory'] = int(flavor.get('memory_mb') or 0) * 1024
        for disk in self._disks(volumes):
            out.update({disk + '_errors': -1, disk + '_read': 262144,
                        disk + '_read_req': 112, disk + '_write': 5778432,
                        disk + '_write_req': 488})
        return out

    def get_instance_diagnostics(self, instance):
        state, volumes = self._guest_copy(instance)
        flavor = instance.flavor or {}
        vcpus = int(flavor.get('vcpus') or 1)
        launched = instance.launched_at
        seconds = int((timeutils.utcnow() - launched).total_seconds()) \
            if launched else 0
        return {
            'state': _STATE_NAMES.get(state, 'pending'),
            # The driver is one of the names nova's diagnostics allow,
            # as nova's fake driver answers.
            'driver': 'libvirt', 'hypervisor': 'kvm',
            'hypervisor_os': 'ubuntu', 'uptime': max(0, seconds),
            'config_drive': bool(instance.config_drive),
            'num_cpus': vcpus, 'num_nics': 0,
            'num_disks': len(self._disks(volumes)),
            'cpu_details': [{'id': cpu, 'time': 17300000000,
                             'utilisation': 15} for cpu in range(vcpus)],
            'nic_details': [],
            'disk_details': [{'read_bytes': 262144, 'read_requests': 112,
                              'write_bytes': 5778432,
                              'write_requests': 488, 'errors_count': 1}
                             for _disk in self._disks(volumes)],
            'memory_details': {
                'maximum': int(flavor.get('memory_mb') or 0), 'used': 0},
        }


def snapshot_data(instance, state=None):
    """The bytes of the fake driver's snapshot of ``instance``."""
    values = (instance.uuid, instance.display_name,
              instance.image_ref or '', state)
    text = ('nova_lite fake disk\nserver %s\nname %s\nimage %s\n'
            'power_state %s\n') % values
    return text.encode('utf-8')
