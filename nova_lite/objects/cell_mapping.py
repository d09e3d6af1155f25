"""Cell, host and instance mappings (API database)."""

import collections
import threading
import time

from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.objects import base

CELL0_UUID = '00000000-0000-0000-0000-000000000000'
CELL0_NAME = 'cell0'


class CellMapping(base.Record):
    FIELDS = ('id', 'uuid', 'name', 'transport_url', 'database_connection',
              'disabled')

    @property
    def is_cell0(self):
        return self.uuid == CELL0_UUID


class InstanceMapping(base.Record):
    FIELDS = ('id', 'instance_uuid', 'cell_id', 'project_id', 'user_id',
              'queued_for_delete', 'created_at')
    JSON_FIELDS = {}

    def __init__(self, cell_mapping=None, **kwargs):
        super().__init__(**kwargs)
        self.cell_mapping = cell_mapping


# -- cells -------------------------------------------------------------------

_ALL_CELLS = sa.select(models.CellMapping.__table__).order_by(
    models.CellMapping.__table__.c.id)
_HOSTS = models.HostMapping.__table__
_ALL_HOSTS = sa.select(_HOSTS.c.host, _HOSTS.c.cell_id)


def get_all_cells(context):
    # One statement: outside a transaction where it can be.
    return CellMapping.from_rows(plain.select(context, 'api', _ALL_CELLS))


# The cells as the API's server lists see them, read once per process as
# nova-api reads them: a cell created or deleted by another process is
# seen after SIGHUP (or a restart); one this process creates or deletes,
# at once.
_CELLS_SEEN = []
_CELLS_SEEN_LOCK = threading.Lock()


def get_all_cells_cached(context):
    """The cells (as :func:`get_all_cells`), read the first time and kept
    until :func:`forget_cells`."""
    try:
        cells = _CELLS_SEEN[0]
    except IndexError:
        cells = get_all_cells(context)
        with _CELLS_SEEN_LOCK:
            _CELLS_SEEN[:] = [cells]
    return cells


def forget_cells():
    """The next :func:`get_all_cells_cached` reads the cells again."""
    with _CELLS_SEEN_LOCK:
        _CELLS_SEEN.clear()


db_api.on_reset(forget_cells)


@db_api.api_reader
def get_cell(context, uuid):
    row = context.session.query(models.CellMapping).filter_by(
        uuid=uuid).first()
    if row is None:
        raise exception.CellMappingNotFound(uuid=uuid)
    return CellMapping.from_row(row)


@db_api.api_reader
def get_cell_by_name(context, name):
    row = context.session.query(models.CellMapping).filter_by(
        name=name).first()
    if row is None:
        raise exception.CellMappingNotFound(uuid=name)
    return CellMapping.from_row(row)


@db_api.api_writer
def create_cell(context, name, database_connection, transport_url=None,
                uuid=None, disabled=False):
    if context.session.query(models.CellMapping).filter_by(
            name=name).count():
        raise exception.CellMappingExists(name=name)
    row = models.CellMapping(uuid=uuid or uuidutils.generate_uuid(),
                             name=name, transport_url=transport_url,
                             database_connection=database_connection,
                             disabled=disabled)
    context.session.add(row)
    context.session.flush()
    forget_cells()
    return CellMapping.from_row(row)


@db_api.api_writer
def delete_cell(context, uuid):
    context.session.query(models.CellMapping).filter_by(uuid=uuid).delete()
    forget_cells()


# -- hosts -------------------------------------------------------------------

@db_api.api_reader
def get_host_cell(context, host):
    row = context.session.query(models.HostMapping, models.CellMapping).join(
        models.CellMapping,
        models.HostMapping.cell_id == models.CellMapping.id).filter(
        models.HostMapping.host == host).first()
    if row is None:
        raise exception.HostMappingNotFound(name=host)
    return CellMapping.from_row(row[1])


@db_api.api_conn_reader
def get_mapped_hosts(context):
    return {r.host: r.cell_id for r in context.connection.execute(_ALL_HOSTS)}


def map_host(context, host, cell_id):
    """Map ``host`` to a cell; False if it is mapped already.

    Safe against another process mapping the same host at the same time.
    """
    try:
        return _map_host(context, host, cell_id)
    except db_exc.DBDuplicateEntry:
        return False


@db_api.api_writer
def _map_host(context, host, cell_id):
    row = context.session.query(models.HostMapping).filter_by(
        host=host).first()
    if row is not None:
        return False
    context.session.add(models.HostMapping(host=host, cell_id=cell_id))
    context.session.flush()
    return True


@db_api.api_writer
def unmap_host(context, host):
    context.session.query(models.HostMapping).filter_by(host=host).delete()


# -- instances ---------------------------------------------------------------

