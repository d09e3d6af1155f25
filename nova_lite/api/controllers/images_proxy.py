"""/images and /images/{image_id}/metadata: the images of the image
service, as the caller sees them there (with the caller's token), passed
through by the compute API. The image list, show and delete end at 2.35,
the image metadata at 2.38 (the Image API is to be used directly).

nova has no policy rules for these: the image service decides."""

import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers.hosts import no_empty_id
from nova_lite.api.controllers.hosts import until
from nova_lite.api.expose import expose
from nova_lite.api.schemas import images_proxy as schemas
from nova_lite.api import validation
from nova_lite.api.views import images as views
from nova_lite import exception
from nova_lite.image import glance
from nova_lite import quota

REMOVED_IN = '2.36'
METADATA_REMOVED_IN = '2.39'

# The query parameters nova passes on, and the Image v2 filter of each.
_FILTERS = {'name': 'name', 'status': 'status',
            'changes-since': 'changes-since', 'server': 'instance_uuid',
            'type': 'image_type', 'minRam': 'min_ram',
            'minDisk': 'min_disk'}


def _image_not_found():
    return webob.exc.HTTPNotFound(explanation='Image not found.')


def _filters(params):
    """Image v2 filters of the request's query."""
    out = {}
    for name in params.keys():
        value = common.last_param(params, name)
        if name in _FILTERS:
            out[_FILTERS[name]] = value
        elif name.startswith('property-') and len(name) > 9:
            out[name[9:]] = value
    if 'instance_uuid' in out and '/' in out['instance_uuid']:
        # ``server`` may be the server's URL.
        out['instance_uuid'] = out['instance_uuid'].rsplit('/', 1)[1]
    if 'status' in out:
        out['status'] = out['status'].lower()
    if 'changes-since' in out:
        out['updated_at'] = 'gte:' + out.pop('changes-since')
    return out


def _list(view, collection):
    req = common.request()
    ctx = common.context()
    conf = common.conf()
    limit, marker = common.get_limit_and_marker(req.GET)
    try:
        images = glance.list_page(conf, ctx, _filters(req.GET), limit=limit,
                                  marker=marker)
    except exception.Invalid as error:
        raise common.bad_request(error)
    return views.listing(req, conf, ctx, images, view, collection,
                         conf.api.max_limit)


def _get(image_id):
    ctx = common.context()
    try:
        return glance.get(common.conf(), ctx, image_id)
    except exception.ImageNotAuthorized as error:
        raise webob.exc.HTTPForbidden(explanation=error.format_message())
    except exception.ImageNotFound:
        raise _image_not_found()


class ImagesController(common.RestController):
    _custom_actions = {'detail': ['GET']}

    @expose()
    @until(REMOVED_IN)
    @no_empty_id
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        return _list(views.basic, 'images')

    @expose()
    @until(REMOVED_IN)
    @common.with_schemas(schemas.INDEX_QUERY_SCHEMAS, query=True)
    def detail(self, **kwargs):
        return _list(views.show, 'images/detail')

    @expose()
    @until(REMOVED_IN)
    def get_one(self, image_id, **kwargs):
        image = _get(image_id)
        return {'image': views.show(common.request(), common.conf(),
                                    common.context(), image)}

    @expose(status=204)
    @until(REMOVED_IN)
    def delete(self, image_id, **kwargs):
        try:
            glance.delete(common.conf(), common.context(), image_id)
        except exception.ImageNotFound:
            raise _image_not_found()
        except exception.NotAuthorized:
            raise webob.exc.HTTPForbidden(
                explanation='You are not allowed to delete the image.')
        return None


def _save(image, properties):
    """Make ``properties`` the image's custom properties, within the
    ``metadata_items`` quota."""
    ctx = common.context()
    if properties:
        try:
            quota.check_metadata_items(ctx, properties)
        except exception.MetadataLimitExceeded:
            raise webob.exc.HTTPForbidden(
                explanation='Image metadata limit exceeded')
    try:
        return glance.update_properties(common.conf(), ctx, image,
                                        properties)
    except exception.ImageNotAuthorized as error:
        raise webob.exc.HTTPForbidden(explanation=error.format_message())
    except exception.ImageNotFound:
        raise _image_not_found()
    except exception.Invalid as error:
        raise common.bad_request(error)


class ImageMetadataController(common.RestController):
    # PUT on the collection replaces every item (``put`` without a key).
    _collection_methods = ('PUT',)

    @expose()
    @until(METADATA_REMOVED_IN)
    def get_all(self, image_id, **kwargs):
        return {'metadata': dict(_get(image_id).properties)}

    @expose()
    @until(METADATA_REMOVED_IN)
    def get_one(self, image_id, key, **kwargs):
        properties = _get(image_id).properties
        if key not in properties:
            raise webob.exc.HTTPNotFound(
                explanation='The resource could not be found.')
        return {'meta': {key: properties[key]}}

    @expose()
    @until(METADATA_REMOVED_IN)
    @common.with_schemas(schemas.METADATA_CREATE_SCHEMAS)
    def post(self, image_id, **kwargs):
        image = _get(image_id)
        properties = dict(image.properties)
        properties.update(kwargs['body']['metadata'])
        image = _save(image, properties)
        return {'metadata': dict(image.properties)}

    @expose()
    @until(METADATA_REMOVED_IN)
    def put(self, image_id, key=None, **kwargs):
        body = validation.request_body(common.request())
        if key is None:
            validation.validate(schemas.metadata_update_all, body)
            image = _get(image_id)
            _save(image, body['metadata'])
            return {'metadata': body['metadata']}
        validation.validate(schemas.metadata_update, body)
        item = body['meta']
        if key not in item:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        image = _get(image_id)
        properties = dict(image.properties)
        properties.update(item)
        _save(image, properties)
        return {'meta': item}

    # The body schemas ``put`` validates with, for the API documents.
    put._request_body_schemas = [('2.1', '2.38', schemas.metadata_update)]

    @expose(status=204)
    @until(METADATA_REMOVED_IN)
    def delete(self, image_id, key, **kwargs):
        image = _get(image_id)
        if key not in image.properties:
            raise webob.exc.HTTPNotFound(explanation='Invalid metadata key')
        properties = dict(image.properties)
        del properties[key]
        _save(image, properties)
        return None


pecan.route(ImagesController, 'metadata', ImageMetadataController())
