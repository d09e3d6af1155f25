"""Server snapshots as the compute API makes them: createImage of an
image-backed server (the compute host uploads its root disk), createImage
of a volume-backed server (block storage snapshots of its volumes, and an
image naming them), createBackup (a snapshot whose old siblings are
rotated out) and the image a shelve stores.

Like nova, none of these checks the server's lock: a lock keeps a server
from being changed or deleted by accident, and a snapshot does neither.
"""

import logging

from nova_lite.compute import checks
from nova_lite.compute import image_meta
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action

LOG = logging.getLogger(__name__)

# vm_states a server may be snapshotted or backed up in.
ALLOW_SNAPSHOT = (instance_obj.ACTIVE, instance_obj.STOPPED,
                  instance_obj.PAUSED, instance_obj.SUSPENDED)

IMAGE_SNAPSHOT_PENDING = 'image_snapshot_pending'
IMAGE_BACKUP = 'image_backup'

# The fields of a volume snapshot's mapping in an image
# (block_device_mapping, bdm_v2): every field of a v2 mapping.
_MAPPING_FIELDS = (
    'source_type', 'destination_type', 'guest_format', 'device_type',
    'disk_bus', 'boot_index', 'device_name', 'delete_on_termination',
    'snapshot_id', 'volume_id', 'volume_size', 'image_id', 'no_device',
    'tag', 'volume_type', 'encrypted', 'encryption_secret_uuid',
    'encryption_format', 'encryption_options')


def image_mapping(bdm, snapshot_id=None):
    """The image's mapping of ``bdm`` (a mapping record): a snapshot of
    its volume when ``snapshot_id`` is given."""
    get = bdm.get if isinstance(bdm, dict) else \
        (lambda key: getattr(bdm, key, None))
    if snapshot_id is not None:
        values = {'source_type': 'snapshot', 'destination_type': 'volume',
                  'snapshot_id': snapshot_id}
        for key in ('disk_bus', 'device_type', 'boot_index',
                    'delete_on_termination', 'volume_size', 'device_name'):
            values[key] = get(key)
    else:
        values = {key: get(key) for key in _MAPPING_FIELDS}
    mapping = dict.fromkeys(_MAPPING_FIELDS)
    mapping.update(values)
    mapping['delete_on_termination'] = bool(
        mapping.get('delete_on_termination'))
    name = mapping.get('device_name')
    if name and not name.startswith('/dev/'):
        mapping['device_name'] = '/dev/' + name
    return mapping


