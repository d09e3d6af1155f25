"""Build requests and request specs (API database).

A server accepted by the API lives here, as a JSON copy of its instance
record and block device mappings, until the conductor builds it in a cell.
"""

import functools
import hashlib

from oslo_serialization import jsonutils
from oslo_utils import timeutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.objects import instance as instance_obj


try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a requirement
    orjson = None


def _loads(text):
    """A JSON column's value: with orjson where it reads it (several times
    quicker), else as jsonutils reads it (NaN, say)."""
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return jsonutils.loads(text)


def _encode(values):
    out = {}
    for key, value in values.items():
        if hasattr(value, 'isoformat'):
            value = {'__dt__': value.isoformat()}
        out[key] = value
    return jsonutils.dumps(out)


def _decode(text):
    values = jsonutils.loads(text)
    for key, value in list(values.items()):
        if isinstance(value, dict) and '__dt__' in value:
            values[key] = timeutils.parse_isotime(value['__dt__']).replace(
                tzinfo=None)
    return values


def instance_from_build_request(row):
    values = _decode(row.instance)
    values['bdms'] = jsonutils.loads(row.block_device_mappings or '[]')
    return instance_obj.Instance(**values)


_REQUESTS = models.BuildRequest.__table__
_SPECS = models.RequestSpec.__table__
_MAPPINGS = models.InstanceMapping.__table__
_BY_INSTANCE = sa.select(_REQUESTS).where(
    _REQUESTS.c.instance_uuid == sa.bindparam('instance_uuid'))
_LOCK = _BY_INSTANCE.with_for_update()
_MAP = _MAPPINGS.update().where(
    _MAPPINGS.c.instance_uuid == sa.bindparam('m_uuid')).values(
    cell_id=sa.bindparam('m_cell'))
_DELETE = _REQUESTS.delete().where(_REQUESTS.c.id == sa.bindparam('r_id'))
_INSERT = _REQUESTS.insert()
_INSERT_SPEC = _SPECS.insert()
# The servers of every build request (of a project), for server lists.
_ALL = sa.select(_REQUESTS.c.instance,
                 _REQUESTS.c.block_device_mappings).order_by(_REQUESTS.c.id)
_OF_PROJECT = _ALL.where(_REQUESTS.c.project_id == sa.bindparam('project_id'))
_SPEC_OF = sa.select(_SPECS.c.spec).where(
    _SPECS.c.instance_uuid == sa.bindparam('instance_uuid')).order_by(
    _SPECS.c.id).limit(1)
_DELETE_SPEC = _SPECS.delete().where(
    _SPECS.c.instance_uuid == sa.bindparam('s_uuid'))


@db_api.api_conn_writer
def create(context, instance_values, bdms, request_spec):
    now = timeutils.utcnow()
    context.connection.execute(_INSERT, {
        'instance_uuid': instance_values['uuid'],
        'project_id': instance_values['project_id'],
        'instance': _encode(instance_values),
        'block_device_mappings': jsonutils.dumps(bdms), 'created_at': now})
    context.connection.execute(_INSERT_SPEC, {
        'instance_uuid': instance_values['uuid'],
        'spec': jsonutils.dumps(request_spec), 'created_at': now})


@db_api.api_conn_reader
def get_instance(context, instance_uuid):
    row = context.connection.execute(
        _BY_INSTANCE, {'instance_uuid': instance_uuid}).first()
    if row is None:
        raise exception.BuildRequestNotFound(uuid=instance_uuid)
    return instance_from_build_request(row)


def get_all_instances(context, project_id=None):
    # One statement, read by every server list: outside a transaction
    # where it can be.
    if project_id is None:
        rows = plain.select(context, 'api', _ALL)
    else:
        rows = plain.select(context, 'api', _OF_PROJECT,
                            {'project_id': project_id})
    return [instance_from_build_request(r) for r in rows]


@db_api.api_writer
def update_instance(context, instance_uuid, values):
    """Change the recorded instance of a build request.

    Returns the instance as written, read in the same transaction, or None
    if the build request is gone (placed in its cell or deleted). The row
    is locked, so an update waits for a placement in progress and then
    finds it gone.
    """
    row = context.session.query(models.BuildRequest).filter_by(
        instance_uuid=instance_uuid).with_for_update().first()
    if row is None:
        return None
    current = _decode(row.instance)
    current.update(values)
    row.instance = _encode(current)
    return instance_from_build_request(row)


