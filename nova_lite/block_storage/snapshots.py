"""Volume snapshots of the built-in block storage (Cinder v3): create (of
an in-use volume with ``force``, or from 3.66 without it), list, detail,
show, update and delete, and their metadata (``metadata.py``).

A snapshot keeps a copy of its volume's bytes: it is ``creating`` while
the volume's file is copied (sparsely) beside it by the store's fill
threads, then ``available`` (``error`` when the copy failed). A volume
made from it starts with those bytes.
"""

import ast
import logging

from oslo_serialization import jsonutils
from oslo_utils import strutils
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite.web import validation
from nova_lite.block_storage import exception
from nova_lite.block_storage import models
from nova_lite import exception as nl_exception
from nova_lite.policies import block_storage_snapshots as policy

LOG = logging.getLogger(__name__)

_BOOLEAN = {'type': ['boolean', 'string'],
            'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
                     'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE',
                     'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no',
                     'n', 'f']}
_NAME = {'type': ['string', 'null'], 'maxLength': 255}
_METADATA = {'type': ['object', 'null'],
             'patternProperties': {
                 '^[a-zA-Z0-9-_:. /]{1,255}$': {
                     'type': 'string', 'maxLength': 255}},
             'additionalProperties': False}

create_snapshot = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'name': _NAME, 'display_name': _NAME,
                'description': _NAME, 'display_description': _NAME,
                'volume_id': {'type': ['string', 'null'], 'format': 'uuid'},
                'force': _BOOLEAN,
                'metadata': _METADATA,
            },
            'required': ['volume_id'],
            'additionalProperties': False,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': False,
}

update_snapshot = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'name': _NAME, 'display_name': _NAME,
                'description': _NAME, 'display_description': _NAME,
            },
            'additionalProperties': False,
            'anyOf': [{'required': ['name']}, {'required': ['description']},
                      {'required': ['display_name']},
                      {'required': ['display_description']}],
        },
    },
    'required': ['snapshot'],
    'additionalProperties': False,
}

STATUSES = ('error', 'available', 'creating', 'deleting', 'deleted',
            'updating', 'error_deleting', 'unmanaging', 'backing-up',
            'restoring')
# os-update_snapshot_status: the statuses each current one may move to.
STATUS_MAP = {'creating': ('creating', 'available', 'error'),
              'deleting': ('deleting', 'error_deleting')}
_ACTION_BODY = {'type': 'object', 'minProperties': 1, 'maxProperties': 1}
reset_status = {
    'type': 'object',
    'properties': {'os-reset_status': {
        'type': 'object',
        'properties': {'status': {'type': 'string',
                                  'enum': list(STATUSES) + [
                                      s.upper() for s in STATUSES]}},
        'required': ['status'], 'additionalProperties': False}},
    'required': ['os-reset_status'], 'additionalProperties': False}
update_status = {
    'type': 'object',
    'properties': {'os-update_snapshot_status': {
        'type': 'object',
        'properties': {'status': {'type': 'string'},
                       'progress': {'type': ['string', 'null'],
                                    'pattern': '^[0-9]{1,3}%$'}},
        'required': ['status'], 'additionalProperties': False}},
    'required': ['os-update_snapshot_status'], 'additionalProperties': False}
force_delete = {
    'type': 'object',
    'properties': {'os-force_delete': {}},
    'required': ['os-force_delete'], 'additionalProperties': False}
SNAPSHOT_ACTIONS = ('os-reset_status', 'os-update_snapshot_status',
                    'os-force_delete')

# Cinder's text for a false ``force`` from 3.66 on.
IN_USE_FORCE_MSG = (
    "Since microversion 3.66 the 'force' flag is invalid for this request.  "
    "For backward compatability, however, when the 'force' flag is passed "
    "with a value evaluating to True, it is silently ignored.")
FILTERS = ('status', 'volume_id', 'name', 'metadata')
LIST_PARAMS = ('limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir',
               'with_count', 'all_tenants')
SORT_KEYS = ('created_at', 'updated_at', 'id', 'name', 'display_name',
             'status', 'size', 'volume_size', 'volume_id')


SnapshotNotFound = exception.SnapshotNotFound
InvalidSnapshot = exception.InvalidSnapshot


def _isotime(value):
    return value.isoformat(timespec='microseconds') if value else None


def metadata_of(snapshot):
    return jsonutils.loads(snapshot.metadata_json) \
        if snapshot.metadata_json else {}


