"""/os-services: list, enable/disable, force down, delete (admin only)."""

from oslo_utils import strutils
from oslo_utils import uuidutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import services as schemas
from nova_lite import cells
from nova_lite.compute import availability_zones
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import aggregate as aggregate_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import compute_node as compute_node_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj

POLICY = 'os_compute_api:os-services:%s'
_HIDDEN_BINARIES = ('nova-osapi_compute', 'nova-metadata')


def _updated_at(svc):
    when = svc.updated_at or svc.created_at
    return when.strftime('%Y-%m-%dT%H:%M:%S.%f') if when else None


def _view(req, svc, with_forced_down, host_zones=None):
    conf = common.conf()
    if host_zones is None:
        host_zones = aggregate_obj.host_zones(common.context())
    zone = availability_zones.service_zone(conf, svc, host_zones)
    body = {
        'binary': svc.binary,
        'host': svc.host,
        'id': svc.uuid if microversion.is_supported(req, '2.53') else svc.id,
        'zone': zone,
        'status': 'disabled' if svc.disabled else 'enabled',
        'state': 'up' if svc.is_up(conf.service_down_time) else 'down',
        'updated_at': _updated_at(svc),
        'disabled_reason': svc.disabled_reason,
    }
    if with_forced_down:
        body['forced_down'] = svc.forced_down
    return body


def _all_services(ctx, host=None, binary=None):
    """``([(service, cell)], [cells that did not answer])``."""
    cells_list = [c for c in cell_mapping.get_all_cells(ctx)
                  if not c.is_cell0]
    by_uuid = {c.uuid: c for c in cells_list}
    results = cells.scatter_gather_cells(
        ctx, cells_list, common.conf().conductor.cell_timeout,
        lambda cctxt: service_obj.get_all(cctxt, binary=binary, host=host))
    out, down = [], []
    for cell_uuid, services in results.items():
        if cells.is_failure(services):
            down.append(by_uuid[cell_uuid])
            continue
        out.extend((svc, by_uuid[cell_uuid]) for svc in services
                   if svc.binary not in _HIDDEN_BINARIES)
    return out, down


def _down_cell_computes(ctx, down_cells, host=None, binary=None):
    """Minimal records (2.69) of the computes mapped to unanswering cells."""
    if binary not in (None, 'nova-compute'):
        return []
    down_ids = {c.id for c in down_cells}
    return [{'binary': 'nova-compute', 'host': name, 'status': 'UNKNOWN'}
            for name, cell_id in sorted(
                cell_mapping.get_mapped_hosts(ctx).items())
            if cell_id in down_ids and host in (None, name)]


def _find(ctx, service_id):
    """``(service, cell)`` by uuid (>= 2.53) or integer id."""
    matches = []
    for svc, cell in _all_services(ctx)[0]:
        if str(svc.uuid) == service_id or str(svc.id) == service_id:
            matches.append((svc, cell))
    if not matches:
        raise exception.ServiceNotFound(service_id=service_id)
    if len(matches) > 1:
        raise webob.exc.HTTPBadRequest(
            explanation='Service id %s refers to multiple services.'
            % service_id)
    return matches[0]


