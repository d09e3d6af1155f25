"""Compute manager side of pause, suspend, soft delete and restore, console
output and rebuild, and the periodic reclaim of soft-deleted servers.

Mixed into :class:`nova_lite.compute.manager.ComputeManager`; each RPC
method runs under the server's lock with the server read from this host's
cell (the manager's ``locked_instance`` decorator). A failed action clears
the task state and records a fault, as the other actions do.
"""

import logging
import math

from oslo_serialization import jsonutils
from oslo_utils import timeutils

from nova_lite.compute import instance_events
from nova_lite import exception
from nova_lite.compute import power_state
from nova_lite.image import glance as image_api
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import instance_fault

LOG = logging.getLogger(__name__)

# The task states the API set before casting each action.
_PAUSING = 'pausing'
_UNPAUSING = 'unpausing'
_SUSPENDING = 'suspending'
_RESUMING = 'resuming'
_SOFT_DELETING = 'soft-deleting'
_RESTORING = 'restoring'
_REBUILDING = 'rebuilding'
_REBUILD_SPAWNING = 'rebuild_spawning'

# The events this host's operations wait for (keyed by server uuid).
EVENTS = instance_events.InstanceEvents()
VOLUME_REIMAGED = 'volume-reimaged'
GiB = 1024 ** 3

# The most of a console log the compute host reads (nova's 100 KiB).
MAX_CONSOLE_BYTES = 100 * 1024


def tail_log(output, length):
    """The last ``length`` lines of ``output`` (bytes), as nova cuts them:
    a length that is not a number gives nothing, 0 gives nothing and a
    negative length drops that many lines from the start."""
    try:
        length = int(length)
    except (TypeError, ValueError):
        length = 0
    if length == 0:
        return b''
    return b'\n'.join(output.split(b'\n')[-length:])


