"""Migration records of a cell database (moves of servers between hosts),
as nova's migrations table; listed with nova's filters."""

from oslo_utils import strutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception
from nova_lite.objects import base

IN_PROGRESS_LIVE = ('queued', 'preparing', 'running', 'post-migrating')


class Migration(base.Record):
    FIELDS = ('id', 'uuid', 'source_compute', 'dest_compute', 'source_node',
              'dest_node', 'dest_host', 'old_instance_type_id',
              'new_instance_type_id', 'instance_uuid', 'status',
              'migration_type', 'hidden', 'memory_total', 'memory_processed',
              'memory_remaining', 'disk_total', 'disk_processed',
              'disk_remaining', 'cross_cell_move', 'user_id', 'project_id',
              'created_at', 'updated_at', 'deleted_at', 'deleted')
    JSON_FIELDS = {'move_data': dict}


def _filtered(query, filters):
    m = models.Migration
    if 'status' in filters:
        status = filters['status']
        status = [status] if isinstance(status, str) else status
        query = query.filter(m.status.in_(status))
    if 'host' in filters:
        host = filters['host']
        query = query.filter(sa.or_(m.source_compute == host,
                                    m.dest_compute == host))
    elif 'source_compute' in filters:
        query = query.filter(m.source_compute == filters['source_compute'])
    if 'node' in filters:
        node = filters['node']
        query = query.filter(sa.or_(m.source_node == node,
                                    m.dest_node == node))
    if 'migration_type' in filters:
        query = query.filter(m.migration_type == filters['migration_type'])
    if 'hidden' in filters:
        hidden = strutils.bool_from_string(filters['hidden'], default=False)
        query = query.filter(m.hidden.is_(hidden))
    if 'instance_uuid' in filters:
        query = query.filter(m.instance_uuid == filters['instance_uuid'])
    if filters.get('changes-since') is not None:
        query = query.filter(m.updated_at >= filters['changes-since'])
    if filters.get('changes-before') is not None:
        query = query.filter(m.updated_at <= filters['changes-before'])
    if 'user_id' in filters:
        query = query.filter(m.user_id == filters['user_id'])
    if 'project_id' in filters:
        query = query.filter(m.project_id == filters['project_id'])
    return query


@db_api.cell_reader
def get_all(context, filters, limit=None, marker=None):
    """Migrations matching ``filters``, newest first (created_at, id);
    after ``marker`` (a migration uuid), MarkerNotFound when this cell does
    not have it."""
    m = models.Migration
    query = _filtered(context.session.query(m).filter(m.deleted == 0),
                      filters)
    if marker is not None:
        row = context.session.query(m).filter(m.uuid == marker).first()
        if row is None:
            raise exception.MarkerNotFound(marker=marker)
        query = query.filter(sa.or_(
            m.created_at < row.created_at,
            sa.and_(m.created_at == row.created_at, m.id < row.id)))
    query = query.order_by(m.created_at.desc(), m.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [Migration.from_row(r) for r in query]


@db_api.cell_reader
def get_in_progress_by_instance(context, instance_uuid,
                                migration_type='live-migration'):
    m = models.Migration
    rows = context.session.query(m).filter(
        m.deleted == 0, m.instance_uuid == instance_uuid,
        m.migration_type == migration_type,
        m.status.in_(IN_PROGRESS_LIVE)).order_by(m.id)
    return [Migration.from_row(r) for r in rows]


@db_api.cell_reader
def get_by_id_and_instance(context, migration_id, instance_uuid):
    m = models.Migration
    try:
        number = int(migration_id)
    except (TypeError, ValueError):
        number = None
    row = None if number is None else context.session.query(m).filter(
        m.deleted == 0, m.id == number,
        m.instance_uuid == instance_uuid).first()
    if row is None:
        raise exception.MigrationNotFoundForInstance(
            migration_id=migration_id, instance_id=instance_uuid)
    return Migration.from_row(row)


@db_api.cell_writer
def create(context, values):
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    if 'move_data' in values:
        values['move_data'] = base.dumps(values['move_data'] or {})
    row = models.Migration(deleted=0, **values)
    context.session.add(row)
    context.session.flush()
    return Migration.from_row(row)


@db_api.cell_writer
def update(context, migration_id, values):
    """Change a migration; its record after the change."""
    values = dict(values)
    if 'move_data' in values:
        values['move_data'] = base.dumps(values['move_data'] or {})
    row = context.session.query(models.Migration).filter_by(
        id=migration_id).first()
    if row is None:
        raise exception.MigrationNotFound(migration_id=migration_id)
    for key, value in values.items():
        setattr(row, key, value)
    context.session.flush()
    return Migration.from_row(row)


@db_api.cell_reader
def get_by_id(context, migration_id):
    row = context.session.query(models.Migration).filter_by(
        id=migration_id, deleted=0).first()
    if row is None:
        raise exception.MigrationNotFound(migration_id=migration_id)
    return Migration.from_row(row)


@db_api.cell_reader
def get_by_instance_and_status(context, instance_uuid, status):
    """The latest migration of the server in ``status`` (a name or a
    list of names); MigrationNotFoundByStatus when there is none."""
    m = models.Migration
    status = [status] if isinstance(status, str) else list(status)
    row = context.session.query(m).filter(
        m.deleted == 0, m.instance_uuid == instance_uuid,
        m.status.in_(status)).order_by(m.id.desc()).first()
    if row is None:
        raise exception.MigrationNotFoundByStatus(
            instance_id=instance_uuid, status=','.join(status))
    return Migration.from_row(row)


@db_api.cell_reader
def get_by_host_and_status(context, host, status):
    """Migrations from or to ``host`` in one of ``status``."""
    m = models.Migration
    rows = context.session.query(m).filter(
        m.deleted == 0, m.status.in_(list(status)),
        sa.or_(m.source_compute == host, m.dest_compute == host))
    return [Migration.from_row(r) for r in rows]
