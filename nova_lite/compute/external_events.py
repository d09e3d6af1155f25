"""Server external events: the compute API side.

Events about servers sent by other services (``POST
/os-server-external-events``) are checked against the servers they name and
handed to the compute hosts of the servers over RPC, grouped per host.
``volume-extended`` and ``power-update`` also start an instance action
(``extend_volume``, ``start``/``stop``) as nova records them.
"""

import logging

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action

LOG = logging.getLogger(__name__)

# Events that mean nothing without a tag.
TAG_REQUIRED = ('volume-extended', 'power-update',
                'accelerator-request-bound')
POWER_ACTIONS = {'POWER_ON': 'start', 'POWER_OFF': 'stop'}


def find_server(context, instance_uuid):
    """``(instance, cell)`` of a server placed in a cell; None for one
    unknown, deleted or not placed yet."""
    try:
        mapping = cell_mapping.get_instance_mapping(context, instance_uuid)
    except exception.InstanceMappingNotFound:
        return None
    cell = mapping.cell_mapping
    if cell is None:
        return None
    try:
        instance = instance_obj.get_by_uuid(
            nl_context.target_cell(context, cell), instance_uuid)
    except exception.InstanceNotFound:
        return None
    return instance, cell


def deliver(context, compute_rpcapi, accepted):
    """Hand ``accepted`` events (``(event, instance, cell)``) to the
    servers' hosts: one cast per host."""
    by_host = {}
    for event, instance, cell in accepted:
        action = None
        if event['name'] == 'volume-extended':
            action = 'extend_volume'
        elif event['name'] == 'power-update':
            action = POWER_ACTIONS.get(event.get('tag'))
            if action is None:
                LOG.warning('Invalid power state %s. Cannot process the '
                            'event %s. Skipping it.', event.get('tag'),
                            event)
                continue
        if action is not None:
            try:
                instance_action.record_action(
                    context.elevated(), instance.uuid, action, cell=cell)
            except Exception:
                LOG.exception('Could not record action %s of server %s',
                              action, instance.uuid)
        key = (instance.host, cell.uuid)
        by_host.setdefault(key, (cell, []))[1].append(event)
    for (host, _cell_uuid), (cell, events) in by_host.items():
        compute_rpcapi.external_instance_event(context, host, events,
                                               cell=cell)