def view(snapshot, api_req=None, detail=False):
    """Cinder's snapshot body: the summary (listings), or with ``detail``
    (show, detail, create, update) the microversion fields, and for show
    and detail listings the extended attributes when policy allows."""
    body = {'id': snapshot.id,
            'created_at': _isotime(snapshot.created_at),
            'updated_at': _isotime(snapshot.updated_at),
            'name': snapshot.display_name,
            'description': snapshot.display_description,
            'volume_id': snapshot.volume_id,
            'status': snapshot.status,
            'size': snapshot.volume_size,
            'metadata': metadata_of(snapshot)}
    if api_req is None or not detail:
        return body
    if api_req.at_least('3.14'):
        body['group_snapshot_id'] = None
    if api_req.at_least('3.41'):
        body['user_id'] = snapshot.user_id
    if api_req.at_least('3.65'):
        body['consumes_quota'] = True
    return body


def extended(api_req, body, snapshot):
    """The os-extended-snapshot-attributes fields, for whoever
    ``volume_extension:extended_snapshot_attributes`` allows."""
    if api_req.ctx.can(policy.EXTEND_ATTRIBUTE,
                       {'project_id': snapshot.project_id}, fatal=False):
        body['os-extended-snapshot-attributes:project_id'] = \
            snapshot.project_id
        body['os-extended-snapshot-attributes:progress'] = \
            snapshot.progress or (
                '100%' if snapshot.status == 'available' else '0%')
    return body


def _visible(ctx, query):
    if ctx.is_admin:
        return query
    return query.filter(models.Snapshot.project_id == ctx.project_id)


def _get(session, ctx, snapshot_id, lock=False):
    query = _visible(ctx, session.query(models.Snapshot).filter_by(
        id=snapshot_id))
    if lock:
        query = query.with_for_update()
    snapshot = query.first()
    if snapshot is None:
        raise SnapshotNotFound(snapshot_id=snapshot_id)
    return snapshot


def _authorize(api_req, rule, project_id=None):
    api_req.ctx.can(rule, {'project_id': project_id or
                           api_req.ctx.project_id,
                           'user_id': api_req.ctx.user_id})


def _store(req):
    return req.environ['nova_lite.block_storage']


def _body(req, schema):
    body = validation.request_body(req)
    if body is None:
        raise nl_exception.ValidationError(
            detail='The request body is missing or empty.')
    validation.validate(schema, body)
    return body


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def create(req, api_req):
    _authorize(api_req, policy.CREATE)
    snap = _body(req, create_snapshot)['snapshot']
    force = False
    if snap.get('force') is not None:
        force = strutils.bool_from_string(snap['force'], strict=True)
        if api_req.at_least('3.66') and not force:
            raise nl_exception.Invalid(IN_USE_FORCE_MSG)
    allow_in_use = force or api_req.at_least('3.66')
    store = _store(req)
    ctx = api_req.ctx
    with store._writer() as session:
        volume = session.query(models.Volume).filter_by(
            id=snap['volume_id']).with_for_update().first() \
            if snap['volume_id'] else None
        if volume is None or not (ctx.is_admin or
                                  volume.project_id == ctx.project_id):
            raise exception.VolumeNotFound(volume_id=snap['volume_id'])
        _authorize(api_req, policy.CREATE, volume.project_id)
        if volume.status == 'error':
            raise exception.InvalidVolume(
                reason='The snapshot cannot be created when the volume is '
                       'in error status.')
        allowed = ('available', 'in-use') if allow_in_use else \
            ('available',)
        if volume.status not in allowed:
            raise exception.InvalidVolume(
                reason='Volume %s status must be %s, but current status '
                       'is: %s.' % (volume.id, ', '.join(allowed),
                                    volume.status))
        now = timeutils.utcnow()
        snapshot = models.Snapshot(
            id=uuidutils.generate_uuid(), volume_id=volume.id,
            project_id=ctx.project_id, user_id=ctx.user_id,
            status='creating', progress='0%', volume_size=volume.size,
            display_name=_strip(snap.get('name', snap.get('display_name'))),
            display_description=_strip(snap.get(
                'description', snap.get('display_description'))),
            metadata_json=jsonutils.dumps(snap.get('metadata') or {}),
            created_at=now, updated_at=now)
        session.add(snapshot)
        session.flush()
        body = view(snapshot, api_req, detail=True)
        volume_path, size = volume.path, volume.size
    store._executor.submit(_copy, store, snapshot.id, volume_path, size)
    return 202, {'snapshot': body}


def _copy(store, snapshot_id, volume_path, size):
    """Copy the volume's bytes into the snapshot's file; the snapshot
    becomes ``available`` (``error`` when the copy failed)."""
    try:
        store.backend.snapshot(volume_path, snapshot_id, size)
        values = {'status': 'available', 'progress': '100%'}
    except Exception:
        LOG.exception('Copying the data of snapshot %s failed', snapshot_id)
        values = {'status': 'error'}
    values['updated_at'] = timeutils.utcnow()
    with store._writer() as session:
        updated = session.query(models.Snapshot).filter_by(
            id=snapshot_id, status='creating').update(
                values, synchronize_session=False)
    if not updated:
        # Deleted (by force) while it was being copied.
        store.backend.delete_snapshot(snapshot_id)


