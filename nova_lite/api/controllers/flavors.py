"""/flavors: list, detail, show; create, update and delete (admin)."""

from oslo_utils import strutils
from oslo_utils import uuidutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import flavor_extras
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import flavors as schemas
from nova_lite.api.views import flavors as views
from nova_lite import exception
from nova_lite.objects import flavor as flavor_obj

FLAVOR_EXTRA_SPECS = 'os_compute_api:os-flavor-extra-specs:index'
MANAGE = 'os_compute_api:os-flavor-manage:%s'
_MAX_INT = 0x7FFFFFFF
_SQL_SP_FLOAT_MAX = 3.40282e+38
# Body field, name in nova's messages, minimum.
_INTEGERS = (('ram', 'ram', 1), ('vcpus', 'vcpus', 1), ('disk', 'disk', 0),
             ('OS-FLV-EXT-DATA:ephemeral', 'ephemeral', 0),
             ('swap', 'swap', 0))


def _int_param(params, name):
    value = params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid %s filter [%s]' % (name, value))


def _integer(value, name, minimum):
    try:
        number = int(str(value))
    except ValueError:
        raise exception.InvalidInput(reason='%s must be an integer' % name)
    if number < minimum:
        raise exception.InvalidInput(
            reason='%s must be >= %d' % (name, minimum))
    if number > _MAX_INT:
        raise exception.InvalidInput(
            reason='%s must be <= %d' % (name, _MAX_INT))
    return number


def _create_values(req, body):
    """The new flavor's columns from a validated body, checked as nova
    checks them (a missing id becomes a generated UUID)."""
    vals = body['flavor']
    flavorid = vals.get('id')
    if flavorid is None or flavorid == '':
        flavorid = uuidutils.generate_uuid()
    name = vals['name']
    values = {'name': name.strip() if isinstance(name, str) else name,
              'flavorid': str(flavorid)}
    columns = ('memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb', 'swap')
    for column, (field, label, minimum) in zip(columns, _INTEGERS):
        values[column] = _integer(vals.get(field, 0), label, minimum)
    try:
        rxtx = float(vals.get('rxtx_factor', 1.0))
        if rxtx <= 0 or rxtx > _SQL_SP_FLOAT_MAX:
            raise ValueError()
    except ValueError:
        raise exception.InvalidInput(
            reason="'rxtx_factor' argument must be a float between 0 and "
                   "%g" % _SQL_SP_FLOAT_MAX)
    values['rxtx_factor'] = rxtx
    values['is_public'] = strutils.bool_from_string(
        vals.get('os-flavor-access:is_public', True), strict=True)
    values['description'] = vals.get('description') if \
        microversion.is_supported(req, '2.55') else None
    return values


class FlavorsController(common.RestController):
    _custom_actions = {'detail': ['GET']}
    action = flavor_extras.FlavorActionController()

    def _list(self, is_detail):
        ctx = common.context()
        req = pecan.request
        params = {k: req.GET.getall(k)[-1] for k in req.GET.keys()}
        is_public = True
        if ctx.is_admin and 'is_public' in params:
            value = params['is_public'].lower()
            if value == 'none':
                is_public = None
            else:
                try:
                    is_public = strutils.bool_from_string(value, strict=True)
                except ValueError:
                    raise webob.exc.HTTPBadRequest(
                        explanation='Invalid is_public filter [%s]'
                                    % params['is_public'])
        sort_key = params.get('sort_key', 'flavorid')
        sort_dir = params.get('sort_dir', 'asc')
        if sort_key not in flavor_obj.SORT_KEYS or \
                sort_dir not in ('asc', 'desc'):
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid sort_key or sort_dir')
        limit, marker = common.get_limit_and_marker(
            params, common.conf().api.max_limit)
        try:
            flavors = flavor_obj.get_all(
                ctx, is_public=is_public,
                min_memory_mb=_int_param(params, 'minRam'),
                min_root_gb=_int_param(params, 'minDisk'),
                sort_key=sort_key, sort_dir=sort_dir, limit=limit,
                marker=marker, name=params.get('name') if
                microversion.is_supported(req, '2.102') else None)
        except exception.MarkerNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='marker [%s] not found' % marker)
        next_marker = flavors[-1].flavorid if limit and \
            len(flavors) == limit else None
        if not is_detail:
            return views.index(req, flavors, next_marker=next_marker)
        return views.detail(req, flavors, show_extra_specs=self._specs(ctx),
                            next_marker=next_marker)

    def _specs(self, ctx):
        return microversion.is_supported(pecan.request, '2.61') and bool(
            ctx.can(FLAVOR_EXTRA_SPECS, fatal=False))

    @expose()
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        return self._list(is_detail=False)

    @expose()
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def detail(self, **kwargs):
        return self._list(is_detail=True)

    @expose()
    @common.with_schemas(schemas.SHOW_QUERY_SCHEMAS, query=True)
    def get_one(self, flavor_id, **kwargs):
        ctx = common.context()
        try:
            flavor = flavor_obj.get_by_flavor_id(ctx, flavor_id)
        except exception.FlavorNotFound as error:
            raise common.not_found(error)
        return views.show(pecan.request, flavor,
                          show_extra_specs=self._specs(ctx))

    @expose()
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(MANAGE % 'create', target={})
        flavor = flavor_obj.create_flavor(ctx, _create_values(
            req, kwargs['body']))
        flavor.extra_specs = {}
        return views.show(req, flavor, show_extra_specs=self._specs(ctx))

    @expose()
    @common.since('2.55')
    @common.with_schemas(schemas.UPDATE_SCHEMAS)
    def put(self, flavor_id, **kwargs):
        req = pecan.request
        ctx = common.context()
        ctx.can(MANAGE % 'update', target={})
        try:
            flavor = flavor_obj.update_description(
                ctx, flavor_id, kwargs['body']['flavor']['description'])
        except exception.FlavorNotFound as error:
            raise common.not_found(error)
        return views.show(req, flavor, show_extra_specs=self._specs(ctx))

    @expose(status=202)
    def delete(self, flavor_id, **kwargs):
        ctx = common.context()
        ctx.can(MANAGE % 'delete', target={})
        try:
            flavor_obj.destroy(ctx, flavor_id)
        except exception.FlavorNotFound as error:
            raise common.not_found(error)
        return None


pecan.route(FlavorsController, 'os-extra_specs',
            flavor_extras.ExtraSpecsController())
pecan.route(FlavorsController, 'os-flavor-access',
            flavor_extras.FlavorAccessController())
