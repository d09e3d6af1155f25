"""Volume and snapshot metadata of the built-in block storage, as Cinder
v3 serves them:

``GET /volumes/{id}/metadata``            200 ``{"metadata": {...}}``
``POST /volumes/{id}/metadata``           200, the items merged in
``PUT /volumes/{id}/metadata``            200, the items replace all
``GET /volumes/{id}/metadata/{key}``      200 ``{"meta": {key: value}}``
``PUT /volumes/{id}/metadata/{key}``      200, one item set
``DELETE /volumes/{id}/metadata/{key}``   200, no body

and the same under ``/snapshots/{id}``. Every change happens in one write
transaction holding the volume's (or snapshot's) row.
"""

from oslo_serialization import jsonutils
from oslo_utils import timeutils

from nova_lite.web import validation
from nova_lite.block_storage import exception
from nova_lite.block_storage import models
from nova_lite.block_storage import snapshots
from nova_lite import exception as nl_exception
from nova_lite.policies import block_storage as volume_policy
from nova_lite.policies import block_storage_snapshots as snapshot_policy

_ITEMS = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. /]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}
set_metadata = {
    'type': 'object',
    'properties': {'metadata': _ITEMS},
    'required': ['metadata'],
    'additionalProperties': False,
}
set_item = {
    'type': 'object',
    'properties': {'meta': dict(_ITEMS, minProperties=1, maxProperties=1)},
    'required': ['meta'],
    'additionalProperties': False,
}


class VolumeMetadataNotFound(nl_exception.NotFound):
    msg_fmt = 'Volume %(volume_id)s has no metadata with key %(key)s.'


class SnapshotMetadataNotFound(nl_exception.NotFound):
    msg_fmt = 'Snapshot %(snapshot_id)s has no metadata with key %(key)s.'


def _store(req):
    return req.environ['nova_lite.block_storage']


def _body(req, schema):
    body = validation.request_body(req)
    if body is None:
        raise nl_exception.ValidationError(
            detail='The request body is missing or empty.')
    validation.validate(schema, body)
    return body


class _Kind:
    """What differs between volume and snapshot metadata."""

    def __init__(self, model, not_found, item_not_found, id_name, get,
                 create, update, delete):
        self.model = model
        self.not_found = not_found
        self.item_not_found = item_not_found
        self.id_name = id_name
        self.rules = {'get': get, 'create': create, 'update': update,
                      'delete': delete}

    def row(self, session, ctx, obj_id, lock=False):
        query = session.query(self.model).filter_by(id=obj_id)
        if lock:
            query = query.with_for_update()
        row = query.first()
        if row is None or not (ctx.is_admin or
                               row.project_id == ctx.project_id):
            raise self.not_found(obj_id)
        return row

    def missing(self, obj_id, key):
        return self.item_not_found(**{self.id_name: obj_id, 'key': key})


VOLUME = _Kind(models.Volume,
               lambda i: exception.VolumeNotFound(volume_id=i),
               VolumeMetadataNotFound, 'volume_id',
               volume_policy.METADATA_GET, volume_policy.METADATA_CREATE,
               volume_policy.METADATA_UPDATE, volume_policy.METADATA_DELETE)
SNAPSHOT = _Kind(models.Snapshot,
                 lambda i: snapshots.SnapshotNotFound(snapshot_id=i),
                 SnapshotMetadataNotFound, 'snapshot_id',
                 snapshot_policy.METADATA_GET,
                 snapshot_policy.METADATA_UPDATE,
                 snapshot_policy.METADATA_UPDATE,
                 snapshot_policy.METADATA_DELETE)


def _authorize(api_req, rule, project_id):
    api_req.ctx.can(rule, {'project_id': project_id,
                           'user_id': api_req.ctx.user_id})


def _read(req, api_req, kind, obj_id):
    with _store(req)._reader() as session:
        row = kind.row(session, api_req.ctx, obj_id)
        _authorize(api_req, kind.rules['get'], row.project_id)
        return jsonutils.loads(row.metadata_json or '{}')


def _write(req, api_req, kind, obj_id, change, rule='update'):
    """``change(current)`` -> the new metadata, written with the row
    locked; the new metadata."""
    with _store(req)._writer() as session:
        row = kind.row(session, api_req.ctx, obj_id, lock=True)
        _authorize(api_req, kind.rules[rule], row.project_id)
        current = jsonutils.loads(row.metadata_json or '{}')
        new = change(current)
        row.metadata_json = jsonutils.dumps(new)
        row.updated_at = timeutils.utcnow()
        return new


def index(req, api_req, kind, obj_id):
    return 200, {'metadata': _read(req, api_req, kind, obj_id)}


def create(req, api_req, kind, obj_id):
    items = _body(req, set_metadata)['metadata']
    return 200, {'metadata': _write(req, api_req, kind, obj_id,
                                    lambda current: dict(current, **items),
                                    rule='create')}


def update_all(req, api_req, kind, obj_id):
    items = _body(req, set_metadata)['metadata']
    return 200, {'metadata': _write(req, api_req, kind, obj_id,
                                    lambda current: dict(items))}


def show(req, api_req, kind, obj_id, key):
    current = _read(req, api_req, kind, obj_id)
    if key not in current:
        raise kind.missing(obj_id, key)
    return 200, {'meta': {key: current[key]}}


def update(req, api_req, kind, obj_id, key):
    item = _body(req, set_item)['meta']
    if key not in item:
        raise nl_exception.Invalid('Request body and URI mismatch')
    _write(req, api_req, kind, obj_id,
           lambda current: dict(current, **item))
    return 200, {'meta': item}


def delete(req, api_req, kind, obj_id, key):
    def change(current):
        if key not in current:
            raise kind.missing(obj_id, key)
        return {k: v for k, v in current.items() if k != key}
    _write(req, api_req, kind, obj_id, change, rule='delete')
    return 200, None


def _handlers(kind, id_name):
    def bind(func, with_key):
        if with_key:
            def handler(req, api_req, key, **ids):
                return func(req, api_req, kind, ids[id_name], key)
        else:
            def handler(req, api_req, **ids):
                return func(req, api_req, kind, ids[id_name])
        handler.__name__ = '%s_metadata_%s' % (id_name.split('_')[0],
                                               func.__name__)
        handler.__doc__ = func.__doc__
        return handler
    return {name: bind(func, with_key) for name, func, with_key in (
        ('index', index, False), ('create', create, False),
        ('update_all', update_all, False), ('show', show, True),
        ('update', update, True), ('delete', delete, True))}


volume_handlers = _handlers(VOLUME, 'volume_id')
snapshot_handlers = _handlers(SNAPSHOT, 'snapshot_id')


def _routes(base, handlers):
    one = base + '/metadata/{key}'
    return [('GET', base + '/metadata', handlers['index']),
            ('POST', base + '/metadata', handlers['create']),
            ('PUT', base + '/metadata', handlers['update_all']),
            ('GET', one, handlers['show']),
            ('PUT', one, handlers['update']),
            ('DELETE', one, handlers['delete'])]


ROUTES = _routes('/volumes/{volume_id}', volume_handlers) + \
    _routes('/snapshots/{snapshot_id}', snapshot_handlers)
