"""/os-hypervisors: the compute nodes of every cell, for administrators
(list, detail, show, statistics, uptime, search and servers)."""

import json
import logging

import oslo_messaging as messaging
from oslo_utils import strutils
from oslo_utils import uuidutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import admin_views as schemas
from nova_lite.api.views import links
from nova_lite import cells
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import compute_node as compute_node_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj

LOG = logging.getLogger(__name__)
POLICY = 'os_compute_api:os-hypervisors:%s'
_OLD_FIELDS = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
               'memory_mb_used', 'local_gb_used', 'free_ram_mb',
               'free_disk_gb', 'current_workload', 'running_vms',
               'disk_available_least')
_STATISTICS = ('count', 'vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
               'memory_mb_used', 'local_gb_used', 'free_ram_mb',
               'free_disk_gb', 'current_workload', 'running_vms',
               'disk_available_least')


class Node:
    """A compute node with its service and cell."""

    def __init__(self, node, service, cell):
        self.node = node
        self.service = service
        self.cell = cell


def _nodes_of_cell(cctxt):
    nodes = compute_node_obj.get_all(cctxt)
    services = {s.host: s for s in service_obj.get_all(
        cctxt, binary='nova-compute')}
    return [(n, services.get(n.host)) for n in nodes]


def all_nodes(ctx):
    """Every compute node whose service still exists, cell by cell."""
    cell_list = [c for c in cell_mapping.get_all_cells(ctx)
                 if not c.is_cell0]
    by_uuid = {c.uuid: c for c in cell_list}
    results = cells.scatter_gather_cells(
        ctx, cell_list, common.conf().conductor.cell_timeout,
        _nodes_of_cell)
    out = []
    for cell in cell_list:
        result = results.get(cell.uuid)
        if result is None or cells.is_failure(result):
            continue
        for node, service in result:
            if service is None:
                LOG.debug('No service for compute node %s', node.host)
                continue
            out.append(Node(node, service, by_uuid[cell.uuid]))
    return out


def _not_found(hypervisor_id):
    return webob.exc.HTTPNotFound(
        explanation="Hypervisor with ID '%s' could not be found."
        % hypervisor_id)


def _validate_id(req, hypervisor_id):
    if microversion.is_supported(req, '2.53'):
        if not uuidutils.is_uuid_like(hypervisor_id):
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid uuid %s' % hypervisor_id)
    else:
        try:
            int(hypervisor_id)
        except ValueError:
            raise _not_found(hypervisor_id)


def _find(ctx, req, hypervisor_id):
    _validate_id(req, hypervisor_id)
    uuid_ids = microversion.is_supported(req, '2.53')
    for item in all_nodes(ctx):
        if (item.node.uuid if uuid_ids else str(item.node.id)) == \
                str(hypervisor_id):
            return item
    raise _not_found(hypervisor_id)


def _by_pattern(ctx, pattern):
    found = [item for item in all_nodes(ctx)
             if pattern in (item.node.hypervisor_hostname or '')]
    if not found:
        raise webob.exc.HTTPNotFound(
            explanation="No hypervisor matching '%s' could be found."
            % pattern)
    return found


def _servers(ctx, item):
    cctxt = nl_context.target_cell(ctx, item.cell)
    return [{'name': i.display_name, 'uuid': i.uuid}
            for i in instance_obj.get_by_host(cctxt, item.node.host)]


def host_uptime(ctx, item):
    """The host's uptime line over RPC; raises ComputeServiceUnavailable
    for a compute service that is down."""
    if not item.service.is_up(common.conf().service_down_time):
        raise exception.ComputeServiceUnavailable(host=item.node.host)
    try:
        return common.compute_api().compute.get_host_uptime(
            ctx, item.node.host, cell=item.cell)
    except messaging.MessagingTimeout:
        raise exception.ComputeServiceUnavailable(host=item.node.host)


def view(req, ctx, item, detail, servers=None, with_servers=False):
    node, service = item.node, item.service
    uuid_ids = microversion.is_supported(req, '2.53')
    body = {
        'id': node.uuid if uuid_ids else node.id,
        'hypervisor_hostname': node.hypervisor_hostname,
        'state': 'up' if service.is_up(common.conf().service_down_time)
        else 'down',
        'status': 'disabled' if service.disabled else 'enabled',
    }
    if detail:
        body.update(hypervisor_type=node.hypervisor_type,
                    hypervisor_version=node.hypervisor_version,
                    host_ip=node.host_ip)
        body['service'] = {'id': service.uuid if uuid_ids else service.id,
                           'host': node.host,
                           'disabled_reason': service.disabled_reason}
        if not microversion.is_supported(req, '2.88'):
            for field in _OLD_FIELDS:
                body[field] = getattr(node, field)
            if microversion.is_supported(req, '2.28'):
                body['cpu_info'] = json.loads(node.cpu_info) \
                    if node.cpu_info else {}
            else:
                body['cpu_info'] = node.cpu_info
        else:
            try:
                body['uptime'] = host_uptime(ctx, item)
            except (NotImplementedError,
                    exception.ComputeServiceUnavailable,
                    exception.ComputeHostNotFound):
                body['uptime'] = None
    if servers:
        body['servers'] = servers
    elif with_servers and microversion.is_supported(req, '2.75'):
        body['servers'] = []
    return body