@db_api.api_conn_writer
def place(context, instance_uuid, cell_id, create_in_cell):
    """Move a build request into its cell, atomically for API readers.

    In one API database transaction: take the build request (locked), call
    ``create_in_cell(instance)`` with its final values, map the instance to
    ``cell_id`` and delete the build request. Readers see either the build
    request or the mapped instance, never an older copy, and an update of
    the build request either lands before (and is carried over) or waits
    and then finds the instance in its cell. Returns False if the build
    request was gone (the server was deleted meanwhile).
    """
    row = context.connection.execute(
        _LOCK, {'instance_uuid': instance_uuid}).first()
    if row is None:
        return False
    create_in_cell(instance_from_build_request(row))
    context.connection.execute(_MAP, {'m_uuid': instance_uuid,
                                      'm_cell': cell_id})
    context.connection.execute(_DELETE, {'r_id': row.id})
    return True


@db_api.api_writer
def destroy(context, instance_uuid):
    """Delete a build request; False if it was already gone."""
    return bool(context.session.query(models.BuildRequest).filter_by(
        instance_uuid=instance_uuid).delete())


def get_request_spec(context, instance_uuid):
    rows = plain.select(context, 'api', _SPEC_OF,
                        {'instance_uuid': instance_uuid})
    return jsonutils.loads(rows[0][0]) if rows else None


# Statements reading the specs of a batch of servers, one per number of
# places for their uuids (a batch fills the next size up, repeating its
# last uuid), each built and prepared once.
_SPEC_BATCH_SIZES = (1, 4, 16, 64, 128, 256, 500, 1000)


@functools.lru_cache(maxsize=None)
def _specs_of(size):
    return sa.select(_SPECS.c.instance_uuid, _SPECS.c.spec).where(
        _SPECS.c.instance_uuid.in_(
            [sa.bindparam('u%d' % i) for i in range(size)]))


# Specs as read by their text (a list reads the same specs again and
# again): the value a text decodes to, shared by those who list servers,
# who only read it. Bounded: emptied when full.
_SPECS_READ = {}
SPECS_READ_SIZE = 10000


def _spec_of(text):
    spec = _SPECS_READ.get(text)
    if spec is None:
        spec = _loads(text)
        if len(_SPECS_READ) >= SPECS_READ_SIZE:
            _SPECS_READ.clear()
        _SPECS_READ[text] = spec
    return spec


@functools.lru_cache(maxsize=None)
def _spec_digests_of(size):
    return sa.select(_SPECS.c.instance_uuid, sa.func.md5(_SPECS.c.spec)).where(
        _SPECS.c.instance_uuid.in_(
            [sa.bindparam('u%d' % i) for i in range(size)]))


# Specs by the MD5 digest of their text, for the server databases, where a
# list reads the digests and then the text of only the specs not seen yet
# (a spec's text is about a kilobyte, its digest 32 characters). Bounded:
# emptied when full.
_SPECS_BY_DIGEST = {}
# The databases that compute a text's MD5 digest (md5(), MD5()).
_DIGESTING = frozenset(('mysql', 'postgresql'))


def _digest(text):
    return hashlib.md5(text.encode('utf-8'),
                       usedforsecurity=False).hexdigest()


def get_request_specs(context, instance_uuids):
    """``{instance_uuid: spec}`` of those of ``instance_uuids`` that have
    a request spec, in one statement per thousand (outside a transaction
    where it can be); on MariaDB and PostgreSQL, the specs' digests, then
    the text of those whose spec has not been read before. The specs are
    shared: read them, never change them."""
    out = {}
    unseen = list(instance_uuids)
    digesting = plain.dialect_name(context, 'api') in _DIGESTING
    if digesting:
        unseen = []
        for size, params in plain.batches(instance_uuids, _SPEC_BATCH_SIZES):
            for uuid, digest in plain.select(
                    context, 'api', _spec_digests_of(size), params):
                spec = _SPECS_BY_DIGEST.get(digest)
                if spec is None:
                    unseen.append(uuid)
                else:
                    out[uuid] = spec
    if not unseen:
        return out
    for size, params in plain.batches(unseen, _SPEC_BATCH_SIZES):
        for uuid, text in plain.select(context, 'api', _specs_of(size),
                                       params):
            if text is None:
                continue
            spec = out[uuid] = _spec_of(text)
            if digesting:
                if len(_SPECS_BY_DIGEST) >= SPECS_READ_SIZE:
                    _SPECS_BY_DIGEST.clear()
                _SPECS_BY_DIGEST[_digest(text)] = spec
    return out


@db_api.api_writer
def update_request_spec(context, instance_uuid, spec):
    context.session.query(models.RequestSpec).filter_by(
        instance_uuid=instance_uuid).update({'spec': jsonutils.dumps(spec)})


@db_api.api_conn_writer
def destroy_request_spec(context, instance_uuid):
    context.connection.execute(_DELETE_SPEC, {'s_uuid': instance_uuid})