def _instance_mapping(row, cell_row):
    cell = CellMapping.from_row(cell_row) if cell_row is not None else None
    return InstanceMapping.from_row(row, cell_mapping=cell)


_INSTANCES = models.InstanceMapping.__table__
_CELLS = models.CellMapping.__table__
# A mapping with its cell in one statement: the mapping's columns, then the
# cell's (NULL for a mapping without a cell), each part as its own row.
_INSTANCE_WITH_CELL = sa.select(
    _INSTANCES, *[c.label('cell_' + c.key) for c in _CELLS.c]).select_from(
    _INSTANCES.outerjoin(_CELLS, _CELLS.c.id == _INSTANCES.c.cell_id)).where(
    _INSTANCES.c.instance_uuid == sa.bindparam('instance_uuid')).limit(1)
_INSTANCE_ROW = collections.namedtuple(
    'InstanceMappingRow', [c.key for c in _INSTANCES.c])
_CELL_ROW = collections.namedtuple('CellMappingRow',
                                   [c.key for c in _CELLS.c])
_CELL_AT = len(_INSTANCES.c)
_CELL_ID_AT = _CELL_AT + list(_CELLS.c.keys()).index('id')
_QUEUE_FOR_DELETE = _INSTANCES.update().where(
    _INSTANCES.c.instance_uuid == sa.bindparam('m_uuid')).values(
    queued_for_delete=True)


_INSERT_INSTANCE = _INSTANCES.insert()


@db_api.api_conn_writer
def create_instance_mapping(context, instance_uuid, project_id, user_id,
                            cell_id=None):
    context.connection.execute(_INSERT_INSTANCE, {
        'instance_uuid': instance_uuid, 'project_id': project_id,
        'user_id': user_id, 'cell_id': cell_id, 'queued_for_delete': False,
        'created_at': timeutils.utcnow()})


class _PlacedCache:
    """Instance mappings that have a cell, kept briefly in memory.

    A server's cell never changes once it is set, so a GET of a placed
    server need not ask the API database again; the TTL bounds how long an
    operator's change to a cell mapping (update_cell) takes to be seen.
    """

    TTL = 60.0
    MAX = 100000

    def __init__(self):
        self._lock = threading.Lock()
        self._items = {}

    def get(self, uuid):
        item = self._items.get(uuid)
        if item is not None and item[0] > time.monotonic():
            return item[1]
        return None

    def put(self, uuid, mapping):
        with self._lock:
            if len(self._items) >= self.MAX:
                self._items.clear()
            self._items[uuid] = (time.monotonic() + self.TTL, mapping)

    def clear(self):
        with self._lock:
            self._items.clear()


PLACED = _PlacedCache()


def get_instance_mapping(context, instance_uuid):
    """The mapping of ``instance_uuid`` (served from memory once the server
    is placed in a cell)."""
    cached = PLACED.get(instance_uuid)
    if cached is not None:
        return cached
    mapping = _get_instance_mapping(context, instance_uuid)
    if mapping.cell_mapping is not None:
        PLACED.put(instance_uuid, mapping)
    return mapping


def _get_instance_mapping(context, instance_uuid):
    rows = plain.select(context, 'api', _INSTANCE_WITH_CELL,
                        {'instance_uuid': instance_uuid})
    if not rows:
        raise exception.InstanceMappingNotFound(uuid=instance_uuid)
    row = rows[0]
    cell_row = None
    if row[_CELL_ID_AT] is not None:
        cell_row = _CELL_ROW._make(row[_CELL_AT:])
    return _instance_mapping(_INSTANCE_ROW._make(row[:_CELL_AT]), cell_row)


@db_api.api_reader
def get_instance_mappings_in_cell(context, cell_id, project_id=None):
    query = context.session.query(models.InstanceMapping).filter_by(
        cell_id=cell_id, queued_for_delete=False)
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    return [InstanceMapping.from_row(r) for r in
            query.order_by(models.InstanceMapping.id).all()]


@db_api.api_writer
def set_instance_cell(context, instance_uuid, cell_id):
    context.session.query(models.InstanceMapping).filter_by(
        instance_uuid=instance_uuid).update({'cell_id': cell_id})


@db_api.api_conn_writer
def queue_instance_for_delete(context, instance_uuid):
    context.connection.execute(_QUEUE_FOR_DELETE, {'m_uuid': instance_uuid})


@db_api.api_writer
def delete_instance_mapping(context, instance_uuid):
    context.session.query(models.InstanceMapping).filter_by(
        instance_uuid=instance_uuid).delete()


@db_api.api_writer
def unqueue_instance_for_delete(context, instance_uuid):
    """A restored server is no longer queued for deletion."""
    context.session.query(models.InstanceMapping).filter_by(
        instance_uuid=instance_uuid).update({'queued_for_delete': False})
