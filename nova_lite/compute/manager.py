"""The compute RPC endpoint: drives the virt driver for this host's servers.

Each call works on one server under a per-server lock; state lives in this
host's cell database. Failures put the server in a definite state: ERROR
with a fault for a failed build, and for other actions the task state is
cleared and a fault recorded.
"""

import contextlib
import functools
import logging
import time

from oslo_concurrency import lockutils
import oslo_messaging as messaging
from oslo_utils import timeutils

from nova_lite.compute import action_ops
from nova_lite.compute import host_ops
from nova_lite.compute import move_ops
from nova_lite.compute import moves_api
from nova_lite.compute import power_state
from nova_lite.compute import recovery
from nova_lite.compute import repair_ops
from nova_lite.compute import snapshot_ops
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import volume_ops
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite import notifications
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import instance_fault
from nova_lite.virt import driver as virt_driver
from nova_lite.volume import cinder

LOG = logging.getLogger(__name__)

# What a server that failed its build or delete has become.
_ERROR_VALUES = {'vm_state': instance_obj.ERROR, 'task_state': None}


def _locked_instance(func):
    """Run under the server's lock with the server loaded from the cell."""
    @functools.wraps(func)
    def wrapper(self, context, instance_uuid, **kwargs):
        with lockutils.lock('instance-%s' % instance_uuid):
            try:
                instance = instance_obj.get_by_uuid(context, instance_uuid)
            except exception.InstanceNotFound:
                LOG.info('Server %s is gone; ignoring %s', instance_uuid,
                         func.__name__)
                return None
            return func(self, context, instance, **kwargs)
    return wrapper


