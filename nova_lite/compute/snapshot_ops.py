"""Compute manager side of snapshots: createImage and createBackup of
image-backed servers, the image a shelve stores, and the unshelve that
boots from it.

Mixed into :class:`nova_lite.compute.manager.ComputeManager`. The driver
uploads the root disk into the image the API created (queued), moving the
task state through ``image_pending_upload`` and ``image_uploading`` (for a
shelve: ``shelving_image_pending_upload``, ``shelving_image_uploading``);
a snapshot that fails deletes its image, clears the task state and
records a fault, as nova's compute manager does.
"""

import logging

from oslo_utils import timeutils

from nova_lite.compute import image_meta
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite.objects import instance_fault

LOG = logging.getLogger(__name__)

# nova's task states of a snapshot.
IMAGE_SNAPSHOT_PENDING = 'image_snapshot_pending'
IMAGE_SNAPSHOT = 'image_snapshot'
IMAGE_PENDING_UPLOAD = 'image_pending_upload'
IMAGE_UPLOADING = 'image_uploading'
IMAGE_BACKUP = 'image_backup'

_SHELVING_STATES = {
    IMAGE_PENDING_UPLOAD: instance_obj.SHELVING_IMAGE_PENDING_UPLOAD,
    IMAGE_UPLOADING: instance_obj.SHELVING_IMAGE_UPLOADING,
    instance_obj.SHELVING: instance_obj.SHELVING,
}


