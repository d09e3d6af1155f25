"""What a compute host does on start about the work a previous run of it
left half done (nova's ``init_host``/``_init_instance``), and the
reconciliation of its servers' volume attachments with block storage and
with the virt driver.

Task states are handled as nova does: an interrupted delete is completed,
an interrupted build (or spawn) puts the server in ERROR, an interrupted
stop or start is retried, a reboot is cleared when the guest runs and
retried otherwise, and other task states are cleared.

Then, for each server of this host, its block device mappings are compared
with the block storage's attachments of the server and with the disks its
guest has:

* a mapping whose attachment is gone from block storage is removed (and
  the disk unplugged if the guest still has it), as nova's
  ``_delete_dangling_bdms`` does;
* an attachment of the server that no mapping refers to is deleted;
* an attach that never completed (attachment ``reserved`` or
  ``attaching``) is rolled back: disk unplugged, attachment deleted,
  mapping removed, a fault recorded;
* a detach interrupted after the disk was unplugged is completed;
* a detach interrupted before that (the volume still ``detaching``) is
  rolled back: the volume goes back to ``in-use``, a fault is recorded;
* a connected mapping whose disk the running guest lost is plugged again.

``nova-lite-manage volume_attachment audit --fix`` asks for the same
comparison of one server (:meth:`HostRecovery.reconcile_volumes`), limited
to what last changed before a given time, so that an operation still under
way is left alone.

While it runs, a compute service also rolls back, once they are older than
``[compute] volume_operation_timeout``, the attaches reserved for its
servers that it was never asked to start and the volumes of its servers
left ``detaching`` with no detach under way: the request that would have
done either was lost, in a restart of the message broker say.
"""

import datetime
import logging

from oslo_concurrency import lockutils
from oslo_utils import timeutils

from nova_lite.compute import power_state
from nova_lite.compute import volume_ops
from nova_lite import exception
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj

LOG = logging.getLogger(__name__)

SPAWN_TASK_STATES = (instance_obj.SCHEDULING,
                     instance_obj.BLOCK_DEVICE_MAPPING,
                     instance_obj.NETWORKING, instance_obj.SPAWNING)
REBOOT_TASK_STATES = (instance_obj.REBOOTING, instance_obj.REBOOT_PENDING,
                      instance_obj.REBOOT_STARTED,
                      instance_obj.REBOOTING_HARD,
                      instance_obj.REBOOT_PENDING_HARD,
                      instance_obj.REBOOT_STARTED_HARD)


