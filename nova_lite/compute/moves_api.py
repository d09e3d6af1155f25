"""Moving servers, as the compute API performs it: resize (with confirm
and revert), cold and live migration, evacuation, rescue and unrescue.

A mixin of :class:`nova_lite.compute.api.API`. Each move is recorded as a
migration row in the server's cell (nova's ``migration_type`` and
``status`` values); the conductor picks the destination (a call for resize
and cold migration, whose failure to find a host the caller sees) and the
compute hosts carry the move out.
"""

import json
import logging

from nova_lite.compute import api_actions
from nova_lite.compute import availability_zones
from nova_lite.compute import checks
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.compute import image_meta
from nova_lite.image import glance as image_api
from nova_lite.objects import compute_node as compute_node_obj
from nova_lite.objects import flavor as flavor_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import migration as migration_obj
from nova_lite.objects import service as service_obj
from nova_lite import quota

LOG = logging.getLogger(__name__)

# nova's task states of moves.
RESIZE_PREP = 'resize_prep'
RESIZE_MIGRATING = 'resize_migrating'
RESIZE_MIGRATED = 'resize_migrated'
RESIZE_FINISH = 'resize_finish'
RESIZE_REVERTING = 'resize_reverting'
MIGRATING = 'migrating'
REBUILDING = 'rebuilding'
RESCUING = 'rescuing'
UNRESCUING = 'unrescuing'

# nova's instance action names.
ACTION_RESIZE = 'resize'
ACTION_MIGRATE = 'migrate'
ACTION_CONFIRM_RESIZE = 'confirmResize'
ACTION_REVERT_RESIZE = 'revertResize'
ACTION_LIVE_MIGRATION = 'live-migration'
ACTION_EVACUATE = 'evacuate'
ACTION_RESCUE = 'rescue'
ACTION_UNRESCUE = 'unrescue'

# nova's migration types.
TYPE_RESIZE = 'resize'
TYPE_MIGRATION = 'migration'
TYPE_LIVE = 'live-migration'
TYPE_EVACUATION = 'evacuation'


def is_volume_backed(instance):
    """No image, or a root disk that is a volume."""
    if not instance.image_ref:
        return True
    return any(b.get('boot_index') == 0 and
               b.get('destination_type') == 'volume'
               for b in (instance.bdms or []))


def _non_empty(mappings):
    """A block device mapping property with entries (a list, or its JSON
    text as the image service keeps it)."""
    if isinstance(mappings, str):
        try:
            mappings = json.loads(mappings)
        except ValueError:
            return bool(mappings.strip())
    return bool(mappings)


