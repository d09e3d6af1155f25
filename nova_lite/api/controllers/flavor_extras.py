"""/flavors/{flavor_id}/os-extra_specs, /flavors/{flavor_id}/os-flavor-access
and the flavor access actions (/flavors/{flavor_id}/action)."""

import pecan
import webob
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api import expose as expose_mod
from nova_lite.api import extra_specs
from nova_lite.api import microversion
from nova_lite.api.schemas import admin_views
from nova_lite.api.schemas import flavors as schemas
from nova_lite.api import validation
from nova_lite import exception
from nova_lite.objects import flavor as flavor_obj

expose = expose_mod.expose
SPECS = 'os_compute_api:os-flavor-extra-specs:%s'
ACCESS = 'os_compute_api:os-flavor-access'
ACCESS_ROOT = 'os_compute_api:os-flavor-access:%s'
_MAX_VALUE_LENGTH = 255


def get_flavor(ctx, flavor_id):
    """The flavor as the caller may see it, or 404."""
    try:
        return flavor_obj.get_by_flavor_id(ctx, flavor_id)
    except exception.FlavorNotFound as error:
        raise common.not_found(error)


def _no_such_key(flavor_id, key):
    return webob.exc.HTTPNotFound(
        explanation='Flavor %s has no extra specs with key %s.' % (
            flavor_id, key))


def _empty_200():
    """200 with no body, as nova answers a deleted extra spec (pecan turns
    an empty 200 into a 204 unless the body is a generator)."""
    def _chunks():
        yield b''
    resp = webob.Response(status=200, app_iter=_chunks())
    resp.content_type = None
    resp.headers['Content-Length'] = '0'
    return resp


def _check_values(req, specs):
    validate = microversion.is_supported(req, '2.86')
    for name, value in specs.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
            if len(value) > _MAX_VALUE_LENGTH:
                raise webob.exc.HTTPBadRequest(
                    explanation='extra_specs value has %d characters, more '
                                'than %d.' % (len(value), _MAX_VALUE_LENGTH))
        if validate:
            extra_specs.validate(name, value)


class ExtraSpecsController(common.RestController):

    @expose()
    @common.with_schemas(admin_views.NO_QUERY, query=True)
    def get_all(self, flavor_id, **kwargs):
        ctx = common.context()
        ctx.can(SPECS % 'index', target={'project_id': ctx.project_id})
        flavor = get_flavor(ctx, flavor_id)
        return {'extra_specs': dict(flavor.extra_specs)}

    @expose()
    @common.with_schemas(admin_views.NO_QUERY, query=True)
    def get_one(self, flavor_id, key, **kwargs):
        ctx = common.context()
        ctx.can(SPECS % 'show', target={'project_id': ctx.project_id})
        flavor = get_flavor(ctx, flavor_id)
        if key not in flavor.extra_specs:
            raise _no_such_key(flavor_id, key)
        return {key: flavor.extra_specs[key]}

    @expose()
    @validation.schema(schemas.extra_specs_create)
    def post(self, flavor_id, **kwargs):
        ctx = common.context()
        ctx.can(SPECS % 'create', target={})
        body = kwargs['body']
        _check_values(pecan.request, body['extra_specs'])
        get_flavor(ctx, flavor_id)
        try:
            flavor_obj.update_extra_specs(ctx, flavor_id,
                                          body['extra_specs'])
        except exception.FlavorNotFound as error:
            raise common.not_found(error)
        return body

    @expose()
    @validation.schema(schemas.extra_specs_update)
    def put(self, flavor_id, key, **kwargs):
        ctx = common.context()
        ctx.can(SPECS % 'update', target={})
        body = kwargs['body']
        _check_values(pecan.request, body)
        if key not in body:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        get_flavor(ctx, flavor_id)
        try:
            flavor_obj.update_extra_specs(ctx, flavor_id, body)
        except exception.FlavorNotFound as error:
            raise common.not_found(error)
        return body

    @expose()
    def delete(self, flavor_id, key, **kwargs):
        ctx = common.context()
        ctx.can(SPECS % 'delete', target={})
        get_flavor(ctx, flavor_id)
        try:
            flavor_obj.delete_extra_spec(ctx, flavor_id, key)
        except exception.FlavorExtraSpecsNotFound:
            raise _no_such_key(flavor_id, key)
        except exception.FlavorNotFound as error:
            raise common.not_found(error)
        return _empty_200()


def _access_view(ctx, flavor_id):
    projects = flavor_obj.get_projects(ctx, flavor_id)
    return {'flavor_access': [{'flavor_id': flavor_id, 'tenant_id': p}
                              for p in projects]}


class FlavorAccessController(common.RestController):

    @expose()
    @common.with_schemas(admin_views.NO_QUERY, query=True)
    def get_all(self, flavor_id, **kwargs):
        ctx = common.context()
        ctx.can(ACCESS)
        flavor = get_flavor(ctx, flavor_id)
        if flavor.is_public:
            raise webob.exc.HTTPNotFound(
                explanation='Access list not available for public flavors.')
        return _access_view(ctx, flavor.flavorid)


_ACTION_SCHEMAS = {'addTenantAccess': schemas.add_tenant_access,
                   'removeTenantAccess': schemas.remove_tenant_access}
ACTIONS = tuple(sorted(_ACTION_SCHEMAS))


class FlavorActionController(common.RestController):
    """POST /flavors/{flavor_id}/action: addTenantAccess and
    removeTenantAccess."""

    @expose()
    def post(self, flavor_id, **kwargs):
        req = pecan.request
        body = validation.request_body(req)
        if not isinstance(body, dict) or len(body) != 1:
            raise webob.exc.HTTPBadRequest(
                explanation='Malformed request body')
        name = next(iter(body))
        if name not in _ACTION_SCHEMAS:
            raise webob.exc.HTTPBadRequest(
                explanation='There is no such action: %s' % name)
        validation.validate(_ACTION_SCHEMAS[name], body)
        ctx = common.context()
        tenant = body[name]['tenant']
        if name == 'addTenantAccess':
            ctx.can(ACCESS_ROOT % 'add_tenant_access', target={})
            flavor = get_flavor(ctx, flavor_id)
            if microversion.is_supported(req, '2.7') and flavor.is_public:
                raise webob.exc.HTTPConflict(
                    explanation='Can not add access to a public flavor.')
            flavor_obj.add_access(ctx, flavor.flavorid, tenant)
        else:
            ctx.can(ACCESS_ROOT % 'remove_tenant_access', target={})
            flavor = get_flavor(ctx, flavor_id)
            flavor_obj.remove_access(ctx, flavor.flavorid, tenant)
        return _access_view(ctx, flavor.flavorid)
