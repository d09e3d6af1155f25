"""/os-hosts: the hosts of the services and their resources, and host
enable/maintenance/power requests passed to the compute driver
(administrators; removed at 2.43 in favour of os-services and
os-hypervisors)."""

import functools
import logging

import oslo_messaging as messaging
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import hosts as schemas
from nova_lite import cells
from nova_lite.compute import availability_zones
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import aggregate as aggregate_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import compute_node as compute_node_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj

LOG = logging.getLogger(__name__)
POLICY = 'os_compute_api:os-hosts:%s'
REMOVED_IN = '2.43'
_HIDDEN_BINARIES = ('nova-osapi_compute', 'nova-metadata')
_NOT_SUPPORTED = 'The requested functionality is not supported.'


def until(removed_in):
    """A method that is gone from ``removed_in`` on: 404 before its body
    or query is looked at."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if microversion.is_supported(pecan.request, removed_in):
                raise webob.exc.HTTPNotFound(
                    explanation='The resource could not be found.')
            return func(*args, **kwargs)
        return wrapper
    return decorator


def no_empty_id(func):
    """``GET /collection/`` is a member with an empty id: 404, not the
    listing."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if pecan.request.path.endswith('/'):
            raise webob.exc.HTTPNotFound(
                explanation='The resource could not be found.')
        return func(*args, **kwargs)
    return wrapper


def _cells(ctx):
    return [c for c in cell_mapping.get_all_cells(ctx) if not c.is_cell0]


def _services(ctx):
    """Every service of every answering cell, cell by cell."""
    cell_list = _cells(ctx)
    results = cells.scatter_gather_cells(
        ctx, cell_list, common.conf().conductor.cell_timeout,
        lambda cctxt: service_obj.get_all(cctxt))
    out = []
    for cell in cell_list:
        services = results.get(cell.uuid)
        if services is None or cells.is_failure(services):
            continue
        out.extend(sorted(services, key=lambda s: s.id))
    return out


def _host_cell(ctx, host):
    try:
        return cell_mapping.get_host_cell(ctx, host)
    except exception.HostMappingNotFound:
        raise webob.exc.HTTPNotFound(
            explanation="Host '%s' is not mapped to any cell" % host)


def _compute_call(ctx, host, method, **kwargs):
    """Ask ``host``'s compute service; nova's answers for a host it does
    not know, a service that is down and a driver without the feature."""
    cell = _host_cell(ctx, host)
    cctxt = nl_context.target_cell(ctx, cell)
    try:
        service = service_obj.get_by_host_and_binary(cctxt, host,
                                                     'nova-compute')
    except exception.ComputeHostNotFound as error:
        raise common.not_found(error)
    unavailable = webob.exc.HTTPBadRequest(
        explanation='Compute service of %s is unavailable at this time.'
        % host)
    if not service.is_up(common.conf().service_down_time):
        raise unavailable
    rpc = common.compute_api().compute
    try:
        return getattr(rpc, method)(ctx, host, cell=cell, **kwargs)
    except NotImplementedError:
        raise webob.exc.HTTPNotImplemented(explanation=_NOT_SUPPORTED)
    except messaging.MessagingTimeout:
        raise unavailable


def _resources(host, node, instances):
    def resource(project, cpu, memory_mb, disk_gb):
        return {'resource': {'host': host, 'project': project, 'cpu': cpu,
                             'memory_mb': memory_mb, 'disk_gb': disk_gb}}

    def sizes(inst):
        flavor = inst.flavor or {}
        return (int(flavor.get('vcpus') or 0),
                int(flavor.get('memory_mb') or 0),
                int(flavor.get('root_gb') or 0) +
                int(flavor.get('ephemeral_gb') or 0))

    out = [resource('(total)', node.vcpus, node.memory_mb, node.local_gb),
           resource('(used_now)', node.vcpus_used, node.memory_mb_used,
                    node.local_gb_used)]
    total = [0, 0, 0]
    by_project = {}
    for inst in instances:
        used = sizes(inst)
        project = by_project.setdefault(inst.project_id, [0, 0, 0])
        for i, value in enumerate(used):
            total[i] += value
            project[i] += value
    out.append(resource('(used_max)', *total))
    out.extend(resource(project, *used)
               for project, used in by_project.items())
    return out


class HostsController(common.RestController):
    _custom_actions = {'startup': ['GET'], 'shutdown': ['GET'],
                       'reboot': ['GET']}
    _member_actions = frozenset(_custom_actions)

    @expose()
    @until(REMOVED_IN)
    @no_empty_id
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'list', target={})
        zone = common.last_param(pecan.request.GET, 'zone')
        conf = common.conf()
        host_zones = aggregate_obj.host_zones(ctx)
        hosts = []
        for svc in _services(ctx):
            if svc.disabled or svc.binary in _HIDDEN_BINARIES:
                continue
            svc_zone = availability_zones.service_zone(conf, svc,
                                                       host_zones)
            if zone and svc_zone != zone:
                continue
            hosts.append({'host_name': svc.host, 'service': svc.topic,
                          'zone': svc_zone})
        return {'hosts': hosts}

    @expose()
    @until(REMOVED_IN)
    def get_one(self, host_name, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'show', target={})
        cctxt = nl_context.target_cell(ctx, _host_cell(ctx, host_name))
        nodes = compute_node_obj.get_by_host(cctxt, host_name)
        if not nodes:
            raise webob.exc.HTTPNotFound(
                explanation='Compute host %s could not be found.'
                % host_name)
        instances = instance_obj.get_by_host(cctxt, host_name)
        return {'host': _resources(host_name, nodes[0], instances)}

    @expose()
    @until(REMOVED_IN)
    @common.with_schemas(schemas.UPDATE_SCHEMAS)
    def put(self, host_name, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'update', target={})
        body = kwargs['body']
        result = {'host': host_name}
        status = body.get('status')
        maintenance = body.get('maintenance_mode')
        if status is not None:
            enabled = status.strip().lower() == 'enable'
            LOG.info('%s host %s.', 'Enabling' if enabled else 'Disabling',
                     host_name)
            answer = _compute_call(ctx, host_name, 'set_host_enabled',
                                   enabled=enabled)
            if answer not in ('enabled', 'disabled'):
                raise webob.exc.HTTPBadRequest(explanation=str(answer))
            result['status'] = answer
        if maintenance is not None:
            mode = maintenance.strip().lower() == 'enable'
            LOG.info('Putting host %s in maintenance mode %s.', host_name,
                     mode)
            answer = _compute_call(ctx, host_name, 'host_maintenance_mode',
                                   mode=mode)
            if answer not in ('on_maintenance', 'off_maintenance'):
                raise webob.exc.HTTPBadRequest(explanation=str(answer))
            result['maintenance_mode'] = answer
        return result

    def _power(self, args, action, rule):
        if len(args) != 1:
            raise webob.exc.HTTPNotFound(
                explanation='The resource could not be found.')
        host_name = args[0]
        ctx = common.context()
        ctx.can(POLICY % rule, target={})
        answer = _compute_call(ctx, host_name, 'host_power_action',
                               action=action)
        return {'host': host_name, 'power_action': answer}

    @expose()
    @until(REMOVED_IN)
    def startup(self, *args, **kwargs):
        return self._power(args, 'startup', 'start')

    @expose()
    @until(REMOVED_IN)
    def shutdown(self, *args, **kwargs):
        return self._power(args, 'shutdown', 'shutdown')

    @expose()
    @until(REMOVED_IN)
    def reboot(self, *args, **kwargs):
        return self._power(args, 'reboot', 'reboot')
