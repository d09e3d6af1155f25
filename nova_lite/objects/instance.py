"""Servers (instances) in a cell database."""

import functools
import types

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.compute import power_state
from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.objects import base
from nova_lite.objects import block_device
from nova_lite.objects import instance_fault

# vm_states and task_states, with nova's spellings.
ACTIVE = 'active'
BUILDING = 'building'
STOPPED = 'stopped'
PAUSED = 'paused'
SUSPENDED = 'suspended'
RESCUED = 'rescued'
RESIZED = 'resized'
SOFT_DELETED = 'soft-delete'
DELETED = 'deleted'
ERROR = 'error'
SHELVED = 'shelved'
SHELVED_OFFLOADED = 'shelved_offloaded'

# The states whose server bodies carry a fault.
FAULT_STATES = ('error', 'deleted')

SCHEDULING = 'scheduling'
BLOCK_DEVICE_MAPPING = 'block_device_mapping'
NETWORKING = 'networking'
SPAWNING = 'spawning'
POWERING_OFF = 'powering-off'
POWERING_ON = 'powering-on'
REBOOTING = 'rebooting'
REBOOT_PENDING = 'reboot_pending'
REBOOT_STARTED = 'reboot_started'
REBOOTING_HARD = 'rebooting_hard'
REBOOT_PENDING_HARD = 'reboot_pending_hard'
REBOOT_STARTED_HARD = 'reboot_started_hard'
SHELVING = 'shelving'
SHELVING_IMAGE_PENDING_UPLOAD = 'shelving_image_pending_upload'
SHELVING_IMAGE_UPLOADING = 'shelving_image_uploading'
SHELVING_OFFLOADING = 'shelving_offloading'
UNSHELVING = 'unshelving'
DELETING = 'deleting'


_COLUMNS = (
    'id', 'uuid', 'project_id', 'user_id', 'display_name',
    'display_description', 'hostname', 'host', 'node', 'availability_zone',
    'vm_state', 'task_state', 'power_state', 'image_ref', 'key_name',
    'key_data', 'config_drive', 'user_data', 'access_ip_v4', 'access_ip_v6',
    'locked', 'locked_by', 'locked_reason', 'launched_at', 'terminated_at',
    'launch_index', 'reservation_id', 'root_device_name', 'kernel_id',
    'ramdisk_id', 'progress', 'created_at', 'updated_at', 'deleted_at',
    'deleted', 'auto_disk_config',
)


class Instance(base.Record):
    FIELDS = _COLUMNS + ('fault', 'cell_uuid')
    JSON_FIELDS = {'flavor': dict, 'metadata': dict, 'tags': list,
                   'bdms': list, 'system_metadata': dict}

    @classmethod
    def json_columns(cls):
        return {'flavor': 'flavor', 'metadata': 'server_metadata',
                'tags': 'tags', 'system_metadata': 'system_metadata'}

    @property
    def name(self):
        """The name of the server's guest (``[DEFAULT]
        instance_name_template`` of its id in its cell): empty while it is
        a build request, which has no id yet."""
        return instance_name(self)

    def volume_bdms(self):
        return [b for b in self.bdms if b.get('volume_id')]


# ``[DEFAULT] instance_name_template``, set from the configuration by the
# services (set_name_template).
_name_template = ['instance-%08x']


def set_name_template(conf):
    _name_template[0] = conf.instance_name_template


def instance_name(instance):
    template = _name_template[0]
    ident = getattr(instance, 'id', None)
    if ident is None:
        if instance.vm_state == BUILDING and \
                instance.task_state == SCHEDULING:
            return ''
        return instance.uuid
    try:
        return template % ident
    except TypeError:
        # A template of named fields ("%(uuid)s").
        values = {f: getattr(instance, f, None) for f in _COLUMNS}
        try:
            return template % values
        except (KeyError, TypeError, ValueError):
            return instance.uuid
    except ValueError:
        return instance.uuid


