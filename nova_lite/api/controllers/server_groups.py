"""/os-server-groups: list, show, create, delete."""

import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import server_groups as schemas
from nova_lite.compute import server_groups as group_api
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance_group as group_obj

POLICY = 'os_compute_api:os-server-groups:%s'


def _live_members(ctx, uuids):
    """The servers of ``uuids`` not deleted (mapped, not queued for
    deletion)."""
    live = set()
    for uuid in uuids:
        try:
            mapping = cell_mapping.get_instance_mapping(ctx, uuid)
        except exception.InstanceMappingNotFound:
            continue
        if not mapping.queued_for_delete:
            live.add(uuid)
    return live


def _view(req, group, live):
    body = {'id': group.uuid, 'name': group.name}
    if microversion.is_supported(req, '2.64'):
        body['policy'] = group.policy
        body['rules'] = dict(group.rules)
    else:
        body['policies'] = group.policies
        body['metadata'] = {}
    body['members'] = [m for m in group.members if m in live]
    if microversion.is_supported(req, '2.13'):
        body['project_id'] = group.project_id
        body['user_id'] = group.user_id
    return body


def _int_param(req, name, default):
    value = common.last_param(req.GET, name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='%s param must be an integer' % name)


class ServerGroupsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(POLICY % 'index', target={'project_id': ctx.project_id})
        if 'all_projects' in req.GET and ctx.is_admin:
            ctx.can(POLICY % 'index:all_projects',
                    target={'project_id': ctx.project_id})
            groups = group_obj.get_all(ctx)
        else:
            groups = group_obj.get_all(ctx, project_id=ctx.project_id)
        max_limit = common.conf().api.max_limit
        offset = _int_param(req, 'offset', 0)
        limit = min(max_limit, _int_param(req, 'limit', 0) or max_limit)
        groups = groups[offset:offset + limit]
        live = _live_members(ctx, [m for g in groups for m in g.members])
        return {'server_groups': [_view(req, g, live) for g in groups]}

    @expose()
    @common.with_schemas(schemas.SHOW_QUERY_SCHEMAS, query=True)
    def get_one(self, group_id, **kwargs):
        ctx = common.context()
        req = pecan.request
        try:
            group = group_obj.get_by_uuid(ctx, group_id)
        except exception.InstanceGroupNotFound as error:
            raise common.not_found(error)
        ctx.can(POLICY % 'show', target={'project_id': group.project_id})
        live = _live_members(ctx, group.members)
        return {'server_group': _view(req, group, live)}

    @expose()
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, **kwargs):
        ctx = common.context()
        req = pecan.request
        conf = common.conf()
        project_id = ctx.project_id
        ctx.can(POLICY % 'create', target={'project_id': project_id})
        try:
            group_api.check_server_groups_quota(ctx, conf, project_id)
        except exception.ServerGroupLimitExceeded as error:
            raise webob.exc.HTTPForbidden(explanation=error.format_message())
        values = kwargs['body']['server_group']
        rules = {}
        if microversion.is_supported(req, '2.64'):
            policy = values['policy']
            rules = values.get('rules', {})
            if policy != 'anti-affinity' and rules:
                raise webob.exc.HTTPBadRequest(
                    explanation='Only anti-affinity policy supports rules.')
            if 'max_server_per_host' in rules:
                rules = {'max_server_per_host':
                         int(rules['max_server_per_host'])}
        else:
            policy = values['policies'][0]
        group = group_obj.create(ctx, values['name'], project_id,
                                 ctx.user_id, policy, rules)
        # Checked again once created: two creates at once may both have
        # passed the first check.
        if group_api.recheck(conf):
            try:
                group_api.check_server_groups_quota(ctx, conf, project_id,
                                                    delta=0)
            except exception.ServerGroupLimitExceeded as error:
                group_obj.destroy(ctx.elevated(), group.uuid)
                raise webob.exc.HTTPForbidden(
                    explanation=error.format_message())
        return {'server_group': _view(req, group, set())}

    @expose(status=204)
    def delete(self, group_id, **kwargs):
        ctx = common.context()
        try:
            group = group_obj.get_by_uuid(ctx, group_id)
        except exception.InstanceGroupNotFound as error:
            raise common.not_found(error)
        ctx.can(POLICY % 'delete', target={'project_id': group.project_id})
        try:
            group_obj.destroy(ctx, group_id)
        except exception.InstanceGroupNotFound as error:
            raise common.not_found(error)
        return None
