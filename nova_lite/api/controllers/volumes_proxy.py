"""/os-volumes and /os-snapshots: the block storage volumes and snapshots
of the project, passed through to the block storage service (removed at
2.36; the block storage API is to be used directly)."""

from oslo_utils import strutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers.hosts import no_empty_id
from nova_lite.api.controllers.hosts import until
from nova_lite.api.expose import expose
from nova_lite.api.expose import Result
from nova_lite.api.schemas import volumes_proxy as schemas
from nova_lite import exception

POLICY = 'os_compute_api:os-volumes:%s'
REMOVED_IN = '2.36'


def _can(action):
    ctx = common.context()
    ctx.can(POLICY % action, target={'project_id': ctx.project_id})
    return ctx


def _volume_api():
    return common.compute_api().volume_api


def _limited(items):
    """nova's offset/limit paging of the proxied lists."""
    params = pecan.request.GET
    offset = int(common.last_param(params, 'offset', 0) or 0)
    max_limit = common.conf().api.max_limit
    limit = int(common.last_param(params, 'limit', 0) or 0)
    limit = min(max_limit, limit or max_limit)
    return items[offset:offset + limit]


def volume_view(vol):
    body = {'id': vol['id'], 'status': vol['status'], 'size': vol['size'],
            'availabilityZone': vol['availability_zone'],
            'createdAt': vol['created_at']}
    if vol['attach_status'] == 'attached' and vol['attachments']:
        server_id, info = list(vol['attachments'].items())[0]
        attachment = {'id': vol['id'], 'volumeId': vol['id'],
                      'serverId': server_id}
        if info.get('mountpoint'):
            attachment['device'] = info['mountpoint']
        body['attachments'] = [attachment]
    else:
        body['attachments'] = [{}]
    body.update(displayName=vol['display_name'],
                displayDescription=vol['display_description'],
                volumeType=vol['volume_type_id'],
                snapshotId=vol['snapshot_id'],
                metadata=vol.get('volume_metadata') or {})
    return body


def snapshot_view(snap):
    return {'id': snap['id'], 'volumeId': snap['volume_id'],
            'status': snap['status'], 'size': snap['volume_size'],
            'createdAt': snap['created_at'],
            'displayName': snap['display_name'],
            'displayDescription': snap['display_description']}


class VolumesController(common.RestController):
    _custom_actions = {'detail': ['GET']}

    @expose()
    @until(REMOVED_IN)
    @no_empty_id
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = _can('list')
        return {'volumes': [volume_view(v) for v in
                            _limited(_volume_api().get_all(ctx))]}

    @expose()
    @until(REMOVED_IN)
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def detail(self, **kwargs):
        ctx = _can('detail')
        return {'volumes': [volume_view(v) for v in
                            _limited(_volume_api().get_all(ctx))]}

    @expose()
    @until(REMOVED_IN)
    def get_one(self, volume_id, **kwargs):
        ctx = _can('show')
        try:
            return {'volume': volume_view(_volume_api().get(ctx, volume_id))}
        except exception.VolumeNotFound as error:
            raise common.not_found(error)

    @expose(status=202)
    @until(REMOVED_IN)
    def delete(self, volume_id, **kwargs):
        ctx = _can('delete')
        try:
            _volume_api().delete(ctx, volume_id)
        except exception.VolumeNotFound as error:
            raise common.not_found(error)
        except exception.Invalid as error:
            raise common.bad_request(error)

    @expose()
    @until(REMOVED_IN)
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, **kwargs):
        ctx = _can('create')
        vol = kwargs['body']['volume']
        api = _volume_api()
        snapshot_id = vol.get('snapshot_id')
        size = vol.get('size')
        if snapshot_id is not None:
            try:
                snapshot = api.get_snapshot(ctx, snapshot_id)
            except exception.SnapshotNotFound as error:
                raise common.not_found(error)
            if size is None:
                size = snapshot['volume_size']
        try:
            created = api.create(
                ctx, int(size), vol.get('display_name'),
                vol.get('display_description'),
                volume_type=vol.get('volume_type'),
                availability_zone=vol.get('availability_zone'),
                metadata=vol.get('metadata'), snapshot_id=snapshot_id)
        except exception.OverQuota as error:
            raise webob.exc.HTTPForbidden(explanation=error.format_message())
        except exception.Invalid as error:
            raise common.bad_request(error)
        location = '%s/%s' % (pecan.request.path_url.rstrip('/'),
                              created['id'])
        return Result({'volume': volume_view(created)},
                      headers={'Location': location})


class SnapshotsController(common.RestController):
    _custom_actions = {'detail': ['GET']}

    @expose()
    @until(REMOVED_IN)
    @no_empty_id
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = _can('snapshots:list')
        return {'snapshots': [snapshot_view(s) for s in _limited(
            _volume_api().get_all_snapshots(ctx))]}

    @expose()
    @until(REMOVED_IN)
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def detail(self, **kwargs):
        ctx = _can('snapshots:detail')
        return {'snapshots': [snapshot_view(s) for s in _limited(
            _volume_api().get_all_snapshots(ctx))]}

    @expose()
    @until(REMOVED_IN)
    def get_one(self, snapshot_id, **kwargs):
        ctx = _can('snapshots:show')
        try:
            return {'snapshot': snapshot_view(
                _volume_api().get_snapshot(ctx, snapshot_id))}
        except exception.SnapshotNotFound as error:
            raise common.not_found(error)

    @expose(status=202)
    @until(REMOVED_IN)
    def delete(self, snapshot_id, **kwargs):
        ctx = _can('snapshots:delete')
        try:
            _volume_api().delete_snapshot(ctx, snapshot_id)
        except exception.SnapshotNotFound as error:
            raise common.not_found(error)

    @expose()
    @until(REMOVED_IN)
    @common.with_schemas(schemas.SNAPSHOT_CREATE_SCHEMAS)
    def post(self, **kwargs):
        ctx = _can('snapshots:create')
        snap = kwargs['body']['snapshot']
        force = strutils.bool_from_string(snap.get('force', False),
                                          strict=True)
        try:
            created = _volume_api().create_snapshot(
                ctx, snap['volume_id'], snap.get('display_name'),
                snap.get('display_description'), force=force)
        except exception.VolumeNotFound as error:
            raise common.not_found(error)
        except exception.OverQuota as error:
            raise webob.exc.HTTPForbidden(explanation=error.format_message())
        except exception.Invalid as error:
            raise common.bad_request(error)
        return {'snapshot': snapshot_view(created)}
