"""Block device mappings of a cell database."""

import functools

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy.ext import compiler

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.objects import base


class BlockDeviceMapping(base.Record):
    FIELDS = ('id', 'uuid', 'instance_uuid', 'source_type',
              'destination_type', 'guest_format', 'device_type', 'disk_bus',
              'boot_index', 'device_name', 'delete_on_termination',
              'snapshot_id', 'volume_id', 'volume_size', 'volume_type',
              'image_id', 'no_device', 'connection_info', 'tag',
              'attachment_id', 'created_at', 'updated_at')

    @property
    def is_root(self):
        return self.boot_index == 0

    @property
    def is_volume(self):
        return self.destination_type == 'volume'


_WRITABLE = set(BlockDeviceMapping.FIELDS) - {'id', 'created_at',
                                              'updated_at'}


_TABLE = models.BlockDeviceMapping.__table__
# A mapping's columns, read as plain rows by the hot lookups (no ORM query
# to build, no ORM objects to load).
_COLUMNS = tuple(_TABLE.c[f] for f in BlockDeviceMapping.FIELDS)


def _select(*columns):
    """The mappings whose ``columns`` equal the bound parameters of the
    same names, built once."""
    return sa.select(*_COLUMNS).where(
        *[_TABLE.c[c] == sa.bindparam(c) for c in columns]).order_by(
            _TABLE.c.id)


_BY_INSTANCE = _select('instance_uuid')
_BY_VOLUME_AND_INSTANCE = _select('volume_id', 'instance_uuid')
_BY_UUID = _select('uuid')


_INSERT = _TABLE.insert()
_DELETE = _TABLE.delete().where(_TABLE.c.id == sa.bindparam('b_id'))
# What an update sets comes with its parameters: the statement is built
# once (one built per call costs several times its execution).
_UPDATE = _TABLE.update().where(_TABLE.c.id == sa.bindparam('b_id'))
_EXISTS = sa.select(_TABLE.c.id).where(_TABLE.c.id == sa.bindparam('b_id'))
_INSTANCES = models.Instance.__table__
_USERS_ON_HOST = sa.select(sa.func.count()).select_from(
    _TABLE.join(_INSTANCES,
                _INSTANCES.c.uuid == _TABLE.c.instance_uuid)).where(
    _TABLE.c.volume_id == sa.bindparam('volume_id'),
    _TABLE.c.connection_info.isnot(None),
    _INSTANCES.c.host == sa.bindparam('host'))


# Mappings of volumes on a host's servers not connected since ``before``:
# attaches reserved and never started, or detaches left half done.
_UNCONNECTED_ON_HOST = sa.select(*_COLUMNS).select_from(
    _TABLE.join(_INSTANCES,
                _INSTANCES.c.uuid == _TABLE.c.instance_uuid)).where(
    _TABLE.c.volume_id.isnot(None),
    _TABLE.c.connection_info.is_(None),
    sa.func.coalesce(_TABLE.c.updated_at, _TABLE.c.created_at) <
    sa.bindparam('before'),
    _INSTANCES.c.host == sa.bindparam('host'),
    _INSTANCES.c.deleted == 0).order_by(_TABLE.c.id)
_CONNECTED_ON_HOST = sa.select(*_COLUMNS).select_from(
    _TABLE.join(_INSTANCES,
                _INSTANCES.c.uuid == _TABLE.c.instance_uuid)).where(
    _TABLE.c.volume_id.in_(sa.bindparam('volume_ids', expanding=True)),
    _TABLE.c.connection_info.isnot(None),
    _INSTANCES.c.host == sa.bindparam('host'),
    _INSTANCES.c.deleted == 0).order_by(_TABLE.c.id)


def _records(context, statement, **params):
    return [BlockDeviceMapping(**row._asdict())
            for row in plain.execute(context.connection, statement, params)]


@plain.writer('cell')
def create(context, values):
    values = {k: v for k, v in values.items() if k in _WRITABLE}
    values.setdefault('uuid', uuidutils.generate_uuid())
    values['delete_on_termination'] = bool(
        values.get('delete_on_termination'))
    values['created_at'] = timeutils.utcnow()
    result = plain.execute(context.connection, _INSERT, values)
    return BlockDeviceMapping(id=result.inserted_primary_key[0], **values)


@db_api.cell_conn_reader
def get_by_instance(context, instance_uuid):
    return _records(context, _BY_INSTANCE, instance_uuid=instance_uuid)


@db_api.cell_conn_reader
def get_dicts_by_instance(context, instance_uuid):
    """The mappings of one server as dicts of their columns, as
    :func:`get_dicts_by_instances` gives them."""
    return [row._asdict() for row in plain.execute(
        context.connection, _BY_INSTANCE, {'instance_uuid': instance_uuid})]