class ComputeManager(recovery.HostRecovery, volume_ops.VolumeOperations,
                     host_ops.HostOperations,
                     action_ops.ActionOperations,
                     repair_ops.RepairOperations,
                     move_ops.MoveOperations,
                     snapshot_ops.SnapshotOperations):
    target = messaging.Target(version='1.9')

    def __init__(self, conf, driver=None, host=None):
        self.conf = conf
        self.host = host or conf.host
        instance_obj.set_name_template(conf)
        self.driver = driver or virt_driver.load_compute_driver(conf)
        self.conductor_rpcapi = conductor_rpcapi.ConductorAPI(conf)
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(conf)
        self.volume_api = cinder.API(conf)
        self.notifier = notifications.Notifier(conf, self.host)
        self.service_ref = None
        self._last_volume_check = time.monotonic()

    # -- lifecycle -----------------------------------------------------------

    def init_host(self, service_ref):
        self.service_ref = service_ref
        self.driver.init_host(self.host)
        try:
            self.destroy_evacuated_instances(nl_context.get_admin_context())
        except Exception:
            LOG.exception('Could not clean up the servers evacuated from '
                          'this host')
        self.recover_host(nl_context.get_admin_context())
        self.refresh_resources_if_due(nl_context.get_admin_context())

    def cleanup_host(self):
        self.driver.cleanup_host(self.host)

    def periodic_tasks(self, context):
        """Run by the service every ``report_interval``, in a thread of
        its own."""
        self.refresh_resources_if_due(context)
        if self.conf.reclaim_instance_interval > 0:
            self.reclaim_queued_deletes(context)
        if self.conf.shelved_offload_time > 0:
            self.offload_shelved_instances(context)
        timeout = self.conf.compute.volume_operation_timeout
        if timeout <= 0 or time.monotonic() - self._last_volume_check < \
                min(60.0, timeout / 2.0):
            return
        self._last_volume_check = time.monotonic()
        self.reclaim_stale_volume_operations(context)

    # -- helpers -------------------------------------------------------------

    def _set_error(self, context, instance, error):
        instance_action.note_failure(error)
        instance_fault.create(context, instance_fault.fault_values(
            instance.uuid, error, host=self.host))
        instance_obj.update(context, instance.uuid, {
            'vm_state': instance_obj.ERROR, 'task_state': None})

    @contextlib.contextmanager
    def _reverts_task_state(self, context, instance):
        try:
            yield
        except Exception as error:
            LOG.exception('Action on server %s failed', instance.uuid)
            instance_action.note_failure(error)
            instance_fault.create(context, instance_fault.fault_values(
                instance.uuid, error, host=self.host))
            instance_obj.update(context, instance.uuid, {'task_state': None})

    def _block_device_info(self, context, instance):
        return self.block_device_info(context, instance)

    # -- build and delete ----------------------------------------------------

    @instance_action.wrap_instance_event(
        'compute', method='_do_build_and_run_instance')
    @_locked_instance
    def build_and_run_instance(self, context, instance, alternates=None):
        if instance.task_state == instance_obj.DELETING:
            return
        try:
            values = {'task_state': instance_obj.SPAWNING,
                      'host': self.host, 'node': self.host}
            if self.conf.force_config_drive and not instance.config_drive:
                # As nova: the server shows the drive it was given.
                values['config_drive'] = 'True'
            instance = instance_obj.update(
                context, instance.uuid, values,
                expected_task_state=[instance_obj.SCHEDULING, None])
            block_device_info = self.prep_block_devices(context, instance)
            self.driver.spawn(instance, block_device_info)
            instance = instance_obj.update(context, instance.uuid, {
                'vm_state': instance_obj.ACTIVE, 'task_state': None,
                'power_state': power_state.RUNNING,
                'launched_at': timeutils.utcnow()},
                expected_task_state=[instance_obj.SPAWNING])
            self._notify(context, 'instance.create.end', instance)
        except exception.InstanceInvalidState:
            LOG.info('Server %s changed state during its build (deleted?)',
                     instance.uuid)
        except Exception as error:
            LOG.exception('Build of server %s failed', instance.uuid)
            if alternates and not isinstance(
                    error, exception.BuildAbortException):
                self._reschedule(context, instance, alternates, error)
                return
            instance_action.note_failure(error)
            if not isinstance(error, exception.BuildAbortException):
                error = exception.BuildAbortException(
                    instance_uuid=instance.uuid,
                    reason=getattr(error, 'message', None) or str(error)
                    or type(error).__name__)
            self._abort_volumes(context, instance)
            self._set_error(context, instance, error)
            self._notify(context, 'instance.create.error', instance,
                         values=_ERROR_VALUES, error=error)

    def _abort_volumes(self, context, instance):
        """A failed build keeps no host connection and no attachment; the
        volumes marked delete_on_termination are deleted, as nova does."""
        bdms = bdm_obj.get_by_instance(context, instance.uuid)
        self.cleanup_volumes(
            context, instance, bdms,
            destroy_guest=lambda info: self.driver.destroy(instance, info))
        for bdm in bdms:
            if bdm.volume_id:
                values = {'attachment_id': None, 'connection_info': None}
                if bdm.delete_on_termination:
                    values['volume_id'] = None
                bdm_obj.update(context, bdm.id, values)

    def _reschedule(self, context, instance, alternates, error):
        """Hand a failed build back to the conductor of this cell."""
        # The next host connects with fresh attachments.
        self.release_host(context, instance)
        try:
            instance_obj.update(context, instance.uuid, {
                'task_state': instance_obj.SCHEDULING, 'host': None,
                'node': None}, expected_task_state=[instance_obj.SPAWNING])
        except exception.InstanceInvalidState:
            return
        reason = getattr(error, 'message', None) or str(error) or \
            type(error).__name__
        LOG.info('Rescheduling the build of server %s: %s', instance.uuid,
                 reason)
        self.conductor_rpcapi.reschedule_build_instance(
            context, instance.uuid, list(alternates), reason)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def terminate_instance(self, context, instance):
        self._terminate(context, instance)

    def _terminate(self, context, instance):
        bdms = bdm_obj.get_by_instance(context, instance.uuid)
        try:
            self.cleanup_volumes(
                context, instance, bdms, strict=True,
                destroy_guest=lambda info: self.driver.destroy(instance,
                                                               info))
        except Exception as error:
            # Deleting the server now would leak its attachments: it stays,
            # in ERROR with the fault; deleting it again finishes the job.
            self._set_error(context, instance, error)
            self._notify(context, 'instance.delete.error', instance,
                         values=_ERROR_VALUES, error=error)
            return
        kept = self.moves_keeping_disks(context, instance.uuid)
        moves_api.drop_kept_attachments(context, self.volume_api,
                                        instance.uuid)
        instance_obj.destroy(context, instance.uuid)
        self.release_kept_disks(context, instance.uuid, kept)
        LOG.info('Server %s deleted', instance.uuid)
        self._notify(context, 'instance.delete.end', instance,
                     values=notifications.deleted_values())

    # -- power -----------------------------------------------------------------

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def stop_instance(self, context, instance):
        with self._reverts_task_state(context, instance):
            self.driver.power_off(instance)
            instance_obj.update(context, instance.uuid, {
                'vm_state': instance_obj.STOPPED, 'task_state': None,
                'power_state': self.driver.get_power_state(instance)})

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def start_instance(self, context, instance):
        with self._reverts_task_state(context, instance):
            self.driver.power_on(
                instance, self._block_device_info(context, instance))
            # Unshelved before its offload: its stored image goes.
            self._forget_shelved_image(context, instance)
            instance_obj.update(context, instance.uuid, {
                'vm_state': instance_obj.ACTIVE, 'task_state': None,
                'power_state': self.driver.get_power_state(instance)})

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def reboot_instance(self, context, instance, reboot_type):
        with self._reverts_task_state(context, instance):
            self.driver.reboot(instance, reboot_type,
                               self._block_device_info(context, instance))
            instance_obj.update(context, instance.uuid, {
                'vm_state': instance_obj.ACTIVE, 'task_state': None,
                'power_state': self.driver.get_power_state(instance)})

    # -- shelve ------------------------------------------------------------------

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def shelve_instance(self, context, instance, image_id=None):
        with self._reverts_task_state(context, instance):
            self._shelve(context, instance, image_id)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def shelve_offload_instance(self, context, instance):
        with self._reverts_task_state(context, instance):
            self._offload(context, instance)

    def _offload(self, context, instance):
        # As nova: the volumes stay reserved for the server, unconnected.
        self.release_host(context, instance)
        instance_obj.update(context, instance.uuid, {
            'vm_state': instance_obj.SHELVED_OFFLOADED, 'task_state': None,
            'power_state': power_state.SHUTDOWN, 'host': None,
            'node': None})

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def unshelve_instance(self, context, instance, image_id=None):
        """Boot the offloaded server here: from the image its shelve
        stored (``image_id``), which is deleted once the guest runs, or
        from its volumes."""
        try:
            instance = instance_obj.update(context, instance.uuid, {
                'task_state': instance_obj.SPAWNING, 'host': self.host,
                'node': self.host})
            block_device_info = self.prep_block_devices(context, instance)
            image_ref = instance.image_ref
            if image_id:
                # The driver builds the root disk from the stored image.
                instance.image_ref = image_id
            try:
                self.driver.spawn(instance, block_device_info)
                if image_id:
                    self.driver.flatten_root_disk(instance)
            finally:
                instance.image_ref = image_ref
        except Exception as error:
            LOG.exception('Unshelve of server %s failed', instance.uuid)
            instance_action.note_failure(error)
            self.release_host(context, instance)
            instance_fault.create(context, instance_fault.fault_values(
                instance.uuid, error, host=self.host))
            instance_obj.update(context, instance.uuid, {
                'vm_state': instance_obj.SHELVED_OFFLOADED,
                'task_state': None, 'host': None, 'node': None})
            return
        # As nova: the stored image goes before the server is ACTIVE.
        self._forget_shelved_image(context, instance)
        instance_obj.update(context, instance.uuid, {
            'vm_state': instance_obj.ACTIVE, 'task_state': None,
            'power_state': power_state.RUNNING})

    # -- snapshots (1.7) -------------------------------------------------------

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def snapshot_instance(self, context, instance, image_id):
        self._snapshot_instance(context, instance, image_id)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def backup_instance(self, context, instance, image_id, backup_type,
                        rotation):
        self._backup_instance(context, instance, image_id, backup_type,
                              rotation)

    # -- pause, suspend, soft delete, console output, rebuild (1.3) ----------

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def pause_instance(self, context, instance):
        self._pause_instance(context, instance)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def unpause_instance(self, context, instance):
        self._unpause_instance(context, instance)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def suspend_instance(self, context, instance):
        self._suspend_instance(context, instance)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def resume_instance(self, context, instance):
        self._resume_instance(context, instance)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def soft_delete_instance(self, context, instance):
        self._soft_delete_instance(context, instance)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def restore_instance(self, context, instance):
        self._restore_instance(context, instance)

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def rebuild_instance(self, context, instance, image_ref,
                         admin_password=None, preserve_ephemeral=False,
                         reimage_boot_volume=False):
        self._rebuild_instance(
            context, instance, image_ref, admin_password=admin_password,
            preserve_ephemeral=preserve_ephemeral,
            reimage_boot_volume=reimage_boot_volume)

    def get_console_output(self, context, instance_uuid, tail_length=None):
        # A read: no need to wait for the server's lock.
        instance = instance_obj.get_by_uuid(context, instance_uuid)
        return self._get_console_output(context, instance, tail_length)

    # -- admin password, network info (1.8) ---------------------------------

    @instance_action.wrap_instance_event('compute')
    @_locked_instance
    def set_admin_password(self, context, instance, new_pass):
        self._set_admin_password(context, instance, new_pass)

    def inject_network_info(self, context, instance_uuid):
        # As nova's drivers without an injection: nothing reaches the
        # guest, whose network comes from the network service.
        LOG.debug('Network information of server %s left as it is',
                  instance_uuid)
