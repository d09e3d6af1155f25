"""/os-migrations (every cell's migrations, nova's filters per
microversion) and /servers/{server_id}/migrations (2.23: in-progress live
migrations of one server)."""

from oslo_utils import timeutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import admin_views as schemas
from nova_lite.api import validation
from nova_lite.api.views import links
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import migration as migration_obj

POLICY = 'os_compute_api:os-migrations:%s'
SERVER_POLICY = 'os_compute_api:servers:migrations:%s'
_HOST_FIELDS = ('dest_compute', 'dest_host', 'dest_node', 'source_compute',
                'source_node')


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def _all_cells(ctx, filters, limit=None, marker=None):
    found = []
    marker_seen = marker is None
    for cell in cell_mapping.get_all_cells(ctx):
        cctxt = nl_context.target_cell(ctx, cell)
        try:
            rows = migration_obj.get_all(cctxt, filters, limit=limit,
                                         marker=marker)
            marker_seen = True
        except exception.MarkerNotFound:
            continue
        found.extend(rows)
    if not marker_seen:
        raise exception.MarkerNotFound(marker=marker)
    found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
    return found[:limit] if limit is not None else found


def _view(req, mig, add_link, add_uuid, add_user_project, add_host):
    body = {'created_at': _time(mig.created_at),
            'updated_at': _time(mig.updated_at), 'id': mig.id,
            'instance_uuid': mig.instance_uuid, 'status': mig.status,
            'old_instance_type_id': mig.old_instance_type_id,
            'new_instance_type_id': mig.new_instance_type_id,
            'migration_type': mig.migration_type}
    for field in _HOST_FIELDS:
        body[field] = getattr(mig, field) if add_host else None
    if add_uuid:
        body['uuid'] = mig.uuid
    if add_user_project:
        body['user_id'] = mig.user_id
        body['project_id'] = mig.project_id
    if add_link:
        if mig.migration_type == 'live-migration' and \
                mig.status in migration_obj.IN_PROGRESS_LIVE:
            body['links'] = links.links(
                req, 'servers/%s/migrations' % mig.instance_uuid, mig.id)
    else:
        del body['migration_type']
    return body


def _changes(filters, name, allowed):
    if name not in filters:
        return
    if not allowed:
        del filters[name]
        return
    filters[name] = timeutils.normalize_time(
        timeutils.parse_isotime(filters[name]))


class MigrationsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.MIGRATIONS_INDEX, query=True)
    def get_all(self, **kwargs):
        req = pecan.request
        ctx = common.context()
        ctx.can(POLICY % 'index')
        filters = {k: req.GET.getall(k)[-1] for k in req.GET.keys()}
        project_id = filters.get('project_id')
        if not project_id or project_id != ctx.project_id:
            ctx.can(POLICY % 'index:all_projects')
        add_host = bool(ctx.can(POLICY % 'index:host', fatal=False))
        paged = microversion.is_supported(req, '2.59')
        _changes(filters, 'changes-since', paged)
        _changes(filters, 'changes-before',
                 microversion.is_supported(req, '2.66'))
        if filters.get('changes-since') and filters.get('changes-before') \
                and filters['changes-before'] < filters['changes-since']:
            raise webob.exc.HTTPBadRequest(
                explanation='The value of changes-since must be less than '
                            'or equal to changes-before.')
        limit = marker = None
        if paged:
            limit, marker = common.get_limit_and_marker(
                filters, common.conf().api.max_limit)
        for key in ('limit', 'marker'):
            filters.pop(key, None)
        if not microversion.is_supported(req, '2.80'):
            filters.pop('user_id', None)
            filters.pop('project_id', None)
        try:
            found = _all_cells(ctx, filters, limit=limit, marker=marker)
        except exception.MarkerNotFound as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())
        body = [_view(req, m, microversion.is_supported(req, '2.23'), paged,
                      microversion.is_supported(req, '2.80'), add_host)
                for m in found if not m.hidden]
        result = {'migrations': body}
        if paged and body and limit and len(body) == limit:
            result['migrations_links'] = links.collection_next_link(
                req, 'os-migrations', body[-1]['uuid'])
        return result


def _server_view(mig, include_uuid, include_user_project, include_host):
    body = {'created_at': _time(mig.created_at),
            'dest_compute': None, 'dest_host': None, 'dest_node': None,
            'disk_processed_bytes': mig.disk_processed,
            'disk_remaining_bytes': mig.disk_remaining,
            'disk_total_bytes': mig.disk_total, 'id': mig.id,
            'memory_processed_bytes': mig.memory_processed,
            'memory_remaining_bytes': mig.memory_remaining,
            'memory_total_bytes': mig.memory_total,
            'server_uuid': mig.instance_uuid, 'source_compute': None,
            'source_node': None, 'status': mig.status,
            'updated_at': _time(mig.updated_at)}
    if include_uuid:
        body['uuid'] = mig.uuid
    if include_user_project:
        body['user_id'] = mig.user_id
        body['project_id'] = mig.project_id
    if include_host:
        for field in _HOST_FIELDS:
            body[field] = getattr(mig, field)
    return body


