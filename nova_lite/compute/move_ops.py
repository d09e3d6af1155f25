"""Moves of servers between compute hosts, the hosts' side: resize and
cold migration (with confirm and revert), live migration, evacuation,
rescue.

Volumes follow the server without ever leaving the other servers of a
shared (multiattach) volume: the destination gets attachments of its own,
created with its host connector, while the source's attachments are kept
until the move is over (confirmed, live migration completed) and used
again when it is reverted or fails. A host disconnects a volume only when
no other server of that host still uses it, decided under the volume's
lock as detach decides it. What a move keeps until it ends lives in its
migration record (``move_data``).
"""

import logging
import threading
import time

from oslo_concurrency import lockutils
import oslo_messaging as messaging
from oslo_serialization import jsonutils

from nova_lite.compute import volume_ops
from nova_lite import exception
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import instance_fault
from nova_lite.objects import migration as migration_obj

LOG = logging.getLogger(__name__)

volume_locks = volume_ops.volume_locks

# Statuses of a move that may still need its kept attachments.
UNFINISHED = ('pre-migrating', 'migrating', 'post-migrating', 'finished',
              'confirming', 'reverting')


def _info(bdm):
    return jsonutils.loads(bdm.connection_info) if bdm.connection_info \
        else {}


def _volume_bdms(context, instance_uuid):
    return [b for b in bdm_obj.get_by_instance(context, instance_uuid)
            if b.volume_id]


