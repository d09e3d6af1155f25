"""Server actions of the compute API: lock, pause, suspend, reset state,
soft delete and restore, console output and rebuild.

A mixin of :class:`nova_lite.compute.api.API`: state checks are nova's
(``check_instance_lock``, ``check_instance_state``, ``check_instance_host``),
the task state is set in the server's cell before the work is cast to its
compute host, and each action is recorded under nova's action name
(``os-instance-actions``).
"""

import logging

from oslo_utils import timeutils

from nova_lite.compute import checks
from nova_lite.compute import image_meta
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.image import glance as image_api
from nova_lite import notifications
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import keypair as keypair_obj

LOG = logging.getLogger(__name__)

# nova's task states of these actions.
PAUSING = 'pausing'
UNPAUSING = 'unpausing'
SUSPENDING = 'suspending'
RESUMING = 'resuming'
REBUILDING = 'rebuilding'
SOFT_DELETING = 'soft-deleting'
RESTORING = 'restoring'
UPDATING_PASSWORD = 'updating_password'

# nova's instance action names (nova/compute/instance_actions.py).
ACTION_LOCK = 'lock'
ACTION_UNLOCK = 'unlock'
ACTION_PAUSE = 'pause'
ACTION_UNPAUSE = 'unpause'
ACTION_SUSPEND = 'suspend'
ACTION_RESUME = 'resume'
ACTION_REBUILD = 'rebuild'
ACTION_RESTORE = 'restore'
ACTION_RESET_STATE = 'resetState'
ACTION_DELETE = 'delete'
ACTION_CHANGE_PASSWORD = 'changePassword'

ALLOW_REBUILD = (instance_obj.ACTIVE, instance_obj.STOPPED,
                 instance_obj.ERROR)


def record_action(context, instance, cell, action):
    """Record the start of ``action`` (nova's name) on a server placed in
    ``cell``; a server still being built has no actions to record yet."""
    if cell is None:
        return
    instance_action.record_action(context, instance.uuid, action, cell=cell)


def get_keypair(context, user_id, name):
    """The key pair ``name`` of ``user_id``; KeypairNotFound when there is
    none."""
    return keypair_obj.get_by_name(context, user_id, name)