def _parse_sort(params):
    sort = []
    if 'sort' in params:
        for item in params['sort'].split(','):
            key, _sep, direction = item.strip().partition(':')
            sort.append((key, direction or 'desc'))
    elif 'sort_key' in params or 'sort_dir' in params:
        sort.append((params.get('sort_key', 'created_at'),
                     params.get('sort_dir', 'desc')))
    for key, direction in sort:
        if key not in SORT_KEYS:
            raise exception.InvalidInput(reason='Invalid sort key')
        if direction not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason="Unknown sort direction, must be 'desc' or 'asc'")
    return sort or [('created_at', 'desc'), ('id', 'desc')]


def _int_param(params, name):
    if name not in params:
        return None
    try:
        value = int(params[name])
    except ValueError:
        raise exception.InvalidInput(
            reason='%s param must be an integer' % name)
    if value < 0:
        raise exception.InvalidInput(
            reason='%s param must be positive' % name)
    return value


def _matches(snapshot, filters):
    for key, wanted in filters.items():
        if key == 'metadata':
            if not isinstance(wanted, dict):
                return False
            have = metadata_of(snapshot)
            if any(have.get(k) != v for k, v in wanted.items()):
                return False
        elif key == 'name':
            if snapshot.display_name != wanted:
                return False
        elif getattr(snapshot, key) != wanted:
            return False
    return True


def _sorted(rows, sort):
    columns = {'name': 'display_name', 'size': 'volume_size'}
    for key, direction in reversed(sort):
        attr = columns.get(key, key)

        def sort_key(row, attr=attr):
            value = getattr(row, attr)
            return (value is not None, value if value is not None else '')
        rows = sorted(rows, key=sort_key, reverse=(direction == 'desc'))
    return rows


def _listing(req, api_req, detail):
    _authorize(api_req, policy.GET_ALL)
    ctx = api_req.ctx
    params = dict(req.GET.items())
    all_projects = ctx.is_admin and strutils.bool_from_string(
        params.get('all_tenants', 'false'))
    filters = {}
    for key in FILTERS:
        if key not in params:
            continue
        value = params[key]
        if key == 'metadata':
            if not api_req.at_least('3.22'):
                continue
            try:
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                pass
        filters[key] = value
    limit = _int_param(params, 'limit')
    offset = _int_param(params, 'offset')
    sort = _parse_sort(params)
    with _store(req)._reader() as session:
        query = session.query(models.Snapshot)
        if not all_projects:
            query = query.filter(models.Snapshot.project_id == ctx.project_id)
        rows = [s for s in query.all() if _matches(s, filters)]
        for row in rows:
            session.expunge(row)
    rows = _sorted(rows, sort)
    count = len(rows)
    marker = params.get('marker')
    if marker is not None:
        ids = [s.id for s in rows]
        if marker not in ids:
            raise SnapshotNotFound(snapshot_id=marker)
        rows = rows[ids.index(marker) + 1:]
    if offset:
        rows = rows[offset:]
    more = limit is not None and len(rows) > limit
    if limit is not None:
        rows = rows[:limit]
    items = []
    for row in rows:
        body = view(row, api_req, detail=detail)
        items.append(extended(api_req, body, row) if detail else body)
    out = {'snapshots': items}
    if more and rows:
        keep = {k: v for k, v in params.items() if k != 'marker'}
        out['snapshots_links'] = api_req.next_link(
            'snapshots/detail' if detail else 'snapshots', rows[-1].id,
            keep)
    if api_req.at_least('3.45') and strutils.bool_from_string(
            params.get('with_count', 'false')):
        out['count'] = count
    return 200, out


def list_snapshots(req, api_req):
    return _listing(req, api_req, detail=False)


def list_snapshots_detail(req, api_req):
    return _listing(req, api_req, detail=True)


def show(req, api_req, snapshot_id):
    with _store(req)._reader() as session:
        snapshot = _get(session, api_req.ctx, snapshot_id)
        _authorize(api_req, policy.GET, snapshot.project_id)
        body = extended(api_req, view(snapshot, api_req, detail=True),
                        snapshot)
        return 200, {'snapshot': body}


def update(req, api_req, snapshot_id):
    values = _body(req, update_snapshot)['snapshot']
    with _store(req)._writer() as session:
        snapshot = _get(session, api_req.ctx, snapshot_id, lock=True)
        _authorize(api_req, policy.UPDATE, snapshot.project_id)
        for key, column in (('display_name', 'display_name'),
                            ('name', 'display_name'),
                            ('display_description', 'display_description'),
                            ('description', 'display_description')):
            if key in values:
                setattr(snapshot, column, _strip(values[key]))
        snapshot.updated_at = timeutils.utcnow()
        session.flush()
        return 200, {'snapshot': view(snapshot, api_req, detail=True)}


