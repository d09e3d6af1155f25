"""Server operations as the API performs them.

Controllers call these functions; they look servers up through the API
database's mappings, check states, record what must be recorded and hand
work to the conductor or to the server's compute host over RPC. Nothing
here talks HTTP or a hypervisor.
"""

import logging
import operator
import random
import re
import string

from oslo_serialization import jsonutils
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite import cells
from nova_lite.compute import api_actions
from nova_lite.compute import availability_zones
from nova_lite.compute import checks
from nova_lite.compute import image_meta
from nova_lite.compute import moves_api
from nova_lite.compute import power_state
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import server_groups
from nova_lite.compute import snapshots_api
from nova_lite.compute import volumes
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite import context as nl_context
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import build_request
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import service as service_obj
from nova_lite import quota
from nova_lite.volume import cinder

check_state = checks.check_state
check_lock = checks.check_lock

LOG = logging.getLogger(__name__)

# An argument not given (None has a meaning of its own).
_UNSET = object()

ALLOW_SOFT_REBOOT = (instance_obj.ACTIVE,)
ALLOW_HARD_REBOOT = (instance_obj.ACTIVE, instance_obj.STOPPED,
                     instance_obj.PAUSED, instance_obj.SUSPENDED,
                     instance_obj.ERROR)
ALLOW_REBOOT_TASKS = (None, instance_obj.REBOOTING,
                      instance_obj.REBOOT_PENDING,
                      instance_obj.REBOOT_STARTED, 'resuming',
                      instance_obj.REBOOTING_HARD, 'unpausing', 'pausing',
                      'suspending')


@plain.writer('api')
def _queue_for_delete(context, instance_uuid):
    """The server queued for delete and out of its group, in one
    transaction of the API database."""
    cell_mapping.queue_instance_for_delete(context, instance_uuid)
    server_groups.forget_server(context, instance_uuid)


