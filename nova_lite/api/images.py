"""A read-only Image API v2 over the configured catalog, and the static
identity discovery document the openstack CLI needs without Keystone.

Served at ``/image`` and, for novaclient's image look-ups through the
compute endpoint, at ``/v2.1[/{project_id}]/v2/images``.
"""

from urllib import parse as urlparse

import webob

from nova_lite.image import catalog
from nova_lite import serialization


def _json(status, body):
    resp = webob.Response(status=status)
    resp.content_type = 'application/json'
    resp.charset = 'UTF-8'
    resp.body = serialization.dump_as_bytes(body)
    return resp


def _not_found(message):
    return _json(404, {'message': message, 'code': '404 Not Found',
                       'title': 'Not Found'})


def _filter(images, params):
    if 'name' in params:
        images = [i for i in images if i.name == params['name']]
    if params.get('id', '').startswith('in:'):
        wanted = set(params['id'][3:].split(','))
        images = [i for i in images if i.id in wanted]
    elif 'id' in params:
        images = [i for i in images if i.id == params['id']]
    return images


def images_response(conf, method, path, query):
    """Answer ``path`` (starting at ``/v2/images``) or return None."""
    if method not in ('GET', 'HEAD'):
        return None
    parts = [p for p in path.split('/') if p]
    if parts[:2] != ['v2', 'images']:
        return None
    if len(parts) == 2:
        params = dict(urlparse.parse_qsl(query))
        images = _filter(catalog.all_images(conf), params)
        return _json(200, {'images': [i.to_v2() for i in images],
                           'schema': '/v2/schemas/images',
                           'first': '/v2/images'})
    if len(parts) == 3:
        try:
            return _json(200, catalog.get(conf, parts[2]).to_v2())
        except Exception:
            return _not_found('No image found with ID %s' % parts[2])
    return None


class ImageApp:
    """``/image``: version discovery (300) and the v2 image resources."""

    def __init__(self, conf):
        self.conf = conf

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        path = req.path_info
        if path in ('', '/'):
            base = req.application_url.rstrip('/')
            resp = _json(300, {'versions': [{
                'id': 'v2.16', 'status': 'CURRENT',
                'links': [{'rel': 'self', 'href': base + '/v2/'}]}]})
        else:
            resp = images_response(self.conf, req.method, path,
                                   environ.get('QUERY_STRING', ''))
            if resp is None:
                resp = _not_found('The resource could not be found.')
        return resp(environ, start_response)


class IdentityDiscoveryApp:
    """``/identity/v3``: the version document, for clients' discovery."""

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        base = req.application_url.rstrip('/')
        resp = _json(200, {'version': {
            'id': 'v3.14', 'status': 'stable',
            'updated': '2020-04-07T00:00:00Z',
            'links': [{'rel': 'self', 'href': base + '/v3/'}],
            'media-types': [{'base': 'application/json',
                             'type': 'application/vnd.openstack.identity-'
                                     'v3+json'}]}})
        return resp(environ, start_response)