class DownCellInstance:
    """What is known of a server whose cell does not answer."""

    cell_down = True
    cell_uuid = None

    def __init__(self, uuid, project_id, user_id, created_at):
        self.uuid = uuid
        self.project_id = project_id
        self.user_id = user_id
        self.created_at = created_at


def _row_values(values):
    """Map record attribute names onto columns."""
    out = {}
    for key, value in values.items():
        if key == 'metadata':
            out['server_metadata'] = base.dumps(value or {})
        elif key == 'system_metadata':
            out['system_metadata'] = base.dumps(value or {})
        elif key in ('flavor', 'tags'):
            out[key] = base.dumps(value if value is not None else
                                  ({} if key == 'flavor' else []))
        elif key in _COLUMNS:
            out[key] = value
    return out


def _to_record(context, row, with_extra=True, bdms=None):
    """The record of ``row`` with its mappings (``bdms`` where the caller
    read them) and fault (``with_extra``)."""
    extra = {'cell_uuid': context.cell_uuid}
    inst = Instance.from_row(row, **extra)
    if with_extra:
        inst.bdms = bdms if bdms is not None else \
            block_device.get_dicts_by_instance(context, row.uuid)
        # Faults are only ever shown for servers in ERROR or DELETED.
        inst.fault = instance_fault.get_latest(context, row.uuid) \
            if row.vm_state in FAULT_STATES or row.deleted else None
    return inst


def _to_records(context, rows):
    """Records of many rows, their mappings and faults read in bulk (two
    queries per batch rather than two per server)."""
    uuids = [r.uuid for r in rows]
    bdms = block_device.get_dicts_by_instances(context, uuids) \
        if uuids else {}
    faulted = [r.uuid for r in rows
               if r.vm_state in FAULT_STATES or r.deleted]
    faults = instance_fault.get_latest_by_instances(context, faulted) \
        if faulted else {}
    out = Instance.from_rows(rows, cell_uuid=context.cell_uuid)
    for inst in out:
        inst.bdms = bdms.get(inst.uuid, [])
        inst.fault = faults.get(inst.uuid)
    return out


def _query(context, read_deleted=None):
    query = context.session.query(models.Instance)
    read_deleted = read_deleted or context.read_deleted
    if read_deleted == 'no':
        query = query.filter(models.Instance.deleted == 0)
    elif read_deleted == 'only':
        query = query.filter(models.Instance.deleted != 0)
    return query


def _by_uuid(read_deleted):
    """SELECT of one server by uuid, as plain columns, built once."""
    table = models.Instance.__table__
    statement = sa.select(*table.c).where(
        table.c.uuid == sa.bindparam('uuid'))
    if read_deleted == 'no':
        statement = statement.where(table.c.deleted == 0)
    elif read_deleted == 'only':
        statement = statement.where(table.c.deleted != 0)
    return statement


# Every column of servers, built once (each build coerces every column).
_SELECT = sa.select(*models.Instance.__table__.c)
# The columns a server list shows everybody (see
# nova_lite.api.views.server_rows), read as rows (get_all(as_rows=True)):
# a list reads no more (each column costs its driver's decoding, a
# pure-Python one on MariaDB).
LIST_COLUMNS = frozenset((
    'uuid', 'project_id', 'user_id', 'display_name', 'display_description',
    'hostname', 'host', 'availability_zone', 'vm_state', 'task_state',
    'power_state', 'flavor', 'image_ref', 'key_name', 'config_drive',
    'access_ip_v4', 'access_ip_v6', 'server_metadata', 'tags', 'locked',
    'locked_reason', 'launched_at', 'terminated_at', 'progress', 'deleted',
    'auto_disk_config', 'created_at', 'updated_at', 'system_metadata'))


@functools.lru_cache(maxsize=64)
def _list_select(extended, sort_keys):
    """The columns of a list read as rows: those of LIST_COLUMNS and the
    sort keys, or, ``extended`` (the extended attributes shown), every
    column but the key pair's public key, which no list shows; and the
    server's volumes (``volume_list``, see
    :class:`block_device.volume_list`)."""
    return sa.select(*[
        c for c in models.Instance.__table__.c
        if (c.key != 'key_data' if extended else
            c.key in LIST_COLUMNS or c.key in sort_keys)],
        block_device.volume_list().label('volume_list'))


