"""The conductor RPC endpoint.

A superconductor (one with the API database) schedules builds, places them
in cells and answers for all cells. The conductor of a cell (only that
cell's ``[database]``, on the cell's message bus) retries the builds that
fail on a compute host of its cell on the alternates chosen up front. A
superconductor on the same bus as a cell's computes does both.
"""

import logging
import time

import oslo_messaging as messaging

from nova_lite.compute import availability_zones
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import context as nl_context
from nova_lite.db import api as db_api
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import build_request
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import instance_fault
from nova_lite.objects import migration as migration_obj
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import filters as scheduler_filters
from nova_lite.scheduler import host_selection

LOG = logging.getLogger(__name__)


@db_api.cell_conn_writer
def _record_in_cell(cell_ctx, uuid, values, bdms):
    """The server, its create action and its block device mappings, in one
    transaction of its cell."""
    instance_obj.create(cell_ctx, values)
    instance_action.action_start(cell_ctx, uuid, instance_action.CREATE)
    for bdm in bdms:
        bdm_obj.create(cell_ctx, dict(bdm, instance_uuid=uuid))


class ConductorManager:
    target = messaging.Target(version='1.4')

    def __init__(self, conf, superconductor=True):
        self.conf = conf
        self.superconductor = superconductor
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(conf)
        self._last_discovery = 0.0
        # The compute API's volume operations, made on first use.
        self._compute_api = None
        unknown = scheduler_filters.unknown_filters(conf)
        if unknown:
            LOG.warning('[filter_scheduler] enabled_filters lists filters '
                        'nova_lite does not apply: %s', ', '.join(unknown))

    def periodic_tasks(self, context):
        if not self.superconductor:
            return
        interval = self.conf.scheduler.discover_hosts_in_cells_interval
        if interval < 0 or time.monotonic() - self._last_discovery < interval:
            return
        self._last_discovery = time.monotonic()
        host_selection.discover_hosts(context)

    # -- service versions ------------------------------------------------------

    def get_minimum_service_version(self, context, binary):
        """Minimum version of ``binary`` over every cell that answers.

        Cells that fail or time out are skipped; 0 when none answers, so
        that features gated on it fail closed. Cached briefly.
        """
        return service_obj.get_minimum_version_all_cells(
            context, [binary], timeout=self.conf.conductor.cell_timeout,
            cache_ttl=self.conf.conductor.service_version_cache_time)

    # -- builds ----------------------------------------------------------------

    def schedule_and_build_instances(self, context, instance_uuids):
        for uuid in instance_uuids:
            try:
                self._schedule_and_build(context, uuid)
            except Exception:
                LOG.exception('Unexpected error building server %s', uuid)

    def _schedule_and_build(self, context, uuid):
        try:
            inst = build_request.get_instance(context, uuid)
        except exception.BuildRequestNotFound:
            LOG.info('Server %s was deleted before it was scheduled', uuid)
            return
        try:
            spec = build_request.get_request_spec(context, uuid) or {}
            host, cell, alternates = host_selection.select_destinations(
                context, self.conf, spec=spec)
            zone = availability_zones.host_zone(context, self.conf, host)
        except exception.NoValidHost as error:
            LOG.warning('No valid host for server %s', uuid)
            self._bury_in_cell0(context, inst, error)
            return
        except Exception as error:
            # Never leave a server behind as a build request nobody builds.
            LOG.exception('Scheduling server %s failed', uuid)
            self._bury_in_cell0(context, inst, exception.NoValidHost(
                reason='Scheduling failed: %s' % type(error).__name__))
            return

        def create_in_cell(final):
            # Runs inside the API database transaction of place(): a
            # context of its own keeps the cell's transaction apart.
            cell_ctx = nl_context.target_cell(
                nl_context.RequestContext.from_dict(context.to_dict()), cell)
            values = final.to_dict()
            bdms = values.pop('bdms') or []
            for key in ('id', 'fault', 'cell_uuid', 'created_at',
                        'updated_at', 'deleted_at', 'deleted'):
                values.pop(key, None)
            # The server is in its host's zone from now on (as in nova).
            values.update(host=host, node=host, availability_zone=zone)
            _record_in_cell(cell_ctx, uuid, dict(
                values, created_at=final.created_at), bdms)

        if not build_request.place(context, uuid, cell.id, create_in_cell):
            # Deleted by the user while we were scheduling it.
            LOG.info('Server %s was deleted during scheduling', uuid)
            return
        # The request spec stays: the API shows the pinned availability
        # zone and the scheduler hints from it.
        self.compute_rpcapi.build_and_run_instance(context, host, uuid,
                                                   cell=cell,
                                                   alternates=alternates)

    def reschedule_build_instance(self, context, instance_uuid, alternates,
                                  reason):
        """Retry a failed build on the next alternate host that is up."""
        cell = None
        cctxt = context
        if self.superconductor:
            mapping = cell_mapping.get_instance_mapping(context,
                                                        instance_uuid)
            cell = mapping.cell_mapping
            cctxt = nl_context.target_cell(context, cell)
        for index, host in enumerate(alternates):
            try:
                svc = service_obj.get_by_host_and_binary(cctxt, host,
                                                         'nova-compute')
            except exception.ComputeHostNotFound:
                continue
            if svc.disabled or not svc.is_up(self.conf.service_down_time):
                continue
            try:
                instance_obj.update(
                    cctxt, instance_uuid, {'host': host, 'node': host},
                    expected_task_state=[instance_obj.SCHEDULING])
            except (exception.InstanceNotFound,
                    exception.InstanceInvalidState):
                LOG.info('Server %s changed meanwhile; not rescheduled',
                         instance_uuid)
                return
            LOG.info('Retrying the build of server %s on %s', instance_uuid,
                     host)
            self.compute_rpcapi.build_and_run_instance(
                context, host, instance_uuid, cell=cell,
                alternates=alternates[index + 1:])
            return
        error = exception.MaxRetriesExceeded(
            reason='Exhausted all hosts available for retrying build '
                   'failures for instance %s.' % instance_uuid)
        try:
            instance_fault.create(cctxt, instance_fault.fault_values(
                instance_uuid, error))
            instance_obj.update(cctxt, instance_uuid, {
                'vm_state': instance_obj.ERROR, 'task_state': None},
                expected_task_state=[instance_obj.SCHEDULING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            pass
        LOG.warning('Build of server %s failed on every host: %s',
                    instance_uuid, reason)

    def _bury_in_cell0(self, context, inst, error):
        uuid = inst.uuid
        try:
            cell0 = cell_mapping.get_cell(context, cell_mapping.CELL0_UUID)
        except exception.CellMappingNotFound:
            LOG.error('No cell0 mapping: server %s cannot be recorded as '
                      'failed; run "nova-lite-manage cell_v2 map_cell0"',
                      uuid)
            return
        cctxt = nl_context.target_cell(context, cell0)
        values = inst.to_dict()
        bdms = values.pop('bdms', None) or []
        for key in ('id', 'fault', 'cell_uuid', 'updated_at', 'deleted_at',
                    'deleted'):
            values.pop(key, None)
        values.update(vm_state=instance_obj.ERROR, task_state=None,
                      host=None, node=None)
        instance_obj.create(cctxt, values)
        # The mappings go to cell0 too, so that deleting the server there
        # frees the volumes reserved for it.
        for bdm in bdms:
            bdm_obj.create(cctxt, dict(bdm, instance_uuid=uuid))
        instance_fault.create(cctxt, instance_fault.fault_values(
            uuid, error, with_details=True))
        self._record_failed_create(cctxt, uuid, error)
        cell_mapping.set_instance_cell(context, uuid, cell0.id)
        if not build_request.destroy(context, uuid):
            instance_obj.destroy(cctxt, uuid)
            build_request.destroy_request_spec(context, uuid)

    # -- volume attach (2.101) -----------------------------------------------------

    def attach_volume(self, context, instance_uuid, volume_id, device=None,
                      tag=None, delete_on_termination=False,
                      supports_multiattach=False):
        """What the API no longer waits for from 2.101: the device
        reserved on the server's host (whose failures are recorded as the
        server's faults), the volume reserved in block storage and the
        attach cast to the host, which records its own failures."""
        from nova_lite.compute import api as compute_api
        api = self._compute_api
        if api is None:
            api = self._compute_api = compute_api.API(self.conf)
        try:
            instance, cell = api.get(context, instance_uuid)
        except exception.InstanceNotFound:
            LOG.info('Attach of volume %s: server %s is gone', volume_id,
                     instance_uuid)
            return
        if cell is None:
            LOG.info('Attach of volume %s: server %s is not built',
                     volume_id, instance_uuid)
            return
        try:
            volume = api.volume_api.get(context, volume_id)
            api.reserve_and_attach(
                context, instance, cell, volume, device=device, tag=tag,
                delete_on_termination=delete_on_termination,
                supports_multiattach=supports_multiattach)
        except Exception as error:
            LOG.exception('Attach of volume %s to %s failed', volume_id,
                          instance_uuid)
            if getattr(error, 'in_device_reservation', False):
                # As the compute host records a failed reservation.
                cctxt = nl_context.target_cell(context, cell)
                instance_fault.create(cctxt, instance_fault.fault_values(
                    instance_uuid, error, host=instance.host))

    def _record_failed_create(self, cctxt, uuid, error):
        """The ``create`` action of a server buried in cell0, with its
        failed scheduling event."""
        name = 'conductor_schedule_and_build_instances'
        try:
            instance_action.action_start(cctxt, uuid, instance_action.CREATE)
            instance_action.event_start(cctxt, uuid, name,
                                        host=self.conf.host)
            instance_action.event_finish(cctxt, uuid, name, error=error,
                                         host=self.conf.host)
        except Exception:
            LOG.exception('Could not record the create action of %s', uuid)

    # -- unshelve ----------------------------------------------------------------

    def unshelve_instance(self, context, instance_uuid):
        mapping = cell_mapping.get_instance_mapping(context, instance_uuid)
        cctxt = nl_context.target_cell(context, mapping.cell_mapping)
        image_id = self._shelved_image(context, cctxt, instance_uuid)
        if image_id is False:
            return
        with instance_action.event(cctxt, instance_uuid,
                                   'schedule_instances',
                                   host=self.conf.host):
            stored = build_request.get_request_spec(context, instance_uuid)
            spec = {key: (stored or {}).get(key)
                    for key in ('availability_zone', 'group',
                                'requested_host')}
            if spec['requested_host']:
                # A host asked for (2.91) serves this unshelve only.
                stored.pop('requested_host')
                build_request.update_request_spec(context, instance_uuid,
                                                  stored)
            spec['instance_uuid'] = instance_uuid
            try:
                host, cell = host_selection.select_destination(
                    context, self.conf, cell_uuid=mapping.cell_mapping.uuid,
                    spec=spec)
                zone = availability_zones.host_zone(context, self.conf, host)
            except exception.NoValidHost as error:
                instance_action.note_failure(error)
                instance_fault.create(cctxt, instance_fault.fault_values(
                    instance_uuid, error))
                instance_obj.update(cctxt, instance_uuid,
                                    {'task_state': None})
                return
        instance_obj.update(cctxt, instance_uuid,
                            {'availability_zone': zone})
        self.compute_rpcapi.unshelve_instance(context, host, instance_uuid,
                                              cell=cell, image_id=image_id)

    def _shelved_image(self, context, cctxt, instance_uuid):
        """The image the shelve of the server stored (None for a
        volume-backed server); False when it is gone: the server is then
        in ERROR with nova's fault."""
        instance = instance_obj.get_by_uuid(cctxt, instance_uuid,
                                            with_extra=False)
        image_id = (instance.system_metadata or {}).get('shelved_image_id')
        if not image_id:
            return None
        with instance_action.event(cctxt, instance_uuid, 'get_image_info',
                                   host=self.conf.host):
            try:
                glance.get(self.conf, context, image_id)
            except exception.ImageNotFound as error:
                reason = ('Unshelve attempted but the image %s cannot be '
                          'found.' % image_id)
                LOG.error('%s (server %s)', reason, instance_uuid)
                instance_action.note_failure(error)
                values = instance_fault.fault_values(instance_uuid, error)
                values['message'] = reason
                instance_fault.create(cctxt, values)
                instance_obj.update(cctxt, instance_uuid, {
                    'vm_state': instance_obj.ERROR, 'task_state': None})
                return False
        return image_id

    # -- moving servers ------------------------------------------------------------

    def _move_target(self, context, instance_uuid):
        mapping = cell_mapping.get_instance_mapping(context, instance_uuid)
        cell = mapping.cell_mapping
        cctxt = nl_context.target_cell(context, cell)
        return cell, cctxt, instance_obj.get_by_uuid(cctxt, instance_uuid)

    def _move_destination(self, context, cell, instance, host, exclude,
                          force=False):
        """The destination of a move in the server's cell: ``host`` as it
        is when forced (it must be up), else the scheduler's choice among
        the hosts not excluded (only ``host`` when given)."""
        if host and force:
            cctxt = nl_context.target_cell(context, cell)
            try:
                svc = service_obj.get_by_host_and_binary(cctxt, host,
                                                         'nova-compute')
            except exception.ComputeHostNotFound:
                raise exception.NoValidHost(
                    reason='Compute host %s could not be found.' % host)
            if not svc.is_up(self.conf.service_down_time):
                raise exception.NoValidHost(
                    reason='Compute service of %s is unavailable at this '
                           'time.' % host)
            return host
        stored = build_request.get_request_spec(context, instance.uuid) \
            or {}
        spec = {key: stored.get(key)
                for key in ('availability_zone', 'group')}
        spec['instance_uuid'] = instance.uuid
        if host:
            spec['requested_host'] = host
        dest, _cell = host_selection.select_destination(
            context, self.conf, exclude=exclude, cell_uuid=cell.uuid,
            spec=spec)
        return dest

    def select_move_destination(self, context, instance_uuid, kind,
                                host=None, force=False):
        """The destination of a resize, cold or live migration of the
        server; the caller starts the move."""
        cell, cctxt, instance = self._move_target(context, instance_uuid)
        if kind in ('resize', 'cold migrate'):
            exclude = () if self._same_host_allowed(cctxt, instance, kind) \
                else (instance.host,)
            try:
                return self._move_destination(context, cell, instance,
                                              host, exclude)
            except exception.NoValidHost:
                raise exception.NoValidHost(
                    reason='No valid host found for %s' % kind)
        return self._live_destination(context, cell, instance, host, force)

    def _same_host_allowed(self, cctxt, instance, kind):
        """A resize may stay on its host with [DEFAULT]
        allow_resize_to_same_host; a cold migration only where the host's
        driver also reports COMPUTE_SAME_HOST_COLD_MIGRATE, as nova's
        compute refuses to migrate a server to itself otherwise."""
        if not self.conf.allow_resize_to_same_host:
            return False
        if kind == 'resize':
            return True
        return host_selection.host_has_trait(
            cctxt, instance.host, 'COMPUTE_SAME_HOST_COLD_MIGRATE')

    def _live_destination(self, context, cell, instance, host, force):
        """The destination of a live migration that passes the hosts'
        checks (the destination's, then the source's): a host chosen by
        the scheduler that fails them is skipped, a forced host's
        MigrationPreCheckError reaches the caller."""
        if host and host == instance.host:
            raise exception.UnableToMigrateToSelf(
                instance_id=instance.uuid, host=host)
        exclude = [instance.host]
        while True:
            dest = self._move_destination(context, cell, instance, host,
                                          tuple(exclude), force=force)
            try:
                self.compute_rpcapi.check_can_live_migrate_destination(
                    context, dest, instance.uuid, instance.host, cell=cell)
                return dest
            except exception.MigrationPreCheckError as error:
                if force:
                    raise
                LOG.debug('Skipping host %s for the live migration of %s: '
                          '%s', dest, instance.uuid, error)
                exclude.append(dest)

    def live_migrate_instance(self, context, instance_uuid, migration_id,
                              host=None, force=False):
        cell, cctxt, instance = self._move_target(context, instance_uuid)
        try:
            dest = self._live_destination(context, cell, instance, host,
                                          force)
        except Exception as error:
            instance_action.note_failure(error)
            migration_obj.update(cctxt, migration_id, {'status': 'error'})
            instance_obj.update(cctxt, instance_uuid, {'task_state': None})
            raise
        migration = migration_obj.get_by_id(cctxt, migration_id)
        migration_obj.update(cctxt, migration_id, {
            'status': 'queued', 'dest_compute': dest, 'dest_node': dest,
            'dest_host': self.conf.my_ip,
            'move_data': dict(migration.move_data, dest_zone=(
                availability_zones.host_zone(context, self.conf, dest)))})
        self.compute_rpcapi.live_migration(
            context, instance.host, instance_uuid, migration_id, cell=cell)

    def evacuate_instance(self, context, instance_uuid, migration_id,
                          host=None, force=False):
        cell, cctxt, instance = self._move_target(context, instance_uuid)
        try:
            dest = self._move_destination(context, cell, instance, host,
                                          (instance.host,), force=force)
        except exception.NoValidHost as error:
            LOG.warning('No destination for the evacuation of %s',
                        instance_uuid)
            instance_fault.create(cctxt, instance_fault.fault_values(
                instance_uuid, error))
            migration_obj.update(cctxt, migration_id, {'status': 'error'})
            instance_obj.update(cctxt, instance_uuid, {
                'vm_state': instance_obj.ERROR, 'task_state': None})
            return
        migration = migration_obj.get_by_id(cctxt, migration_id)
        migration_obj.update(cctxt, migration_id, {
            'dest_compute': dest, 'dest_node': dest,
            'dest_host': self.conf.my_ip,
            'move_data': dict(migration.move_data, dest_zone=(
                availability_zones.host_zone(context, self.conf, dest)))})
        self.compute_rpcapi.evacuate_instance(
            context, dest, instance_uuid, migration_id, cell=cell)