class SnapshotsAPI:
    """Mixed into the compute API (``self.conf``, ``self.compute``,
    ``self.volume_api``)."""

    def _non_inheritable(self):
        return self.conf.non_inheritable_image_properties

    def _check_snapshot(self, instance, cell, method):
        if cell is None:
            raise exception.InstanceInvalidState(
                attr='vm_state', instance_uuid=instance.uuid,
                state=instance.vm_state, method=method)
        checks.check_state(instance, method, ALLOW_SNAPSHOT, (None,))

    def _create_image(self, context, instance, name, image_type,
                      extra_properties=None):
        meta = image_meta.image_metadata(
            context, instance, name, image_type, extra_properties,
            self._non_inheritable())
        return glance.create(self.conf, context, meta)

    def _delete_image_quietly(self, context, image_id):
        try:
            glance.delete(self.conf, context, image_id)
        except exception.ImageNotFound:
            pass
        except Exception as error:
            LOG.warning('Error while trying to clean up image %s: %s',
                        image_id, error)

    def _set_image_task(self, context, instance, cell, image_id, task_state,
                        action, method):
        """The task state of a snapshot or backup (the server must have
        none) and its instance action; the image goes when the server
        changed meanwhile."""
        cctxt = nl_context.target_cell(context, cell)
        try:
            instance_action.start_with(
                cctxt, instance.uuid, action, instance_obj.update,
                instance.uuid, {'task_state': task_state},
                expected_task_state=[None])
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as error:
            self._delete_image_quietly(context, image_id)
            if isinstance(error, exception.InstanceNotFound):
                attr, state = 'vm_state', instance_obj.DELETED
            else:
                attr = error.kwargs.get('attr', 'task_state')
                state = error.kwargs.get('state')
            raise exception.InstanceInvalidState(
                attr=attr, instance_uuid=instance.uuid, state=state,
                method=method)

    def snapshot(self, context, instance, cell, name,
                 extra_properties=None):
        """createImage of an image-backed server: the image (queued),
        the task state ``image_snapshot_pending`` and the cast to the
        server's host, which uploads the root disk."""
        self._check_snapshot(instance, cell, 'snapshot')
        image = self._create_image(context, instance, name, 'snapshot',
                                   extra_properties)
        self._set_image_task(context, instance, cell, image.id,
                             IMAGE_SNAPSHOT_PENDING,
                             instance_action.CREATE_IMAGE, 'snapshot')
        self.compute.snapshot_instance(context, instance.host,
                                       instance.uuid, image.id, cell=cell)
        return image

    def backup(self, context, instance, cell, name, backup_type, rotation,
               extra_properties=None):
        """createBackup: a snapshot of type ``backup``; the compute host
        then deletes the oldest backups of the server of that type beyond
        ``rotation``."""
        self._check_snapshot(instance, cell, 'backup')
        if image_meta.is_volume_backed(instance):
            LOG.info('Backup is not supported for the volume-backed '
                     'server %s', instance.uuid)
            raise exception.InvalidRequest(
                'Backup is not supported for volume-backed instances.')
        properties = dict(extra_properties or {}, backup_type=backup_type)
        image = self._create_image(context, instance, name, 'backup',
                                   properties)
        self._set_image_task(context, instance, cell, image.id,
                             IMAGE_BACKUP, instance_action.BACKUP,
                             'backup')
        self.compute.backup_instance(context, instance.host, instance.uuid,
                                     image.id, backup_type, rotation,
                                     cell=cell)
        return image

    def snapshot_volume_backed(self, context, instance, cell, name,
                               extra_properties=None):
        """createImage of a volume-backed server: a forced block storage
        snapshot of each of its volumes (multiattach ones too), and an
        empty active image whose ``block_device_mapping`` (``bdm_v2``)
        names them, with the server's ``root_device_name``."""
        self._check_snapshot(instance, cell, 'snapshot_volume_backed')
        meta = image_meta.snapshot_metadata(
            context, instance, name, extra_properties,
            self._non_inheritable())
        meta['size'] = 0
        meta.pop('container_format', None)
        meta.pop('disk_format', None)
        properties = meta['properties']
        for key in ('block_device_mapping', 'bdm_v2', 'root_device_name'):
            properties.pop(key, None)
        if instance.root_device_name:
            properties['root_device_name'] = instance.root_device_name
        cctxt = nl_context.target_cell(context, cell)
        bdms = bdm_obj.get_by_instance(cctxt, instance.uuid)
        mapping = []
        volume_bdms = []
        for bdm in bdms:
            if getattr(bdm, 'no_device', None):
                continue
            if bdm.volume_id or bdm.destination_type == 'volume':
                volume_bdms.append(bdm)
            else:
                mapping.append(image_mapping(bdm))
        if volume_bdms:
            limits = self.volume_api.get_absolute_limits(context)
            used = limits.get('totalSnapshotsUsed', 0)
            allowed = limits.get('maxTotalSnapshots', -1)
            if allowed > -1 and len(volume_bdms) + used > allowed:
                raise exception.OverQuota(overs='snapshots')
        instance_action.record_action(cctxt, instance.uuid,
                                      instance_action.CREATE_IMAGE)
        with instance_action.event(cctxt, instance.uuid,
                                   'api_snapshot_instance',
                                   host=self.conf.host):
            for bdm in volume_bdms:
                volume = self.volume_api.get(context, bdm.volume_id)
                snapshot = self.volume_api.create_snapshot(
                    context, volume['id'], 'snapshot for %s' % name,
                    volume.get('display_description'), force=True)
                mapping.append(image_mapping(bdm, snapshot['id']))
        if mapping:
            properties['block_device_mapping'] = mapping
            properties['bdm_v2'] = True
        return glance.create(self.conf, context, meta)

    def shelve_image(self, context, instance):
        """The image a shelve of an image-backed server stores its disk
        in ("<name>-shelved"); None for a volume-backed server."""
        if image_meta.is_volume_backed(instance):
            return None
        return self._create_image(context, instance,
                                  '%s-shelved' % instance.display_name,
                                  'snapshot')