_BY_UUID = {read_deleted: _by_uuid(read_deleted)
            for read_deleted in ('no', 'only', 'yes')}

_SERVER_WIDTH = len(models.Instance.__table__.c)


def _with_mappings(read_deleted):
    """A server by uuid with its block device mappings in one statement,
    built once: a row per mapping, in the mappings' order (a single row
    whose mapping columns are NULL for a server without any)."""
    bdms = models.BlockDeviceMapping.__table__
    statement = _by_uuid(read_deleted).add_columns(
        *[bdms.c[f].label('bdm_' + f)
          for f in block_device.BlockDeviceMapping.FIELDS])
    return statement.select_from(models.Instance.__table__.outerjoin(
        bdms, bdms.c.instance_uuid == models.Instance.__table__.c.uuid)
    ).order_by(bdms.c.id)


_WITH_MAPPINGS = {read_deleted: _with_mappings(read_deleted)
                  for read_deleted in ('no', 'only', 'yes')}


def _mappings_of(rows):
    """The mappings in rows of a ``_WITH_MAPPINGS`` statement, as dicts
    (as :func:`block_device.get_dicts_by_instance` gives them)."""
    names = block_device.BlockDeviceMapping.FIELDS
    return [dict(zip(names, row[_SERVER_WIDTH:])) for row in rows
            if row[_SERVER_WIDTH] is not None]


_INSERT = models.Instance.__table__.insert()


@db_api.cell_conn_writer
def create(context, values):
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    row_values = _row_values(values)
    row_values.setdefault('created_at', timeutils.utcnow())
    row_values.update(deleted=0, locked=bool(values.get('locked', False)))
    context.connection.execute(_INSERT, row_values)
    row = context.connection.execute(
        _BY_UUID['yes'], {'uuid': values['uuid']}).first()
    return Instance.from_row(row, cell_uuid=context.cell_uuid)


def get_by_uuid(context, uuid, read_deleted=None, with_extra=True):
    """The server ``uuid`` of the context's cell, with its block device
    mappings and fault (``with_extra``): one statement, in the caller's
    transaction or on its own (the fault, for a server in ERROR or
    DELETED, is a second read)."""
    read_deleted = read_deleted or context.read_deleted
    if read_deleted not in _BY_UUID:
        read_deleted = 'yes'
    if not with_extra:
        rows = plain.select(context, 'cell', _BY_UUID[read_deleted],
                            {'uuid': uuid})
        if not rows:
            raise exception.InstanceNotFound(instance_id=uuid)
        return _to_record(context, rows[0], with_extra=False)
    rows = plain.select(context, 'cell', _WITH_MAPPINGS[read_deleted],
                        {'uuid': uuid})
    if not rows:
        raise exception.InstanceNotFound(instance_id=uuid)
    return _to_record(context, rows[0], bdms=_mappings_of(rows))


def _with_one_mapping(read_deleted, by):
    """A server by uuid and one of its block device mappings, by the
    mapping's ``by`` column (bound as ``mapping_<by>``), in one statement,
    built once: NULL mapping columns where the server has no such mapping
    (the first by id where it has several)."""
    servers = models.Instance.__table__
    bdms = models.BlockDeviceMapping.__table__
    statement = _by_uuid(read_deleted).add_columns(
        *[bdms.c[f].label('bdm_' + f)
          for f in block_device.BlockDeviceMapping.FIELDS])
    return statement.select_from(servers.outerjoin(bdms, sa.and_(
        bdms.c.instance_uuid == servers.c.uuid,
        bdms.c[by] == sa.bindparam('mapping_' + by)))).order_by(bdms.c.id)


_WITH_ONE_MAPPING = {(read_deleted, by): _with_one_mapping(read_deleted, by)
                     for read_deleted in ('no', 'only', 'yes')
                     for by in ('uuid', 'volume_id')}