class MovesAPI:
    """Mixed into the compute API; uses its ``_start_task``, ``compute``,
    ``conductor`` and ``conf``."""

    # -- resize and cold migration -----------------------------------------------

    def _flavor_db_id(self, context, flavorid):
        try:
            return flavor_obj.get_by_flavor_id(
                context.elevated(), flavorid).id
        except exception.FlavorNotFound:
            return None

    @staticmethod
    def _check_upsize_quota(context, instance, current, new):
        """The cores and RAM a bigger flavor adds must fit the project's
        quotas (TooManyInstances, 403, with nova's message)."""
        deltas = {}
        for resource, key in (('cores', 'vcpus'), ('ram', 'memory_mb')):
            delta = int(new.get(key) or 0) - int(current.get(key) or 0)
            if delta > 0:
                deltas[resource] = delta
        if not deltas:
            return
        try:
            quota.check_deltas(context, deltas, instance.project_id)
        except exception.OverQuota as error:
            quotas = error.kwargs['quotas']
            usages = error.kwargs['usages']
            headroom = {res: quotas[res] - usages.get(res, 0)
                        for res in quotas}
            raise exception.TooManyInstances(**quota._over_detail(
                headroom, error.kwargs['overs'], quotas, deltas))

    def resize(self, context, instance, cell, flavor_id=None, host=None):
        """A resize to ``flavor_id``, or a cold migration (no flavor) to
        ``host`` (2.56) or wherever the scheduler chooses."""
        method = 'resize' if flavor_id is not None else 'migrate'
        checks.check_lock(context, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method=method)
        checks.check_state(instance, method,
                           (instance_obj.ACTIVE, instance_obj.STOPPED))
        current = dict(instance.flavor or {})
        new_flavor = None
        if flavor_id is not None:
            try:
                flavor = flavor_obj.get_by_flavor_id(context, flavor_id)
            except exception.FlavorNotFound:
                raise exception.FlavorNotFound(flavor_id=flavor_id)
            if flavor.disabled:
                raise exception.FlavorNotFound(flavor_id=flavor_id)
            if str(flavor.flavorid) == str(current.get('flavorid')):
                raise exception.CannotResizeToSameFlavor()
            if not flavor.root_gb and current.get('root_gb') and \
                    not is_volume_backed(instance):
                raise exception.CannotResizeDisk(
                    reason='Resize to zero disk flavor is not allowed.')
            new_flavor = flavor.snapshot()
            new_flavor_db_id = flavor.id
            self._check_upsize_quota(context, instance, current, new_flavor)
        if host is not None:
            if host == instance.host:
                raise exception.CannotMigrateToSameHost()
            availability_zones.check_requested_destination(context, host,
                                                           None)
        # The destination first: a request no host can take writes
        # nothing.
        dest = self.conductor.select_move_destination(
            context, instance.uuid,
            'resize' if new_flavor else 'cold migrate', host=host)
        cctxt = nl_context.target_cell(context, cell)
        old_id = self._flavor_db_id(context, current.get('flavorid'))
        self._start_task(
            context, instance, cell, method, RESIZE_PREP,
            vm_states=(instance_obj.ACTIVE, instance_obj.STOPPED),
            extra={'progress': 0},
            action=ACTION_RESIZE if new_flavor else ACTION_MIGRATE)
        migration = migration_obj.create(cctxt, {
            'instance_uuid': instance.uuid,
            'migration_type': TYPE_RESIZE if new_flavor else TYPE_MIGRATION,
            'status': 'pre-migrating',
            'source_compute': instance.host, 'source_node': instance.node,
            'dest_compute': dest, 'dest_node': dest,
            'dest_host': self.conf.my_ip,
            'old_instance_type_id': old_id,
            'new_instance_type_id': new_flavor_db_id if new_flavor
            else old_id,
            'user_id': context.user_id, 'project_id': context.project_id,
            'move_data': {'old_flavor': current,
                          'new_flavor': new_flavor or current,
                          'old_vm_state': instance.vm_state,
                          'source_zone': instance.availability_zone,
                          'dest_zone': availability_zones.host_zone(
                              context, self.conf, dest)}})
        self.compute.resize_instance(context, instance.host, instance.uuid,
                                     migration.id, cell=cell)

    def _finished_migration(self, context, instance, cell, method):
        checks.check_lock(context, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method=method)
        checks.check_state(instance, method, (instance_obj.RESIZED,))
        cctxt = nl_context.target_cell(context, cell)
        return cctxt, migration_obj.get_by_instance_and_status(
            cctxt, instance.uuid, 'finished')

    def confirm_resize(self, context, instance, cell):
        cctxt, migration = self._finished_migration(
            context, instance, cell, 'confirmResize')
        migration_obj.update(cctxt, migration.id, {'status': 'confirming'})
        api_actions.record_action(context.elevated(), instance, cell,
                                  ACTION_CONFIRM_RESIZE)
        self.compute.confirm_resize(context, migration.source_compute,
                                    instance.uuid, migration.id, cell=cell)

    def revert_resize(self, context, instance, cell):
        cctxt, migration = self._finished_migration(
            context, instance, cell, 'revertResize')
        self._start_task(context, instance, cell, 'revertResize',
                         RESIZE_REVERTING, vm_states=(instance_obj.RESIZED,),
                         action=ACTION_REVERT_RESIZE)
        migration_obj.update(cctxt, migration.id, {'status': 'reverting'})
        self.compute.revert_resize(context, migration.dest_compute,
                                   instance.uuid, migration.id, cell=cell)

    # -- live migration --------------------------------------------------------

    def live_migrate(self, context, instance, cell, host=None,
                     block_migration='auto', force=False, wait=False):
        """Live migrate; ``wait`` (before 2.25): the checks and the choice
        of the destination are done before answering."""
        checks.check_lock(context, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method='live_migrate')
        checks.check_state(instance, 'live_migrate',
                           (instance_obj.ACTIVE, instance_obj.PAUSED))
        if host is not None:
            availability_zones.check_requested_destination(context, host,
                                                           None)
        dest = None
        if wait:
            # Before 2.25 the checks are answered: nothing is written
            # when no host can take the server.
            dest = self.conductor.select_move_destination(
                context, instance.uuid, 'live migrate', host=host,
                force=force)
        cctxt = nl_context.target_cell(context, cell)
        flavor_id = self._flavor_db_id(
            context, (instance.flavor or {}).get('flavorid'))
        self._start_task(
            context, instance, cell, 'live_migrate', MIGRATING,
            vm_states=(instance_obj.ACTIVE, instance_obj.PAUSED),
            action=ACTION_LIVE_MIGRATION)
        migration = migration_obj.create(cctxt, {
            'instance_uuid': instance.uuid, 'migration_type': TYPE_LIVE,
            'status': 'queued' if dest else 'accepted',
            'source_compute': instance.host, 'source_node': instance.node,
            'dest_compute': dest, 'dest_node': dest,
            'dest_host': self.conf.my_ip if dest else None,
            'old_instance_type_id': flavor_id,
            'new_instance_type_id': flavor_id,
            'user_id': context.user_id, 'project_id': context.project_id,
            'move_data': {
                'block_migration': block_migration,
                'dest_zone': availability_zones.host_zone(
                    context, self.conf, dest) if dest else None}})
        if dest:
            self.compute.live_migration(context, instance.host,
                                        instance.uuid, migration.id,
                                        cell=cell)
        else:
            self.conductor.live_migrate_instance(
                context, instance.uuid, migration.id, host=host,
                force=force)

    def _live_migration_of(self, context, instance, cell, migration_id,
                           method):
        checks.check_state(instance, method, None,
                           task_states=(MIGRATING,),
                           must_have_launched=False)
        if cell is None:
            raise exception.MigrationNotFoundForInstance(
                migration_id=migration_id, instance_id=instance.uuid)
        cctxt = nl_context.target_cell(context, cell)
        return migration_obj.get_by_id_and_instance(cctxt, migration_id,
                                                    instance.uuid)

    def live_migrate_force_complete(self, context, instance, cell,
                                    migration_id):
        checks.check_state(instance, 'force_complete',
                           (instance_obj.ACTIVE,),
                           task_states=(MIGRATING,))
        migration = self._live_migration_of(context, instance, cell,
                                            migration_id, 'force_complete')
        if migration.status != 'running':
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method='force complete')
        self.compute.live_migration_force_complete(
            context, migration.source_compute, instance.uuid, migration.id,
            cell=cell)

    def live_migrate_abort(self, context, instance, cell, migration_id,
                           queued_ok=False):
        migration = self._live_migration_of(
            context, instance, cell, migration_id, 'abort live migration')
        allowed = ('running', 'queued', 'preparing') if queued_ok \
            else ('running',)
        if migration.status not in allowed:
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method='abort live migration')
        self.compute.live_migration_abort(
            context, migration.source_compute, instance.uuid, migration.id,
            cell=cell)

    # -- evacuation --------------------------------------------------------------

    def evacuate(self, context, instance, cell, host=None, force=False,
                 target_state=None):
        """Rebuild the server elsewhere: its host's compute service must be
        down (or forced down). ``target_state`` 'stopped' (2.95)."""
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method='evacuate')
        checks.check_state(instance, 'evacuate',
                           (instance_obj.ACTIVE, instance_obj.STOPPED,
                            instance_obj.ERROR), task_states=None)
        cctxt = nl_context.target_cell(context, cell)
        try:
            svc = service_obj.get_by_host_and_binary(cctxt, instance.host,
                                                     'nova-compute')
        except exception.ComputeHostNotFound:
            svc = None
        if svc is not None and svc.is_up(self.conf.service_down_time):
            LOG.error('Compute service of %s was expected to be down for '
                      'the evacuation of %s, but it is up', instance.host,
                      instance.uuid)
            raise exception.ComputeServiceInUse(host=instance.host)
        flavor_id = self._flavor_db_id(
            context, (instance.flavor or {}).get('flavorid'))
        self._start_task(
            context, instance, cell, 'evacuate', REBUILDING,
            vm_states=(instance_obj.ACTIVE, instance_obj.STOPPED,
                       instance_obj.ERROR),
            task_states=None, action=ACTION_EVACUATE)
        migration = migration_obj.create(cctxt, {
            'instance_uuid': instance.uuid,
            'migration_type': TYPE_EVACUATION, 'status': 'accepted',
            'source_compute': instance.host, 'source_node': instance.node,
            'old_instance_type_id': flavor_id,
            'new_instance_type_id': flavor_id,
            'user_id': context.user_id, 'project_id': context.project_id,
            'move_data': {'old_vm_state': instance.vm_state,
                          'target_state': target_state}})
        self.conductor.evacuate_instance(context, instance.uuid,
                                         migration.id, host=host,
                                         force=force)

    # -- rescue ------------------------------------------------------------------

    def rescue(self, context, instance, cell, rescue_image_ref=None,
               allow_bfv_rescue=False):
        checks.check_lock(context, instance)
        checks.check_state(instance, 'rescue',
                           (instance_obj.ACTIVE, instance_obj.STOPPED,
                            instance_obj.ERROR))
        properties = self._rescue_image_properties(
            context, instance, rescue_image_ref)
        # 2.87: a volume-backed server is rescued only with an image that
        # names its rescue bus and device, on a host that can.
        allow_bfv_rescue = allow_bfv_rescue and \
            'hw_rescue_bus' in properties and \
            'hw_rescue_device' in properties
        if is_volume_backed(instance):
            if not allow_bfv_rescue:
                raise exception.InstanceNotRescuable(
                    instance_id=instance.uuid,
                    reason='Cannot rescue a volume-backed instance')
            if not self._host_has_trait(context, cell, instance.host,
                                        'COMPUTE_RESCUE_BFV'):
                raise exception.InstanceNotRescuable(
                    instance_id=instance.uuid,
                    reason='Host unable to rescue a volume-backed instance')
        self._start_task(context, instance, cell, 'rescue', RESCUING,
                         vm_states=(instance_obj.ACTIVE,
                                    instance_obj.STOPPED,
                                    instance_obj.ERROR),
                         action=ACTION_RESCUE)
        self.compute.rescue_instance(context, instance.host, instance.uuid,
                                     rescue_image_ref=rescue_image_ref,
                                     cell=cell)

    def _rescue_image_properties(self, context, instance, image_ref):
        """The properties of the rescue image (the server's own when none
        is given); UnsupportedRescueImage for an image the caller cannot
        see, or the image of a volume snapshot."""
        if not image_ref:
            meta = instance.system_metadata or {}
            return {key[len(image_meta.PREFIX):]: value
                    for key, value in meta.items()
                    if key.startswith(image_meta.PREFIX)}
        try:
            image = image_api.get(self.conf, context, image_ref)
        except exception.ImageNotFound:
            LOG.warning('Failed to fetch rescue image metadata using '
                        'image_ref %s', image_ref)
            raise exception.UnsupportedRescueImage(image=image_ref)
        properties = dict(getattr(image, 'properties', None) or {})
        # The image of a volume snapshot (nova reads block_device_mapping
        # as img_block_device_mapping).
        if _non_empty(properties.get('img_block_device_mapping')) or \
                _non_empty(properties.get('block_device_mapping')):
            raise exception.UnsupportedRescueImage(image=image_ref)
        return properties

    @staticmethod
    def _host_has_trait(context, cell, host, trait):
        if not host or cell is None:
            return False
        cctxt = nl_context.target_cell(context, cell)
        return any(trait in compute_node_obj.traits_of(node)
                   for node in compute_node_obj.get_by_host(cctxt, host))

    def unrescue(self, context, instance, cell):
        checks.check_lock(context, instance)
        self._start_task(context, instance, cell, 'unrescue', UNRESCUING,
                         vm_states=(instance_obj.RESCUED,),
                         action=ACTION_UNRESCUE)
        self.compute.unrescue_instance(context, instance.host,
                                       instance.uuid, cell=cell)


def drop_kept_attachments(cctxt, volume_api, instance_uuid):
    """A server deleted while a move keeps its source's attachments (a
    resize waiting for its confirmation): they go with the server and the
    move counts as confirmed."""
    for migration in migration_obj.get_all(cctxt, {
            'instance_uuid': instance_uuid,
            'status': ['finished', 'confirming', 'reverting']}):
        kept = (migration.move_data or {}).get('attachments') or {}
        for attachment_id in kept.values():
            volume_api.attachment_delete_logged(cctxt, attachment_id)
        migration_obj.update(cctxt, migration.id, {'status': 'confirmed'})