class ActionOperations:

    def _state_action(self, context, instance, event, do, vm_state):
        """Run ``do`` and move the server to ``vm_state`` with the guest's
        power state; notify ``instance.<event>.start/end``."""
        self._notify(context, 'instance.%s.start' % event, instance)
        with self._reverts_task_state(context, instance):
            do()
            instance = instance_obj.update(context, instance.uuid, {
                'vm_state': vm_state, 'task_state': None,
                'power_state': self.driver.get_power_state(instance)})
            self._notify(context, 'instance.%s.end' % event, instance)

    def _pause_instance(self, context, instance):
        self._state_action(context, instance, 'pause',
                           lambda: self.driver.pause(instance),
                           instance_obj.PAUSED)

    def _unpause_instance(self, context, instance):
        self._state_action(context, instance, 'unpause',
                           lambda: self.driver.unpause(instance),
                           instance_obj.ACTIVE)

    def _suspend_instance(self, context, instance):
        self._state_action(context, instance, 'suspend',
                           lambda: self.driver.suspend(instance),
                           instance_obj.SUSPENDED)

    def _resume_instance(self, context, instance):
        self._state_action(
            context, instance, 'resume',
            lambda: self.driver.resume(
                instance, self._block_device_info(context, instance)),
            instance_obj.ACTIVE)

    # -- soft delete and restore -----------------------------------------------

    def _soft_delete_instance(self, context, instance):
        def do():
            try:
                self.driver.soft_delete(instance)
            except NotImplementedError:
                self.driver.power_off(instance)
        self._notify(context, 'instance.soft_delete.start', instance)
        with self._reverts_task_state(context, instance):
            do()
            instance = instance_obj.update(context, instance.uuid, {
                'vm_state': instance_obj.SOFT_DELETED, 'task_state': None,
                'terminated_at': timeutils.utcnow(),
                'power_state': self.driver.get_power_state(instance)})
            self._notify(context, 'instance.soft_delete.end', instance)

    def _restore_instance(self, context, instance):
        def do():
            try:
                self.driver.restore(instance)
            except NotImplementedError:
                self.driver.power_on(
                    instance, self._block_device_info(context, instance))
        self._notify(context, 'instance.restore.start', instance)
        with self._reverts_task_state(context, instance):
            do()
            instance = instance_obj.update(context, instance.uuid, {
                'vm_state': instance_obj.ACTIVE, 'task_state': None,
                'power_state': self.driver.get_power_state(instance)})
            self._notify(context, 'instance.restore.end', instance)

    def reclaim_queued_deletes(self, context):
        """Delete this host's servers soft deleted longer ago than
        ``reclaim_instance_interval`` (nova's ``_reclaim_queued_deletes``)."""
        interval = self.conf.reclaim_instance_interval
        if interval <= 0:
            return []
        now = timeutils.utcnow()
        reclaimed = []
        for instance in instance_obj.get_by_host(context, self.host):
            if instance.vm_state != instance_obj.SOFT_DELETED or \
                    instance.task_state is not None:
                continue
            deleted_at = instance.deleted_at
            if deleted_at is None or \
                    (now - deleted_at).total_seconds() < interval:
                continue
            LOG.info('Reclaiming server %s, soft deleted at %s',
                     instance.uuid, deleted_at)
            try:
                self.terminate_instance(context, instance.uuid)
                reclaimed.append(instance.uuid)
            except Exception:
                LOG.exception('Reclaiming server %s failed', instance.uuid)
        return reclaimed

    # -- console output --------------------------------------------------------

    def _set_admin_password(self, context, instance, new_pass):
        """Set the guest's admin password; the driver's refusal (no guest
        agent, not supported, not implemented) reaches the caller with
        the task state cleared and a fault recorded, as nova's."""
        try:
            if self.driver.get_power_state(instance) != \
                    power_state.RUNNING:
                raise exception.InstancePasswordSetFailed(
                    instance=instance.uuid,
                    reason='instance %s is not running' % instance.uuid)
            self.driver.set_admin_password(instance, new_pass)
        except (exception.InstancePasswordSetFailed,
                exception.InstanceAgentNotEnabled,
                exception.SetAdminPasswdNotSupported,
                NotImplementedError) as error:
            self._password_failed(context, instance, error)
            raise
        except Exception as error:
            LOG.exception('Setting the admin password of server %s failed',
                          instance.uuid)
            failure = exception.InstancePasswordSetFailed(
                instance=instance.uuid, reason='error setting admin password')
            self._password_failed(context, instance, failure)
            raise failure from error
        LOG.info('Admin password set on server %s', instance.uuid)
        instance_obj.update(context, instance.uuid, {'task_state': None})

    def _password_failed(self, context, instance, error):
        instance_action.note_failure(error)
        instance_fault.create(context, instance_fault.fault_values(
            instance.uuid, error, host=self.host))
        instance_obj.update(context, instance.uuid, {'task_state': None})

    def _get_console_output(self, context, instance, tail_length=None):
        output = self.driver.get_console_output(instance)
        if isinstance(output, str):
            output = output.encode('latin-1', 'replace')
        if tail_length is not None:
            output = tail_log(output, tail_length)
        return output.decode('ascii', 'replace')

    # -- rebuild ---------------------------------------------------------------

    def _rebuild_instance(self, context, instance, image_ref,
                          admin_password=None, preserve_ephemeral=False,
                          reimage_boot_volume=False):
        """Destroy the guest and spawn it again from the server's (new)
        image, with every attached volume, multiattach ones included."""
        if instance.task_state != _REBUILDING:
            LOG.info('Server %s is no longer rebuilding (%s)', instance.uuid,
                     instance.task_state)
            return
        was_stopped = instance.vm_state == instance_obj.STOPPED
        self._notify(context, 'instance.rebuild.start', instance)
        try:
            instance = instance_obj.update(context, instance.uuid, {
                'task_state': _REBUILD_SPAWNING},
                expected_task_state=[_REBUILDING])
            if reimage_boot_volume:
                self._reimage_root_volume(context, instance, image_ref)
            block_device_info = self._block_device_info(context, instance)
            self.driver.rebuild(instance, block_device_info,
                                preserve_ephemeral=preserve_ephemeral)
            if was_stopped:
                self.driver.power_off(instance)
            instance = instance_obj.update(context, instance.uuid, {
                'vm_state': instance_obj.STOPPED if was_stopped
                else instance_obj.ACTIVE,
                'task_state': None, 'progress': 0,
                'power_state': self.driver.get_power_state(instance),
                'launched_at': timeutils.utcnow()},
                expected_task_state=[_REBUILD_SPAWNING])
            self._notify(context, 'instance.rebuild.end', instance)
        except exception.InstanceInvalidState:
            LOG.info('Server %s changed state during its rebuild (deleted?)',
                     instance.uuid)
        except Exception as error:
            LOG.exception('Rebuild of server %s failed', instance.uuid)
            self._set_error(context, instance, error)
            self._notify(context, 'instance.rebuild.error', instance,
                         values={'vm_state': instance_obj.ERROR,
                                 'task_state': None}, error=error)

    # -- volume-backed rebuild: the root volume re-imaged --------------------

    def _reimage_root_volume(self, context, instance, image_ref):
        """Re-image the root volume with ``image_ref`` (2.93): a new
        reserved attachment replaces the old one, the root disk leaves the
        guest, the block storage writes the image and says so with the
        ``volume-reimaged`` event, then the root volume is connected again.
        The other volumes stay attached."""
        bdms = bdm_obj.get_by_instance(context, instance.uuid)
        roots = [b for b in bdms if b.boot_index == 0 and b.volume_id]
        if not roots:
            return
        root = roots[0]
        failed = 'Failed to rebuild volume backed instance.'
        try:
            new_id = self.volume_api.attachment_create(
                context, root.volume_id, instance.uuid)['id']
        except Exception:
            LOG.exception('Failed to create a new attachment of volume %s',
                          root.volume_id)
            raise exception.BuildAbortException(instance_uuid=instance.uuid,
                                                reason=failed)
        self._detach_root_volume(context, instance, root)
        old_id = root.attachment_id
        bdm_obj.update(context, root.id, {'attachment_id': new_id,
                                          'connection_info': None})
        root.attachment_id, root.connection_info = new_id, None
        try:
            self.volume_api.attachment_delete(context, old_id)
        except Exception:
            LOG.exception('Failed to delete old attachment %s', old_id)
            raise exception.BuildAbortException(instance_uuid=instance.uuid,
                                                reason=failed)
        try:
            image = image_api.get(self.conf, context, image_ref)
        except exception.ImageNotFound:
            raise exception.BuildAbortException(
                instance_uuid=instance.uuid,
                reason='Image %s not found.' % image_ref)
        # Per started GiB of the image; an image of no known size (a
        # catalog entry without a file) counts as one.
        timeout = self.conf.reimage_timeout_per_gb * max(1, int(
            math.ceil(float(image.size or 0) / GiB)))
        waiter = EVENTS.prepare(instance.uuid, VOLUME_REIMAGED,
                                root.volume_id)
        try:
            self.volume_api.reimage_volume(context, root.volume_id,
                                           image_ref, reimage_reserved=True)
            status = waiter.wait(timeout)
            if status is None:
                raise exception.NovaLiteException(
                    'Timeout waiting for %s-%s for instance %s' % (
                        VOLUME_REIMAGED, root.volume_id, instance.uuid))
            if status == 'failed':
                raise exception.NovaLiteException(
                    'Cinder reported failure during reimaging with %s for '
                    'instance %s' % (VOLUME_REIMAGED, instance.uuid))
        except Exception as error:
            LOG.error('Failed to rebuild volume backed instance %s: %s',
                      instance.uuid, error)
            raise exception.BuildAbortException(instance_uuid=instance.uuid,
                                                reason=failed)
        finally:
            EVENTS.forget(instance.uuid, VOLUME_REIMAGED, root.volume_id)
        info = self._connect(context, instance, root)
        bdm_obj.update(context, root.id,
                       {'connection_info': jsonutils.dumps(info)})
        self.volume_api.attachment_complete(context, new_id)

    def _detach_root_volume(self, context, instance, root):
        info = jsonutils.loads(root.connection_info) \
            if root.connection_info else {}
        if not info:
            return
        self.driver.detach_volume(
            instance, info, root.device_name,
            disconnect_host=self._should_disconnect(context, instance, root,
                                                    info))

    # -- server external events (delivered without the server's lock) ------

    def external_instance_event(self, context, events):
        """Events the compute API accepted for servers of this host:
        ``[{'instance_uuid', 'name', 'status', 'tag'}]``."""
        for event in events:
            name = event.get('name')
            uuid = event.get('instance_uuid')
            try:
                if name == 'volume-extended':
                    self._volume_extended(context, uuid, event.get('tag'))
                elif name == 'power-update':
                    self._power_update(context, uuid, event.get('tag'))
                else:
                    EVENTS.pop(uuid, name, event.get('tag'),
                               event.get('status') or 'completed')
            except Exception:
                LOG.exception('Processing event %s for server %s failed',
                              name, uuid)

    def _volume_extended(self, context, instance_uuid, volume_id):
        volume = self.volume_api.get(context, volume_id)
        size = volume['size'] if isinstance(volume, dict) else volume.size
        for bdm in bdm_obj.get_by_instance(context, instance_uuid):
            if bdm.volume_id == volume_id:
                bdm_obj.update(context, bdm.id, {'volume_size': size})
                LOG.info('Volume %s of server %s is now %s GiB', volume_id,
                         instance_uuid, size)

    def _power_update(self, context, instance_uuid, tag):
        """The guest was powered on or off outside of nova (POWER_ON,
        POWER_OFF): an idle server that is ACTIVE and running (for
        POWER_OFF) or STOPPED and shut down (for POWER_ON) takes the other
        state; anything else is a no-op, as in nova."""
        moves = {'POWER_ON': ((instance_obj.STOPPED, power_state.SHUTDOWN),
                              (instance_obj.ACTIVE, power_state.RUNNING)),
                 'POWER_OFF': ((instance_obj.ACTIVE, power_state.RUNNING),
                               (instance_obj.STOPPED, power_state.SHUTDOWN))}
        if tag not in moves:
            LOG.info('Ignoring power-update %s of server %s', tag,
                     instance_uuid)
            return
        (vm_from, power_from), (vm_to, power_to) = moves[tag]
        instance = instance_obj.get_by_uuid(context, instance_uuid)
        if instance.task_state is not None or \
                instance.vm_state != vm_from or \
                instance.power_state != power_from:
            LOG.info('The power-update %s event for instance %s is a no-op '
                     'since the instance is in vm_state %s, task_state %s '
                     'and power_state %s.', tag, instance_uuid,
                     instance.vm_state, instance.task_state,
                     instance.power_state)
            return
        try:
            instance_obj.update(context, instance_uuid, {
                'vm_state': vm_to, 'power_state': power_to},
                expected_task_state=[None], expected_vm_state=[vm_from])
        except exception.InstanceInvalidState:
            LOG.info('Server %s changed; power-update %s ignored',
                     instance_uuid, tag)