def get_with_mapping(context, uuid, bdm_uuid=None, volume_id=None):
    """The server ``uuid`` (without its mappings and fault) and one of its
    block device mappings, by the mapping's uuid or by volume, read in one
    statement (in the caller's transaction or on its own)."""
    read_deleted = context.read_deleted
    if read_deleted not in _BY_UUID:
        read_deleted = 'yes'
    by, value = ('uuid', bdm_uuid) if bdm_uuid is not None else \
        ('volume_id', volume_id)
    rows = plain.select(context, 'cell',
                        _WITH_ONE_MAPPING[read_deleted, by],
                        {'uuid': uuid, 'mapping_' + by: value})
    if not rows:
        raise exception.InstanceNotFound(instance_id=uuid)
    row = rows[0]
    if row[_SERVER_WIDTH] is None:
        raise exception.VolumeBDMNotFound(volume_id=value)
    bdm = block_device.BlockDeviceMapping(**dict(zip(
        block_device.BlockDeviceMapping.FIELDS, row[_SERVER_WIDTH:])))
    return _to_record(context, row, with_extra=False), bdm


@plain.writer('cell')
def add_volume_mapping(context, uuid, choose, values):
    """In one write transaction: the server ``uuid`` and its mappings,
    ``choose(instance, bdms)`` (the new mapping's device name, or an
    exception, and then nothing is written), and the new mapping of
    ``values`` with that name, which is returned."""
    instance = get_by_uuid(context, uuid, with_extra=False)
    bdms = block_device.get_by_instance(context, uuid)
    values = dict(values, device_name=choose(instance, bdms))
    return block_device.create(context, values)


def _expected_form(expected, name, params):
    """How a compare-and-swap condition on a state column looks: ``None``
    (no condition), or whether it accepts NULL and how many other values
    it lists (in ``params['<name>_<i>']``: one parameter each, so that the
    statement's SQL is the same whatever the values)."""
    if expected is None:
        return None
    listed = [e for e in expected if e is not None]
    for index, value in enumerate(listed):
        params['%s_%d' % (name, index)] = value
    return (None in expected, len(listed))


@functools.lru_cache(maxsize=None)
def _update_statement(vm_state, task_state):
    """An UPDATE of one live server by uuid with the compare-and-swap
    conditions of those forms, built once per form; what it sets comes
    with the parameters."""
    table = models.Instance.__table__
    statement = sa.update(table).where(
        table.c.uuid == sa.bindparam('b_uuid'), table.c.deleted == 0)
    for column, form, name in (('vm_state', vm_state, 'b_vm_states'),
                               ('task_state', task_state, 'b_task_states')):
        if form is None:
            continue
        accepts_null, listed = form
        col = table.c[column]
        conds = []
        if listed:
            conds.append(col.in_([sa.bindparam('%s_%d' % (name, index))
                                  for index in range(listed)]))
        if accepts_null:
            conds.append(col.is_(None))
        statement = statement.where(sa.or_(*conds) if conds else
                                    sa.false())
    return statement


@plain.writer('cell')
def update(context, uuid, values, expected_vm_state=None,
           expected_task_state=None):
    """Update a live instance, optionally compare-and-swap on its states.

    ``expected_*`` are lists of accepted current values (``None`` allowed
    as a member); when the row does not match,
    :class:`~nova_lite.exception.InstanceInvalidState` is raised and nothing
    is written.
    """
    row_values = _row_values(values)
    row_values['updated_at'] = timeutils.utcnow()
    row_values['b_uuid'] = uuid
    statement = _update_statement(
        _expected_form(expected_vm_state, 'b_vm_states', row_values),
        _expected_form(expected_task_state, 'b_task_states', row_values))
    count = context.connection.execute(statement, row_values).rowcount
    row = context.connection.execute(_BY_UUID['no'], {'uuid': uuid}).first()
    if not count:
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        attr, state = 'task_state', row.task_state
        if expected_vm_state is not None and \
                row.vm_state not in expected_vm_state:
            attr, state = 'vm_state', row.vm_state
        raise exception.InstanceInvalidState(
            instance_uuid=uuid, attr=attr, state=state, method='update')
    return _to_record(context, row, with_extra=False)