def get_by_volume_and_instance(context, volume_id, instance_uuid):
    found = [BlockDeviceMapping(**row._asdict()) for row in plain.select(
        context, 'cell', _BY_VOLUME_AND_INSTANCE,
        {'volume_id': volume_id, 'instance_uuid': instance_uuid})]
    if not found:
        raise exception.VolumeBDMNotFound(volume_id=volume_id)
    return found[0]


_SERVERS_OF_VOLUME = sa.select(_TABLE.c.instance_uuid).where(
    _TABLE.c.volume_id == sa.bindparam('volume_id')).order_by(_TABLE.c.id)
_ON_SERVER = sa.select(_TABLE.c.id).where(
    _TABLE.c.volume_id == sa.bindparam('volume_id'),
    _TABLE.c.instance_uuid == sa.bindparam('instance_uuid')).limit(1)


def servers_of_volume(context, volume_id):
    """The uuids of the servers with a mapping of the volume (in mapping
    order)."""
    return [row[0] for row in plain.select(
        context, 'cell', _SERVERS_OF_VOLUME, {'volume_id': volume_id})]


def is_on_server(context, volume_id, instance_uuid):
    """Whether the server has a mapping of the volume."""
    return bool(plain.select(context, 'cell', _ON_SERVER, {
        'volume_id': volume_id, 'instance_uuid': instance_uuid}))


@db_api.cell_reader
def get_by_volume(context, volume_id):
    rows = context.session.query(models.BlockDeviceMapping).filter_by(
        volume_id=volume_id).order_by(models.BlockDeviceMapping.id).all()
    return [BlockDeviceMapping.from_row(r) for r in rows]


@plain.writer('cell')
def update(context, bdm_id, values):
    values = {k: v for k, v in values.items() if k in _WRITABLE}
    if not values:
        count = len(plain.execute(
            context.connection, _EXISTS, {'b_id': bdm_id}).all())
    else:
        values['b_id'] = bdm_id
        count = plain.execute(context.connection, _UPDATE, values).rowcount
    if not count:
        raise exception.VolumeBDMNotFound(volume_id=bdm_id)


@plain.writer('cell')
def destroy(context, bdm_id):
    plain.execute(context.connection, _DELETE, {'b_id': bdm_id})


@db_api.cell_conn_reader
def get_by_uuid(context, bdm_uuid):
    found = _records(context, _BY_UUID, uuid=bdm_uuid)
    if not found:
        raise exception.VolumeBDMNotFound(volume_id=bdm_uuid)
    return found[0]


def count_volume_users_on_host(context, volume_id, host):
    """Servers of ``host`` with a connected mapping of ``volume_id``."""
    return plain.select(context, 'cell', _USERS_ON_HOST,
                        {'volume_id': volume_id, 'host': host})[0][0]


@db_api.cell_conn_reader
def get_unconnected_on_host(context, host, before):
    """Mappings of volumes on the servers of ``host`` that are not
    connected and were last changed before ``before``."""
    return _records(context, _UNCONNECTED_ON_HOST, host=host, before=before)


@db_api.cell_conn_reader
def get_connected_on_host(context, host, volume_ids):
    """Connected mappings of any of ``volume_ids`` on the servers of
    ``host``."""
    if not volume_ids:
        return []
    return _records(context, _CONNECTED_ON_HOST, host=host,
                    volume_ids=list(volume_ids))


BATCH = 500
# Statements for the mappings of a batch of servers, one per number of
# places for their uuids (a batch fills the next size up, repeating its
# last uuid): a few statements, each built and prepared once.
_BATCH_SIZES = (1, 4, 16, 64, 128, 256, BATCH)


@functools.lru_cache(maxsize=None)
def _by_instances(size):
    return sa.select(*_COLUMNS).where(_TABLE.c.instance_uuid.in_(
        [sa.bindparam('u%d' % i) for i in range(size)])).order_by(
            _TABLE.c.id)


def get_dicts_by_instances(context, instance_uuids):
    """``{instance_uuid: [mapping as a dict, ...]}`` for many servers, read
    as plain rows (server lists carry their mappings as dicts): one
    statement per batch, outside a transaction where it can be
    (:func:`nova_lite.db.plain.select`)."""
    out = {}
    for size, params in plain.batches(instance_uuids, _BATCH_SIZES):
        rows = plain.select(context, 'cell', _by_instances(size), params)
        for row in rows:
            mapping = row._asdict()
            out.setdefault(mapping['instance_uuid'], []).append(mapping)
    return out


@functools.lru_cache(maxsize=None)
def _volumes_by_instances(size):
    return sa.select(_TABLE.c.instance_uuid, _TABLE.c.volume_id,
                     _TABLE.c.delete_on_termination).where(
        _TABLE.c.instance_uuid.in_(
            [sa.bindparam('u%d' % i) for i in range(size)]),
        _TABLE.c.volume_id.isnot(None)).order_by(_TABLE.c.id)