def _uptime(req, hypervisor_id):
    if microversion.is_supported(req, '2.88'):
        raise webob.exc.HTTPNotFound(
            explanation='The resource could not be found.')
    ctx = common.context()
    ctx.can(POLICY % 'uptime', target={})
    item = _find(ctx, req, hypervisor_id)
    try:
        uptime = host_uptime(ctx, item)
    except NotImplementedError:
        raise webob.exc.HTTPNotImplemented(
            explanation='The requested functionality is not supported.')
    except exception.ComputeServiceUnavailable as error:
        raise webob.exc.HTTPBadRequest(explanation=error.format_message())
    body = view(req, ctx, item, detail=False)
    body['uptime'] = uptime
    return {'hypervisor': body}


def _search(req, pattern):
    if microversion.is_supported(req, '2.53'):
        raise webob.exc.HTTPNotFound(
            explanation='The resource could not be found.')
    ctx = common.context()
    ctx.can(POLICY % 'search', target={})
    return {'hypervisors': [view(req, ctx, item, detail=False)
                            for item in _by_pattern(ctx, pattern)]}


def _servers_route(req, pattern):
    if microversion.is_supported(req, '2.53'):
        raise webob.exc.HTTPNotFound(
            explanation='The resource could not be found.')
    ctx = common.context()
    ctx.can(POLICY % 'servers', target={})
    return {'hypervisors': [
        view(req, ctx, item, detail=False, servers=_servers(ctx, item))
        for item in _by_pattern(ctx, pattern)]}


class HypervisorsController(common.RestController):
    _custom_actions = {'detail': ['GET'], 'statistics': ['GET']}

    def _list(self, detail):
        req = pecan.request
        ctx = common.context()
        ctx.can(POLICY % ('list-detail' if detail else 'list'), target={})
        limit = marker = None
        paged = microversion.is_supported(req, '2.33')
        if paged:
            params = {k: req.GET.getall(k)[-1] for k in req.GET.keys()}
            limit, marker = common.get_limit_and_marker(
                params, common.conf().api.max_limit)
        pattern = with_servers = None
        if microversion.is_supported(req, '2.53'):
            pattern = common.last_param(req.GET, 'hypervisor_hostname_pattern')
            with_servers = strutils.bool_from_string(
                common.last_param(req.GET, 'with_servers', False),
                strict=True)
        if pattern is not None:
            if 'limit' in req.GET or marker:
                raise webob.exc.HTTPBadRequest(
                    explanation='Paging over hypervisors with the '
                                'hypervisor_hostname_pattern query '
                                'parameter is not supported.')
            items = _by_pattern(ctx, pattern)
            paged = False
        else:
            items = all_nodes(ctx)
            if marker is not None:
                keys = [str(i.node.uuid if microversion.is_supported(
                    req, '2.53') else i.node.id) for i in items]
                if marker not in keys:
                    raise webob.exc.HTTPBadRequest(
                        explanation='marker [%s] not found' % marker)
                items = items[keys.index(marker) + 1:]
            if limit is not None:
                items = items[:limit]
        body = [view(req, ctx, item, detail,
                     servers=_servers(ctx, item) if with_servers else None,
                     with_servers=with_servers) for item in items]
        result = {'hypervisors': body}
        if paged and body and limit and len(body) == limit:
            result['hypervisors_links'] = links.collection_next_link(
                req, 'os-hypervisors/detail' if detail else
                'os-hypervisors', body[-1]['id'])
        return result

    @expose()
    @common.with_schemas(schemas.HYPERVISORS_INDEX, query=True)
    def get_all(self, **kwargs):
        return self._list(detail=False)

    @expose()
    @common.with_schemas(schemas.HYPERVISORS_INDEX, query=True)
    def detail(self, **kwargs):
        return self._list(detail=True)

    @expose()
    def statistics(self, **kwargs):
        req = pecan.request
        if microversion.is_supported(req, '2.88'):
            raise webob.exc.HTTPNotFound(
                explanation='The resource could not be found.')
        ctx = common.context()
        ctx.can(POLICY % 'statistics', target={})
        stats = dict.fromkeys(_STATISTICS, 0)
        for item in all_nodes(ctx):
            if item.service.disabled:
                continue
            stats['count'] += 1
            for field in _STATISTICS[1:]:
                stats[field] += getattr(item.node, field) or 0
        return {'hypervisor_statistics': stats}

    @expose()
    @common.with_schemas(schemas.HYPERVISORS_SHOW, query=True)
    def get_one(self, hypervisor_id, **kwargs):
        req = pecan.request
        ctx = common.context()
        ctx.can(POLICY % 'show', target={})
        with_servers = False
        if microversion.is_supported(req, '2.53'):
            with_servers = strutils.bool_from_string(
                common.last_param(req.GET, 'with_servers', False),
                strict=True)
        item = _find(ctx, req, hypervisor_id)
        servers = _servers(ctx, item) if with_servers else None
        return {'hypervisor': view(req, ctx, item, detail=True,
                                   servers=servers,
                                   with_servers=with_servers)}


class UptimeController(common.RestController):
    """GET /os-hypervisors/{hypervisor_id}/uptime (before 2.88)."""

    @expose()
    def get_all(self, hypervisor_id, **kwargs):
        return _uptime(pecan.request, hypervisor_id)


class SearchController(common.RestController):
    """GET /os-hypervisors/{pattern}/search (before 2.53)."""

    @expose()
    def get_all(self, hypervisor_id, **kwargs):
        return _search(pecan.request, hypervisor_id)


class HypervisorServersController(common.RestController):
    """GET /os-hypervisors/{pattern}/servers (before 2.53)."""

    @expose()
    def get_all(self, hypervisor_id, **kwargs):
        return _servers_route(pecan.request, hypervisor_id)


HypervisorsController.uptime = UptimeController()
HypervisorsController.search = SearchController()
HypervisorsController.servers = HypervisorServersController()
