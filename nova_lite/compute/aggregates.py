"""Host aggregates as the API performs them, with nova's rules on their
availability zones: a host is in at most one zone, a zone cannot be
named empty, and no change may move a host that runs servers to another
zone.
"""

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import aggregate as aggregate_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj

AZ = aggregate_obj.AZ_KEY
ADD, DELETE, UPDATE, UPDATE_META = 'add', 'delete', 'update', 'update_meta'
_ERRORS = {
    ADD: exception.InvalidAggregateActionAdd,
    DELETE: exception.InvalidAggregateActionDelete,
    UPDATE: exception.InvalidAggregateActionUpdate,
    UPDATE_META: exception.InvalidAggregateActionUpdateMeta,
}
_MOVE = ("The host cannot be %s the aggregate as the availability zone of "
         "the host would change from '%s' to '%s' but the host already has "
         "%d instance(s). Changing the AZ of an existing instance is not "
         "supported by this action. Move the instances away from this host "
         "then try again. If you need to move the instances between AZs "
         "then you can use shelve_offload and unshelve to achieve this.")


def _invalid(action, aggregate_id, reason):
    return _ERRORS[action](aggregate_id=aggregate_id, reason=reason)


def _host_cell(context, host):
    """The cell of compute ``host``; ComputeHostNotFound if none has it."""
    try:
        cell = cell_mapping.get_host_cell(context, host)
        cells = [cell]
    except exception.HostMappingNotFound:
        cells = [c for c in cell_mapping.get_all_cells(context)
                 if not c.is_cell0]
    for cell in cells:
        cctxt = nl_context.target_cell(context, cell)
        try:
            svc = service_obj.get_by_host_and_binary(cctxt, host,
                                                     'nova-compute')
        except exception.ComputeHostNotFound:
            continue
        if svc.host == host:
            return cell
    raise exception.ComputeHostNotFound(host=host)


def _instances_on(context, host):
    try:
        cell = cell_mapping.get_host_cell(context, host)
    except exception.HostMappingNotFound:
        return 0
    return instance_obj.count_by_host(nl_context.target_cell(context, cell),
                                      host)


def _check_zone_change(context, metadata, aggregate, hosts=None,
                       action=ADD, check_instances=False):
    if AZ not in metadata:
        return
    zone = metadata[AZ]
    if not zone:
        raise _invalid(action, aggregate.id,
                       'Aggregate %s does not support empty named '
                       'availability zone' % aggregate.name)
    hosts = aggregate.hosts if hosts is None else hosts
    conflicting = []
    for other in aggregate_obj.get_all(context):
        if other.id == aggregate.id or not other.availability_zone:
            continue
        if other.availability_zone != zone and \
                set(other.hosts) & set(hosts):
            conflicting.append(other.availability_zone)
    if conflicting:
        raise _invalid(action, aggregate.id,
                       'One or more hosts already in availability zone(s) '
                       '%s' % conflicting)
    if check_instances and aggregate.availability_zone != zone and any(
            _instances_on(context, h) for h in hosts):
        raise _invalid(action, aggregate.id,
                       'One or more hosts contain instances in this zone')


def create(context, name, zone):
    return aggregate_obj.create(context, name, availability_zone=zone)


def update(context, aggregate_id, values):
    """Rename and/or move to another zone; nothing is written when the
    request is refused."""
    aggregate = aggregate_obj.get_by_id(context, aggregate_id)
    values = dict(values)
    name = values.pop('name', None)
    if name is not None:
        aggregate.name = name
    _check_zone_change(context, values, aggregate, action=UPDATE,
                       check_instances=True)
    return aggregate_obj.update(context, aggregate_id, name=name,
                                metadata=values)


def set_metadata(context, aggregate_id, metadata):
    aggregate = aggregate_obj.get_by_id(context, aggregate_id)
    _check_zone_change(context, metadata, aggregate, action=UPDATE_META,
                       check_instances=True)
    return aggregate_obj.update(context, aggregate_id, metadata=metadata)


def delete(context, aggregate_id):
    aggregate = aggregate_obj.get_by_id(context, aggregate_id)
    if aggregate.hosts:
        raise _invalid(DELETE, aggregate_id, 'Host aggregate is not empty')
    aggregate_obj.destroy(context, aggregate_id)


def _zone_of(aggregates, skip_id=None):
    zones = {a.availability_zone for a in aggregates
             if a.availability_zone and a.id != skip_id}
    return sorted(zones)[0] if zones else None


def add_host(context, aggregate_id, host):
    _host_cell(context, host)
    aggregate = aggregate_obj.get_by_id(context, aggregate_id)
    _check_zone_change(context, aggregate.metadata, aggregate, hosts=[host])
    count = _instances_on(context, host)
    new_zone = aggregate.availability_zone
    if count and new_zone:
        old_zone = _zone_of(aggregate_obj.get_by_host(context, host))
        if old_zone != new_zone:
            raise _invalid(ADD, aggregate.id, _MOVE % (
                'added to', old_zone, new_zone, count))
    return aggregate_obj.add_host(context, aggregate_id, host)


def remove_host(context, aggregate_id, host):
    _host_cell(context, host)
    aggregate = aggregate_obj.get_by_id(context, aggregate_id)
    count = _instances_on(context, host)
    current = aggregate.availability_zone
    if count and current:
        new_zone = _zone_of(aggregate_obj.get_by_host(context, host),
                            skip_id=aggregate.id)
        if current != new_zone:
            raise _invalid(DELETE, aggregate.id, _MOVE % (
                'removed from', current, new_zone, count))
    return aggregate_obj.remove_host(context, aggregate_id, host)
