"""/os-keypairs: list, show, create (generate or import), delete."""

import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import keypairs as schemas
from nova_lite.api.views import links
from nova_lite.compute import keypairs as keypair_api
from nova_lite import exception

POLICY_ROOT = 'os_compute_api:os-keypairs:%s'

_INDEX = ('name', 'public_key', 'fingerprint')
_CREATE = _INDEX + ('user_id',)
_SHOW = _CREATE + ('created_at', 'deleted', 'deleted_at', 'id',
                   'updated_at')


def _value(keypair, field):
    if field == 'deleted':
        return False
    if field == 'deleted_at':
        return None
    value = getattr(keypair, field)
    if field in ('created_at', 'updated_at') and value is not None:
        return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
    return value


def _view(req, keypair, fields):
    if microversion.is_supported(req, '2.2'):
        fields = fields + ('type',)
    return {f: _value(keypair, f) for f in fields}


def _query_user(req):
    """The user_id query parameter (2.10 on; the first value)."""
    if microversion.is_supported(req, '2.10') and 'user_id' in req.GET:
        return req.GET.getall('user_id')[0]
    return None


class KeypairsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = common.context()
        req = pecan.request
        user_id = _query_user(req) or ctx.user_id
        ctx.can(POLICY_ROOT % 'index', {'user_id': user_id})
        limit = marker = None
        paging = microversion.is_supported(req, '2.35')
        if paging:
            limit, marker = common.get_limit_and_marker(
                {k: req.GET.getall(k)[-1] for k in ('limit', 'marker')
                 if k in req.GET}, common.conf().api.max_limit)
        try:
            keypairs = keypair_api.get_key_pairs(ctx, user_id, limit=limit,
                                                 marker=marker)
        except exception.MarkerNotFound as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
        body = {'keypairs': [{'keypair': _view(req, k, _INDEX)}
                             for k in keypairs]}
        if paging and keypairs and limit and len(keypairs) == limit:
            body['keypairs_links'] = links.collection_next_link(
                req, 'os-keypairs', keypairs[-1].name)
        return body

    @expose()
    @common.with_schemas(schemas.MEMBER_QUERY_SCHEMAS, query=True)
    def get_one(self, keypair_name, **kwargs):
        ctx = common.context()
        req = pecan.request
        user_id = _query_user(req) or ctx.user_id
        ctx.can(POLICY_ROOT % 'show', {'user_id': user_id})
        try:
            keypair = keypair_api.get_key_pair(ctx, user_id, keypair_name)
        except exception.KeypairNotFound as error:
            raise common.not_found(error)
        return {'keypair': _view(req, keypair, _SHOW)}

    @expose()
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, **kwargs):
        ctx = common.context()
        req = pecan.request
        params = kwargs['body']['keypair']
        name = params['name'].strip()
        key_type = params.get('type', 'ssh')
        user_id = None
        if microversion.is_supported(req, '2.10'):
            user_id = params.get('user_id')
        user_id = user_id or ctx.user_id
        ctx.can(POLICY_ROOT % 'create', {'user_id': user_id})
        private_key = None
        try:
            if 'public_key' in params:
                keypair = keypair_api.import_key_pair(
                    ctx, user_id, name, params['public_key'], key_type)
            else:
                keypair, private_key = keypair_api.create_key_pair(
                    ctx, user_id, name, key_type)
        except exception.KeypairLimitExceeded as error:
            raise webob.exc.HTTPForbidden(explanation=str(error))
        except exception.InvalidKeypair as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
        except exception.KeyPairExists as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())
        body = _view(req, keypair, _CREATE)
        if private_key is not None:
            body['private_key'] = private_key
        status = 201 if microversion.is_supported(req, '2.2') else 200
        return Result({'keypair': body}, status=status)

    @expose()
    @common.with_schemas(schemas.MEMBER_QUERY_SCHEMAS, query=True)
    def delete(self, keypair_name, **kwargs):
        ctx = common.context()
        req = pecan.request
        user_id = _query_user(req) or ctx.user_id
        ctx.can(POLICY_ROOT % 'delete', {'user_id': user_id})
        try:
            keypair_api.delete_key_pair(ctx, user_id, keypair_name)
        except exception.KeypairNotFound as error:
            raise common.not_found(error)
        status = 204 if microversion.is_supported(req, '2.2') else 202
        return Result(None, status=status)
