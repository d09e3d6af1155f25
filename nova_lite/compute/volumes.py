"""Volume operations of the compute API (os-volume_attachments, boot from
volume), in the order and with the answers of nova's Queens release.

Attach: state and lock checks -> device path -> volume from Cinder -> the
same volume twice on the server (400) -> shelved-offloaded servers handled
locally -> a multiattach volume needs the server's compute service new
enough (409) -> device reserved on the compute host (a call; its virt
driver must support multiattach, 409) -> availability zones -> a
multiattach volume needs 2.60 (400) -> Cinder attachment reserved -> the
compute host connects and completes it.
"""

import logging

import oslo_messaging as messaging

from nova_lite import block_device
from nova_lite.compute import checks
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import host_selection

LOG = logging.getLogger(__name__)

ATTACH_STATES = (instance_obj.ACTIVE, instance_obj.PAUSED,
                 instance_obj.STOPPED, instance_obj.RESIZED,
                 instance_obj.SOFT_DELETED, instance_obj.SHELVED,
                 instance_obj.SHELVED_OFFLOADED)
SWAP_STATES = (instance_obj.ACTIVE, instance_obj.PAUSED,
               instance_obj.RESIZED)


class VolumeAPI:
    """Mixed into :class:`nova_lite.compute.api.API`."""

    # -- boot from volume --------------------------------------------------------

    def check_boot_volumes(self, context, bdms, supports_multiattach):
        """Cinder lookups and the multiattach rules of server create.

        Returns ``{volume_id: volume}`` of the existing volumes mapped.
        """
        volumes = {}
        for bdm in bdms:
            if bdm.get('source_type') != 'volume' or \
                    bdm.get('destination_type') != 'volume':
                continue
            volume_id = bdm['volume_id']
            # A volume that does not exist: VolumeNotFound, as nova.
            volume = self.volume_api.get(context, volume_id)
            if bdm.get('boot_index') == 0 and not volume['bootable']:
                raise exception.InvalidBDMVolumeNotBootable(id=volume_id)
            if volume['multiattach']:
                if not supports_multiattach:
                    raise exception.MultiattachNotSupportedOldMicroversion()
                if self.conf.scheduler.multiattach_capability_placement:
                    # The scheduler places the server on a capable host:
                    # refused only when there is none.
                    if not host_selection.multiattach_capable_hosts(
                            context.elevated(), self.conf):
                        raise exception.MultiattachSupportNotYetAvailable()
                    volumes[volume_id] = volume
                    continue
                minimum = self.conductor.get_minimum_service_version(
                    context, 'nova-compute')
                if minimum < service_obj.MIN_COMPUTE_MULTIATTACH:
                    raise exception.MultiattachSupportNotYetAvailable()
            volumes[volume_id] = volume
        return volumes

    def reserve_boot_volumes(self, context, instance_uuid, bdms):
        """Connector-less attachments for one new server's volumes; each
        mapping gets its attachment id. All or nothing."""
        made = []
        try:
            for bdm in bdms:
                if bdm.get('source_type') == 'volume' and \
                        bdm.get('destination_type') == 'volume':
                    try:
                        attachment = self.volume_api.attachment_create(
                            context, bdm['volume_id'], instance_uuid)
                    except exception.InvalidInput as error:
                        # In use by another server, say.
                        raise exception.InvalidVolume(
                            reason=error.format_message())
                    bdm['attachment_id'] = attachment['id']
                    made.append(attachment['id'])
        except Exception:
            for attachment_id in made:
                self._delete_attachment(context, attachment_id)
            raise

    def _delete_attachment(self, context, attachment_id):
        self.volume_api.attachment_delete_logged(context, attachment_id)

    def local_cleanup_volumes(self, context, bdms):
        """nova's local delete: delete each attachment, then the volumes
        marked delete_on_termination; failures are logged only."""
        for bdm in bdms:
            get = bdm.get if isinstance(bdm, dict) else \
                lambda key, b=bdm: getattr(b, key)
            if get('volume_id'):
                self._delete_attachment(context, get('attachment_id'))
        for bdm in bdms:
            get = bdm.get if isinstance(bdm, dict) else \
                lambda key, b=bdm: getattr(b, key)
            if get('volume_id') and get('delete_on_termination'):
                try:
                    self.volume_api.delete(context, get('volume_id'))
                except Exception:
                    LOG.exception('Deleting volume %s failed',
                                  get('volume_id'))

    # -- attachments: reads --------------------------------------------------------

    def get_volume_bdms(self, context, instance, cell):
        if cell is None:
            return [bdm_obj.BlockDeviceMapping(**dict(
                {f: None for f in bdm_obj.BlockDeviceMapping.FIELDS}, **b))
                for b in (instance.bdms or []) if b.get('volume_id')]
        cctxt = nl_context.target_cell(context, cell)
        return [b for b in bdm_obj.get_by_instance(cctxt, instance.uuid)
                if b.volume_id]

    # -- attach --------------------------------------------------------------------

    def _check_availability_zone(self, volume, instance_zone,
                                 instance_uuid):
        if self.conf.cinder.cross_az_attach or not instance_zone:
            return
        if volume.get('availability_zone') != instance_zone:
            raise exception.InvalidVolume(
                reason='Instance %(instance)s and volume %(vol)s are not in '
                       'the same availability_zone. Instance is in '
                       '%(ins_zone)s. Volume is in %(vol_zone)s' % {
                           'instance': instance_uuid, 'vol': volume['id'],
                           'ins_zone': instance_zone,
                           'vol_zone': volume.get('availability_zone')})

    def attach_volume(self, context, instance, cell, volume_id, device=None,
                      tag=None, delete_on_termination=False,
                      supports_multiattach=False, needs_device_returned=True):
        """Attach ``volume_id``; returns the reserved device name.

        Without ``needs_device_returned`` (2.101), once the checks made
        here pass, the conductor reserves the device and has the compute
        host attach the volume: nothing is returned."""
        checks.check_lock(context, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method='attach_volume')
        checks.check_state(instance, 'attach_volume', vm_states=ATTACH_STATES)
        if device and block_device.match_device(device) is None:
            raise exception.InvalidDevicePath(path=device)
        volume = self.volume_api.get(context, volume_id)
        cctxt = nl_context.target_cell(context, cell)
        # The server's mappings as read with it; the compute host checks
        # again under the server's lock when it reserves the device name.
        if any(b.get('volume_id') == volume_id for b in instance.bdms or ()):
            raise exception.InvalidVolume(
                reason='volume %s already attached' % volume_id)
        self._check_volume_already_attached(cctxt, instance, volume)
        if instance.vm_state == instance_obj.SHELVED_OFFLOADED:
            return self._attach_shelved_offloaded(
                context, cctxt, instance, volume, tag,
                delete_on_termination)
        multiattach = bool(volume['multiattach'])
        if multiattach:
            self._check_host_multiattach(cctxt, instance)
        if not needs_device_returned:
            self.conductor.attach_volume(
                context, instance.uuid, volume_id, device=device, tag=tag,
                delete_on_termination=delete_on_termination,
                supports_multiattach=supports_multiattach)
            return None
        return self.reserve_and_attach(
            context, instance, cell, volume, device=device, tag=tag,
            delete_on_termination=delete_on_termination,
            supports_multiattach=supports_multiattach)

    @staticmethod
    def _check_volume_already_attached(cctxt, instance, volume):
        """A volume that is not multiattach and already has a mapping
        (on another server) is refused, as the server's own."""
        if volume.get('multiattach'):
            # Only the server's own mapping matters (one row, not one per
            # server the volume is attached to).
            if bdm_obj.is_on_server(cctxt, volume['id'], instance.uuid):
                raise exception.InvalidVolume(
                    reason='volume %s already attached' % volume['id'])
            return
        servers = bdm_obj.servers_of_volume(cctxt, volume['id'])
        if servers:
            raise exception.InvalidVolume(
                reason='volume %s is already attached to instances: %s' % (
                    volume['id'], ' '.join(servers)))

    def reserve_and_attach(self, context, instance, cell, volume,
                           device=None, tag=None, delete_on_termination=False,
                           supports_multiattach=False):
        """Reserve the device on the server's host, reserve the volume in
        block storage and have the host attach it; returns the device."""
        volume_id = volume['id']
        cctxt = nl_context.target_cell(context, cell)
        multiattach = bool(volume['multiattach'])
        try:
            bdm = self.compute.reserve_block_device_name(
                context, instance.host, instance.uuid, device, volume_id,
                tag=tag, multiattach=multiattach,
                delete_on_termination=delete_on_termination, cell=cell)
        except messaging.MessagingTimeout as error:
            # The compute host may have made the mapping and only its
            # answer was lost: no mapping without an attachment may stay.
            self._forget_reservation(cctxt, instance.uuid, volume_id)
            error.in_device_reservation = True
            raise
        except Exception as error:
            error.in_device_reservation = True
            raise
        attachment = None
        try:
            self._check_availability_zone(volume, instance.availability_zone,
                                          instance.uuid)
            if multiattach and not supports_multiattach:
                raise exception.MultiattachNotSupportedOldMicroversion()
            attachment = self.volume_api.attachment_create(
                cctxt, volume_id, instance.uuid)
            instance_action.start_with(
                cctxt, instance.uuid, instance_action.ATTACH_VOLUME,
                bdm_obj.update, bdm['id'], {'attachment_id': attachment['id']})
        except Exception:
            # Neither side keeps what the other does not know about.
            if attachment is not None:
                self._delete_attachment(cctxt, attachment['id'])
            bdm_obj.destroy(cctxt, bdm['id'])
            raise
        try:
            self.compute.attach_volume(context, instance.host,
                                       instance.uuid, bdm['uuid'],
                                       multiattach=multiattach, cell=cell)
        except Exception:
            # The compute host never got the request (message bus down).
            self._delete_attachment(cctxt, attachment['id'])
            bdm_obj.destroy(cctxt, bdm['id'])
            raise
        return bdm['device_name']

    @staticmethod
    def _forget_reservation(cctxt, instance_uuid, volume_id):
        try:
            bdm = bdm_obj.get_by_volume_and_instance(cctxt, volume_id,
                                                     instance_uuid)
        except exception.VolumeBDMNotFound:
            return
        if not bdm.attachment_id:
            bdm_obj.destroy(cctxt, bdm.id)

    def _check_host_multiattach(self, cctxt, instance):
        """The server's compute service must be new enough (409)."""
        try:
            svc = service_obj.get_by_host_and_binary(cctxt, instance.host,
                                                     'nova-compute')
            version = svc.version or 0
        except exception.ComputeHostNotFound:
            version = 0
        if version < service_obj.MIN_COMPUTE_MULTIATTACH:
            raise exception.MultiattachSupportNotYetAvailable()

    def _attach_shelved_offloaded(self, context, cctxt, instance, volume,
                                  tag, delete_on_termination):
        if tag:
            raise exception.VolumeTaggedAttachToShelvedNotSupported()
        if volume['multiattach']:
            raise exception.MultiattachToShelvedNotSupported()
        bdm = bdm_obj.create(cctxt, {
            'instance_uuid': instance.uuid, 'volume_id': volume['id'],
            'source_type': 'volume', 'destination_type': 'volume',
            'device_type': 'disk', 'boot_index': None, 'device_name': None,
            'delete_on_termination': delete_on_termination})
        try:
            attachment = self.volume_api.attachment_create(
                cctxt, volume['id'], instance.uuid)
            bdm_obj.update(cctxt, bdm.id,
                           {'attachment_id': attachment['id']})
            # Cinder shows the volume in-use; unshelve connects it.
            self.volume_api.attachment_complete(cctxt, attachment['id'])
        except Exception:
            bdm_obj.destroy(cctxt, bdm.id)
            raise
        instance_action.action_start(cctxt, instance.uuid,
                                     instance_action.ATTACH_VOLUME)
        return None

    # -- detach --------------------------------------------------------------------

    def detach_volume(self, context, instance, cell, volume_id):
        if cell is None:
            raise exception.VolumeNotAttached(instance=instance.uuid,
                                              volume=volume_id)
        self.volume_api.get(context, volume_id)
        cctxt = nl_context.target_cell(context, cell)
        try:
            bdm = bdm_obj.get_by_volume_and_instance(cctxt, volume_id,
                                                     instance.uuid)
        except exception.VolumeBDMNotFound:
            raise exception.VolumeNotAttached(instance=instance.uuid,
                                              volume=volume_id)
        if bdm.is_root:
            raise exception.RootVolumeDetach()
        checks.check_lock(context, instance)
        checks.check_state(instance, 'detach_volume', vm_states=ATTACH_STATES)
        if instance.vm_state == instance_obj.SHELVED_OFFLOADED:
            instance_action.action_start(cctxt, instance.uuid,
                                         instance_action.DETACH_VOLUME)
            self.local_cleanup_volumes(cctxt, [bdm])
            bdm_obj.destroy(cctxt, bdm.id)
            return
        if not instance.host or not self._host_is_up(cctxt, instance.host):
            raise exception.ServiceUnavailable()
        self.volume_api.begin_detaching(cctxt, volume_id)
        instance_action.action_start(cctxt, instance.uuid,
                                     instance_action.DETACH_VOLUME)
        try:
            self.compute.detach_volume(context, instance.host, instance.uuid,
                                       volume_id,
                                       attachment_id=bdm.attachment_id,
                                       cell=cell)
        except Exception:
            self.volume_api.roll_detaching(cctxt, volume_id)
            raise

    # -- update and swap -------------------------------------------------------------

    def update_volume_attachment(self, context, instance, cell, volume_id,
                                 delete_on_termination):
        cctxt = nl_context.target_cell(context, cell)
        bdm = bdm_obj.get_by_volume_and_instance(cctxt, volume_id,
                                                 instance.uuid)
        bdm_obj.update(cctxt, bdm.id,
                       {'delete_on_termination': delete_on_termination})

    def swap_volume(self, context, instance, cell, old_volume_id,
                    new_volume_id):
        checks.check_lock(context, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method='swap_volume')
        checks.check_state(instance, 'swap_volume', vm_states=SWAP_STATES)
        cctxt = nl_context.target_cell(context, cell)
        old = self.volume_api.get(context, old_volume_id)
        try:
            new = self.volume_api.get(context, new_volume_id)
        except exception.VolumeNotFound as error:
            raise exception.InvalidVolume(reason=error.format_message())
        try:
            bdm = bdm_obj.get_by_volume_and_instance(cctxt, old_volume_id,
                                                     instance.uuid)
        except exception.VolumeBDMNotFound:
            raise exception.InvalidVolume(
                reason='Old volume is attached to a different instance.')
        if new['attach_status'] == 'attached' or \
                new['status'] != 'available':
            raise exception.InvalidVolume(
                reason='New volume must be detached in order to swap.')
        if int(new['size']) < int(old['size']):
            raise exception.InvalidVolume(
                reason='New volume must be the same size or larger.')
        self.volume_api.begin_detaching(cctxt, old_volume_id)
        try:
            if len(old['attachments']) > 1:
                read_write = 0
                for item in old['attachments'].values():
                    try:
                        attachment = self.volume_api.attachment_get(
                            cctxt, item['attachment_id'])
                        mode = attachment.get('attach_mode')
                    except exception.VolumeAttachmentNotFound:
                        mode = 'rw'
                    if mode in ('rw', None, 'null'):
                        read_write += 1
                if read_write > 1:
                    raise exception.MultiattachSwapVolumeNotSupported()
            if any(b.volume_id == new_volume_id for b in
                   bdm_obj.get_by_instance(cctxt, instance.uuid)):
                raise exception.InvalidVolume(
                    reason='volume %s already attached' % new_volume_id)
            attachment = self.volume_api.attachment_create(
                cctxt, new_volume_id, instance.uuid)
        except Exception:
            self.volume_api.roll_detaching(cctxt, old_volume_id)
            raise
        instance_action.action_start(cctxt, instance.uuid,
                                     instance_action.SWAP_VOLUME)
        self.compute.swap_volume(context, instance.host, instance.uuid,
                                 old_volume_id, new_volume_id,
                                 attachment['id'], cell=cell)
        return bdm

    # -- delete --------------------------------------------------------------------

    def cleanup_build_request_volumes(self, context, instance):
        """A server deleted before it was placed: free its reservations."""
        self.local_cleanup_volumes(context, instance.bdms or [])
