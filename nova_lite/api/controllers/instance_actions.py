"""/servers/{server_id}/os-instance-actions: what was asked of a server.

Per microversion, as nova: 2.21 reads the actions of deleted servers;
2.51 shows the events (without traceback) to those who may see the action;
2.58 pages (``limit``, ``marker``, ``changes-since``) and adds
``updated_at``; 2.62 adds ``hostId`` (and ``host`` where the events policy
allows) to events; 2.66 adds ``changes-before``; 2.84 adds ``details``
where its policy allows.
"""

import hashlib

from oslo_utils import timeutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import instance_actions as schemas
from nova_lite.api.views import links
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import instance_action

POLICY = 'os_compute_api:os-instance-actions:%s'

ACTION_KEYS = ('action', 'instance_uuid', 'request_id', 'user_id',
               'project_id', 'start_time', 'message')
ACTION_KEYS_V258 = ACTION_KEYS + ('updated_at',)


def _time(when):
    return None if when is None else when.strftime('%Y-%m-%dT%H:%M:%S.%f')


def _host_id(host, project_id):
    if not host:
        return ''
    return hashlib.sha224((project_id + host).encode('utf-8')).hexdigest()


def _server(req, server_id, rule):
    ctx = common.context()
    read_deleted = 'yes' if microversion.is_supported(req, '2.21') else None
    instance, cell = server_common.get_server(ctx, server_id,
                                              read_deleted=read_deleted)
    ctx.can(POLICY % rule, {'project_id': instance.project_id})
    return ctx, instance, cell


def _action(action, req):
    keys = ACTION_KEYS_V258 if microversion.is_supported(req, '2.58') \
        else ACTION_KEYS
    out = {}
    for key in keys:
        value = action.get(key)
        if key in ('start_time', 'updated_at'):
            value = _time(value)
        out[key] = value
    return out


def _changes_time(req, name):
    value = common.last_param(req.GET, name)
    if value is None:
        return None
    return timeutils.normalize_time(timeutils.parse_isotime(value))


class InstanceActionsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def get_all(self, server_id, **kwargs):
        req = pecan.request
        ctx, instance, cell = _server(req, server_id, 'list')
        paged = microversion.is_supported(req, '2.58')
        limit = marker = since = before = None
        if paged:
            since = _changes_time(req, 'changes-since')
            before = _changes_time(req, 'changes-before')
            if since is not None and before is not None and before < since:
                raise webob.exc.HTTPBadRequest(
                    explanation='The value of changes-since must be less '
                                'than or equal to changes-before.')
            limit, marker = common.get_limit_and_marker(
                {k: common.last_param(req.GET, k) for k in ('limit',
                                                            'marker')
                 if k in req.GET}, common.conf().api.max_limit)
        actions = []
        if cell is not None:
            cctxt = nl_context.target_cell(ctx, cell)
            try:
                actions = instance_action.get_all(
                    cctxt, instance.uuid, limit=limit, marker=marker,
                    changes_since=since, changes_before=before)
            except exception.MarkerNotFound as error:
                raise webob.exc.HTTPBadRequest(
                    explanation=error.format_message())
        body = {'instanceActions': [_action(a, req) for a in actions]}
        if paged and limit and len(actions) == limit:
            body['links'] = links.collection_next_link(
                req, 'servers/%s/os-instance-actions' % server_id,
                actions[-1]['request_id'])
        return body

    @expose()
    @common.with_schemas(schemas.SHOW_QUERY_SCHEMAS, query=True)
    def get_one(self, server_id, request_id, **kwargs):
        req = pecan.request
        ctx, instance, cell = _server(req, server_id, 'show')
        action = None
        if cell is not None:
            cctxt = nl_context.target_cell(ctx, cell)
            action = instance_action.get_by_request_id(
                cctxt, instance.uuid, request_id)
        if action is None:
            raise webob.exc.HTTPNotFound(
                explanation='Action %s not found' % request_id)
        body = _action(action, req)
        target = {'project_id': instance.project_id}
        show_events = show_traceback = show_host = False
        if ctx.can(POLICY % 'events', target, fatal=False):
            show_events = show_traceback = True
            show_host = microversion.is_supported(req, '2.62')
        elif microversion.is_supported(req, '2.51'):
            show_events = True
        if show_events:
            show_host_id = microversion.is_supported(req, '2.62')
            show_details = microversion.is_supported(req, '2.84') and bool(
                ctx.can(POLICY % 'events:details', target, fatal=False))
            project_id = action['project_id'] or instance.project_id
            events = []
            for raw in instance_action.get_events(cctxt, action['id']):
                event = {'event': raw['event'],
                         'start_time': _time(raw['start_time']),
                         'finish_time': _time(raw['finish_time']),
                         'result': raw['result']}
                if show_traceback:
                    event['traceback'] = raw['traceback']
                if show_host:
                    event['host'] = raw['host']
                if show_host_id:
                    event['hostId'] = _host_id(raw['host'], project_id)
                if show_details:
                    event['details'] = raw['details']
                events.append(event)
            body['events'] = events
        return {'instanceAction': body}
