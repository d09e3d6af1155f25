"""An in-memory virt driver, for tests and laptops.

Guests are records in a dict; capabilities come from ``[fake_driver]``.
"""

import threading
import time

from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import driver


class FakeDriver(driver.ComputeDriver):

    def __init__(self, conf):
        super().__init__(conf)
        self.capabilities['supports_multiattach'] = \
            conf.fake_driver.supports_multiattach
        self.capabilities['supports_tagged_attach_volume'] = \
            conf.fake_driver.supports_tagged_attach_volume
        self._lock = threading.Lock()
        self.guests = {}

    def list_instance_uuids(self):
        with self._lock:
            return list(self.guests)

    def spawn(self, instance, block_device_info):
        if self.conf.fake_driver.spawn_delay:
            time.sleep(self.conf.fake_driver.spawn_delay)
        if instance.display_name in self.conf.fake_driver.fail_spawn_for_names:
            raise exception.InstanceDeployFailure(
                reason='the fake driver was told to fail this server')
        disks = {}
        for bdm in block_device_info or []:
            if bdm.get('connection_info'):
                disks[bdm.get('device_name')] = bdm['connection_info']
        with self._lock:
            self.guests[instance.uuid] = {
                'state': instance_obj.RUNNING, 'volumes': disks}

    def destroy(self, instance, block_device_info=None):
        with self._lock:
            self.guests.pop(instance.uuid, None)

    def _guest(self, instance):
        guest = self.guests.get(instance.uuid)
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return guest

    def power_off(self, instance):
        with self._lock:
            self._guest(instance)['state'] = instance_obj.SHUTDOWN

    def power_on(self, instance, block_device_info=None):
        with self._lock:
            self._guest(instance)['state'] = instance_obj.RUNNING

    def reboot(self, instance, reboot_type, block_device_info=None):
        with self._lock:
            self._guest(instance)['state'] = instance_obj.RUNNING

    def get_power_state(self, instance):
        with self._lock:
            guest = self.guests.get(instance.uuid)
            return guest['state'] if guest else instance_obj.NOSTATE

    def attach_volume(self, instance, connection_info, mountpoint,
                      disk_bus=None, device_type=None):
        with self._lock:
            guest = self._guest(instance)
            if mountpoint in guest['volumes']:
                raise exception.DevicePathInUse(path=mountpoint)
            guest['volumes'][mountpoint] = connection_info

    def detach_volume(self, instance, connection_info, mountpoint):
        with self._lock:
            guest = self.guests.get(instance.uuid)
            if guest is not None:
                guest['volumes'].pop(mountpoint, None)
