"""Compute manager side of pause, suspend, soft delete and restore, console
output and rebuild, and the periodic reclaim of soft-deleted servers.

Mixed into :class:`nova_lite.compute.manager.ComputeManager`; each RPC
method runs under the server's lock with the server read from this host's
cell (the manager's ``locked_instance`` decorator). A failed action clears
the task state and records a fault, as the other actions do.
"""

import logging

from oslo_utils import timeutils

from nova_lite import exception
from nova_lite.objects import instance as instance_obj

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
