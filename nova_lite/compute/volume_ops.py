"""Volume work of the compute manager: the host side of the Cinder
attachment sequence.

Attach: the API has reserved a device name here (a block device mapping
row) and a connector-less Cinder attachment; this host updates the
attachment with its connector, which returns the connection info, plugs the
disk into the guest, saves the connection info and completes the
attachment. Any failure rolls back: the guest is unplugged, the attachment
deleted, the mapping removed, a fault recorded.

Detach: unplug from the guest, disconnect the host unless another server
of this host still uses the volume, delete the attachment, remove the
mapping.

All of it runs under the server's lock; decisions about a multiattach
volume's host connection also take that volume's lock, so that concurrent
detaches and deletes on one host agree on who disconnects last.
"""

import contextlib
import logging
import time

from oslo_concurrency import lockutils
from oslo_serialization import jsonutils

from nova_lite import block_device
from nova_lite import exception
from nova_lite import notifications
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import instance_fault

LOG = logging.getLogger(__name__)


def _info(bdm):
    return jsonutils.loads(bdm.connection_info) if bdm.connection_info \
        else {}


@contextlib.contextmanager
def volume_locks(volume_ids):
    """Hold the per-volume locks of ``volume_ids`` in a fixed order."""
    with contextlib.ExitStack() as stack:
        for volume_id in sorted(set(volume_ids)):
            stack.enter_context(
                lockutils.lock('multi_attach_volume_%s' % volume_id))
        yield