_TABLE = models.Instance.__table__
_SOFT_DELETE = _TABLE.update().where(
    _TABLE.c.id == sa.bindparam('row_id')).values(
    deleted=sa.bindparam('row_id'), deleted_at=sa.bindparam('now'),
    updated_at=sa.bindparam('now'), terminated_at=sa.bindparam('ended'),
    vm_state=DELETED, task_state=None, power_state=power_state.NOSTATE)
_BDMS = models.BlockDeviceMapping.__table__
_DELETE_BDMS = _BDMS.delete().where(
    _BDMS.c.instance_uuid == sa.bindparam('b_uuid'))


@plain.writer('cell')
def destroy(context, uuid):
    """Soft-delete an instance and remove its block device mappings."""
    row = context.connection.execute(_BY_UUID['no'], {'uuid': uuid}).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=uuid)
    now = timeutils.utcnow()
    ended = row.terminated_at or now
    context.connection.execute(_SOFT_DELETE, {
        'row_id': row.id, 'now': now, 'ended': ended})
    context.connection.execute(_DELETE_BDMS, {'b_uuid': uuid})
    values = row._asdict()
    values.update(deleted=row.id, deleted_at=now, updated_at=now,
                  terminated_at=ended, vm_state=DELETED, task_state=None,
                  power_state=power_state.NOSTATE)
    return Instance.from_row(types.SimpleNamespace(**values),
                             cell_uuid=context.cell_uuid)


@db_api.cell_reader
def get_uuids_by_host(context, host):
    rows = _query(context, 'no').filter_by(host=host).with_entities(
        models.Instance.uuid).all()
    return [r[0] for r in rows]


@db_api.cell_reader
def get_by_host(context, host):
    rows = _query(context, 'no').filter_by(host=host).all()
    return [_to_record(context, r) for r in rows]


_COUNT_BY_HOST = sa.select(sa.func.count()).select_from(_TABLE).where(
    _TABLE.c.deleted == 0, _TABLE.c.host == sa.bindparam('host'))


@db_api.cell_conn_reader
def count_by_host(context, host):
    return context.connection.execute(
        _COUNT_BY_HOST, {'host': host}).scalar()


SORT_KEYS = ('created_at', 'display_name', 'uuid', 'updated_at', 'vm_state',
             'task_state', 'host', 'launched_at', 'terminated_at',
             'display_description', 'project_id', 'user_id', 'hostname',
             'availability_zone', 'image_ref', 'launch_index', 'key_name',
             'locked', 'power_state', 'reservation_id', 'root_device_name',
             'access_ip_v4', 'access_ip_v6', 'config_drive', 'kernel_id',
             'ramdisk_id', 'node', 'progress')


# Filters on one column's value, as get_all applies them.
_VALUE_FILTERS = ('project_id', 'user_id', 'host', 'node', 'image_ref',
                  'reservation_id', 'availability_zone', 'key_name')


def _with_deleted(query, m, deleted):
    # As nova lists them: soft-deleted servers count as deleted.
    if deleted is False:
        return query.filter(m.deleted == 0, sa.or_(
            m.vm_state != SOFT_DELETED, m.vm_state.is_(None)))
    if deleted is True:
        return query.filter(sa.or_(m.deleted != 0,
                                   m.vm_state == SOFT_DELETED))
    return query


def _ordered(query, m, sort_keys, sort_dirs):
    order = []
    for key, direction in zip(sort_keys, sort_dirs):
        col = getattr(m, key)
        order.append(col.desc() if direction == 'desc' else col.asc())
    return query.order_by(*order)


@functools.lru_cache(maxsize=256)
def _listing(deleted, keys, sort_keys, sort_dirs, limited, select=None):
    """The statement of a list filtered only on column values (``keys``,
    bound by name) and ``deleted``, built once per shape: the lists
    clients make most (a project's servers, by creation) build nothing.
    ``select``: whether rows with the extended attributes' columns
    (see _list_select), or None for every column."""
    m = models.Instance.__table__.c
    query = _with_deleted(
        _SELECT if select is None else _list_select(select, sort_keys), m,
        deleted)
    for key in keys:
        query = query.filter(getattr(m, key) == sa.bindparam(key))
    query = _ordered(query, m, sort_keys, sort_dirs)
    if limited:
        query = query.limit(sa.bindparam('limit'))
    return query