class volume_list(sa.sql.functions.FunctionElement):
    """A server's volume mappings as one text column of its row (a
    correlated subquery on ``instances.uuid``): ``'<id> <volume_id> <0|1>'``
    per mapping with a volume, comma separated, in no given order; NULL
    for a server without any. A list reads its servers' volumes with the
    servers, in the same statement (see :func:`volumes_of_lists`)."""

    type = sa.Text()
    name = 'volume_list'
    inherit_cache = True


_VOLUME_LIST_SQL = (
    "(SELECT %s FROM block_device_mapping AS volume_bdm "
    "WHERE volume_bdm.instance_uuid = instances.uuid "
    "AND volume_bdm.volume_id IS NOT NULL)")
_DELETE_FLAG = ("CASE WHEN volume_bdm.delete_on_termination "
                "THEN '1' ELSE '0' END")


@compiler.compiles(volume_list)
def _volume_list_sqlite(element, compiler_, **kw):
    return _VOLUME_LIST_SQL % (
        "group_concat(volume_bdm.id || ' ' || volume_bdm.volume_id || ' ' "
        "|| %s, ',')" % _DELETE_FLAG)


@compiler.compiles(volume_list, 'postgresql')
def _volume_list_postgresql(element, compiler_, **kw):
    return _VOLUME_LIST_SQL % (
        "string_agg(volume_bdm.id::text || ' ' || volume_bdm.volume_id "
        "|| ' ' || %s, ',')" % _DELETE_FLAG)


@compiler.compiles(volume_list, 'mysql')
def _volume_list_mysql(element, compiler_, **kw):
    return _VOLUME_LIST_SQL % (
        "group_concat(concat(volume_bdm.id, ' ', volume_bdm.volume_id, ' ', "
        "%s) SEPARATOR ',')" % _DELETE_FLAG)


# MySQL cuts a group_concat at group_concat_max_len (1,024 bytes by
# default on MySQL, 1 MiB on MariaDB), silently: a list this long or
# longer is read again from the table.
VOLUME_LIST_TRUSTED = 1000


def volumes_of_lists(context, lists):
    """``{instance_uuid: [(volume_id, delete_on_termination), ...]}`` in
    the mappings' order, from ``{instance_uuid: volume_list text}`` (see
    :class:`volume_list`); those that may have been cut are read
    again."""
    out, again = {}, []
    for uuid, text in lists.items():
        if not text:
            continue
        if len(text) >= VOLUME_LIST_TRUSTED:
            again.append(uuid)
            continue
        entries = []
        for entry in text.split(','):
            bdm_id, volume_id, delete = entry.split(' ')
            if volume_id:
                entries.append((int(bdm_id), volume_id, delete == '1'))
        if entries:
            entries.sort()
            out[uuid] = [(volume_id, delete)
                         for _id, volume_id, delete in entries]
    if again:
        out.update(get_volumes_by_instances(context, again))
    return out


def get_volumes_by_instances(context, instance_uuids):
    """``{instance_uuid: [(volume_id, delete_on_termination), ...]}``: the
    volume mappings of many servers in their order, as server lists show
    them (``os-extended-volumes:volumes_attached``), without the rest of
    each mapping; one statement per batch, outside a transaction where it
    can be."""
    out = {}
    for size, params in plain.batches(instance_uuids, _BATCH_SIZES):
        for uuid, volume_id, delete in plain.select(
                context, 'cell', _volumes_by_instances(size), params):
            if volume_id:
                out.setdefault(uuid, []).append((volume_id, delete))
    return out


# Every volume mapping of the live servers of a cell, with its server's
# host and states (``nova-lite-manage volume_attachment audit``).
_VOLUME_MAPPINGS = sa.select(
    *_COLUMNS, _INSTANCES.c.host.label('server_host'),
    _INSTANCES.c.vm_state.label('server_vm_state'),
    _INSTANCES.c.task_state.label('server_task_state')).select_from(
    _TABLE.join(_INSTANCES,
                _INSTANCES.c.uuid == _TABLE.c.instance_uuid)).where(
    _TABLE.c.volume_id.isnot(None),
    _INSTANCES.c.deleted == 0).order_by(_TABLE.c.id)


@db_api.cell_conn_reader
def get_volume_mappings(context):
    """``[(mapping, {'host', 'vm_state', 'task_state'} of its server)]``
    for every volume mapping of the cell's live servers."""
    found = []
    for row in plain.execute(context.connection, _VOLUME_MAPPINGS, {}):
        values = row._asdict()
        server = {key: values.pop('server_' + key)
                  for key in ('host', 'vm_state', 'task_state')}
        found.append((BlockDeviceMapping(**values), server))
    return found
