"""/servers/{server_id}/tags: a server's tags (microversion 2.26).

GET and PUT (replace) on the collection and DELETE of every tag; GET (204
or 404), PUT (201 with a Location, or 204 for a tag the server has) and
DELETE on one tag. Changes are refused outside ACTIVE, PAUSED, SUSPENDED
and STOPPED; a server has at most 50 tags of 1 to 60 characters, without
``/`` or ``,``.
"""

from urllib import parse

import jsonschema
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.expose import expose
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import parameter_types as pt
from nova_lite.api.schemas import server_tags as schemas
from nova_lite.api import validation
from nova_lite.api.views import links
from nova_lite.compute import server_data
from nova_lite import exception

POLICY = 'os_compute_api:os-server-tags:%s'


def _server(server_id, rule):
    if not microversion.is_supported(common.request(), '2.26'):
        # No such resource before 2.26.
        raise webob.exc.HTTPNotFound()
    ctx = common.context()
    instance, cell = server_common.get_server(ctx, server_id)
    ctx.can(POLICY % rule, {'project_id': instance.project_id})
    return ctx, instance, cell


def _change(server_id, func, *args):
    try:
        return func(common.context(), *args)
    except exception.InstanceInvalidState as error:
        method = {'update_tag': 'update tag', 'set_tags': 'update tags',
                  'delete_tag': 'delete tag',
                  'delete_all_tags': 'delete tags'}[func.__name__]
        raise common.conflict_for_invalid_state(error, method, server_id)


def _validate_tag(tag):
    try:
        jsonschema.validate(tag, pt.tag)
    except jsonschema.ValidationError as error:
        raise webob.exc.HTTPBadRequest(
            explanation="Tag '%(tag)s' is invalid. It must be a non empty "
                        "string without characters '/' and ','. Validation "
                        "error message: %(err)s" % {'tag': tag,
                                                    'err': error.message})


def update_tag(ctx, instance, cell, tag):
    return server_data.add_tag(ctx, instance, cell, tag,
                               lambda: _validate_tag(tag))


class ServerTagsController(common.RestController):
    # PUT and DELETE on the collection replace and remove every tag
    # (``put`` and ``delete`` without a tag); tests/security/routes.py
    # lists them from here.
    _collection_methods = ('PUT', 'DELETE')

    @expose()
    @validation.query_schema(schemas.query)
    def get_all(self, server_id, **kwargs):
        _ctx, instance, _cell = _server(server_id, 'index')
        return {'tags': list(instance.tags or [])}

    @expose(status=204)
    @validation.query_schema(schemas.query)
    def get_one(self, server_id, tag, **kwargs):
        _ctx, instance, _cell = _server(server_id, 'show')
        if tag not in (instance.tags or []):
            raise webob.exc.HTTPNotFound(
                explanation="Server %s has no tag '%s'" % (server_id, tag))
        return None

    @expose()
    def put(self, server_id, tag=None, **kwargs):
        body = validation.request_body(common.request())
        if tag is None:
            if microversion.is_supported(common.request(), '2.26'):
                validation.validate(schemas.update_all, body)
            _ctx, instance, cell = _server(server_id, 'update_all')
            tags = _change(server_id, server_data.set_tags, instance, cell,
                           body['tags'])
            return {'tags': tags}
        if microversion.is_supported(common.request(), '2.26'):
            validation.validate(schemas.update, body)
        _ctx, instance, cell = _server(server_id, 'update')
        if not _change(server_id, update_tag, instance, cell, tag):
            return Result(None, status=204)
        # Header values are Latin-1: a tag outside it is percent-encoded.
        location = '%s/tags/%s' % (
            links.server_links(common.request(), server_id)[0]['href'],
            tag if tag.isascii() and tag.isprintable() else
            parse.quote(tag, safe="!$&'()*+,;=:@ "))
        return Result(None, status=201, headers={'Location': location})

    # The body schemas ``put`` validates with, for the API documents.
    put._request_body_schemas = [('2.26', None, schemas.update_all)]

    @expose(status=204)
    def delete(self, server_id, tag=None, **kwargs):
        if tag is None:
            _ctx, instance, cell = _server(server_id, 'delete_all')
            _change(server_id, server_data.delete_all_tags, instance, cell)
            return None
        _ctx, instance, cell = _server(server_id, 'delete')
        try:
            _change(server_id, server_data.delete_tag, instance, cell, tag)
        except exception.InstanceTagNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message())
        return None
