"""Compute node records of a cell database: the resources each compute
service reports for its hypervisor, as nova's compute_nodes table."""

import json

from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.objects import base

# What a compute service reports (the rest is bookkeeping).
REPORTED = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
            'memory_mb_used', 'local_gb_used', 'hypervisor_type',
            'hypervisor_version', 'hypervisor_hostname', 'free_ram_mb',
            'free_disk_gb', 'current_workload', 'running_vms', 'cpu_info',
            'disk_available_least', 'host_ip', 'traits')


class ComputeNode(base.Record):
    FIELDS = ('id', 'uuid', 'service_id', 'host') + REPORTED + (
        'created_at', 'updated_at', 'deleted_at')


def _query(context):
    return context.session.query(models.ComputeNode).filter(
        models.ComputeNode.deleted == 0)


@db_api.cell_writer
def report(context, host, service_id, values):
    """Create or refresh ``host``'s record for the reported node."""
    values = {k: values[k] for k in REPORTED if k in values}
    row = _query(context).filter_by(
        host=host,
        hypervisor_hostname=values.get('hypervisor_hostname')).first()
    if row is None:
        row = models.ComputeNode(uuid=uuidutils.generate_uuid(), host=host,
                                 service_id=service_id, deleted=0, **values)
        context.session.add(row)
    else:
        row.update(dict(values, service_id=service_id,
                        updated_at=timeutils.utcnow()))
    context.session.flush()
    return ComputeNode.from_row(row)


@db_api.cell_reader
def get_all(context):
    return [ComputeNode.from_row(r) for r in
            _query(context).order_by(models.ComputeNode.id)]


@db_api.cell_reader
def get_by_host(context, host):
    return [ComputeNode.from_row(r) for r in
            _query(context).filter_by(host=host).order_by(
                models.ComputeNode.id)]


@db_api.cell_writer
def destroy_by_host(context, host):
    now = timeutils.utcnow()
    _query(context).filter_by(host=host).update(
        {'deleted': models.ComputeNode.id, 'deleted_at': now},
        synchronize_session=False)


def traits_of(node):
    """The trait names a node record carries (a list)."""
    try:
        return list(json.loads(node.traits or '[]'))
    except ValueError:
        return []