class API(api_actions.ServerActionsAPI, volumes.VolumeAPI,
          moves_api.MovesAPI, snapshots_api.SnapshotsAPI):
    """The compute API: one per WSGI application."""

    def __init__(self, conf):
        self.conf = conf
        self.conductor = conductor_rpcapi.ConductorAPI(conf)
        self.compute = compute_rpcapi.ComputeAPI(conf)
        self.volume_api = cinder.API(conf)

    # -- lookups ---------------------------------------------------------------

    def get(self, context, uuid):
        """Return ``(instance, cell_mapping)``; cell is None while building."""
        for _attempt in range(3):
            try:
                mapping = cell_mapping.get_instance_mapping(context, uuid)
            except exception.InstanceMappingNotFound:
                raise exception.InstanceNotFound(instance_id=uuid)
            if mapping.cell_mapping is None:
                try:
                    return build_request.get_instance(context, uuid), None
                except exception.BuildRequestNotFound:
                    # Scheduled meanwhile: read the mapping again.
                    continue
            cctxt = nl_context.target_cell(context, mapping.cell_mapping)
            return (instance_obj.get_by_uuid(cctxt, uuid),
                    mapping.cell_mapping)
        raise exception.InstanceNotFound(instance_id=uuid)

    def get_all(self, context, filters, sort_keys, sort_dirs, limit=None,
                marker=None, cell_down_support=False, listing=None):
        """Servers of all cells and build requests, merged in sort order.

        Cells are asked in parallel; one that fails or does not answer in
        ``[conductor] cell_timeout`` is skipped, or, with
        ``cell_down_support`` (2.69), represented by minimal records of its
        servers built from the instance mappings, after the others.
        ``marker`` is a server uuid; a marker that is nowhere raises
        MarkerNotFound. Returns the list (at most ``limit`` long).

        With a :class:`ListedServers` as ``listing``, the servers read from
        the cells are their rows (see :class:`instance_obj.Listing`), whose
        volume mappings, faults and cells ``listing`` collects; build
        requests and down cells' servers stay records.
        """
        marker_inst = None
        if marker is not None:
            try:
                ctxt = context.elevated(read_deleted='yes')
                marker_inst, _cell = self.get(ctxt, marker)
            except exception.InstanceNotFound:
                raise exception.MarkerNotFound(marker=marker)
        # Build requests are read first: a server the conductor places in a
        # cell meanwhile is then found there too, and the cell copy wins.
        building = []
        if filters.get('deleted', False) is not True:
            building = self._build_requests(context, filters)
        all_cells = cell_mapping.get_all_cells_cached(context)
        answers = cells.scatter_gather_cells(
            context, all_cells, self.conf.conductor.cell_timeout,
            instance_obj.get_all, filters, sort_keys, sort_dirs,
            limit=limit, marker=marker_inst, as_rows=listing is not None,
            extended=listing is not None and listing.extended,
            local_inline=True)
        results, down = [], []
        for cell in all_cells:
            answer = answers[cell.uuid]
            if cells.is_failure(answer):
                down.append(cell)
            elif listing is not None:
                results.extend(answer.rows)
                listing.add(answer)
            else:
                results.extend(answer)
        in_cells = {inst.uuid for inst in results}
        results.extend(i for i in building if i.uuid not in in_cells)
        results = _sort(results, sort_keys, sort_dirs)
        if marker_inst is not None:
            results = [r for r in results
                       if _after(r, marker_inst, sort_keys, sort_dirs)]
        if cell_down_support and down:
            results.extend(self._down_cell_records(context, down, filters))
        if limit is not None:
            results = results[:limit]
        return results

    def _down_cell_records(self, context, down_cells, filters):
        records = []
        for cell in down_cells:
            for mapping in cell_mapping.get_instance_mappings_in_cell(
                    context, cell.id, filters.get('project_id')):
                records.append(instance_obj.DownCellInstance(
                    uuid=mapping.instance_uuid,
                    project_id=mapping.project_id,
                    user_id=mapping.user_id,
                    created_at=mapping.created_at))
        return records

    def _build_requests(self, context, filters):
        insts = build_request.get_all_instances(
            context, project_id=filters.get('project_id'))
        out = []
        for inst in insts:
            if filters.get('vm_state') is not None and \
                    inst.vm_state not in filters['vm_state']:
                continue
            if filters.get('task_state') is not None and \
                    inst.task_state not in filters['task_state']:
                continue
            if filters.get('uuid') is not None and \
                    inst.uuid not in filters['uuid']:
                continue
            if filters.get('name'):
                import re
                if not re.search(filters['name'], inst.display_name or ''):
                    continue
            for key in ('user_id', 'image_ref', 'reservation_id',
                        'key_name', 'availability_zone'):
                if filters.get(key) is not None and \
                        getattr(inst, key) != filters[key]:
                    break
            else:
                if filters.get('host') or filters.get('node'):
                    continue
                if not _tags_match(inst.tags or [], filters):
                    continue
                if filters.get('flavor_id') is not None and \
                        inst.flavor.get('flavorid') != filters['flavor_id']:
                    continue
                since = filters.get('changes_since')
                if since is not None and (inst.updated_at or
                                          inst.created_at) < since:
                    continue
                before = filters.get('changes_before')
                if before is not None and (inst.updated_at or
                                           inst.created_at) > before:
                    continue
                out.append(inst)
        return out

    # -- create ----------------------------------------------------------------

    def create(self, context, flavor, name, image_ref, bdms, min_count=1,
               max_count=1, description=None, metadata=None, tags=None,
               availability_zone=None, user_data=None, config_drive=None,
               access_ip_v4=None, access_ip_v6=None, key_name=None,
               key_data=None, supports_multiattach=False, hostname=None,
               auto_disk_config=None, scheduler_hints=None,
               injected_files=None, forced_host=None, forced_node=None,
               requested_host=None, requested_node=None, image=None):
        """Record new servers as build requests and cast their build.

        Quotas as nova checks them: metadata items and personality files,
        then the servers (as many as the quotas allow between
        ``min_count`` and ``max_count``), checked again once recorded: a
        create that went over a limit meanwhile (parallel creates) takes
        its servers back and raises TooManyInstances.
        """
        if min_count > max_count:
            raise exception.InvalidInput(
                reason='min_count must be <= max_count')
        if hostname and max_count > 1:
            raise exception.AmbiguousHostnameForMultipleInstances()
        quota.check_metadata_items(context, metadata)
        quota.check_injected_files(context, injected_files)
        availability_zones.check_requested(context, self.conf,
                                           availability_zone, forced_host)
        availability_zones.check_requested_destination(
            context, requested_host, requested_node)
        group = server_groups.group_from_hints(context, scheduler_hints)
        volumes = self.check_boot_volumes(context, bdms,
                                          supports_multiattach)
        availability_zone = availability_zones.zone_for_volumes(
            self.conf, availability_zone,
            list(volumes.values())) or availability_zone
        count = quota.check_num_instances(context, flavor.vcpus,
                                          flavor.memory_mb, min_count,
                                          max_count)
        if group is not None:
            server_groups.check_members_quota(context, self.conf, group,
                                              count)
        reservation_id = 'r-' + ''.join(random.choice(
            string.ascii_lowercase + string.digits) for _ in range(8))
        now = timeutils.utcnow()
        uuids = []
        root_device_name = None
        for bdm in bdms:
            if bdm.get('boot_index') == 0 and bdm.get('device_name'):
                root_device_name = bdm['device_name']
        # What nova's system metadata keeps of the image (snapshots
        # inherit it).
        system_metadata = image_meta.system_metadata_from_image(
            image, flavor.root_gb)
        system_metadata.setdefault('image_base_image_ref', image_ref or '')
        system_metadata['owner_user_name'] = getattr(context, 'user_name',
                                                     None)
        system_metadata['owner_project_name'] = getattr(
            context, 'project_name', None)
        for index in range(count):
            uuid = uuidutils.generate_uuid()
            display_name = name
            if count > 1:
                display_name = '%s-%d' % (name, index + 1)
            values = {
                'uuid': uuid, 'project_id': context.project_id,
                'user_id': context.user_id, 'display_name': display_name,
                'display_description': description,
                'hostname': hostname or _hostname(name, uuid, count, index),
                'auto_disk_config': bool(auto_disk_config),
                'vm_state': instance_obj.BUILDING,
                'task_state': instance_obj.SCHEDULING,
                'power_state': power_state.NOSTATE,
                'flavor': flavor.snapshot(), 'image_ref': image_ref or '',
                'key_name': key_name, 'key_data': key_data,
                'config_drive': 'True' if config_drive else '',
                'user_data': user_data, 'access_ip_v4': access_ip_v4,
                'access_ip_v6': access_ip_v6,
                'metadata': dict(metadata or {}), 'tags': list(tags or []),
                'system_metadata': dict(system_metadata),
                'locked': False, 'launch_index': index,
                'reservation_id': reservation_id,
                'root_device_name': root_device_name or '/dev/vda',
                'availability_zone': availability_zone,
                'progress': 0, 'created_at': now, 'updated_at': now,
            }
            instance_bdms = [dict(b, uuid=uuidutils.generate_uuid())
                             for b in bdms]
            spec = {'instance_uuid': uuid, 'flavor': flavor.snapshot(),
                    'multiattach': any(v.get('multiattach')
                                       for v in volumes.values()),
                    'availability_zone': availability_zone,
                    'forced_host': forced_host, 'forced_node': forced_node,
                    'requested_host': requested_host,
                    'requested_node': requested_node,
                    'group': group.uuid if group is not None else None,
                    'num_instances': count, 'image_ref': image_ref,
                    'scheduler_hints': hints_as_lists(scheduler_hints)}
            self.reserve_boot_volumes(context, uuid, instance_bdms)
            try:
                cell_mapping.create_instance_mapping(
                    context, uuid, context.project_id, context.user_id)
                build_request.create(context, values, instance_bdms, spec)
                if group is not None:
                    server_groups.add_member(context, group, uuid)
            except Exception:
                self.local_cleanup_volumes(context, [
                    dict(b, delete_on_termination=False)
                    for b in instance_bdms])
                raise
            uuids.append(uuid)
        try:
            quota.recheck_num_instances(context, flavor.vcpus,
                                        flavor.memory_mb, len(uuids))
        except exception.OverQuota:
            self._take_back(context, uuids)
            raise
        self.conductor.schedule_and_build_instances(context, uuids)
        return uuids, reservation_id

    def _take_back(self, context, uuids):
        """Remove servers just recorded (over quota on the recheck)."""
        for uuid in uuids:
            try:
                instance = build_request.get_instance(context, uuid)
            except exception.BuildRequestNotFound:
                instance = None
            build_request.destroy(context, uuid)
            build_request.destroy_request_spec(context, uuid)
            cell_mapping.delete_instance_mapping(context, uuid)
            if instance is not None:
                self.local_cleanup_volumes(context, [
                    dict(b, delete_on_termination=False)
                    for b in instance.bdms])

    # -- delete ------------------------------------------------------------------

    def delete(self, context, instance, cell):
        check_lock(context, instance)
        _queue_for_delete(context, instance.uuid)
        if instance.vm_state in (instance_obj.SHELVED,
                                 instance_obj.SHELVED_OFFLOADED):
            self._delete_shelved_image(context, instance)
        if cell is None:
            if build_request.destroy(context, instance.uuid):
                build_request.destroy_request_spec(context, instance.uuid)
                self.cleanup_build_request_volumes(context, instance)
                return
            # The conductor built it meanwhile.
            instance, cell = self.get(context, instance.uuid)
        cctxt = nl_context.target_cell(context, cell)
        if instance.task_state == instance_obj.DELETING and instance.host \
                and self._host_is_up(cctxt, instance.host):
            return
        if not instance.host or not self._host_is_up(cctxt, instance.host):
            LOG.info('Deleting server %s locally (no host, or its compute '
                     'service is down)', instance.uuid)
            self.local_cleanup_volumes(
                cctxt, bdm_obj.get_by_instance(cctxt, instance.uuid))
            moves_api.drop_kept_attachments(cctxt, self.volume_api,
                                            instance.uuid)
            instance_obj.destroy(cctxt, instance.uuid)
            return
        # As nova: a delete the compute host carries out is recorded; a
        # local one is not.
        instance_action.start_with(
            cctxt, instance.uuid, instance_action.DELETE, instance_obj.update,
            instance.uuid, {'task_state': instance_obj.DELETING,
                            'progress': 0})
        self.compute.terminate_instance(context, instance.host,
                                        instance.uuid, cell=cell)

    def _host_is_up(self, cctxt, host):
        try:
            svc = service_obj.get_by_host_and_binary(cctxt, host,
                                                     'nova-compute')
        except exception.ComputeHostNotFound:
            return False
        return svc.is_up(self.conf.service_down_time)

    # -- actions -------------------------------------------------------------------

    def _start_task(self, context, instance, cell, method, task_state,
                    vm_states=None, task_states=(None,), extra=None,
                    action=None):
        """Check and set the task state (compare-and-swap) and record the
        instance ``action`` (nova's name) of the request."""
        check_lock(context, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method=method)
        check_state(instance, method, vm_states, task_states)
        cctxt = nl_context.target_cell(context, cell)
        values = {'task_state': task_state}
        values.update(extra or {})
        expected = list(task_states) if task_states is not None else None
        try:
            if action is None:
                return instance_obj.update(cctxt, instance.uuid, values,
                                           expected_task_state=expected,
                                           expected_vm_state=vm_states)
            return instance_action.start_with(
                cctxt, instance.uuid, action, instance_obj.update,
                instance.uuid, values, expected_task_state=expected,
                expected_vm_state=vm_states)
        except exception.InstanceInvalidState as e:
            raise exception.InstanceInvalidState(
                attr=e.kwargs['attr'], instance_uuid=instance.uuid,
                state=e.kwargs['state'], method=method)

    def _require_host(self, instance):
        if not instance.host:
            raise exception.InstanceInvalidState(
                attr='host', instance_uuid=instance.uuid, state=None,
                method='stop')

    def stop(self, context, instance, cell):
        check_lock(context, instance)
        if instance.host is None and cell is not None:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        self._start_task(context, instance, cell, 'stop',
                         instance_obj.POWERING_OFF,
                         vm_states=(instance_obj.ACTIVE, instance_obj.ERROR),
                         extra={'progress': 0}, action=instance_action.STOP)
        self.compute.stop_instance(context, instance.host, instance.uuid,
                                   cell=cell)

    def start(self, context, instance, cell):
        check_lock(context, instance)
        if instance.host is None and cell is not None:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        self._start_task(context, instance, cell, 'start',
                         instance_obj.POWERING_ON,
                         vm_states=(instance_obj.STOPPED,),
                         action=instance_action.START)
        self.compute.start_instance(context, instance.host, instance.uuid,
                                    cell=cell)

    def reboot(self, context, instance, cell, reboot_type):
        if reboot_type == 'SOFT':
            self._start_task(context, instance, cell, 'reboot',
                             instance_obj.REBOOTING,
                             vm_states=ALLOW_SOFT_REBOOT,
                             action=instance_action.REBOOT)
        else:
            self._start_task(context, instance, cell, 'reboot',
                             instance_obj.REBOOTING_HARD,
                             vm_states=ALLOW_HARD_REBOOT,
                             task_states=ALLOW_REBOOT_TASKS,
                             action=instance_action.REBOOT)
        self.compute.reboot_instance(context, instance.host, instance.uuid,
                                     reboot_type, cell=cell)

    def shelve(self, context, instance, cell):
        """Shelve: an image-backed server's disk is stored in a new
        image ("<name>-shelved") by its host, which then offloads it per
        ``[DEFAULT] shelved_offload_time``; a volume-backed server is
        offloaded at once."""
        system_metadata = dict(instance.system_metadata or {},
                               image_base_image_ref=instance.image_ref)
        self._start_task(context, instance, cell, 'shelve',
                         instance_obj.SHELVING,
                         vm_states=(instance_obj.ACTIVE, instance_obj.STOPPED,
                                    instance_obj.PAUSED,
                                    instance_obj.SUSPENDED),
                         extra={'system_metadata': system_metadata},
                         action=instance_action.SHELVE)
        instance.system_metadata = system_metadata
        try:
            image = self.shelve_image(context, instance)
        except Exception:
            cctxt = nl_context.target_cell(context, cell)
            instance_obj.update(cctxt, instance.uuid, {'task_state': None})
            raise
        if image is None:
            self.compute.shelve_offload_instance(context, instance.host,
                                                 instance.uuid, cell=cell)
            return
        self.compute.shelve_instance(context, instance.host, instance.uuid,
                                     cell=cell, image_id=image.id)

    def _delete_shelved_image(self, context, instance):
        image_id = (instance.system_metadata or {}).get('shelved_image_id')
        if not image_id:
            return
        LOG.info('Deleting image %s of the shelved server %s', image_id,
                 instance.uuid)
        try:
            glance.delete(self.conf, context, image_id)
        except (exception.ImageNotFound, exception.Forbidden) as error:
            LOG.warning('Failed to delete the image of the shelved server '
                        '%s: %s', instance.uuid, error)
        except Exception:
            LOG.exception('Failed to delete the image of the shelved '
                          'server %s', instance.uuid)

    def shelve_offload(self, context, instance, cell):
        self._start_task(context, instance, cell, 'shelve_offload',
                         instance_obj.SHELVING_OFFLOADING,
                         vm_states=(instance_obj.SHELVED,),
                         action=instance_action.SHELVE_OFFLOAD)
        self.compute.shelve_offload_instance(context, instance.host,
                                             instance.uuid, cell=cell)

    def unshelve(self, context, instance, cell, availability_zone=_UNSET,
                 host=None):
        """Unshelve; with ``availability_zone`` (None unpins the server)
        or ``host`` (2.91, administrators) the server must be offloaded,
        and is scheduled into that zone or onto that host."""
        extra = {}
        zone_passed = availability_zone is not _UNSET
        if zone_passed or host:
            if instance.vm_state != instance_obj.SHELVED_OFFLOADED:
                raise exception.UnshelveInstanceInvalidState(
                    state=instance.vm_state, instance_uuid=instance.uuid)
        if zone_passed and availability_zone:
            availability_zones.check_requested(context, self.conf,
                                               availability_zone, None)
            extra['availability_zone'] = availability_zone
        spec = None
        if host:
            context.can('os_compute_api:os-shelve:unshelve_to_host',
                        {'project_id': instance.project_id,
                         'user_id': instance.user_id})
            try:
                availability_zones.check_requested_destination(
                    context, host, None)
            except exception.ComputeHostNotFound as error:
                raise exception.InvalidRequest(error.format_message())
            spec = build_request.get_request_spec(context, instance.uuid) \
                or {'instance_uuid': instance.uuid}
            zone = availability_zone if zone_passed else \
                spec.get('availability_zone')
            if zone is not None and \
                    availability_zones.host_zone(context, self.conf,
                                                 host) != zone:
                raise exception.UnshelveHostNotInAZ(host=host,
                                                    availability_zone=zone)
        was_offloaded = instance.vm_state == instance_obj.SHELVED_OFFLOADED
        self._start_task(context, instance, cell, 'unshelve',
                         instance_obj.UNSHELVING,
                         vm_states=(instance_obj.SHELVED,
                                    instance_obj.SHELVED_OFFLOADED),
                         extra=extra, action=instance_action.UNSHELVE)
        if was_offloaded:
            if zone_passed or host:
                # The server is scheduled to, and pinned in, the zone asked
                # for (or unpinned: None), onto the host asked for.
                if spec is None:
                    spec = build_request.get_request_spec(
                        context, instance.uuid) or {
                        'instance_uuid': instance.uuid}
                if zone_passed:
                    spec['availability_zone'] = availability_zone
                spec['requested_host'] = host
                build_request.update_request_spec(context, instance.uuid,
                                                  spec)
            self.conductor.unshelve_instance(context, instance.uuid)
        else:
            # Still on its host: it only needs powering on.
            cctxt = nl_context.target_cell(context, cell)
            instance_obj.update(cctxt, instance.uuid,
                                {'task_state': instance_obj.POWERING_ON})
            self.compute.start_instance(context, instance.host,
                                        instance.uuid, cell=cell)

    # -- update ------------------------------------------------------------------

    def update(self, context, instance, cell, values):
        if cell is None:
            values = dict(values, updated_at=timeutils.utcnow())
            updated = build_request.update_instance(
                context, instance.uuid, values)
            if updated is not None:
                return updated
            # Scheduled meanwhile: update it in its cell.
            instance, cell = self.get(context, instance.uuid)
        cctxt = nl_context.target_cell(context, cell)
        instance_obj.update(cctxt, instance.uuid, values)
        return instance_obj.get_by_uuid(cctxt, instance.uuid)

    def pin_availability_zone(self, context, instance, zone):
        """Pin the server to ``zone`` (its current zone) or unpin it
        (None), in its request spec."""
        spec = build_request.get_request_spec(context, instance.uuid)
        if spec is None:
            spec = {'instance_uuid': instance.uuid}
        current = spec.get('availability_zone')
        if zone is None:
            if current is not None:
                spec['availability_zone'] = None
                build_request.update_request_spec(context, instance.uuid,
                                                  spec)
            return
        if current is not None:
            if zone != current:
                raise exception.PinnedZoneChange()
            return
        # Its host's zone, as the server's availability zone shows it.
        instance_zone = availability_zones.host_zone(
            context, self.conf, instance.host) if instance.host else \
            instance.availability_zone
        if zone != instance_zone:
            raise exception.PinnedZoneMismatch(current_az=instance_zone,
                                               requested_az=zone)
        spec['availability_zone'] = zone
        build_request.update_request_spec(context, instance.uuid, spec)