class ServerActionsAPI:
    """Mixed into the compute API; uses its ``_start_task``, ``compute``
    (compute rpcapi), ``volume_api`` and ``update``."""

    # -- lock --------------------------------------------------------------------

    def lock(self, context, instance, cell, reason=None):
        is_owner = instance.project_id == context.project_id
        if instance.locked and is_owner:
            return instance
        values = {'locked': True,
                  'locked_by': 'owner' if is_owner else 'admin'}
        if reason:
            values['locked_reason'] = reason
        instance = self._api_event(context, instance, cell, ACTION_LOCK,
                                   values)
        notifications.notify('instance.lock', instance.uuid)
        return instance

    def _api_event(self, context, instance, cell, action, values):
        """Record ``action`` and its ``api_<action>`` event around the
        change of ``values``, as nova records lock and unlock."""
        if cell is None:
            return self.update(context, instance, cell, values)
        ctxt = context.elevated()
        record_action(ctxt, instance, cell, action)
        cctxt = nl_context.target_cell(ctxt, cell)
        with instance_action.event(cctxt, instance.uuid, 'api_' + action):
            return self.update(context, instance, cell, values)

    @staticmethod
    def is_expected_locked_by(context, instance):
        """False when the server was locked by the other kind of user
        (owner vs admin) than the caller."""
        expected = 'owner' if instance.project_id == context.project_id \
            else 'admin'
        return not instance.locked_by or instance.locked_by == expected

    def unlock(self, context, instance, cell):
        instance = self._api_event(
            context, instance, cell, ACTION_UNLOCK,
            {'locked': False, 'locked_by': None, 'locked_reason': None})
        notifications.notify('instance.unlock', instance.uuid)
        return instance

    # -- pause and suspend -------------------------------------------------------

    def _simple_action(self, context, instance, cell, method, task_state,
                       vm_states, action, rpc_method):
        self._start_task(context, instance, cell, method, task_state,
                         vm_states=vm_states, action=action)
        getattr(self.compute, rpc_method)(context, instance.host,
                                          instance.uuid, cell=cell)

    def pause(self, context, instance, cell):
        self._simple_action(context, instance, cell, 'pause', PAUSING,
                            (instance_obj.ACTIVE,), ACTION_PAUSE,
                            'pause_instance')

    def unpause(self, context, instance, cell):
        self._simple_action(context, instance, cell, 'unpause', UNPAUSING,
                            (instance_obj.PAUSED,), ACTION_UNPAUSE,
                            'unpause_instance')

    def suspend(self, context, instance, cell):
        self._simple_action(context, instance, cell, 'suspend', SUSPENDING,
                            (instance_obj.ACTIVE,), ACTION_SUSPEND,
                            'suspend_instance')

    def resume(self, context, instance, cell):
        self._simple_action(context, instance, cell, 'resume', RESUMING,
                            (instance_obj.SUSPENDED,), ACTION_RESUME,
                            'resume_instance')

    # -- admin password and network info ----------------------------------

    def set_admin_password(self, context, instance, cell, password):
        """changePassword: the compute host sets the password in the
        guest (a call, so that the driver's refusal reaches the caller)."""
        self._start_task(context, instance, cell, 'changePassword',
                         UPDATING_PASSWORD, vm_states=(instance_obj.ACTIVE,),
                         action=ACTION_CHANGE_PASSWORD)
        self.compute.set_admin_password(context, instance.host,
                                        instance.uuid, password, cell=cell)

    def inject_network_info(self, context, instance, cell):
        """injectNetworkInfo: a cast to the server's host, as nova's (no
        instance action is recorded)."""
        checks.check_lock(context, instance)
        if instance.host and cell is not None:
            self.compute.inject_network_info(context, instance.host,
                                             instance.uuid, cell=cell)

    # -- reset state ---------------------------------------------------------------

    def reset_state(self, context, instance, cell, vm_state):
        """Set the vm state (active or error) and clear the task state;
        no lock or state check, as nova's admin action."""
        record_action(context, instance, cell, ACTION_RESET_STATE)
        return self.update(context, instance, cell,
                           {'vm_state': vm_state, 'task_state': None})

    # -- soft delete -----------------------------------------------------------------

    def soft_delete(self, context, instance, cell):
        """DELETE with ``reclaim_instance_interval``: the server is powered
        off and kept SOFT_DELETED until reclaimed or restored.

        InstanceInvalidState for a server that never ran (the caller then
        deletes it for good, as nova does); InstanceIsLocked is one too.
        """
        checks.check_lock(context, instance)
        checks.check_state(instance, 'soft_delete', vm_states=None,
                           task_states=None, must_have_launched=True)
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method='soft_delete')
        record_action(context, instance, cell, ACTION_DELETE)
        cctxt = nl_context.target_cell(context, cell)
        now = timeutils.utcnow()
        if instance.host and self._host_is_up(cctxt, instance.host):
            instance_obj.update(cctxt, instance.uuid, {
                'task_state': SOFT_DELETING, 'deleted_at': now,
                'progress': 0})
            self.compute.soft_delete_instance(context, instance.host,
                                              instance.uuid, cell=cell)
        else:
            instance_obj.update(cctxt, instance.uuid, {
                'vm_state': instance_obj.SOFT_DELETED, 'task_state': None,
                'deleted_at': now, 'terminated_at': now, 'progress': 0})
        cell_mapping.queue_instance_for_delete(context, instance.uuid)

    def restore(self, context, instance, cell):
        checks.check_lock(context, instance)
        checks.check_state(instance, 'restore',
                           vm_states=(instance_obj.SOFT_DELETED,))
        record_action(context, instance, cell, ACTION_RESTORE)
        cctxt = nl_context.target_cell(context, cell)
        try:
            if instance.host:
                instance_obj.update(
                    cctxt, instance.uuid,
                    {'task_state': RESTORING, 'deleted_at': None},
                    expected_task_state=[None])
                self.compute.restore_instance(context, instance.host,
                                              instance.uuid, cell=cell)
            else:
                instance_obj.update(
                    cctxt, instance.uuid,
                    {'vm_state': instance_obj.ACTIVE, 'task_state': None,
                     'deleted_at': None}, expected_task_state=[None])
        except exception.InstanceInvalidState as e:
            raise exception.InstanceInvalidState(
                attr=e.kwargs['attr'], instance_uuid=instance.uuid,
                state=e.kwargs['state'], method='restore')
        cell_mapping.unqueue_instance_for_delete(context, instance.uuid)

    def force_delete(self, context, instance, cell):
        checks.check_lock(context, instance)
        checks.check_state(instance, 'force_delete', vm_states=None,
                           task_states=(None,), must_have_launched=False)
        self.delete(context, instance, cell)

    # -- console output ------------------------------------------------------------

    def get_console_output(self, context, instance, cell, tail_length=None):
        if not instance.host or cell is None:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return self.compute.get_console_output(
            context, instance.host, instance.uuid, tail_length, cell=cell)

    # -- rebuild -----------------------------------------------------------------------

    def rebuild(self, context, instance, cell, image_href, admin_password,
                reimage_boot_volume=False, **kwargs):
        """Rebuild the server from ``image_href`` with the changed
        attributes in ``kwargs`` (display_name, display_description,
        metadata, access_ip_v4/v6, auto_disk_config, key_name, user_data,
        hostname, preserve_ephemeral, trusted_certs)."""
        checks.check_lock(context, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method='rebuild')
        checks.check_state(instance, 'rebuild', vm_states=ALLOW_REBUILD)
        if not instance.host:
            raise exception.InstanceInvalidState(
                attr='host', instance_uuid=instance.uuid, state=None,
                method='rebuild')
        values = {}
        if 'key_name' in kwargs:
            key_name = kwargs.pop('key_name')
            values['key_name'], values['key_data'] = None, None
            if key_name:
                pair = get_keypair(context, context.user_id, key_name)
                values['key_name'] = pair.name
                values['key_data'] = pair.public_key
        trusted_certs = kwargs.pop('trusted_certs', None)
        preserve_ephemeral = bool(kwargs.pop('preserve_ephemeral', False))
        image = image_api.get(self.conf, context, image_href)
        # As nova: the system metadata describes the new image.
        values['system_metadata'] = image_meta.rebuilt_system_metadata(
            instance.system_metadata, image, image_href,
            (instance.flavor or {}).get('root_gb') or 0)
        cctxt = nl_context.target_cell(context, cell)
        bdms = bdm_obj.get_by_instance(cctxt, instance.uuid)
        root = [b for b in bdms if b.boot_index == 0 and b.volume_id]
        volume_backed = bool(root) or not instance.image_ref
        if volume_backed:
            if trusted_certs:
                raise exception.CertificateValidationFailed(
                    message='Image certificate validation is not supported '
                            'for volume-backed servers.')
            orig_image_ref = None
            if root:
                volume = self.volume_api.get(context, root[0].volume_id)
                orig_image_ref = (_field(volume, 'volume_image_metadata')
                                  or {}).get('image_id')
            if orig_image_ref != image_href and not reimage_boot_volume:
                raise exception.ImageUnacceptable(
                    image_id=image_href,
                    reason='Unable to rebuild with a different image for a '
                           'volume-backed server.')
        else:
            values['image_ref'] = image_href
        # Every volume must be attached (in-use), as nova checks before a
        # rebuild: the compute host makes new attachments of them.
        for bdm in bdms:
            if bdm.volume_id:
                check_attached(self.volume_api.get(context, bdm.volume_id),
                               bdm.volume_id)
        values.update(kwargs)
        values.update({'task_state': REBUILDING, 'progress': 0})
        try:
            instance_obj.update(cctxt, instance.uuid, values,
                                expected_task_state=[None],
                                expected_vm_state=list(ALLOW_REBUILD))
        except exception.InstanceInvalidState as e:
            raise exception.InstanceInvalidState(
                attr=e.kwargs['attr'], instance_uuid=instance.uuid,
                state=e.kwargs['state'], method='rebuild')
        record_action(context, instance, cell, ACTION_REBUILD)
        self.compute.rebuild_instance(
            context, instance.host, instance.uuid, image_href,
            admin_password=admin_password,
            preserve_ephemeral=preserve_ephemeral,
            reimage_boot_volume=bool(reimage_boot_volume and volume_backed),
            cell=cell)
        return instance_obj.get_by_uuid(cctxt, instance.uuid)


def check_attached(volume, volume_id):
    status = _field(volume, 'status')
    if status != 'in-use':
        raise exception.InvalidVolume(
            reason="volume '%s' status must be 'in-use'. Currently in '%s' "
                   "status" % (volume_id, status))


def _field(record, name):
    if isinstance(record, dict):
        return record.get(name)
    return getattr(record, name, None)
