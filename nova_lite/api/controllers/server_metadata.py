"""/servers/{server_id}/metadata: a server's metadata items.

GET, POST (merge) and PUT (replace) on the collection; GET, PUT and DELETE
on one key. Changes are refused on a locked server (to non-administrators)
and outside ACTIVE, PAUSED, SUSPENDED and STOPPED without a task, and are
held to ``[quota] metadata_items``.
"""

import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.expose import expose
from nova_lite.api.schemas import server_metadata as schemas
from nova_lite.api import validation
from nova_lite.compute import server_data
from nova_lite import exception

POLICY = 'os_compute_api:server-metadata:%s'


def _server(server_id, rule):
    ctx = common.context()
    instance, cell = server_common.get_server(ctx, server_id)
    ctx.can(POLICY % rule, {'project_id': instance.project_id})
    return ctx, instance, cell


def _not_found():
    return webob.exc.HTTPNotFound(explanation='Metadata item was not found')


def _change(instance, method, func, *args):
    ctx = common.context()
    try:
        return func(ctx, *args)
    except exception.InstanceIsLocked as error:
        raise webob.exc.HTTPConflict(explanation=error.format_message())
    except exception.InstanceInvalidState as error:
        raise common.conflict_for_invalid_state(error, method,
                                                instance.uuid)


def _update(server_id, rule, metadata, delete):
    ctx, instance, cell = _server(server_id, rule)
    return _change(instance, 'update metadata',
                   lambda c: server_data.update_metadata(
                       c, instance, cell, metadata, delete=delete))


class ServerMetadataController(common.RestController):
    # PUT on the collection replaces every item (``put`` without a key);
    # tests/security/routes.py lists it from here.
    _collection_methods = ('PUT',)

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_all(self, server_id, **kwargs):
        _ctx, instance, _cell = _server(server_id, 'index')
        return {'metadata': dict(instance.metadata or {})}

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_one(self, server_id, key, **kwargs):
        _ctx, instance, _cell = _server(server_id, 'show')
        metadata = instance.metadata or {}
        if key not in metadata:
            raise _not_found()
        return {'meta': {key: metadata[key]}}

    @expose()
    @validation.schema(schemas.create)
    def post(self, server_id, **kwargs):
        # 200, not 201: nova's answer, kept for compatibility.
        return {'metadata': _update(server_id, 'create',
                                    kwargs['body']['metadata'],
                                    delete=False)}

    @expose()
    def put(self, server_id, key=None, **kwargs):
        body = validation.request_body(common.request())
        if key is None:
            validation.validate(schemas.update_all, body)
            return {'metadata': _update(server_id, 'update_all',
                                        body['metadata'], delete=True)}
        validation.validate(schemas.update, body)
        ctx, instance, cell = _server(server_id, 'update')
        item = body['meta']
        if key not in item:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        _change(instance, 'update metadata',
                lambda c: server_data.update_metadata(
                    c, instance, cell, item, delete=False))
        return {'meta': item}

    # The body schemas ``put`` validates with, for the API documents.
    put._request_body_schemas = [(None, None, schemas.update)]

    @expose(status=204)
    def delete(self, server_id, key, **kwargs):
        _ctx, instance, cell = _server(server_id, 'delete')
        if key not in (instance.metadata or {}):
            raise _not_found()
        try:
            _change(instance, 'delete metadata',
                    server_data.delete_metadata_item, instance, cell, key)
        except exception.NotFound:
            raise _not_found()
        return None