class VolumeOperations:
    """Mixed into :class:`nova_lite.compute.manager.ComputeManager`."""

    # -- helpers ---------------------------------------------------------------

    def _notify(self, context, event_type, instance, values=None,
                error=None, volume_id=None):
        """Tell of a finished operation: on the message bus where
        notifications are configured, then to in-process listeners."""
        notifier = self.notifier
        if notifier.enabled:
            bdms = None
            if self.conf.notifications.bdms_in_notifications:
                try:
                    bdms = bdm_obj.get_dicts_by_instance(context,
                                                         instance.uuid)
                except Exception:
                    LOG.exception('Could not read the mappings of %s',
                                  instance.uuid)
            notifier.send(context, event_type, instance, values=values,
                          error=error, volume_id=volume_id, bdms=bdms)
        if volume_id is None:
            notifications.notify(event_type, instance.uuid)
        else:
            notifications.notify(event_type, instance.uuid,
                                 volume_id=volume_id)

    def _record_fault(self, context, instance, error):
        instance_action.note_failure(error)
        try:
            instance_fault.create(context, instance_fault.fault_values(
                instance.uuid, error, host=self.host))
        except Exception:
            LOG.exception('Could not record a fault for %s', instance.uuid)

    def _delete_attachment(self, context, attachment_id):
        self.volume_api.attachment_delete_logged(context, attachment_id)

    def _should_disconnect(self, context, instance, bdm, info):
        """Whether detaching ``bdm`` may tear the host connection down.

        Not while another server of this host still has the volume (a
        multiattach volume); the caller holds the volume's lock.
        """
        if not info.get('multiattach'):
            return True
        users = bdm_obj.count_volume_users_on_host(
            context, bdm.volume_id, self.host)
        if users > 1:
            LOG.info('Detected multiple connections on this host for '
                     'volume: %s, skipping target disconnect.',
                     bdm.volume_id)
            return False
        return True

    def _connect(self, context, instance, bdm, multiattach=None):
        """attachment_update with this host's connector; the connection
        info to give the driver. ``multiattach`` is the volume's flag when
        the caller already read it from block storage."""
        if multiattach is None:
            multiattach = self.volume_api.get(
                context, bdm.volume_id, microversion='3.48')['multiattach']
        if multiattach and \
                not self.driver.capabilities['supports_multiattach']:
            raise exception.MultiattachNotSupportedByVirtDriver(
                volume_id=bdm.volume_id)
        connector = self.driver.get_volume_connector(instance)
        attachment = self.volume_api.attachment_update(
            context, bdm.attachment_id, connector, bdm.device_name)
        info = dict(attachment['connection_info'])
        info['serial'] = bdm.volume_id
        if multiattach:
            info['multiattach'] = True
        return info

    # -- attach ----------------------------------------------------------------

    def reserve_block_device_name(self, context, instance_uuid, device,
                                  volume_id, disk_bus=None, device_type=None,
                                  tag=None, multiattach=False,
                                  delete_on_termination=False):
        """Create the mapping of a new attachment; returns it as a dict."""
        caps = self.driver.capabilities

        def choose(instance, bdms):
            if tag and not caps['supports_tagged_attach_volume']:
                raise exception.VolumeTaggedAttachNotSupported()
            if multiattach and not caps['supports_multiattach']:
                raise exception.MultiattachNotSupportedByVirtDriver(
                    volume_id=volume_id)
            if any(b.volume_id == volume_id for b in bdms):
                raise exception.InvalidVolume(
                    reason='volume %s already attached' % volume_id)
            return self.driver.get_device_name_for_instance(
                instance, [b.device_name for b in bdms], device)

        with lockutils.lock('instance-%s' % instance_uuid):
            # The server, its mappings and the new one in one transaction.
            bdm = instance_obj.add_volume_mapping(
                context, instance_uuid, choose, {
                    'instance_uuid': instance_uuid, 'volume_id': volume_id,
                    'source_type': 'volume', 'destination_type': 'volume',
                    'disk_bus': disk_bus,
                    'device_type': device_type or 'disk', 'tag': tag,
                    'boot_index': None,
                    'delete_on_termination': delete_on_termination})
            return bdm.to_dict()

    @instance_action.wrap_instance_event('compute')
    def attach_volume(self, context, instance_uuid, bdm_uuid,
                      multiattach=None):
        with lockutils.lock('instance-%s' % instance_uuid):
            try:
                instance, bdm = instance_obj.get_with_mapping(
                    context, instance_uuid, bdm_uuid=bdm_uuid)
            except (exception.InstanceNotFound, exception.VolumeBDMNotFound):
                LOG.info('Attach to %s: server or mapping gone',
                         instance_uuid)
                return
            try:
                self._attach(context, instance, bdm, multiattach)
            except Exception as error:
                LOG.exception('Attaching volume %s to %s failed',
                              bdm.volume_id, instance_uuid)
                self._delete_attachment(context, bdm.attachment_id)
                bdm_obj.destroy(context, bdm.id)
                self._record_fault(context, instance, error)
                self._notify(context, 'instance.volume_attach.error',
                             instance, error=error, volume_id=bdm.volume_id)
                return
            self._notify(context, 'instance.volume_attach.end', instance,
                         volume_id=bdm.volume_id)

    def _attach(self, context, instance, bdm, multiattach=None):
        info = self._connect(context, instance, bdm, multiattach)
        with volume_locks([bdm.volume_id]):
            self.driver.attach_volume(instance, info, bdm.device_name,
                                      disk_bus=bdm.disk_bus,
                                      device_type=bdm.device_type)
            # Counted as a user of the host connection from now on.
            bdm_obj.update(context, bdm.id,
                           {'connection_info': jsonutils.dumps(info)})
        try:
            self.volume_api.attachment_complete(context, bdm.attachment_id)
        except Exception:
            with volume_locks([bdm.volume_id]):
                self.driver.detach_volume(
                    instance, info, bdm.device_name,
                    disconnect_host=self._should_disconnect(
                        context, instance, bdm, info))
                bdm_obj.update(context, bdm.id, {'connection_info': None})
            raise

    # -- detach ----------------------------------------------------------------

    @instance_action.wrap_instance_event('compute')
    def detach_volume(self, context, instance_uuid, volume_id,
                      attachment_id=None):
        with lockutils.lock('instance-%s' % instance_uuid):
            try:
                instance, bdm = instance_obj.get_with_mapping(
                    context, instance_uuid, volume_id=volume_id)
            except (exception.InstanceNotFound, exception.VolumeBDMNotFound):
                LOG.info('Detach of %s from %s: nothing to do', volume_id,
                         instance_uuid)
                return
            info = _info(bdm)
            try:
                if info and instance.host == self.host:
                    with volume_locks([volume_id]):
                        self.driver.detach_volume(
                            instance, info, bdm.device_name,
                            disconnect_host=self._should_disconnect(
                                context, instance, bdm, info))
                        # No longer a user of the host connection: the
                        # next detach on this host must not count it.
                        bdm_obj.update(context, bdm.id,
                                       {'connection_info': None})
            except Exception as error:
                LOG.exception('Detaching volume %s from %s failed',
                              volume_id, instance_uuid)
                try:
                    self.volume_api.roll_detaching(context, volume_id)
                except Exception:
                    LOG.exception('roll_detaching of %s failed', volume_id)
                self._record_fault(context, instance, error)
                self._notify(context, 'instance.volume_detach.error',
                             instance, error=error, volume_id=volume_id)
                return
            try:
                if bdm.attachment_id or attachment_id:
                    self.volume_api.attachment_delete(
                        context, bdm.attachment_id or attachment_id)
            except Exception as error:
                # As nova: the mapping stays (disconnected) until block
                # storage lets the attachment go; a new detach finishes.
                LOG.exception('Deleting the attachment of volume %s to %s '
                              'failed', volume_id, instance_uuid)
                try:
                    self.volume_api.roll_detaching(context, volume_id)
                except Exception:
                    LOG.exception('roll_detaching of %s failed', volume_id)
                self._record_fault(context, instance, error)
                self._notify(context, 'instance.volume_detach.error',
                             instance, error=error, volume_id=volume_id)
                return
            bdm_obj.destroy(context, bdm.id)
            self._notify(context, 'instance.volume_detach.end', instance,
                         volume_id=volume_id)

    # -- assisted volume snapshots ----------------------------------------------

    def volume_snapshot_create(self, context, instance_uuid, volume_id,
                               create_info):
        self._volume_snapshot(context, instance_uuid, volume_id,
                              'volume_snapshot_create', create_info)

    def volume_snapshot_delete(self, context, instance_uuid, volume_id,
                               snapshot_id, delete_info):
        self._volume_snapshot(context, instance_uuid, volume_id,
                              'volume_snapshot_delete', snapshot_id,
                              delete_info)

    def _volume_snapshot(self, context, instance_uuid, volume_id, method,
                         *args):
        """The driver's ``method``; a cast, so what fails is logged."""
        try:
            instance = instance_obj.get_by_uuid(context, instance_uuid)
        except exception.InstanceNotFound:
            LOG.info('Server %s is gone; ignoring %s of volume %s',
                     instance_uuid, method, volume_id)
            return
        try:
            getattr(self.driver, method)(instance, volume_id, *args)
        except NotImplementedError:
            LOG.warning('The %(driver)s driver cannot do %(method)s (volume '
                        '%(volume)s of server %(server)s)',
                        {'driver': type(self.driver).__name__,
                         'method': method, 'volume': volume_id,
                         'server': instance_uuid})
        except Exception:
            LOG.exception('%s of volume %s of server %s failed', method,
                          volume_id, instance_uuid)
        else:
            LOG.info('%s of volume %s of server %s done', method, volume_id,
                     instance_uuid)

    # -- swap ------------------------------------------------------------------

    @instance_action.wrap_instance_event('compute')
    def swap_volume(self, context, instance_uuid, old_volume_id,
                    new_volume_id, new_attachment_id):
        with lockutils.lock('instance-%s' % instance_uuid):
            instance = instance_obj.get_by_uuid(context, instance_uuid)
            bdm = bdm_obj.get_by_volume_and_instance(
                context, old_volume_id, instance_uuid)
            old_info = _info(bdm)
            new_bdm = bdm_obj.BlockDeviceMapping(**dict(
                bdm.to_dict(), volume_id=new_volume_id,
                attachment_id=new_attachment_id))
            try:
                new_info = self._connect(context, instance, new_bdm)
                self.driver.swap_volume(instance, old_info, new_info,
                                        bdm.device_name)
                self.volume_api.attachment_complete(context,
                                                    new_attachment_id)
            except Exception as error:
                LOG.exception('Swapping %s for %s on %s failed',
                              old_volume_id, new_volume_id, instance_uuid)
                self._delete_attachment(context, new_attachment_id)
                try:
                    self.volume_api.roll_detaching(context, old_volume_id)
                except Exception:
                    LOG.exception('roll_detaching of %s failed',
                                  old_volume_id)
                self._record_fault(context, instance, error)
                return
            self._delete_attachment(context, bdm.attachment_id)
            bdm_obj.update(context, bdm.id, {
                'volume_id': new_volume_id,
                'attachment_id': new_attachment_id,
                'connection_info': jsonutils.dumps(new_info)})

    # -- build, delete, shelve ---------------------------------------------------

    def _wait_for_volume(self, context, volume_id):
        attempts = max(self.conf.block_device_allocate_retries, 0) + 1
        for attempt in range(attempts):
            volume = self.volume_api.get(context, volume_id)
            if volume['status'] == 'available':
                return volume
            if volume['status'] == 'error':
                break
            if attempt + 1 < attempts:
                time.sleep(min(
                    self.conf.block_device_allocate_retries_interval,
                    0.05 * 2 ** attempt))
        raise exception.VolumeNotCreated(
            volume_id=volume_id, seconds=0, attempts=attempts,
            volume_status=volume['status'])

    def prep_block_devices(self, context, instance):
        """Name, create and connect the server's volumes before spawn.

        Returns the block device info for the driver. Raises
        BuildAbortException (no reschedule) for a volume problem.
        """
        bdms = bdm_obj.get_by_instance(context, instance.uuid)
        root = instance.root_device_name or '/dev/vda'
        used = [b.device_name for b in bdms if b.device_name]
        for bdm in bdms:
            if bdm.device_name:
                continue
            name = root if bdm.boot_index == 0 else \
                block_device.next_device_name(root, used)
            used.append(name)
            bdm_obj.update(context, bdm.id, {'device_name': name})
            bdm.device_name = name
        try:
            for bdm in bdms:
                if not bdm.is_volume:
                    continue
                if not bdm.volume_id:
                    self._create_volume(context, instance, bdm)
                info = self._connect(context, instance, bdm)
                bdm_obj.update(context, bdm.id,
                               {'connection_info': jsonutils.dumps(info)})
                bdm.connection_info = jsonutils.dumps(info)
                self.volume_api.attachment_complete(context,
                                                    bdm.attachment_id)
        except exception.BuildAbortException:
            raise
        except Exception as error:
            raise exception.BuildAbortException(
                instance_uuid=instance.uuid,
                reason=getattr(error, 'message', None) or str(error) or
                type(error).__name__)
        return [dict(b.to_dict(), connection_info=_info(b))
                for b in bdms]

    def _create_volume(self, context, instance, bdm):
        """The volume of an image, snapshot or blank source mapping."""
        name = '%s-%s' % (instance.display_name or instance.uuid,
                          'blank-vol' if bdm.source_type == 'blank'
                          else 'vol')
        volume = self.volume_api.create(
            context, bdm.volume_size, name, '',
            image_id=bdm.image_id if bdm.source_type == 'image' else None,
            volume_type=bdm.volume_type,
            snapshot_id=bdm.snapshot_id if bdm.source_type == 'snapshot'
            else None)
        bdm_obj.update(context, bdm.id, {'volume_id': volume['id']})
        bdm.volume_id = volume['id']
        self._wait_for_volume(context, volume['id'])
        attachment = self.volume_api.attachment_create(
            context, volume['id'], instance.uuid)
        bdm_obj.update(context, bdm.id, {'attachment_id': attachment['id']})
        bdm.attachment_id = attachment['id']

    def block_device_info(self, context, instance, bdms=None):
        """Mappings with their connection info, and for each volume whether
        the driver may disconnect it from the host."""
        bdms = bdm_obj.get_by_instance(context, instance.uuid) \
            if bdms is None else bdms
        out = []
        for bdm in bdms:
            info = _info(bdm)
            item = dict(bdm.to_dict(), connection_info=info)
            if info:
                item['disconnect_host'] = self._should_disconnect(
                    context, instance, bdm, info)
            out.append(item)
        return out

    def cleanup_volumes(self, context, instance, bdms, destroy_guest=None,
                        strict=False):
        """Disconnect (via ``destroy_guest``), delete the attachments and
        the volumes marked delete_on_termination. ``strict``: an attachment
        that block storage could not delete raises (after the others were
        tried), so that the caller keeps the server and its mappings."""
        volume_ids = [b.volume_id for b in bdms if b.volume_id]
        with volume_locks(volume_ids):
            if destroy_guest is not None:
                destroy_guest(self.block_device_info(context, instance,
                                                     bdms))
            self.disconnected(context, bdms)
        failed = None
        for bdm in bdms:
            if not bdm.volume_id or not bdm.attachment_id:
                continue
            if not strict:
                self._delete_attachment(context, bdm.attachment_id)
                continue
            try:
                self.volume_api.attachment_delete(context, bdm.attachment_id)
            except Exception as error:
                LOG.exception('Deleting attachment %s of %s failed',
                              bdm.attachment_id, instance.uuid)
                failed = failed or error
        if failed is not None:
            raise failed
        for bdm in bdms:
            if bdm.volume_id and bdm.delete_on_termination:
                try:
                    self.volume_api.delete(context, bdm.volume_id)
                except Exception:
                    LOG.exception('Deleting volume %s of %s failed',
                                  bdm.volume_id, instance.uuid)

    def disconnected(self, context, bdms):
        """Record that these mappings no longer use their host connection
        (called under the volumes' locks, right after the driver let go),
        so that the next "am I the last user" count does not see them."""
        for bdm in bdms:
            if bdm.connection_info:
                bdm_obj.update(context, bdm.id, {'connection_info': None})
                bdm.connection_info = None

    def release_host(self, context, instance):
        """Destroy the guest, disconnect what no other server here uses,
        and keep the volumes reserved for the server with fresh
        connector-less attachments (a build going elsewhere, a shelve
        offload, a failed unshelve)."""
        bdms = bdm_obj.get_by_instance(context, instance.uuid)
        with volume_locks([b.volume_id for b in bdms if b.volume_id]):
            self.driver.destroy(instance, self.block_device_info(
                context, instance, bdms))
            self.disconnected(context, bdms)
        self.replace_attachments(context, instance, bdms)

    def replace_attachments(self, context, instance, bdms):
        """Give every volume mapping a fresh connector-less attachment (a
        build going elsewhere, a shelve offload): the volume stays reserved
        for the server while no host is connected."""
        for bdm in bdms:
            if not bdm.volume_id or not bdm.attachment_id:
                continue
            try:
                new = self.volume_api.attachment_create(
                    context, bdm.volume_id, instance.uuid)
            except Exception:
                LOG.exception('Could not re-reserve volume %s for %s',
                              bdm.volume_id, instance.uuid)
                continue
            self._delete_attachment(context, bdm.attachment_id)
            bdm_obj.update(context, bdm.id, {
                'attachment_id': new['id'], 'connection_info': None})