class ServicesController(common.RestController):

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(POLICY % 'list', target={})
        host = common.last_param(req.GET, 'host')
        binary = common.last_param(req.GET, 'binary')
        with_forced_down = microversion.is_supported(req, '2.11')
        services, down = _all_services(ctx, host=host, binary=binary)
        services.sort(key=lambda s: (s[1].id, s[0].id))
        host_zones = aggregate_obj.host_zones(ctx)
        body = [_view(req, svc, with_forced_down, host_zones)
                for svc, _cell in services]
        if microversion.is_supported(req, '2.69'):
            body.extend(_down_cell_computes(ctx, down, host, binary))
        return {'services': body}

    @expose()
    @common.with_schemas(schemas.UPDATE_SCHEMAS)
    def put(self, service_id, **kwargs):
        body = kwargs['body']
        req = pecan.request
        if microversion.is_supported(req, '2.53'):
            return self._update_v253(req, service_id, body)
        return self._update_v21(req, service_id, body)

    # -- before 2.53: PUT /os-services/{action} with host and binary ------------

    def _update_v21(self, req, action, body):
        ctx = common.context()
        ctx.can(POLICY % 'update', target={})
        actions = ['enable', 'disable', 'disable-log-reason']
        if microversion.is_supported(req, '2.11'):
            actions.append('force-down')
        if action not in actions:
            raise webob.exc.HTTPNotFound(explanation='Unknown action')
        host, binary = body['host'], body['binary']
        result = {'host': host, 'binary': binary}
        if action == 'enable':
            values = {'disabled': False, 'disabled_reason': None}
            result['status'] = 'enabled'
        elif action == 'disable':
            values = {'disabled': True, 'disabled_reason': None}
            result['status'] = 'disabled'
        elif action == 'disable-log-reason':
            if 'disabled_reason' not in body:
                raise webob.exc.HTTPBadRequest(
                    explanation='Missing disabled reason field')
            values = {'disabled': True,
                      'disabled_reason': body['disabled_reason']}
            result.update(status='disabled',
                          disabled_reason=body['disabled_reason'])
        else:
            if 'forced_down' not in body:
                raise webob.exc.HTTPBadRequest(
                    explanation='Missing forced_down field')
            forced = strutils.bool_from_string(body['forced_down'])
            values = {'forced_down': forced}
            result['forced_down'] = forced
        self._update_by_host(ctx, host, binary, values)
        return {'service': result}

    def _update_by_host(self, ctx, host, binary, values):
        if binary != 'nova-compute':
            raise webob.exc.HTTPBadRequest(
                explanation='Updating a %s service is not supported. Only '
                            'nova-compute services can be updated.' % binary)
        try:
            cell = cell_mapping.get_host_cell(ctx, host)
        except exception.HostMappingNotFound as error:
            raise common.not_found(error)
        cctxt = nl_context.target_cell(ctx, cell)
        try:
            svc = service_obj.get_by_host_and_binary(cctxt, host, binary)
        except exception.ComputeHostNotFound:
            raise common.not_found(exception.HostBinaryNotFound(
                host=host, binary=binary))
        service_obj.update(cctxt, svc.id, values)

    # -- 2.53 and later: PUT /os-services/{uuid} ------------------------------------

    def _update_v253(self, req, service_id, body):
        if not uuidutils.is_uuid_like(service_id):
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid uuid %s' % service_id)
        ctx = common.context()
        ctx.can(POLICY % 'update', target={})
        try:
            svc, cell = _find(ctx, service_id)
        except exception.ServiceNotFound as error:
            raise common.not_found(error)
        if svc.binary != 'nova-compute':
            raise webob.exc.HTTPBadRequest(
                explanation='Updating a %s service is not supported. Only '
                            'nova-compute services can be updated.'
                            % svc.binary)
        values = {}
        if body.get('status') == 'enabled':
            if body.get('disabled_reason'):
                raise webob.exc.HTTPBadRequest(
                    explanation="Specifying 'disabled_reason' with status "
                                "'enabled' is invalid.")
            values.update(disabled=False, disabled_reason=None)
        elif body.get('status') == 'disabled':
            values.update(disabled=True,
                          disabled_reason=body.get('disabled_reason'))
        if 'forced_down' in body:
            values['forced_down'] = strutils.bool_from_string(
                body['forced_down'], strict=True)
        changed = {k: v for k, v in values.items()
                   if getattr(svc, k) != v}
        if not changed:
            raise webob.exc.HTTPBadRequest(
                explanation="No updates were requested. Fields 'status' or "
                            "'forced_down' should be specified.")
        cctxt = nl_context.target_cell(ctx, cell)
        service_obj.update(cctxt, svc.id, changed)
        svc = service_obj.get_by_id(cctxt, svc.id)
        return {'service': _view(req, svc, with_forced_down=True)}

    # -- delete ------------------------------------------------------------------------

    @expose(status=204)
    def delete(self, service_id, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(POLICY % 'delete', target={})
        if microversion.is_supported(req, '2.53'):
            if not uuidutils.is_uuid_like(service_id):
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid uuid %s' % service_id)
        else:
            try:
                int(service_id)
            except ValueError:
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid input received: id must be an '
                                'integer.')
        try:
            svc, cell = _find(ctx, service_id)
        except exception.ServiceNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Service %s not found.' % service_id)
        cctxt = nl_context.target_cell(ctx, cell)
        if svc.binary == 'nova-compute':
            if instance_obj.count_by_host(cctxt, svc.host):
                raise webob.exc.HTTPConflict(
                    explanation='Unable to delete compute service that is '
                                'hosting instances. Migrate or delete the '
                                'instances first.')
            cell_mapping.unmap_host(ctx, svc.host)
            aggregate_obj.remove_host_everywhere(ctx, svc.host)
            # Its hypervisors go with it, as nova deletes the compute nodes.
            compute_node_obj.destroy_by_host(cctxt, svc.host)
        service_obj.destroy(cctxt, svc.id)
        return None