def delete(req, api_req, snapshot_id, force=False):
    store = _store(req)
    with store._writer() as session:
        snapshot = _get(session, api_req.ctx, snapshot_id, lock=True)
        _authorize(api_req, policy.FORCE_DELETE if force else policy.DELETE,
                   snapshot.project_id)
        if not force and snapshot.status not in ('available', 'error'):
            raise InvalidSnapshot(
                reason='Snapshot status must be available or error and '
                       'must not be part of a group.')
        session.delete(snapshot)
    # A copy still running finds the row gone and removes its file.
    store.backend.delete_snapshot(snapshot_id)
    return 202, None


def delete_all_of_volume(store, session, volume_id):
    """Delete a volume's snapshots (Cinder's cascade): they must all be
    available or error; their files are removed once committed (the
    returned ids)."""
    rows = session.query(models.Snapshot).filter_by(
        volume_id=volume_id).with_for_update().all()
    for snapshot in rows:
        if snapshot.status not in ('available', 'error'):
            raise exception.InvalidVolume(
                reason='Snapshot %s must be available or error to be '
                       'deleted with its volume, but its status is: %s.'
                % (snapshot.id, snapshot.status))
    ids = [snapshot.id for snapshot in rows]
    for snapshot in rows:
        session.delete(snapshot)
    return ids


def action(req, api_req, snapshot_id):
    """os-reset_status and os-force_delete (administrators), and
    os-update_snapshot_status (what a volume driver reports)."""
    body = validation.request_body(req)
    if not isinstance(body, dict) or len(body) != 1:
        raise nl_exception.ValidationError(detail='Malformed request body')
    name = next(iter(body))
    if name == 'os-force_delete':
        validation.validate(force_delete, body)
        return delete(req, api_req, snapshot_id, force=True)
    if name == 'os-reset_status':
        validation.validate(reset_status, body)
        rule = policy.RESET_STATUS
    elif name == 'os-update_snapshot_status':
        validation.validate(update_status, body)
        rule = policy.UPDATE_STATUS
    else:
        raise nl_exception.ValidationError(
            detail='There is no such action: %s' % name)
    status = body[name]['status'].lower() if name == 'os-reset_status' \
        else body[name]['status']
    with _store(req)._writer() as session:
        snapshot = _get(session, api_req.ctx, snapshot_id, lock=True)
        _authorize(api_req, rule, snapshot.project_id)
        if name == 'os-update_snapshot_status':
            if snapshot.status not in STATUS_MAP:
                raise nl_exception.Invalid(
                    'Snapshot status %s not allowed for '
                    'update_snapshot_status' % snapshot.status)
            if status not in STATUS_MAP[snapshot.status]:
                raise nl_exception.Invalid(
                    'Provided snapshot status %s not allowed for snapshot '
                    'with status %s.' % (status, snapshot.status))
        snapshot.status = status
        if name == 'os-update_snapshot_status' and \
                body[name].get('progress'):
            snapshot.progress = body[name]['progress']
        snapshot.updated_at = timeutils.utcnow()
    return 202, None


def get(store, ctx, snapshot_id):
    """A snapshot of the project (any for an administrator)."""
    with store._reader() as session:
        snapshot = _get(session, ctx, snapshot_id)
        session.expunge(snapshot)
        return snapshot


def check_size(snapshot, size):
    if size < snapshot.volume_size:
        raise exception.InvalidInput(
            reason="Volume size '%(size)s'GB cannot be smaller than the "
                   "snapshot size %(snap)sGB. They must be >= original "
                   "snapshot size." % {'size': size,
                                       'snap': snapshot.volume_size})


def project_usage(store, ctx):
    """``(count, gigabytes)`` of the project's snapshots."""
    with store._reader() as session:
        sizes = [row[0] for row in session.query(
            models.Snapshot.volume_size).filter_by(
                project_id=ctx.project_id)]
    return len(sizes), sum(sizes)


def has_snapshots(session, volume_id):
    return session.query(models.Snapshot.id).filter_by(
        volume_id=volume_id).first() is not None


ROUTES = [
    ('GET', '/snapshots', list_snapshots),
    ('GET', '/snapshots/detail', list_snapshots_detail),
    ('POST', '/snapshots', create),
    ('GET', '/snapshots/{snapshot_id}', show),
    ('PUT', '/snapshots/{snapshot_id}', update),
    ('DELETE', '/snapshots/{snapshot_id}', delete),
    ('POST', '/snapshots/{snapshot_id}/action', action),
]