class MoveOperations:
    """Mixed into :class:`nova_lite.compute.manager.ComputeManager`."""

    # -- helpers ---------------------------------------------------------------

    def _live_events(self):
        events = getattr(self, '_live_migration_events', None)
        if events is None:
            events = self._live_migration_events = {}
        return events

    def _refuse_move(self, context, instance_uuid, migration_id):
        """A driver that cannot move guests: the move ends before
        anything changed, with a fault and the migration in error."""
        if self.driver.capabilities.get('supports_moves'):
            return False
        error = exception.MigrationPreCheckError(
            reason='the %s driver cannot move servers between hosts'
            % type(self.driver).__name__)
        LOG.warning('Server %s not moved: %s', instance_uuid,
                    error.format_message())
        self._move_fault(context, instance_uuid, error)
        instance_obj.update(context, instance_uuid, {'task_state': None})
        migration_obj.update(context, migration_id, {'status': 'error'})
        return True

    def _move_fault(self, context, instance_uuid, error):
        instance_action.note_failure(error)
        try:
            instance_fault.create(context, instance_fault.fault_values(
                instance_uuid, error, host=self.host))
        except Exception:
            LOG.exception('Could not record a fault for %s', instance_uuid)

    def _users_elsewhere_on_host(self, context, volume_id):
        """Servers of this host other than the moving one (whose host is
        not this one at the time of asking) that use the volume."""
        return bdm_obj.count_volume_users_on_host(context, volume_id,
                                                  self.host)

    def _guest_info_for_departure(self, context, bdms, infos):
        """block_device_info for destroying a guest whose server is no
        longer (or not yet) counted on this host: disconnect a volume only
        when no server of this host uses it."""
        out = []
        for bdm in bdms:
            info = infos.get(bdm.uuid)
            if not info:
                continue
            disconnect = True
            if info.get('multiattach') and self._users_elsewhere_on_host(
                    context, bdm.volume_id) > 0:
                LOG.info('Detected multiple connections on this host for '
                         'volume: %s, skipping target disconnect.',
                         bdm.volume_id)
                disconnect = False
            out.append(dict(bdm.to_dict(), connection_info=info,
                            disconnect_host=disconnect))
        return out

    def _connect_here(self, context, instance, bdms, multiattach):
        """New attachments connected to this host with its connector:
        ``{bdm uuid: (attachment id, connection info)}``. What was created
        before a failure is deleted again."""
        connector = self.driver.get_volume_connector(instance)
        made = {}
        try:
            for bdm in bdms:
                attachment = self.volume_api.attachment_create(
                    context, bdm.volume_id, instance.uuid,
                    connector=connector, mountpoint=bdm.device_name)
                info = dict(attachment['connection_info'])
                info['serial'] = bdm.volume_id
                if multiattach.get(bdm.uuid):
                    info['multiattach'] = True
                made[bdm.uuid] = (attachment['id'], info)
        except Exception:
            for attachment_id, _unused in made.values():
                self._delete_attachment(context, attachment_id)
            raise
        return made

    def _reconnect_here(self, context, instance, bdms, attachments,
                        multiattach):
        """The kept attachments connected to this host again."""
        connector = self.driver.get_volume_connector(instance)
        made = {}
        for bdm in bdms:
            attachment_id = attachments[bdm.uuid]
            attachment = self.volume_api.attachment_update(
                context, attachment_id, connector, bdm.device_name)
            info = dict(attachment['connection_info'])
            info['serial'] = bdm.volume_id
            if multiattach.get(bdm.uuid):
                info['multiattach'] = True
            made[bdm.uuid] = (attachment_id, info)
        return made

    def _arrive(self, context, instance, bdms, made, values, power_off=False,
                on_arrival=None, create=None):
        """Spawn the guest here with the volumes of ``made`` and make this
        host the server's (under the volumes' locks, so that the other
        servers of this host count it from then on); complete the
        attachments, run ``on_arrival`` (what the move records) and only
        then give the server ``values`` (its state for the caller to see:
        what that state promises is done by then). ``create(guest,
        block_device_info)`` makes the guest (the driver's spawn by
        default)."""
        block_device_info = [
            dict(b.to_dict(), connection_info=made[b.uuid][1])
            if b.uuid in made else dict(b.to_dict(), connection_info={})
            for b in bdm_obj.get_by_instance(context, instance.uuid)]
        flavor = values.get('flavor')
        guest = instance_obj.Instance(**dict(
            instance.to_dict(), flavor=flavor or instance.flavor))
        with volume_locks([b.volume_id for b in bdms]):
            (create or self.driver.spawn)(guest, block_device_info)
            try:
                if power_off:
                    self.driver.power_off(guest)
                for bdm in bdms:
                    attachment_id, info = made[bdm.uuid]
                    bdm_obj.update(context, bdm.id, {
                        'attachment_id': attachment_id,
                        'connection_info': jsonutils.dumps(info)})
                instance_obj.update(context, instance.uuid, {
                    'host': self.host, 'node': self.host,
                    'power_state': self.driver.get_power_state(guest)})
            except Exception:
                self.driver.destroy(guest, self._guest_info_for_departure(
                    context, bdms, {u: i for u, (_a, i) in made.items()}))
                raise
        try:
            for bdm in bdms:
                attachment_id, _info = made[bdm.uuid]
                self.volume_api.attachment_complete(context, attachment_id)
            if on_arrival is not None:
                on_arrival()
            instance_obj.update(context, instance.uuid, values)
        except Exception:
            arrived = [b for b in _volume_bdms(context, instance.uuid)
                       if b.uuid in made]
            self._leave(context, guest, arrived, counted=True)
            raise

    def _leave(self, context, instance, bdms, counted, departure=None):
        """Destroy the guest here (or ``departure(block_device_info)``,
        whose result is returned); ``counted``: whether the server still
        counts as a user of this host's connections (its host is this
        one and its mappings connected)."""
        with volume_locks([b.volume_id for b in bdms]):
            if counted:
                info = self.block_device_info(context, instance)
            else:
                info = self._guest_info_for_departure(
                    context, bdms, {b.uuid: _info(b) for b in bdms})
            if departure is None:
                result = self.driver.destroy(instance, info)
            else:
                result = departure(info)
            if counted:
                self.disconnected(context, bdms)
        return result

    def kept_attachments(self, context, instance_uuid):
        """The attachments the server's unfinished moves keep (the
        source's, for a revert; the destination's, not mapped yet)."""
        kept = set()
        for migration in migration_obj.get_all(context, {
                'instance_uuid': instance_uuid,
                'status': list(UNFINISHED)}):
            data = migration.move_data or {}
            for key in ('attachments', 'new_attachments'):
                kept.update((data.get(key) or {}).values())
        return kept

    @staticmethod
    def _zone(values, zone):
        """``values`` with the server's new availability zone, when the
        move recorded it."""
        if zone:
            values['availability_zone'] = zone
        return values

    def _multiattach_flags(self, bdms):
        return {b.uuid: bool(_info(b).get('multiattach')) for b in bdms}

    # -- resize and cold migration: the source -------------------------------

    @instance_action.wrap_instance_event('compute')
    def resize_instance(self, context, instance_uuid, migration_id):
        """Power the server off and let go of it here (the kept
        attachments stay in block storage); the destination takes over."""
        with lockutils.lock('instance-%s' % instance_uuid):
            instance = instance_obj.get_by_uuid(context, instance_uuid)
            migration = migration_obj.get_by_id(context, migration_id)
            data = dict(migration.move_data)
            if self._refuse_move(context, instance_uuid, migration_id):
                return
            left = False
            try:
                instance_obj.update(context, instance_uuid, {
                    'task_state': 'resize_migrating'})
                migration_obj.update(context, migration_id,
                                     {'status': 'migrating'})
                bdms = _volume_bdms(context, instance_uuid)
                data['attachments'] = {b.uuid: b.attachment_id
                                       for b in bdms}
                data['multiattach'] = self._multiattach_flags(bdms)
                migration_obj.update(context, migration_id,
                                     {'move_data': data})
                new_flavor = data.get('new_flavor') or instance.flavor
                left = True
                data['disk_info'] = self._leave(
                    context, instance, bdms, counted=True,
                    departure=lambda info: (
                        self.driver.migrate_disk_and_power_off(
                            instance, migration.dest_compute, new_flavor,
                            info))) or {}
                migration_obj.update(context, migration_id,
                                     {'move_data': data})
                instance_obj.update(context, instance_uuid, {
                    'task_state': 'resize_migrated'})
                migration_obj.update(context, migration_id,
                                     {'status': 'post-migrating'})
            except Exception as error:
                if isinstance(error, exception.InstanceFaultRollback):
                    # The driver refused before changing anything.
                    error, left = error.inner_exception, False
                LOG.exception('Resize of %s failed on its source',
                              instance_uuid)
                self._move_fault(context, instance_uuid, error)
                migration_obj.update(context, migration_id,
                                     {'status': 'error'})
                if left:
                    self._return_here(context, instance, migration, data)
                else:
                    # Nothing changed here: the guest runs as it did.
                    instance_obj.update(context, instance_uuid,
                                        {'task_state': None})
                return
        self.compute_rpcapi.finish_resize(
            context, migration.dest_compute, instance_uuid, migration_id)

    def _return_here(self, context, instance, migration, data,
                     status=None):
        """Bring the server back up on this (source) host with its kept
        attachments, in the state it had before the move. A volume
        detached meanwhile loses its kept attachment too; one attached
        meanwhile is connected here with the attachment it has."""
        bdms = _volume_bdms(context, instance.uuid)
        kept = dict(data.get('attachments') or {})
        present = {b.uuid for b in bdms}
        for bdm_uuid, attachment_id in list(kept.items()):
            if bdm_uuid not in present:
                self._delete_attachment(context, attachment_id)
                del kept[bdm_uuid]
        flags = dict(data.get('multiattach') or {})
        for bdm in bdms:
            if bdm.uuid not in kept and bdm.attachment_id:
                kept[bdm.uuid] = bdm.attachment_id
                flags[bdm.uuid] = bool(self.volume_api.get(
                    context, bdm.volume_id,
                    microversion='3.48').get('multiattach'))
        try:
            made = self._reconnect_here(
                context, instance, [b for b in bdms if b.uuid in kept],
                kept, flags)
            old_state = data.get('old_vm_state') or instance_obj.ACTIVE
            self._arrive(context, instance,
                         [b for b in bdms if b.uuid in made], made,
                         self._zone({
                             'vm_state': old_state, 'task_state': None,
                             'flavor': data.get('old_flavor') or
                             instance.flavor}, data.get('source_zone')),
                         power_off=old_state == instance_obj.STOPPED,
                         on_arrival=None if status is None else (
                             lambda: migration_obj.update(
                                 context, migration.id,
                                 {'status': status})),
                         create=lambda guest, info: (
                             self.driver.finish_revert_migration(
                                 guest, data.get('disk_info') or {}, info)))
        except Exception as error:
            LOG.exception('Server %s could not be brought back on %s',
                          instance.uuid, self.host)
            self._set_error(context, instance, error)

    # -- resize and cold migration: the destination ------------------------

    @instance_action.wrap_instance_event('compute')
    def finish_resize(self, context, instance_uuid, migration_id):
        with lockutils.lock('instance-%s' % instance_uuid):
            instance = instance_obj.get_by_uuid(context, instance_uuid)
            migration = migration_obj.get_by_id(context, migration_id)
            data = dict(migration.move_data)
            bdms = [b for b in _volume_bdms(context, instance_uuid)
                    if b.uuid in (data.get('attachments') or {})]
            made = {}

            def finished():
                data['new_attachments'] = {u: a for u, (a, _i)
                                           in made.items()}
                migration_obj.update(context, migration_id, {
                    'status': 'finished', 'dest_compute': self.host,
                    'dest_node': self.host, 'move_data': data})
            try:
                instance_obj.update(context, instance_uuid, {
                    'task_state': 'resize_finish'})
                made = self._connect_here(context, instance, bdms,
                                          data.get('multiattach') or {})
                was_stopped = data.get('old_vm_state') == \
                    instance_obj.STOPPED
                resized = data.get('new_flavor') != data.get('old_flavor')
                self._arrive(context, instance, bdms, made, self._zone({
                    'vm_state': instance_obj.RESIZED, 'task_state': None,
                    'flavor': data.get('new_flavor') or instance.flavor},
                    data.get('dest_zone')), power_off=was_stopped,
                    on_arrival=finished,
                    create=lambda guest, info: self.driver.finish_migration(
                        guest, data.get('disk_info') or {}, info,
                        resized))
            except Exception as error:
                LOG.exception('Resize of %s failed on its destination',
                              instance_uuid)
                for attachment_id, _unused in made.values():
                    self._delete_attachment(context, attachment_id)
                self._move_fault(context, instance_uuid, error)
                migration_obj.update(context, migration_id,
                                     {'status': 'error'})
                if migration.source_compute == self.host:
                    self._return_here(context, instance, migration, data)
                else:
                    self.compute_rpcapi.finish_revert_resize(
                        context, migration.source_compute, instance_uuid,
                        migration_id)

    # -- confirm and revert ------------------------------------------------------

    @instance_action.wrap_instance_event('compute')
    def confirm_resize(self, context, instance_uuid, migration_id):
        """On the source: the kept attachments go."""
        with lockutils.lock('instance-%s' % instance_uuid):
            migration = migration_obj.get_by_id(context, migration_id)
            data = migration.move_data
            if migration.status != 'confirmed':
                # (A deleted server's kept attachments went already.)
                for attachment_id in (data.get('attachments') or
                                      {}).values():
                    self._delete_attachment(context, attachment_id)
            try:
                self.driver.confirm_migration(
                    instance_obj.get_by_uuid(context, instance_uuid,
                                             read_deleted='yes'),
                    data.get('disk_info') or {})
            except Exception:
                LOG.exception('What was kept for a revert of %s could not '
                              'be removed', instance_uuid)
            try:
                instance = instance_obj.get_by_uuid(context, instance_uuid)
            except exception.InstanceNotFound:
                instance = None
            migration_obj.update(context, migration_id,
                                 {'status': 'confirmed'})
            if instance is not None:
                state = instance_obj.STOPPED if data.get('old_vm_state') \
                    == instance_obj.STOPPED else instance_obj.ACTIVE
                instance_obj.update(context, instance_uuid, {
                    'vm_state': state, 'task_state': None})

    def moves_keeping_disks(self, context, instance_uuid):
        """The server's resizes and migrations whose source keeps the
        guest's disks until they are confirmed or reverted."""
        return [m for m in migration_obj.get_all(context, {
                'instance_uuid': instance_uuid,
                'status': ['finished', 'confirming', 'reverting']})
                if (m.move_data or {}).get('disk_info')]

    def release_kept_disks(self, context, instance_uuid, migrations):
        """The server is deleted: the sources of ``migrations`` delete
        what they kept (their confirmation, as nova confirms a resize of a
        server being deleted)."""
        for migration in migrations:
            try:
                self.compute_rpcapi.confirm_resize(
                    context, migration.source_compute, instance_uuid,
                    migration.id)
            except Exception:
                LOG.exception('Could not ask %s to drop what it kept for '
                              'server %s', migration.source_compute,
                              instance_uuid)

    @instance_action.wrap_instance_event('compute')
    def revert_resize(self, context, instance_uuid, migration_id):
        """On the destination: let go of the server and of its new
        attachments; the source takes it back."""
        with lockutils.lock('instance-%s' % instance_uuid):
            instance = instance_obj.get_by_uuid(context, instance_uuid)
            migration = migration_obj.get_by_id(context, migration_id)
            data = migration.move_data
            bdms = _volume_bdms(context, instance_uuid)
            try:
                self._leave(context, instance, bdms, counted=True)
            except Exception as error:
                LOG.exception('Revert of %s failed on its destination',
                              instance_uuid)
                self._move_fault(context, instance_uuid, error)
                instance_obj.update(context, instance_uuid,
                                    {'task_state': None})
                migration_obj.update(context, migration_id,
                                     {'status': 'error'})
                return
            for attachment_id in (data.get('new_attachments') or
                                  {}).values():
                self._delete_attachment(context, attachment_id)
        if migration.source_compute == self.host:
            self.finish_revert_resize(context, instance_uuid,
                                      migration_id)
        else:
            self.compute_rpcapi.finish_revert_resize(
                context, migration.source_compute, instance_uuid,
                migration_id)

    @instance_action.wrap_instance_event('compute')
    def finish_revert_resize(self, context, instance_uuid, migration_id):
        """On the source: the server back with its kept attachments (a
        revert, or a move that failed)."""
        with lockutils.lock('instance-%s' % instance_uuid):
            instance = instance_obj.get_by_uuid(context, instance_uuid)
            migration = migration_obj.get_by_id(context, migration_id)
            self._return_here(
                context, instance, migration, migration.move_data,
                status='reverted' if migration.status == 'reverting'
                else None)

    # -- evacuation: the destination ------------------------------------------

    @instance_action.wrap_instance_event('compute', method='rebuild_instance')
    def evacuate_instance(self, context, instance_uuid, migration_id):
        """Rebuild here a server whose host is down: new attachments for
        this host; the old ones are deleted once the server runs here (the
        source disconnects what no guest of its own uses when it comes
        back)."""
        with lockutils.lock('instance-%s' % instance_uuid):
            instance = instance_obj.get_by_uuid(context, instance_uuid)
            migration = migration_obj.get_by_id(context, migration_id)
            data = dict(migration.move_data)
            if self._refuse_move(context, instance_uuid, migration_id):
                return
            bdms = _volume_bdms(context, instance_uuid)
            old = {b.uuid: b.attachment_id for b in bdms}
            made = {}
            migration_obj.update(context, migration_id,
                                 {'status': 'pre-migrating'})

            def done():
                # The server runs here: the old attachments go.
                for attachment_id in old.values():
                    self._delete_attachment(context, attachment_id)
                migration_obj.update(context, migration_id, {
                    'status': 'done', 'dest_compute': self.host,
                    'dest_node': self.host, 'move_data': data})
            try:
                made = self._connect_here(context, instance, bdms,
                                          self._multiattach_flags(bdms))
                stopped = data.get('target_state') == 'stopped' or (
                    data.get('target_state') is None and
                    data.get('old_vm_state') == instance_obj.STOPPED)
                self._arrive(context, instance, bdms, made, self._zone({
                    'vm_state': instance_obj.STOPPED if stopped
                    else instance_obj.ACTIVE, 'task_state': None},
                    data.get('dest_zone')), power_off=stopped,
                    on_arrival=done, create=self.driver.spawn_evacuated)
            except Exception as error:
                LOG.exception('Evacuation of %s failed', instance_uuid)
                for attachment_id, _unused in made.values():
                    self._delete_attachment(context, attachment_id)
                self._set_error(context, instance, error)
                migration_obj.update(context, migration_id,
                                     {'status': 'failed'})

    @staticmethod
    def _evacuated_connection(context, instance_uuid, volume_id):
        """The connection info to disconnect a volume of a guest evacuated
        from this host with: its mapping's (block storage connects a
        volume the same way everywhere), else only the volume id."""
        try:
            bdm = bdm_obj.get_by_volume_and_instance(context, volume_id,
                                                     instance_uuid)
        except exception.NovaLiteException:
            bdm = None
        info = dict(_info(bdm)) if bdm is not None else {}
        info['serial'] = volume_id
        return info

    def destroy_evacuated_instances(self, context):
        """On start: the guests of servers evacuated from this host while
        it was down are destroyed, disconnecting what no server of this
        host uses any more."""
        for migration in migration_obj.get_all(context, {
                'source_compute': self.host, 'status': ['done'],
                'migration_type': 'evacuation'}):
            try:
                instance = instance_obj.get_by_uuid(
                    context, migration.instance_uuid, read_deleted='yes')
            except exception.InstanceNotFound:
                instance = None
            volumes = self.driver.get_evacuated_guest_volumes(instance) \
                if instance is not None else None
            if volumes:
                devices = {v: d for d, v in volumes.items()}
                with volume_locks(list(devices)):
                    info = []
                    for volume_id, device in devices.items():
                        users = self._users_elsewhere_on_host(
                            context, volume_id)
                        info.append({
                            'device_name': device,
                            'connection_info': self._evacuated_connection(
                                context, instance.uuid, volume_id),
                            'disconnect_host': users == 0})
                    self.driver.destroy(instance, info)
            elif instance is not None:
                self.driver.destroy(instance, [])
            migration_obj.update(context, migration.id,
                                 {'status': 'completed'})
            LOG.info('Destroyed the guest of server %s, evacuated from '
                     'this host', migration.instance_uuid)

    # -- live migration ------------------------------------------------------------

    @instance_action.wrap_instance_event('compute')
    def live_migration(self, context, instance_uuid, migration_id):
        """On the source: the destination connects the volumes with new
        attachments, the guest moves, the source lets go of it and its
        old attachments; any failure leaves the server here."""
        events = self._live_events()
        control = events[migration_id] = {'abort': threading.Event(),
                                          'complete': threading.Event()}
        try:
            self._live_migration(context, instance_uuid, migration_id,
                                 control)
        finally:
            events.pop(migration_id, None)

    def _live_migration(self, context, instance_uuid, migration_id,
                        control):
        if self._refuse_move(context, instance_uuid, migration_id):
            return
        instance = instance_obj.get_by_uuid(context, instance_uuid)
        migration = migration_obj.get_by_id(context, migration_id)
        dest = migration.dest_compute
        bdms = _volume_bdms(context, instance_uuid)
        flags = self._multiattach_flags(bdms)
        migration_obj.update(context, migration_id, {'status': 'preparing'})
        made = {}
        try:
            made = self.compute_rpcapi.pre_live_migration(
                context, dest, instance_uuid, migration_id, flags)
            migration_obj.update(context, migration_id,
                                 {'status': 'running'})
            self._wait_live_migration(instance, control)
            if control['abort'].is_set():
                raise exception.MigrationPreCheckError(
                    reason='the live migration was aborted')
            migration_obj.update(context, migration_id,
                                 {'status': 'post-migrating'})
            old = {b.uuid: b.attachment_id for b in bdms}
            old_infos = {b.uuid: _info(b) for b in bdms}
            self.compute_rpcapi.post_live_migration_at_destination(
                context, dest, instance_uuid, migration_id, made)
        except Exception as error:
            aborted = control['abort'].is_set()
            if not aborted:
                LOG.exception('Live migration of %s failed', instance_uuid)
                self._move_fault(context, instance_uuid, error)
            try:
                self.compute_rpcapi.rollback_live_migration_at_destination(
                    context, dest, instance_uuid, made)
            except Exception:
                LOG.exception('Rollback of the live migration of %s on %s '
                              'failed', instance_uuid, dest)
            instance_obj.update(context, instance_uuid, {'task_state': None})
            migration_obj.update(context, migration_id, {
                'status': 'cancelled' if aborted else 'error'})
            return
        # The server is the destination's now: the guest here goes,
        # disconnecting only what no other server of this host uses.
        with volume_locks([b.volume_id for b in bdms]):
            info = self._guest_info_for_departure(context, bdms, old_infos)
            self.driver.destroy(instance, info)
        for attachment_id in old.values():
            self._delete_attachment(context, attachment_id)
        migration_obj.update(context, migration_id, {'status': 'completed'})
        instance_obj.update(context, instance_uuid, {'task_state': None})

    def _wait_live_migration(self, instance, control):
        """The memory copy: ``[fake_driver] pause_seconds`` when
        ``live_migration`` is among ``pause_at`` (drivers of their own
        copy as they do), cut short by a force complete or an abort."""
        seconds = 0.0
        if 'live_migration' in self.conf.fake_driver.pause_at:
            seconds = self.conf.fake_driver.pause_seconds
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if control['abort'].is_set() or control['complete'].is_set():
                return
            time.sleep(0.02)

    @messaging.expected_exceptions(exception.MigrationPreCheckError)
    def check_can_live_migrate_destination(self, context, instance_uuid,
                                           source):
        """On the destination (a call): the driver's checks here, then
        the source's (MigrationPreCheckError reaches the caller)."""
        instance = instance_obj.get_by_uuid(context, instance_uuid)
        dest_check_data = self.driver.check_can_live_migrate_destination(
            instance)
        return self.compute_rpcapi.check_can_live_migrate_source(
            context, source, instance_uuid, dest_check_data)

    @messaging.expected_exceptions(exception.MigrationPreCheckError)
    def check_can_live_migrate_source(self, context, instance_uuid,
                                      dest_check_data):
        """On the source (a call)."""
        instance = instance_obj.get_by_uuid(context, instance_uuid)
        return self.driver.check_can_live_migrate_source(instance,
                                                         dest_check_data)

    def pre_live_migration(self, context, instance_uuid, migration_id,
                           multiattach):
        """On the destination (a call): new attachments connected to this
        host; ``{bdm uuid: [attachment id, connection info]}``."""
        instance = instance_obj.get_by_uuid(context, instance_uuid)
        bdms = _volume_bdms(context, instance_uuid)
        made = self._connect_here(context, instance, bdms, multiattach)
        return {u: [a, i] for u, (a, i) in made.items()}

    def post_live_migration_at_destination(self, context, instance_uuid,
                                           migration_id, made):
        """On the destination (a call): the guest runs here."""
        with lockutils.lock('instance-%s' % instance_uuid):
            instance = instance_obj.get_by_uuid(context, instance_uuid)
            bdms = [b for b in _volume_bdms(context, instance_uuid)
                    if b.uuid in made]
            made = {u: (a, i) for u, (a, i) in made.items()}
            migration = migration_obj.get_by_id(context, migration_id)
            # The source clears the task once it let go of the server.
            self._arrive(context, instance, bdms, made, self._zone(
                {}, (migration.move_data or {}).get('dest_zone')))
            migration_obj.update(context, migration_id, {
                'dest_node': self.host})

    def rollback_live_migration_at_destination(self, context, instance_uuid,
                                               made):
        """On the destination (a call): the new attachments go."""
        for attachment_id, _unused in (made or {}).values():
            self._delete_attachment(context, attachment_id)

    def live_migration_force_complete(self, context, instance_uuid,
                                      migration_id):
        control = self._live_events().get(migration_id)
        if control is not None:
            control['complete'].set()

    def live_migration_abort(self, context, instance_uuid, migration_id):
        control = self._live_events().get(migration_id)
        if control is not None:
            control['abort'].set()

    def _cannot(self, context, instance, action):
        """The driver has no ``action``: the server stays as it was."""
        error = exception.NotSupported(
            'The %s driver cannot %s servers.'
            % (type(self.driver).__name__, action))
        self._move_fault(context, instance.uuid, error)
        instance_obj.update(context, instance.uuid, {'task_state': None})

    # -- rescue --------------------------------------------------------------------

    @instance_action.wrap_instance_event('compute')
    def rescue_instance(self, context, instance_uuid, rescue_image_ref=None):
        """The guest boots the rescue image; its volumes stay attached and
        connected as they are."""
        self._rescue_step(
            context, instance_uuid, 'rescue', instance_obj.RESCUED,
            lambda instance: self.driver.rescue(
                instance, rescue_image_ref or instance.image_ref))

    @instance_action.wrap_instance_event('compute')
    def unrescue_instance(self, context, instance_uuid):
        self._rescue_step(context, instance_uuid, 'unrescue',
                          instance_obj.ACTIVE, self.driver.unrescue)

    def _rescue_step(self, context, instance_uuid, name, vm_state, call):
        """``call(instance)`` under the instance's lock; ``vm_state`` after
        it, a fault when the driver cannot or fails."""
        with lockutils.lock('instance-%s' % instance_uuid):
            instance = instance_obj.get_by_uuid(context, instance_uuid)
            try:
                call(instance)
            except NotImplementedError:
                self._cannot(context, instance, name)
                return
            except Exception as error:
                LOG.exception('%s of %s failed', name.capitalize(),
                              instance_uuid)
                self._set_error(context, instance, error)
                return
            instance_obj.update(context, instance_uuid, {
                'vm_state': vm_state, 'task_state': None,
                'power_state': self.driver.get_power_state(instance)})