def _server(req, server_id):
    if not microversion.is_supported(req, '2.23'):
        raise webob.exc.HTTPNotFound(
            explanation='The resource could not be found.')
    ctx = common.context()
    instance, cell = server_common.get_server(ctx, server_id)
    return ctx, instance, cell


class ServerMigrationsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.NO_QUERY, query=True)
    def get_all(self, server_id, **kwargs):
        req = pecan.request
        ctx, instance, cell = _server(req, server_id)
        target = {'project_id': instance.project_id}
        ctx.can(SERVER_POLICY % 'index', target=target)
        include_host = bool(ctx.can(SERVER_POLICY % 'index:host',
                                    fatal=False, target=target))
        found = migration_obj.get_in_progress_by_instance(
            nl_context.target_cell(ctx, cell), instance.uuid) \
            if cell is not None else []
        return {'migrations': [
            _server_view(m, microversion.is_supported(req, '2.59'),
                         microversion.is_supported(req, '2.80'),
                         include_host) for m in found]}

    @expose()
    @common.with_schemas(schemas.NO_QUERY, query=True)
    def get_one(self, server_id, migration_id, **kwargs):
        req = pecan.request
        ctx, instance, cell = _server(req, server_id)
        ctx.can(SERVER_POLICY % 'show',
                target={'project_id': instance.project_id})
        try:
            if cell is None:
                raise exception.MigrationNotFoundForInstance(
                    migration_id=migration_id, instance_id=server_id)
            mig = migration_obj.get_by_id_and_instance(
                nl_context.target_cell(ctx, cell), migration_id,
                instance.uuid)
        except exception.MigrationNotFoundForInstance:
            raise webob.exc.HTTPNotFound(
                explanation='In-progress live migration %s is not found for '
                            'server %s.' % (migration_id, server_id))
        if mig.migration_type != 'live-migration':
            raise webob.exc.HTTPNotFound(
                explanation='Migration %s for server %s is not '
                            'live-migration.' % (migration_id, server_id))
        if mig.status not in migration_obj.IN_PROGRESS_LIVE:
            raise webob.exc.HTTPNotFound(
                explanation='Live migration %s for server %s is not in '
                            'progress.' % (migration_id, server_id))
        return {'migration': _server_view(
            mig, microversion.is_supported(req, '2.59'),
            microversion.is_supported(req, '2.80'), True)}

    # -- force complete (2.22) and abort (2.24) of a live migration -----------

    _custom_actions = {'action': ['POST']}
    _member_actions = frozenset(_custom_actions)

    @expose(status=202)
    @validation.schema(schemas.FORCE_COMPLETE, '2.22')
    def action(self, server_id, *args, **kwargs):
        """POST /servers/{server_id}/migrations/{migration_id}/action."""
        req = pecan.request
        if len(args) != 1 or not microversion.is_supported(req, '2.22'):
            raise webob.exc.HTTPNotFound(
                explanation='The resource could not be found.')
        migration_id = args[0]
        ctx = common.context()
        instance, cell = server_common.get_server(ctx, server_id)
        ctx.can(SERVER_POLICY % 'force_complete',
                target={'project_id': instance.project_id})
        try:
            common.compute_api().live_migrate_force_complete(
                ctx, instance, cell, migration_id)
        except exception.InstanceInvalidState as error:
            raise common.conflict_for_invalid_state(
                error, 'force_complete', server_id)
        except exception.MigrationNotFound as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())

    @expose(status=202)
    def delete(self, server_id, migration_id, **kwargs):
        req = pecan.request
        if not microversion.is_supported(req, '2.24'):
            raise webob.exc.HTTPNotFound(
                explanation='The resource could not be found.')
        ctx = common.context()
        instance, cell = server_common.get_server(ctx, server_id)
        ctx.can(SERVER_POLICY % 'delete',
                target={'project_id': instance.project_id})
        try:
            common.compute_api().live_migrate_abort(
                ctx, instance, cell, migration_id,
                queued_ok=microversion.is_supported(req, '2.65'))
        except exception.InstanceInvalidState as error:
            raise common.conflict_for_invalid_state(
                error, 'abort live migration', server_id)
        except exception.MigrationNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message())