def _value_filters(filters):
    """The keys of ``filters`` when it filters only on column values (and
    ``deleted``), else None."""
    keys = []
    for key, value in filters.items():
        if key == 'deleted' or value is None:
            continue
        if key not in _VALUE_FILTERS:
            return None
        keys.append(key)
    return tuple(sorted(keys))


class Listing:
    """A cell's servers as a list shows them (``get_all(as_rows=True)``):
    their rows (every column, as :func:`nova_lite.db.plain.select` gives
    them; JSON columns as text), and by server uuid the volume mappings
    shown with them and, for those in ERROR or DELETED, the latest
    fault."""

    __slots__ = ('rows', 'volumes', 'faults', 'cell_uuid')

    def __init__(self, rows, volumes, faults, cell_uuid):
        self.rows = rows
        self.volumes = volumes
        self.faults = faults
        self.cell_uuid = cell_uuid


def _listing_of(context, rows):
    # Each row carries its server's volumes (one statement for both).
    volumes = block_device.volumes_of_lists(
        context, {r.uuid: r.volume_list for r in rows})
    faulted = [r.uuid for r in rows
               if r.vm_state in FAULT_STATES or r.deleted]
    faults = instance_fault.get_latest_by_instances(context, faulted) \
        if faulted else {}
    return Listing(rows, volumes, faults, context.cell_uuid)


def get_all(context, filters, sort_keys, sort_dirs, limit=None, marker=None,
            as_rows=False, extended=False):
    """Instances matching ``filters``, sorted, after ``marker``; with
    ``as_rows``, a :class:`Listing` of them instead of records, whose rows
    have the columns of LIST_COLUMNS and the sort keys, or, ``extended``,
    every column but ``key_data``.

    ``filters`` keys: project_id, user_id, name (regex), vm_state (list),
    task_state (list), host, node, image_ref, flavor_id, reservation_id,
    availability_zone, changes_since, changes_before, deleted (bool or
    None for "live and deleted"), locked, uuid (list).
    ``marker`` is an :class:`Instance` (possibly from another cell) whose
    sort values rows must come after.
    """
    # Plain columns (no ORM identity map or instance state): a list
    # builds one record per row and nothing else.
    deleted = filters.get('deleted', False)
    keys = _value_filters(filters) if marker is None else None
    if keys is not None:
        params = {key: filters[key] for key in keys}
        if limit is not None:
            params['limit'] = limit
        shape = (deleted, keys, tuple(sort_keys), tuple(sort_dirs),
                 limit is not None)
        query = _listing(*shape, bool(extended)) if as_rows else \
            _listing(*shape)
        # One statement: outside a transaction where it can be.
        rows = plain.select(context, 'cell', query, params)
        if as_rows:
            return _listing_of(context, rows)
        return _to_records(context, rows)
    return _get_all_filtered(context, filters, sort_keys, sort_dirs, limit,
                             marker, as_rows, extended)


