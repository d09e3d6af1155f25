"""What ``nova-lite-manage volume_attachment`` asks of a compute host
(compute RPC 1.5, all calls): the volumes its guests hold, one server's
mappings brought back in line with block storage and the guest (in
:mod:`nova_lite.compute.recovery`), and the two halves of ``refresh``: a
volume's connection removed from the host, then made again from the
connection info its mapping was given.
"""

import logging

from oslo_concurrency import lockutils
from oslo_serialization import jsonutils

from nova_lite.compute import volume_ops
from nova_lite import exception
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj

LOG = logging.getLogger(__name__)


class RepairOperations:
    """Mixed into :class:`nova_lite.compute.manager.ComputeManager`."""

    def get_guest_volumes(self, context):
        """``{server uuid: {device: volume id}}`` of every guest of this
        host's hypervisor."""
        guests = {}
        for uuid in self.driver.list_instance_uuids():
            volumes = self.driver.get_guest_volumes(
                instance_obj.Instance(uuid=uuid, host=self.host))
            if volumes is not None:
                guests[uuid] = dict(volumes)
        return guests

    def _server_and_mapping(self, context, instance_uuid, volume_id):
        instance, bdm = instance_obj.get_with_mapping(
            context, instance_uuid, volume_id=volume_id)
        if instance.host != self.host:
            raise exception.InstanceInvalidState(
                instance_uuid=instance_uuid, attr='host',
                state=instance.host,
                method='change its volume connections on %s' % self.host)
        return instance, bdm

    def remove_volume_connection(self, context, instance_uuid, volume_id,
                                 delete_attachment=False):
        """Unplug the volume from the guest (its configuration too, when
        it is stopped) and disconnect it from this host unless another
        server here uses it. With ``delete_attachment``, its attachment is
        deleted and the mapping keeps no connection info."""
        with lockutils.lock('instance-%s' % instance_uuid):
            instance, bdm = self._server_and_mapping(context, instance_uuid,
                                                     volume_id)
            info = volume_ops._info(bdm) or {'serial': volume_id}
            with volume_ops.volume_locks([volume_id]):
                plugged = self.driver.get_guest_volumes(instance) or {}
                if volume_id in plugged.values() or bdm.connection_info:
                    self.driver.detach_volume(
                        instance, info, bdm.device_name,
                        disconnect_host=self._should_disconnect(
                            context, instance, bdm, info))
                bdm_obj.update(context, bdm.id, {'connection_info': None})
            if delete_attachment and bdm.attachment_id:
                self.volume_api.attachment_delete(context, bdm.attachment_id)
            LOG.info('Removed the connection of volume %s of server %s from '
                     'this host', volume_id, instance_uuid)

    def connect_volume(self, context, instance_uuid, volume_id):
        """Connect the volume to this host and plug it into the guest with
        the connection info of its mapping (nothing when the guest has it
        already)."""
        with lockutils.lock('instance-%s' % instance_uuid):
            instance, bdm = self._server_and_mapping(context, instance_uuid,
                                                     volume_id)
            if not bdm.connection_info:
                raise exception.InvalidVolume(
                    reason='the mapping of volume %s on server %s has no '
                           'connection info' % (volume_id, instance_uuid))
            with volume_ops.volume_locks([volume_id]):
                plugged = self.driver.get_guest_volumes(instance) or {}
                if volume_id in plugged.values():
                    return
                self.driver.attach_volume(
                    instance, jsonutils.loads(bdm.connection_info),
                    bdm.device_name, disk_bus=bdm.disk_bus,
                    device_type=bdm.device_type)
            LOG.info('Connected volume %s of server %s on this host again',
                     volume_id, instance_uuid)
