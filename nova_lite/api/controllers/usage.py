"""/os-simple-tenant-usage: server hours per project in a time window,
computed from the servers' launch and termination times and flavors."""

import collections
import datetime
from urllib import parse as urlparse

from oslo_utils import timeutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import admin_views as schemas
from nova_lite.api.views import links
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import usage as usage_obj

POLICY = 'os_compute_api:os-simple-tenant-usage:%s'
_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
            '%Y-%m-%d %H:%M:%S.%f')


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def _parse_datetime(text):
    if not text:
        return timeutils.utcnow()
    for fmt in _FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except (TypeError, ValueError):
            continue
    raise webob.exc.HTTPBadRequest(
        explanation='Invalid datetime string: Datetime is in invalid format')


def _period(req):
    """(start, stop, detailed): the first of each parameter, as nova reads
    the query string; stop no later than now."""
    env = urlparse.parse_qs(req.environ.get('QUERY_STRING', ''))
    start = _parse_datetime(env.get('start', [None])[0])
    stop = _parse_datetime(env.get('end', [None])[0])
    if not start < stop:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid start time. The start time cannot occur '
                        'after the end time.')
    detailed = env.get('detailed', ['0'])[0] == '1'
    now = timeutils.utcnow()
    return start, min(stop, now), detailed


def _hours(instance, start, stop):
    launched, terminated = instance.launched_at, instance.terminated_at
    if terminated is not None and terminated < start:
        return 0
    if launched is None or launched > stop:
        return 0
    end = min(stop, terminated) if terminated is not None else stop
    return (end - max(launched, start)).total_seconds() / 3600.0


def _instances(ctx, start, stop, project_id, limit, marker):
    found = []
    for cell in cell_mapping.get_all_cells(ctx):
        cctxt = nl_context.target_cell(ctx, cell)
        try:
            rows = usage_obj.get_active_by_window(
                cctxt, start, stop, project_id=project_id, limit=limit,
                marker=marker)
        except exception.MarkerNotFound:
            continue
        found.extend(rows)
        marker = None
        if limit:
            limit -= len(rows)
            if limit <= 0:
                break
    if marker is not None and not found:
        raise exception.MarkerNotFound(marker=marker)
    return found


def usages(ctx, start, stop, project_id=None, detailed=True, limit=None,
           marker=None):
    """(per-project summaries, every server's usage)."""
    by_project = collections.OrderedDict()
    servers = []
    now = timeutils.utcnow()
    for inst in _instances(ctx, start, stop, project_id, limit, marker):
        flavor = inst.flavor or {}
        hours = _hours(inst, start, stop)
        ended = inst.terminated_at
        info = {
            'hours': hours, 'flavor': flavor.get('name') or '',
            'instance_id': inst.uuid, 'name': inst.display_name,
            'tenant_id': inst.project_id,
            'memory_mb': int(flavor.get('memory_mb') or 0),
            'local_gb': int(flavor.get('root_gb') or 0) + int(
                flavor.get('ephemeral_gb') or 0),
            'vcpus': int(flavor.get('vcpus') or 0),
            'started_at': _time(inst.launched_at),
            'ended_at': _time(ended),
            'state': 'terminated' if ended else inst.vm_state,
        }
        began = inst.launched_at or now
        info['uptime'] = int(((ended or now) - began).total_seconds())
        summary = by_project.get(inst.project_id)
        if summary is None:
            summary = by_project[inst.project_id] = {
                'tenant_id': inst.project_id, 'total_local_gb_usage': 0,
                'total_vcpus_usage': 0, 'total_memory_mb_usage': 0,
                'total_hours': 0, 'start': _time(start),
                'stop': _time(stop)}
            if detailed:
                summary['server_usages'] = []
        summary['total_local_gb_usage'] += info['local_gb'] * hours
        summary['total_vcpus_usage'] += info['vcpus'] * hours
        summary['total_memory_mb_usage'] += info['memory_mb'] * hours
        summary['total_hours'] += hours
        servers.append(info)
        if detailed:
            summary['server_usages'].append(info)
    return list(by_project.values()), servers


def _paging(req):
    if not microversion.is_supported(req, '2.40'):
        return common.conf().api.max_limit, None, False
    params = {k: req.GET.getall(k)[-1] for k in req.GET.keys()}
    limit, marker = common.get_limit_and_marker(
        params, common.conf().api.max_limit)
    return limit, marker, True


def _links(req, servers, limit, collection):
    max_items = min(limit, common.conf().api.max_limit)
    if max_items and len(servers) == max_items:
        return links.collection_next_link(req, collection,
                                          servers[-1]['instance_id'])
    return None


class UsageController(common.RestController):

    @expose()
    @common.with_schemas(schemas.USAGE_INDEX, query=True)
    def get_all(self, **kwargs):
        req = pecan.request
        if req.path.endswith('/'):
            # An empty project id: nova's router matches no route.
            raise webob.exc.HTTPNotFound(
                explanation='The resource could not be found.')
        ctx = common.context()
        ctx.can(POLICY % 'list')
        start, stop, detailed = _period(req)
        limit, marker, with_links = _paging(req)
        try:
            found, servers = usages(ctx, start, stop, detailed=detailed,
                                    limit=limit, marker=marker)
        except exception.MarkerNotFound as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())
        body = {'tenant_usages': found}
        if with_links:
            next_link = _links(req, servers, limit, 'os-simple-tenant-usage')
            if next_link:
                body['tenant_usages_links'] = next_link
        return body

    @expose()
    @common.with_schemas(schemas.USAGE_SHOW, query=True)
    def get_one(self, tenant_id, **kwargs):
        req = pecan.request
        ctx = common.context()
        ctx.can(POLICY % 'show', {'project_id': tenant_id})
        start, stop, _detailed = _period(req)
        limit, marker, with_links = _paging(req)
        try:
            found, servers = usages(ctx, start, stop, project_id=tenant_id,
                                    limit=limit, marker=marker)
        except exception.MarkerNotFound as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())
        body = {'tenant_usage': found[0] if found else {}}
        if with_links:
            next_link = _links(req, servers, limit,
                               'os-simple-tenant-usage/%s' % tenant_id)
            if next_link:
                body['tenant_usage_links'] = next_link
        return body