class SnapshotOperations:

    def _task_updater(self, context, instance, first_expected,
                      translate=None):
        """nova's ``update_task_state`` callback of driver snapshots."""
        def update_task_state(task_state, expected_state=first_expected):
            if translate is not None:
                task_state = translate[task_state]
                expected_state = translate[expected_state]
            instance_obj.update(context, instance.uuid,
                                {'task_state': task_state},
                                expected_task_state=[expected_state])
            instance.task_state = task_state
        return update_task_state

    def _delete_image(self, context, image_id):
        try:
            glance.delete(self.conf, context, image_id)
        except exception.ImageNotFound:
            LOG.debug('Image %s is gone already', image_id)
        except Exception as error:
            LOG.warning('Error while trying to delete image %s: %s',
                        image_id, error)

    def _snapshot(self, context, instance, image_id, expected_task_state):
        """Upload the server's disk into ``image_id``; the server ends
        with no task state, the image is deleted on failure."""
        try:
            instance_obj.update(context, instance.uuid, {
                'power_state': self.driver.get_power_state(instance)})
            self.driver.snapshot(context, instance, image_id,
                                 self._task_updater(context, instance,
                                                    expected_task_state))
            instance_obj.update(context, instance.uuid, {'task_state': None},
                                expected_task_state=[IMAGE_UPLOADING])
        except (exception.InstanceNotFound,
                exception.InstanceInvalidState) as error:
            # Deleted (or being deleted) meanwhile.
            LOG.info('Server %s disappeared during its snapshot: %s',
                     instance.uuid, error)
            try:
                image = glance.get(self.conf, context, image_id)
                if image.status != 'active':
                    self._delete_image(context, image_id)
            except Exception:
                LOG.debug('Image %s not found during clean up', image_id)
        except exception.ImageNotFound:
            LOG.warning('Image %s not found during the snapshot of %s',
                        image_id, instance.uuid)
            instance_obj.update(context, instance.uuid, {'task_state': None})
        except Exception as error:
            LOG.exception('Snapshot of server %s failed', instance.uuid)
            self._delete_image(context, image_id)
            instance_action.note_failure(error)
            instance_fault.create(context, instance_fault.fault_values(
                instance.uuid, error, host=self.host))
            instance_obj.update(context, instance.uuid, {'task_state': None})
            raise

    def _snapshot_instance(self, context, instance, image_id):
        try:
            instance_obj.update(context, instance.uuid,
                                {'task_state': IMAGE_SNAPSHOT},
                                expected_task_state=[IMAGE_SNAPSHOT_PENDING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Server %s cannot be snapshotted now (deleted?)',
                     instance.uuid)
            return
        instance.task_state = IMAGE_SNAPSHOT
        self._snapshot(context, instance, image_id, IMAGE_SNAPSHOT)
        self._notify(context, 'instance.snapshot.end', instance)

    def _backup_instance(self, context, instance, image_id, backup_type,
                         rotation):
        self._snapshot(context, instance, image_id, IMAGE_BACKUP)
        self.rotate_backups(context, instance, backup_type, rotation)

    def rotate_backups(self, context, instance, backup_type, rotation):
        """Delete the oldest backups of the server of ``backup_type``
        beyond ``rotation`` (0: all of them)."""
        images = glance.list_by_properties(self.conf, context, {
            'image_type': 'backup', 'backup_type': backup_type,
            'instance_uuid': instance.uuid})
        LOG.debug('Found %d backups of server %s (rotation: %d)',
                  len(images), instance.uuid, rotation)
        # Newest first: the excess is at the end.
        for image in images[rotation:]:
            LOG.info('Rotating out backup %s of server %s', image.id,
                     instance.uuid)
            self._delete_image(context, image.id)

    # -- shelve --------------------------------------------------------------

    def _shelve(self, context, instance, image_id=None):
        """Power off, store the disk in ``image_id`` (image-backed
        servers), then SHELVED, and offloaded at once with
        ``[DEFAULT] shelved_offload_time`` 0."""
        offload = self.conf.shelved_offload_time == 0
        self.driver.power_off(instance)
        system_metadata = dict(instance.system_metadata or {})
        expected = [instance_obj.SHELVING]
        if image_id:
            instance.task_state = instance_obj.SHELVING
            self.driver.snapshot(context, instance, image_id,
                                 self._task_updater(
                                     context, instance,
                                     instance_obj.SHELVING,
                                     translate=_SHELVING_STATES))
            system_metadata.update(
                shelved_at=timeutils.utcnow().isoformat(),
                shelved_image_id=image_id, shelved_host=self.host)
            expected.append(instance_obj.SHELVING_IMAGE_UPLOADING)
        else:
            system_metadata['shelved_at'] = timeutils.utcnow().isoformat()
            system_metadata['shelved_host'] = self.host
        instance = instance_obj.update(context, instance.uuid, {
            'vm_state': instance_obj.SHELVED,
            'task_state': instance_obj.SHELVING_OFFLOADING if offload
            else None,
            'power_state': self.driver.get_power_state(instance),
            'system_metadata': system_metadata},
            expected_task_state=expected)
        if offload:
            self._offload(context, instance)

    def _forget_shelved_image(self, context, instance):
        """After an unshelve: the stored image goes, and the shelve keys
        leave the system metadata."""
        system_metadata = instance.system_metadata or {}
        image_id = system_metadata.get('shelved_image_id')
        if image_id:
            self._delete_image(context, image_id)
        if any(k in system_metadata for k in image_meta.SHELVED_KEYS):
            instance_obj.update(context, instance.uuid, {
                'system_metadata':
                    image_meta.without_shelved_keys(system_metadata)})

    def offload_shelved_instances(self, context):
        """Offload this host's servers shelved longer than ``[DEFAULT]
        shelved_offload_time`` seconds (run periodically when above 0)."""
        if self.conf.shelved_offload_time <= 0:
            return
        for instance in instance_obj.get_by_host(context, self.host):
            if instance.vm_state != instance_obj.SHELVED or \
                    instance.task_state is not None:
                continue
            shelved_at = (instance.system_metadata or {}).get('shelved_at')
            if not shelved_at:
                continue
            try:
                when = timeutils.parse_isotime(shelved_at)
            except ValueError:
                continue
            if not timeutils.is_older_than(when.replace(tzinfo=None),
                                           self.conf.shelved_offload_time):
                continue
            try:
                instance = instance_obj.update(
                    context, instance.uuid,
                    {'task_state': instance_obj.SHELVING_OFFLOADING},
                    expected_task_state=[None],
                    expected_vm_state=[instance_obj.SHELVED])
            except (exception.InstanceNotFound,
                    exception.InstanceInvalidState):
                continue
            LOG.info('Offloading server %s, shelved since %s',
                     instance.uuid, shelved_at)
            try:
                self._offload(context, instance)
            except Exception:
                LOG.exception('Offloading server %s failed', instance.uuid)
                instance_obj.update(context, instance.uuid,
                                    {'task_state': None})
