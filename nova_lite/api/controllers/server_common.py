"""What the servers controller and its sub-controllers share: finding a
server the request may see, and rendering one."""

import ipaddress
import secrets

import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api import microversion
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import build_request
from nova_lite.objects import instance_group as instance_group_obj
from nova_lite.objects import service as service_obj

SERVERS = 'os_compute_api:servers:%s'
EXTENDED_ATTRS = 'os_compute_api:os-extended-server-attributes'
FLAVOR_EXTRA_SPECS = 'os_compute_api:servers:show:flavor-extra-specs'


def get_server(ctx, server_id, read_deleted=None):
    """(instance, cell) of a server this context may see, else 404."""
    api = common.compute_api()
    lookup_ctx = ctx
    if read_deleted:
        lookup_ctx = nl_context.RequestContext.from_dict(ctx.to_dict())
        lookup_ctx.read_deleted = read_deleted
        lookup_ctx.enforcer = ctx.enforcer
    try:
        instance, cell = api.get(lookup_ctx, server_id)
    except exception.InstanceNotFound:
        raise webob.exc.HTTPNotFound(
            explanation='Instance %s could not be found.' % server_id)
    if not ctx.is_admin and instance.project_id != ctx.project_id:
        raise webob.exc.HTTPNotFound(
            explanation='Instance %s could not be found.' % server_id)
    return instance, cell


def host_status(ctx, instance, cell):
    if not instance.host or cell is None:
        return ''
    cctxt = nl_context.target_cell(ctx, cell)
    try:
        svc = service_obj.get_by_host_and_binary(cctxt, instance.host,
                                                 'nova-compute')
    except exception.ComputeHostNotFound:
        return 'UNKNOWN'
    if svc.forced_down:
        return 'DOWN'
    if svc.is_up(common.conf().service_down_time):
        return 'MAINTENANCE' if svc.disabled else 'UP'
    return 'UNKNOWN'


def view_options(ctx, req):
    return {
        'show_extended_attrs': bool(ctx.can(EXTENDED_ATTRS, fatal=False)),
        'show_host_status': microversion.is_supported(req, '2.16') and bool(
            ctx.can(SERVERS % 'show:host_status', fatal=False)),
        'show_extra_specs': microversion.is_supported(req, '2.47') and bool(
            ctx.can(FLAVOR_EXTRA_SPECS, fatal=False)),
    }


def wants_spec(req):
    """Whether the server views show what the request spec holds (the
    pinned availability zone from 2.96, scheduler hints from 2.100)."""
    return microversion.is_supported(req, '2.96')


def render(view, ctx, req, instance, cell):
    opts = view_options(ctx, req)
    status = None
    if opts['show_host_status']:
        status = host_status(ctx, instance, cell)
    spec = None
    if wants_spec(req):
        spec = build_request.get_request_spec(ctx, instance.uuid)
    body = view(req, instance, host_status=status, spec=spec, **opts)
    if 'server_groups' in body['server']:
        # 2.71: the group the server is in (at most one).
        group = instance_group_obj.get_by_instance(ctx, instance.uuid)
        body['server']['server_groups'] = [group.uuid] if group else []
    return body


def ipv6(value):
    """An accessIPv6 in its compressed form, as nova stores it."""
    if not value:
        return None
    try:
        return str(ipaddress.IPv6Address(value))
    except ValueError:
        return value


def disk_config_values(server):
    """The instance values for ``OS-DCF:diskConfig`` of a create, update
    or rebuild body: ``{'auto_disk_config': bool}`` when the body has it,
    else ``{}``."""
    value = server.get('OS-DCF:diskConfig')
    if value is None:
        return {}
    return {'auto_disk_config': value == 'AUTO'}


def generate_password(length=12):
    alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
    return ''.join(secrets.choice(alphabet) for _ in range(length))