class HostRecovery:
    """Mixed into :class:`nova_lite.compute.manager.ComputeManager`."""

    def recover_host(self, context):
        """Run once on start, before the RPC server takes requests."""
        summary = {'servers': 0, 'removed': 0, 'rolled_back': 0,
                   'completed': 0, 'replugged': 0, 'deleted_attachments': 0}
        self._block_storage_down = False
        for inst in instance_obj.get_by_host(context, self.host):
            summary['servers'] += 1
            try:
                if self._init_instance(context, inst) and \
                        not self._block_storage_down:
                    with lockutils.lock('instance-%s' % inst.uuid):
                        self._reconcile_volumes(context, inst.uuid, summary)
            except Exception:
                LOG.exception('Could not recover server %s on start',
                              inst.uuid)
        LOG.info('Reconciled the volume attachments of %(servers)d servers: '
                 '%(removed)d stale mappings removed, %(rolled_back)d '
                 'interrupted attaches or detaches rolled back, '
                 '%(completed)d interrupted detaches completed, '
                 '%(replugged)d disks plugged again, %(deleted_attachments)d '
                 'unknown attachments deleted', summary)
        return summary

    # -- task states ---------------------------------------------------------

    def _init_instance(self, context, inst):
        """Clear or finish the task of ``inst``; True when its volumes are
        to be reconciled."""
        if inst.task_state == instance_obj.DELETING:
            LOG.info('Completing the delete of server %s', inst.uuid)
            try:
                with lockutils.lock('instance-%s' % inst.uuid):
                    self._terminate(context, inst)
            except Exception as error:
                LOG.exception('Could not complete the delete of %s',
                              inst.uuid)
                self._set_error(context, inst, error)
            return False
        if inst.vm_state == instance_obj.BUILDING or \
                inst.task_state in SPAWN_TASK_STATES:
            self._set_error(context, inst, exception.BuildAbortException(
                instance_uuid=inst.uuid,
                reason='the compute service restarted during the build'))
            return False
        if inst.vm_state in (instance_obj.ERROR, instance_obj.SOFT_DELETED):
            if inst.task_state is not None:
                instance_obj.update(context, inst.uuid, {'task_state': None})
            return True
        if inst.task_state == instance_obj.POWERING_OFF:
            LOG.info('Retrying the stop of server %s', inst.uuid)
            self.stop_instance(context, inst.uuid)
        elif inst.task_state == instance_obj.POWERING_ON:
            LOG.info('Retrying the start of server %s', inst.uuid)
            self.start_instance(context, inst.uuid)
        elif inst.task_state in REBOOT_TASK_STATES:
            if self.driver.get_power_state(inst) == power_state.RUNNING:
                instance_obj.update(context, inst.uuid, {
                    'task_state': None, 'vm_state': instance_obj.ACTIVE})
            else:
                LOG.info('Retrying the reboot of server %s', inst.uuid)
                self.reboot_instance(context, inst.uuid, reboot_type='HARD')
        elif inst.task_state is not None:
            LOG.info('Clearing task state %s of server %s', inst.task_state,
                     inst.uuid)
            instance_obj.update(context, inst.uuid, {
                'task_state': None,
                'power_state': self.driver.get_power_state(inst)})
        return True

    # -- volume attachments --------------------------------------------------

    def reconcile_volumes(self, context, instance_uuid, before):
        """(RPC) The comparison made on start, for one server, touching
        only the mappings (and volumes) last changed before ``before`` (an
        ISO 8601 time): an attach or a detach still under way is left
        alone. Returns the counts of what was done."""
        before = timeutils.normalize_time(timeutils.parse_isotime(before))
        summary = {'servers': 0, 'removed': 0, 'rolled_back': 0,
                   'completed': 0, 'replugged': 0, 'deleted_attachments': 0,
                   'forgotten': 0}
        with lockutils.lock('instance-%s' % instance_uuid):
            self._reconcile_volumes(context, instance_uuid, summary,
                                    before=before)
        summary['servers'] = 1
        return summary

    def _settled(self, context, volume_id, before):
        """Whether the volume last changed before ``before``."""
        try:
            volume = self.volume_api.get(context, volume_id)
        except exception.VolumeNotFound:
            return True
        return _changed_before(volume, before)

    def _reconcile_volumes(self, context, instance_uuid, summary,
                           before=None):
        try:
            instance = instance_obj.get_by_uuid(context, instance_uuid)
        except exception.InstanceNotFound:
            return
        if instance.host != self.host:
            return
        bdms = [b for b in bdm_obj.get_by_instance(context, instance.uuid)
                if b.volume_id]
        try:
            attachments = {a['id']: a for a in self.volume_api.attachment_list(
                context, instance_id=instance.uuid, all_tenants=True)}
        except Exception as error:
            if before is not None:
                raise
            # As nova: without block storage there is nothing to compare.
            LOG.exception('Could not list the attachments of server %s; '
                          'not reconciling its volumes', instance.uuid)
            if isinstance(error, exception.CinderConnectionFailed):
                LOG.warning('Block storage unreachable: the volumes of the '
                            'other servers are not reconciled either')
                self._block_storage_down = True
            return
        try:
            plugged = self.driver.get_guest_volumes(instance)
        except NotImplementedError:
            plugged = None
        # Attachments a move keeps on its source for a revert.
        known = self.kept_attachments(context, instance.uuid)
        for bdm in bdms:
            in_guest = plugged is not None and \
                bdm.volume_id in plugged.values()
            if before is not None and \
                    (bdm.updated_at or bdm.created_at) >= before:
                # Changed since: an operation may be under way.
                known.add(bdm.attachment_id)
                known.update(a_id for a_id, a in attachments.items()
                             if a.get('volume_id') == bdm.volume_id)
                continue
            if not bdm.attachment_id:
                # Reserved on this host, its attachment not created yet by
                # the API: nothing to compare, unless it is old enough to
                # have been forgotten.
                known.update(a_id for a_id, a in attachments.items()
                             if a.get('volume_id') == bdm.volume_id)
                if before is not None and not in_guest and \
                        not bdm.connection_info:
                    LOG.warning('Removing the mapping of volume %s on '
                                'server %s: reserved and never given an '
                                'attachment', bdm.volume_id, instance.uuid)
                    bdm_obj.destroy(context, bdm.id)
                    summary['forgotten'] += 1
                continue
            known.add(bdm.attachment_id)
            self._reconcile_bdm(context, instance, bdm,
                                attachments.get(bdm.attachment_id),
                                in_guest, plugged, summary, before=before)
        for attachment_id, attachment in attachments.items():
            if attachment_id in known:
                continue
            if before is not None and not self._settled(
                    context, attachment.get('volume_id'), before):
                continue
            LOG.info('Deleting attachment %s of volume %s: no mapping of '
                     'server %s refers to it', attachment_id,
                     attachment.get('volume_id'), instance.uuid)
            self._delete_attachment(context, attachment_id)
            summary['deleted_attachments'] += 1

    def _unplug(self, context, instance, bdm):
        info = volume_ops._info(bdm) or {'serial': bdm.volume_id}
        with volume_ops.volume_locks([bdm.volume_id]):
            self.driver.detach_volume(
                instance, info, bdm.device_name,
                disconnect_host=self._should_disconnect(
                    context, instance, bdm, info))
            if bdm.connection_info:
                bdm_obj.update(context, bdm.id, {'connection_info': None})
                bdm.connection_info = None

    def _reconcile_bdm(self, context, instance, bdm, attachment, in_guest,
                       plugged, summary,
                       attach_reason='the compute service restarted during '
                                     'the attach', before=None):
        status = attachment and attachment.get('status')
        if attachment is None:
            LOG.info('Removing the mapping of volume %s on server %s: its '
                     'attachment %s is gone from block storage',
                     bdm.volume_id, instance.uuid, bdm.attachment_id)
            if in_guest:
                self._unplug(context, instance, bdm)
            bdm_obj.destroy(context, bdm.id)
            self._record_fault(context, instance, exception.VolumeAttachFailed(
                volume_id=bdm.volume_id,
                reason='its attachment %s is gone from block storage' %
                bdm.attachment_id))
            summary['removed'] += 1
            return
        if status != 'attached':
            LOG.info('Rolling back the interrupted attach of volume %s to '
                     'server %s (attachment %s)', bdm.volume_id,
                     instance.uuid, status)
            if in_guest or bdm.connection_info:
                self._unplug(context, instance, bdm)
            self._delete_attachment(context, bdm.attachment_id)
            bdm_obj.destroy(context, bdm.id)
            self._record_fault(context, instance, exception.VolumeAttachFailed(
                volume_id=bdm.volume_id, reason=attach_reason))
            summary['rolled_back'] += 1
            return
        if not bdm.connection_info:
            if instance.vm_state == instance_obj.SHELVED_OFFLOADED:
                return
            LOG.info('Completing the interrupted detach of volume %s from '
                     'server %s', bdm.volume_id, instance.uuid)
            if in_guest:
                self._unplug(context, instance, bdm)
            self._delete_attachment(context, bdm.attachment_id)
            bdm_obj.destroy(context, bdm.id)
            summary['completed'] += 1
            return
        volume = self.volume_api.get(context, bdm.volume_id)
        if volume['status'] == 'detaching' and (
                before is None or _changed_before(volume, before)):
            LOG.info('Rolling back the interrupted detach of volume %s from '
                     'server %s', bdm.volume_id, instance.uuid)
            self.volume_api.roll_detaching(context, bdm.volume_id)
            self._record_fault(context, instance, exception.VolumeDetachFailed(
                volume_id=bdm.volume_id,
                reason='the compute service restarted during the detach'))
            summary['rolled_back'] += 1
        if plugged is not None and not in_guest and \
                instance.vm_state == instance_obj.ACTIVE:
            LOG.info('Plugging volume %s into server %s again', bdm.volume_id,
                     instance.uuid)
            info = volume_ops._info(bdm)
            with volume_ops.volume_locks([bdm.volume_id]):
                self.driver.attach_volume(instance, info, bdm.device_name,
                                          disk_bus=bdm.disk_bus,
                                          device_type=bdm.device_type)
            summary['replugged'] += 1

    # -- operations whose request was lost -------------------------------------

    def reclaim_stale_volume_operations(self, context, now=None):
        """Roll back the attaches and detaches of this host's servers left
        waiting longer than ``[compute] volume_operation_timeout``."""
        summary = {'rolled_back': 0, 'removed': 0, 'completed': 0,
                   'forgotten': 0, 'detaches_rolled_back': 0}
        timeout = self.conf.compute.volume_operation_timeout
        if timeout <= 0:
            return summary
        before = (now or timeutils.utcnow()) - datetime.timedelta(
            seconds=timeout)
        for bdm in bdm_obj.get_unconnected_on_host(context, self.host,
                                                   before):
            try:
                with lockutils.lock('instance-%s' % bdm.instance_uuid):
                    self._reclaim_attach(context, bdm.instance_uuid,
                                         bdm.uuid, before, timeout, summary)
            except Exception:
                LOG.exception('Could not roll back the stale attach of '
                              'volume %s to server %s', bdm.volume_id,
                              bdm.instance_uuid)
        try:
            self._reclaim_detaching(context, before, timeout, summary)
        except Exception:
            LOG.exception('Could not roll back stale detaches')
        if any(summary.values()):
            LOG.warning('Volume operations waiting longer than %(timeout)d '
                        's: %(rolled_back)d attaches rolled back, '
                        '%(removed)d mappings whose attachment was gone '
                        'removed, %(completed)d detaches completed, '
                        '%(forgotten)d reservations without attachment '
                        'removed, %(detaches_rolled_back)d detaching '
                        'volumes rolled back',
                        dict(summary, timeout=timeout))
        return summary

    def _reclaim_attach(self, context, instance_uuid, bdm_uuid, before,
                        timeout, summary):
        try:
            instance, bdm = instance_obj.get_with_mapping(
                context, instance_uuid, bdm_uuid=bdm_uuid)
        except (exception.InstanceNotFound, exception.VolumeBDMNotFound):
            return
        # Read again under the server's lock: the attach may have run since.
        if instance.host != self.host or bdm.connection_info or \
                (bdm.updated_at or bdm.created_at) >= before:
            return
        if instance.vm_state in (instance_obj.BUILDING, instance_obj.ERROR) \
                or instance.task_state == instance_obj.DELETING:
            # A build that failed keeps its fault (the delete cleans its
            # volumes up); a delete under way cleans them up itself.
            return
        if not bdm.attachment_id:
            # Reserved by the API, which never created its attachment.
            LOG.warning('Removing the mapping of volume %s on server %s: '
                        'reserved %d s ago and never given an attachment',
                        bdm.volume_id, instance.uuid, timeout)
            bdm_obj.destroy(context, bdm.id)
            summary['forgotten'] += 1
            return
        try:
            attachment = self.volume_api.attachment_get(context,
                                                        bdm.attachment_id)
        except exception.NotFound:
            attachment = None
        try:
            plugged = self.driver.get_guest_volumes(instance)
        except NotImplementedError:
            plugged = None
        in_guest = plugged is not None and bdm.volume_id in plugged.values()
        self._reconcile_bdm(
            context, instance, bdm, attachment, in_guest, plugged, summary,
            attach_reason='this compute service was not asked to start the '
                          'attach within %d seconds' % timeout)

    def _reclaim_detaching(self, context, before, timeout, summary):
        stale = [volume['id'] for volume in self.volume_api.get_all(
            context, {'status': 'detaching', 'all_tenants': 1})
            if _changed_before(volume, before)]
        # Only the volumes this host's servers have: another host rolls
        # back its own.
        for volume_id in sorted({b.volume_id for b in
                                 bdm_obj.get_connected_on_host(
                                     context, self.host, stale)}):
            LOG.warning('Rolling back the detach of volume %s: "detaching" '
                        'for more than %d s with no detach under way',
                        volume_id, timeout)
            self.volume_api.roll_detaching(context, volume_id)
            summary['detaches_rolled_back'] += 1


def _changed_before(volume, before):
    """Whether the volume (a block storage view) last changed before
    ``before``; one that says nothing of it counts as changed since."""
    changed = volume.get('updated_at') or volume.get('created_at')
    if not changed:
        return False
    return timeutils.normalize_time(timeutils.parse_isotime(changed)) < \
        before
