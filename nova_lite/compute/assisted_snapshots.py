"""Assisted volume snapshots: the compute API side.

A block storage whose volumes are files the hypervisor opens itself asks
the compute service to take (or remove) a snapshot of such a volume while a
server uses it (``/os-assisted-volume-snapshots``). The volume's mapping is
looked for in every cell; a volume attached to several servers cannot be
snapshotted this way (only one guest could be asked to write the new
file). The server must have a host and no task running; the work is cast
to its host.
"""

from nova_lite.compute import checks
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj


def _server_of_volume(context, volume_id, method):
    """``(instance, cell)`` of the one server the volume is mapped to,
    checked for the operation ``method``."""
    for cell in cell_mapping.get_all_cells(context):
        cctxt = nl_context.target_cell(context, cell)
        bdms = bdm_obj.get_by_volume(cctxt, volume_id)
        if not bdms:
            continue
        if len(bdms) > 1:
            raise exception.VolumeBDMIsMultiAttach(volume_id=volume_id)
        instance = instance_obj.get_by_uuid(cctxt, bdms[0].instance_uuid,
                                            with_extra=False)
        if not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        checks.check_state(instance, method, vm_states=None)
        return instance, cell
    raise exception.VolumeBDMNotFound(volume_id=volume_id)


def create(context, compute_rpcapi, volume_id, create_info):
    """Ask the host of the volume's server to snapshot it; the answer's
    body."""
    instance, cell = _server_of_volume(context, volume_id,
                                       'volume_snapshot_create')
    compute_rpcapi.volume_snapshot_create(
        context, instance.host, instance.uuid, volume_id, create_info,
        cell=cell)
    return {'snapshot': {'id': create_info.get('id'),
                         'volumeId': volume_id}}


def delete(context, compute_rpcapi, volume_id, snapshot_id, delete_info):
    """Ask the host of the volume's server to remove a snapshot of it."""
    instance, cell = _server_of_volume(context, volume_id,
                                       'volume_snapshot_delete')
    if delete_info.get('merge_target_file') is not None and \
            instance.vm_state != instance_obj.ACTIVE:
        # Merging into an intermediate file needs a running guest.
        raise exception.InstanceInvalidState(
            attr='vm_state', instance_uuid=instance.uuid,
            state=instance.vm_state, method='volume_snapshot_delete')
    compute_rpcapi.volume_snapshot_delete(
        context, instance.host, instance.uuid, volume_id, snapshot_id,
        delete_info, cell=cell)