class ListedServers:
    """What a server list read from the cells with its rows: volume
    mappings and faults by server uuid, and each server's cell uuid; the
    rows have the columns of the extended attributes only ``extended``
    (see :func:`instance_obj.get_all`)."""

    def __init__(self, extended=False):
        # Whether the rows carry the columns of the extended attributes
        # (which only some callers are shown).
        self.extended = extended
        self.volumes = {}
        self.faults = {}
        self.cell_uuids = {}

    def add(self, answer):
        self.volumes.update(answer.volumes)
        self.faults.update(answer.faults)
        cell_uuid = answer.cell_uuid
        for row in answer.rows:
            self.cell_uuids[row.uuid] = cell_uuid


def _tags_match(tags, filters):
    tags = set(tags)
    if filters.get('tags') and not set(filters['tags']) <= tags:
        return False
    if filters.get('tags-any') and not set(filters['tags-any']) & tags:
        return False
    if filters.get('not-tags') and set(filters['not-tags']) <= tags:
        return False
    if filters.get('not-tags-any') and set(filters['not-tags-any']) & tags:
        return False
    return True


def hints_as_lists(hints):
    """Scheduler hints as the request spec keeps them: each value a list
    of strings."""
    out = {}
    for name, value in (hints or {}).items():
        values = value if isinstance(value, list) else [value]
        out[name] = [v if isinstance(v, str) else
                     str(v) if isinstance(v, (int, float)) else
                     jsonutils.dumps(v) for v in values]
    return out


