"""/flavors: list, detail, show."""

from oslo_utils import strutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import flavors as schemas
from nova_lite.api.views import flavors as views
from nova_lite import exception
from nova_lite.objects import flavor as flavor_obj

FLAVOR_EXTRA_SPECS = 'os_compute_api:os-flavor-extra-specs:index'


def _int_param(params, name):
    value = params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid %s filter [%s]' % (name, value))


class FlavorsController(common.RestController):
    _custom_actions = {'detail': ['GET']}

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