@db_api.cell_reader
def _get_all_filtered(context, filters, sort_keys, sort_dirs, limit,
                      marker, as_rows=False, extended=False):
    deleted = filters.get('deleted', False)
    m = models.Instance.__table__.c
    query = _with_deleted(
        _list_select(bool(extended), tuple(sort_keys)) if as_rows
        else _SELECT, m, deleted)
    for key in _VALUE_FILTERS:
        if filters.get(key) is not None:
            query = query.filter(getattr(m, key) == filters[key])
    for key in ('vm_state', 'task_state', 'uuid'):
        values = filters.get(key)
        if values is not None:
            conds = [getattr(m, key).in_([v for v in values
                                          if v is not None])]
            if None in values:
                conds.append(getattr(m, key).is_(None))
            query = query.filter(sa.or_(*conds))
    if filters.get('locked') is not None:
        query = query.filter(m.locked == bool(filters['locked']))
    if filters.get('name'):
        query = query.filter(m.display_name.regexp_match(filters['name']))
    if filters.get('changes_since') is not None:
        query = query.filter(m.updated_at >= filters['changes_since'])
    if filters.get('changes_before') is not None:
        query = query.filter(m.updated_at <= filters['changes_before'])
    query = _tag_filters(query, m, filters)
    if filters.get('flavor_id') is not None:
        query = query.filter(m.flavor.like(
            '%%"flavorid": "%s"%%' % filters['flavor_id']))
    if marker is not None:
        query = query.filter(_after_marker(m, marker, sort_keys, sort_dirs))
    query = _ordered(query, m, sort_keys, sort_dirs)
    if limit is not None:
        query = query.limit(limit)
    rows = context.session.execute(query).all()
    if as_rows:
        return _listing_of(context, rows)
    return _to_records(context, rows)


def _has_tag(model, tag):
    # Tags are stored as a JSON list of strings, which cannot hold a '"'
    # unescaped; tags never contain ',' or '/'.
    escaped = tag.replace('\\', '\\\\').replace('"', '\\"')
    return model.tags.contains('"%s"' % escaped, autoescape=True)


def _tag_filters(query, model, filters):
    """nova's tags, tags-any, not-tags and not-tags-any filters."""
    if filters.get('tags'):
        query = query.filter(sa.and_(*[_has_tag(model, t)
                                       for t in filters['tags']]))
    if filters.get('tags-any'):
        query = query.filter(sa.or_(*[_has_tag(model, t)
                                      for t in filters['tags-any']]))
    if filters.get('not-tags'):
        query = query.filter(sa.not_(sa.and_(
            *[_has_tag(model, t) for t in filters['not-tags']])))
    if filters.get('not-tags-any'):
        query = query.filter(sa.not_(sa.or_(
            *[_has_tag(model, t) for t in filters['not-tags-any']])))
    return query


def _after_marker(model, marker, sort_keys, sort_dirs):
    """SQL condition "row sorts strictly after marker" (keyset paging)."""
    clauses = []
    for i, (key, direction) in enumerate(zip(sort_keys, sort_dirs)):
        col = getattr(model, key)
        value = getattr(marker, key)
        eqs = []
        for prev_key in sort_keys[:i]:
            prev = getattr(marker, prev_key)
            prev_col = getattr(model, prev_key)
            eqs.append(prev_col.is_(None) if prev is None else
                       prev_col == prev)
        if value is None:
            # NULLs sort first ascending: everything non-null is after.
            cmp = col.isnot(None) if direction == 'asc' else sa.false()
        else:
            cmp = col > value if direction == 'asc' else col < value
            if direction == 'desc':
                cmp = sa.or_(cmp, col.is_(None))
        clauses.append(sa.and_(*(eqs + [cmp])))
    return sa.or_(*clauses)


_LIVE_STATES = sa.select(_TABLE.c.uuid, _TABLE.c.host, _TABLE.c.vm_state,
                         _TABLE.c.task_state).where(_TABLE.c.deleted == 0)
_DELETED_AMONG = sa.select(_TABLE.c.uuid).where(
    _TABLE.c.deleted != 0,
    _TABLE.c.uuid.in_(sa.bindparam('uuids', expanding=True)))


@db_api.cell_conn_reader
def get_live_states(context):
    """``{uuid: {'host', 'vm_state', 'task_state'}}`` of the cell's servers
    that are not deleted."""
    return {row[0]: {'host': row[1], 'vm_state': row[2],
                     'task_state': row[3]}
            for row in plain.execute(context.connection, _LIVE_STATES, {})}


@db_api.cell_conn_reader
def get_deleted_uuids(context, uuids):
    """Which of ``uuids`` are servers of the cell that were deleted."""
    uuids = sorted(set(uuids))
    if not uuids:
        return set()
    return {row[0] for row in plain.execute(
        context.connection, _DELETED_AMONG, {'uuids': uuids})}