def _hostname(name, uuid, count=1, index=0):
    """The hostname nova derives from a server's name: Latin-1, at most 63
    characters, spaces, underscores and dots as dashes, other punctuation
    dropped, lower case; ``Server-<uuid>`` when nothing is left; with the
    server's index after it when several are created."""
    hostname = (name or '').encode('latin-1', 'ignore').decode('latin-1')
    hostname = re.sub(r'[ _\.]', '-', hostname[:63])
    hostname = re.sub(r'[^\w.-]+', '', hostname).lower().strip('.-')
    if not hostname:
        return 'Server-%s' % uuid
    if count > 1:
        return '%s-%d' % (hostname, index + 1)
    return hostname


def _sort_value(inst, key):
    value = getattr(inst, key)
    return (value is not None, value if value is not None else 0)


def _sort(instances, sort_keys, sort_dirs):
    out = list(instances)
    if len(set(sort_dirs)) == 1:
        # One direction: one sort on the keys' values together (the same
        # order as one stable sort per key, last key first).
        reverse = sort_dirs[0] == 'desc'
        if sort_keys:
            # The values as they are, where no None meets another value:
            # ordered alike, as only a None's place differs (first, as
            # _sort_value orders it) and comparing None raises.
            try:
                out.sort(key=operator.attrgetter(*sort_keys),
                         reverse=reverse)
                return out
            except TypeError:
                out = list(instances)
        getters = [operator.attrgetter(key) for key in sort_keys]

        def values(inst):
            return tuple((v is not None, v if v is not None else 0)
                         for v in (get(inst) for get in getters))
        out.sort(key=values, reverse=reverse)
        return out
    for key, direction in reversed(list(zip(sort_keys, sort_dirs))):
        out.sort(key=lambda i: _sort_value(i, key),
                 reverse=(direction == 'desc'))
    return out


def _after(inst, marker, sort_keys, sort_dirs):
    for key, direction in zip(sort_keys, sort_dirs):
        a, b = _sort_value(inst, key), _sort_value(marker, key)
        if a == b:
            continue
        return a > b if direction == 'asc' else a < b
    return False
