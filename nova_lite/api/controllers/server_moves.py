"""Server actions that move servers: resize, confirmResize, revertResize,
migrate, os-migrateLive, evacuate; and rescue, unrescue.

Registered into ``server_actions`` (POST /servers/{id}/action), which looks
the server up and checks each action's policy before its handler runs.
"""

from oslo_utils import strutils
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.controllers.server_actions import action
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import server_moves as _schemas  # noqa: F401
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import service as service_obj
from nova_lite.policies import server_moves as policies

_NO_FORCE_WITHOUT_HOST = "Can't force to a non-provided destination"


def _target(instance):
    return {'project_id': instance.project_id,
            'user_id': instance.user_id}


def _bad_request(error):
    return webob.exc.HTTPBadRequest(explanation=error.format_message())


# -- resize ----------------------------------------------------------------------

@action('resize', policies.SERVERS % 'resize')
def _resize(self, instance, cell, body=None):
    flavor_ref = str(body['resize']['flavorRef'])
    ctx = common.context()
    api = common.compute_api()
    try:
        api.resize(ctx, instance, cell, flavor_id=flavor_ref)
    except exception.FlavorNotFound:
        raise webob.exc.HTTPBadRequest(
            explanation='Unable to locate requested flavor.')
    except exception.NoValidHost as error:
        raise _bad_request(error)
    # OS-DCF:diskConfig of the body becomes the server's, as nova keeps it.
    disk_config = server_common.disk_config_values(body['resize'])
    if disk_config:
        api.update(ctx, instance, cell, disk_config)


@action('confirmResize', policies.SERVERS % 'confirm_resize')
def _confirm_resize(self, instance, cell, body=None):
    try:
        common.compute_api().confirm_resize(common.context(), instance, cell)
    except exception.MigrationNotFound:
        raise webob.exc.HTTPBadRequest(
            explanation='Instance has not been resized.')
    return Result(None, status=204)


@action('revertResize', policies.SERVERS % 'revert_resize')
def _revert_resize(self, instance, cell, body=None):
    try:
        common.compute_api().revert_resize(common.context(), instance, cell)
    except exception.MigrationNotFound:
        raise webob.exc.HTTPBadRequest(
            explanation='Instance has not been resized.')


# -- cold and live migration -------------------------------------------------------

@action('migrate', policies.MIGRATE % 'migrate')
def _migrate(self, instance, cell, body=None):
    ctx = common.context()
    host = None
    if microversion.is_supported(common.request(), '2.56'):
        host = (body.get('migrate') or {}).get('host')
    if host:
        ctx.can(policies.MIGRATE % 'migrate:host', _target(instance))
    try:
        common.compute_api().resize(ctx, instance, cell, host=host)
    except (exception.NoValidHost, exception.ComputeHostNotFound,
            exception.CannotMigrateToSameHost) as error:
        raise _bad_request(error)


@action('os-migrateLive', policies.MIGRATE % 'migrate_live')
def _migrate_live(self, instance, cell, body=None):
    ctx = common.context()
    req = common.request()
    args = body['os-migrateLive']
    host = args.get('host')
    block_migration = args.get('block_migration')
    if block_migration != 'auto':
        block_migration = strutils.bool_from_string(block_migration,
                                                    strict=True)
    force = False
    if microversion.is_supported(req, '2.30') and \
            not microversion.is_supported(req, '2.68'):
        force = strutils.bool_from_string(args.get('force', False),
                                          strict=True)
        if force and not host:
            raise webob.exc.HTTPBadRequest(
                explanation=_NO_FORCE_WITHOUT_HOST)
    elif host and not microversion.is_supported(req, '2.30'):
        # Before 2.30 a host given is the destination as it is: only the
        # hosts' own checks run, as with force.
        force = True
    if host:
        ctx.can(policies.MIGRATE % 'migrate_live:host', _target(instance))
    # The checks are answered before 2.34; from 2.34 the request is
    # accepted and the migration fails instead.
    wait = not microversion.is_supported(req, '2.34')
    try:
        common.compute_api().live_migrate(
            ctx, instance, cell, host=host, block_migration=block_migration,
            force=force, wait=wait)
    except (exception.NoValidHost, exception.ComputeHostNotFound,
            exception.UnableToMigrateToSelf,
            exception.MigrationPreCheckError) as error:
        raise _bad_request(error)


# -- evacuation ----------------------------------------------------------------------

@action('evacuate', policies.EVACUATE)
def _evacuate(self, instance, cell, body=None):
    ctx = common.context()
    req = common.request()
    conf = common.conf()
    args = body['evacuate']
    host = args.get('host')
    force = False
    password = None
    if not microversion.is_supported(req, '2.14'):
        on_shared_storage = strutils.bool_from_string(
            args['onSharedStorage'])
        password = args.get('adminPass')
        if password and on_shared_storage:
            raise webob.exc.HTTPBadRequest(
                explanation="admin password can't be changed on existing "
                            "disk")
        if not password and not on_shared_storage:
            password = server_common.generate_password()
    if microversion.is_supported(req, '2.29') and \
            not microversion.is_supported(req, '2.68'):
        force = strutils.bool_from_string(args.get('force', False),
                                          strict=True)
        if force and not host:
            raise webob.exc.HTTPBadRequest(
                explanation=_NO_FORCE_WITHOUT_HOST)
    if host is not None:
        try:
            mapping = cell_mapping.get_host_cell(ctx, host)
            service_obj.get_by_host_and_binary(
                nl_context.target_cell(ctx, mapping), host, 'nova-compute')
        except (exception.HostMappingNotFound,
                exception.ComputeHostNotFound, exception.CellMappingNotFound):
            raise webob.exc.HTTPNotFound(
                explanation='Compute host %s not found.' % host)
    if instance.host == host:
        raise webob.exc.HTTPBadRequest(
            explanation="The target host can't be the same one.")
    target_state = 'stopped' if microversion.is_supported(req, '2.95') \
        else None
    try:
        common.compute_api().evacuate(ctx, instance, cell, host=host,
                                      force=force,
                                      target_state=target_state)
    except exception.ComputeServiceInUse as error:
        raise _bad_request(error)
    if not microversion.is_supported(req, '2.14') and \
            conf.api.enable_instance_password:
        return Result({'adminPass': password}, status=200)
    return Result(None, status=200)


# -- rescue --

@action('rescue', policies.RESCUE)
def _rescue(self, instance, cell, body=None):
    ctx = common.context()
    req = common.request()
    args = body.get('rescue') or {}
    password = args.get('adminPass') or server_common.generate_password()
    try:
        common.compute_api().rescue(
            ctx, instance, cell,
            rescue_image_ref=args.get('rescue_image_ref'),
            allow_bfv_rescue=microversion.is_supported(req, '2.87'))
    except (exception.InstanceNotRescuable,
            exception.UnsupportedRescueImage) as error:
        raise _bad_request(error)
    if common.conf().api.enable_instance_password:
        return Result({'adminPass': password}, status=200)
    return Result({}, status=200)


@action('unrescue', policies.UNRESCUE)
def _unrescue(self, instance, cell, body=None):
    common.compute_api().unrescue(common.context(), instance, cell)
