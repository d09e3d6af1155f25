"""/os-quota-sets/{tenant_id} (show, detail, defaults, update, delete)
and /os-quota-class-sets/{quota_class} (show, update)."""

from urllib import parse as urlparse

from oslo_utils import strutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import quota_sets as schemas
from nova_lite.objects import quotas as quota_obj
from nova_lite import quota

POLICY_ROOT = 'os_compute_api:os-quota-sets:%s'
CLASS_POLICY_ROOT = 'os_compute_api:os-quota-class-sets:%s'
MAX_INT = 0x7FFFFFFF


def _version(req):
    return str(microversion.get_version(req))


def _format(key, ident, values, names):
    result = {}
    if ident is not None:
        result['id'] = str(ident)
    for name in quota.NAMES:
        if name in names and name in values:
            result[name] = values[name]
    return {key: result}


def _first_query(req, name):
    """The first value of a query parameter, as nova reads it here."""
    params = urlparse.parse_qs(req.environ.get('QUERY_STRING', ''))
    return params.get(name, [None])[0]


def _quotas(ctx, project_id, user_id=None, usages=False):
    if user_id:
        values = quota.get_user_quotas(ctx, project_id, user_id,
                                       usages=usages)
    else:
        values = quota.get_project_quotas(ctx, project_id, usages=usages)
    if usages:
        reserved = quota.get_reserved(ctx)
        for value in values.values():
            value['reserved'] = reserved
        return values
    return {k: v['limit'] for k, v in values.items()}


def _as_limit(resource, value):
    """A limit the schema accepted (an integer or a string of digits)
    as an integer; digit strings out of the range the schema gives
    integers (-1 to the database's largest) are refused as the schema
    refuses such integers."""
    limit = int(value)
    if limit > MAX_INT:
        raise webob.exc.HTTPBadRequest(explanation=(
            'Invalid input for field/attribute %s. Value: %s. %s is '
            'greater than the maximum of %d' % (resource, value, value,
                                                MAX_INT)))
    if limit < -1:
        raise webob.exc.HTTPBadRequest(explanation=(
            'Invalid input for field/attribute %s. Value: %s. %s is less '
            'than the minimum of -1' % (resource, value, value)))
    return limit


def _check_limit(resource, limit, minimum, maximum):
    def inf(value):
        return float('inf') if value == -1 else value

    if inf(limit) < inf(minimum):
        raise webob.exc.HTTPBadRequest(explanation=(
            'Quota limit %(limit)s for %(resource)s must be greater than '
            'or equal to already used and reserved %(minimum)s.' % {
                'limit': limit, 'resource': resource, 'minimum': minimum}))
    if inf(limit) > inf(maximum):
        raise webob.exc.HTTPBadRequest(explanation=(
            'Quota limit %(limit)s for %(resource)s must be less than or '
            'equal to %(maximum)s.' % {'limit': limit, 'resource': resource,
                                       'maximum': maximum}))


class QuotaSetsController(common.RestController):
    _custom_actions = {'detail': ['GET'], 'defaults': ['GET']}
    # Both act on one project: /os-quota-sets/{tenant_id}/detail.
    _member_actions = frozenset(_custom_actions)

    @expose()
    @common.with_schemas(schemas.USER_QUERY_SCHEMAS, query=True)
    def get_one(self, tenant_id, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(POLICY_ROOT % 'show', {'project_id': tenant_id})
        user_id = _first_query(req, 'user_id')
        return _format('quota_set', tenant_id,
                       _quotas(ctx, tenant_id, user_id=user_id),
                       schemas.shown(_version(req)))

    @expose()
    @common.with_schemas(schemas.USER_QUERY_SCHEMAS, query=True)
    def detail(self, *args, **kwargs):
        if len(args) != 1:
            # /os-quota-sets/detail: the quotas of a project so named.
            return self.get_one('detail', **kwargs)
        tenant_id = args[0]
        ctx = common.context()
        req = pecan.request
        ctx.can(POLICY_ROOT % 'detail', {'project_id': tenant_id})
        user_id = req.GET.get('user_id')
        return _format('quota_set', tenant_id,
                       _quotas(ctx, tenant_id, user_id=user_id,
                               usages=True),
                       schemas.shown(_version(req)))

    @expose()
    @common.with_schemas(schemas.DEFAULTS_QUERY_SCHEMAS, query=True)
    def defaults(self, *args, **kwargs):
        if len(args) != 1:
            return self.get_one('defaults', **kwargs)
        tenant_id = args[0]
        ctx = common.context()
        req = pecan.request
        ctx.can(POLICY_ROOT % 'defaults', {'project_id': tenant_id})
        return _format('quota_set', tenant_id, quota.get_defaults(ctx),
                       schemas.shown(_version(req)))

    @expose()
    @common.with_schemas(schemas.USER_QUERY_SCHEMAS, query=True)
    @common.with_schemas(schemas.UPDATE_SCHEMAS)
    def put(self, tenant_id, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(POLICY_ROOT % 'update', {'project_id': tenant_id})
        user_id = _first_query(req, 'user_id')
        quota_set = kwargs['body']['quota_set']
        force = strutils.bool_from_string(quota_set.get('force', 'False'))
        settable = quota.get_settable_quotas(ctx, tenant_id,
                                             user_id=user_id)
        valid = {}
        for key, value in quota_set.items():
            if key == 'force' or (not value and value != 0):
                continue
            value = _as_limit(key, value)
            if not force:
                _check_limit(key, value, settable[key]['minimum'],
                             settable[key]['maximum'])
            valid[key] = value
        for key, value in valid.items():
            quota_obj.set_limit(ctx, tenant_id, key, value, user_id=user_id)
        return _format('quota_set', None,
                       _quotas(ctx, tenant_id, user_id=user_id),
                       schemas.shown(_version(req)))

    @expose()
    @common.with_schemas(schemas.USER_QUERY_SCHEMAS, query=True)
    def delete(self, tenant_id, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(POLICY_ROOT % 'delete', {'project_id': tenant_id})
        user_id = _first_query(req, 'user_id')
        if user_id:
            quota_obj.destroy_all_by_project_and_user(ctx, tenant_id,
                                                      user_id)
        else:
            quota_obj.destroy_all_by_project(ctx, tenant_id)
        return Result(None, status=202)


class QuotaClassSetsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.CLASS_QUERY_SCHEMAS, query=True)
    def get_one(self, quota_class, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(CLASS_POLICY_ROOT % 'show', {})
        return _format('quota_class_set', quota_class,
                       quota.get_class_quotas(ctx, quota_class),
                       schemas.shown_in_class(_version(req)))

    @expose()
    @common.with_schemas(schemas.CLASS_UPDATE_SCHEMAS)
    def put(self, quota_class, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(CLASS_POLICY_ROOT % 'update', {})
        if len(quota_class) > 255:
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid input received: quota_class_name has '
                            'more than 255 characters.')
        updates = {key: _as_limit(key, value) for key, value in
                   kwargs['body']['quota_class_set'].items()}
        for key, value in updates.items():
            quota_obj.set_class_limit(ctx, quota_class, key, value)
        return _format('quota_class_set', None,
                       quota.get_class_quotas(ctx, quota_class),
                       schemas.shown_in_class(_version(req)))
