"""Volume snapshots of the built-in block storage (a Cinder v3 subset):
create (of an in-use volume only with ``force``), list, detail, show and
delete. A snapshot is a record: it is ``available`` as soon as it is
made and holds no copy of the volume's data (a volume made from it
starts empty)."""

from oslo_serialization import jsonutils
from oslo_utils import strutils
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite.web import validation
from nova_lite.block_storage import exception
from nova_lite.block_storage import models
from nova_lite import exception as nl_exception
from nova_lite.policies import block_storage_snapshots as policy

_BOOLEAN = {'type': ['boolean', 'string'],
            'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
                     'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE',
                     'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no',
                     'n', 'f']}
_NAME = {'type': ['string', 'null'], 'maxLength': 255}

create_snapshot = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'name': _NAME, 'display_name': _NAME,
                'description': _NAME, 'display_description': _NAME,
                'volume_id': {'type': 'string', 'format': 'uuid'},
                'force': _BOOLEAN,
                'metadata': {'type': ['object', 'null'],
                             'additionalProperties': {
                                 'type': 'string', 'maxLength': 255}},
            },
            'required': ['volume_id'],
            'additionalProperties': False,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': False,
}


class SnapshotNotFound(nl_exception.NotFound):
    msg_fmt = 'Snapshot %(snapshot_id)s could not be found.'


def _isotime(value):
    return value.isoformat(timespec='microseconds') if value else None


def view(snapshot):
    return {'id': snapshot.id,
            'created_at': _isotime(snapshot.created_at),
            'updated_at': _isotime(snapshot.updated_at),
            'name': snapshot.display_name,
            'description': snapshot.display_description,
            'volume_id': snapshot.volume_id,
            'status': snapshot.status,
            'size': snapshot.volume_size,
            'metadata': jsonutils.loads(snapshot.metadata_json)
            if snapshot.metadata_json else {}}


def _visible(ctx, query):
    if ctx.is_admin:
        return query
    return query.filter(models.Snapshot.project_id == ctx.project_id)


def _get(session, ctx, snapshot_id):
    snapshot = _visible(ctx, session.query(models.Snapshot).filter_by(
        id=snapshot_id)).first()
    if snapshot is None:
        raise SnapshotNotFound(snapshot_id=snapshot_id)
    return snapshot


def _authorize(api_req, rule, project_id=None):
    api_req.ctx.can(rule, {'project_id': project_id or
                           api_req.ctx.project_id,
                           'user_id': api_req.ctx.user_id})


def _store(req):
    return req.environ['nova_lite.block_storage']


def create(req, api_req):
    _authorize(api_req, policy.CREATE)
    body = validation.request_body(req)
    if body is None:
        raise nl_exception.ValidationError(
            detail='The request body is missing or empty.')
    validation.validate(create_snapshot, body)
    snap = body['snapshot']
    force = strutils.bool_from_string(snap.get('force', False))
    ctx = api_req.ctx
    with _store(req)._writer() as session:
        volume = session.query(models.Volume).filter_by(
            id=snap['volume_id']).with_for_update().first()
        if volume is None or not (ctx.is_admin or
                                  volume.project_id == ctx.project_id):
            raise exception.VolumeNotFound(volume_id=snap['volume_id'])
        allowed = ('available', 'in-use') if force else ('available',)
        if volume.status not in allowed:
            wanted = 'available or in-use' if force else 'available'
            raise exception.InvalidVolume(
                reason='Volume %s status must be %s, but current status '
                       'is: %s.' % (volume.id, wanted, volume.status))
        now = timeutils.utcnow()
        snapshot = models.Snapshot(
            id=uuidutils.generate_uuid(), volume_id=volume.id,
            project_id=ctx.project_id, user_id=ctx.user_id,
            status='available', volume_size=volume.size,
            display_name=snap.get('name', snap.get('display_name')),
            display_description=snap.get(
                'description', snap.get('display_description')),
            metadata_json=jsonutils.dumps(snap.get('metadata') or {}),
            created_at=now, updated_at=now)
        session.add(snapshot)
        session.flush()
        return 202, {'snapshot': view(snapshot)}


def list_snapshots(req, api_req):
    _authorize(api_req, policy.GET_ALL)
    ctx = api_req.ctx
    all_projects = ctx.is_admin and strutils.bool_from_string(
        req.GET.get('all_tenants', 'false'))
    with _store(req)._reader() as session:
        query = session.query(models.Snapshot)
        if not all_projects:
            query = query.filter(models.Snapshot.project_id == ctx.project_id)
        rows = query.order_by(
            models.Snapshot.created_at.desc(), models.Snapshot.id).all()
        return 200, {'snapshots': [view(s) for s in rows]}


def show(req, api_req, snapshot_id):
    with _store(req)._reader() as session:
        snapshot = _get(session, api_req.ctx, snapshot_id)
        _authorize(api_req, policy.GET, snapshot.project_id)
        return 200, {'snapshot': view(snapshot)}


def delete(req, api_req, snapshot_id):
    with _store(req)._writer() as session:
        snapshot = _get(session, api_req.ctx, snapshot_id)
        _authorize(api_req, policy.DELETE, snapshot.project_id)
        session.delete(snapshot)
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
    ('GET', '/snapshots/detail', list_snapshots),
    ('POST', '/snapshots', create),
    ('GET', '/snapshots/{snapshot_id}', show),
    ('DELETE', '/snapshots/{snapshot_id}', delete),
]
