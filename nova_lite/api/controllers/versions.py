"""Version discovery documents (GET /, GET /v2.1)."""

import webob

from nova_lite.api import microversion
from nova_lite import serialization

# v2.0 as nova lists it; nova_lite serves its version document at /v2/
# and no v2.0 API below it.
_V20 = {'id': 'v2.0', 'status': 'DEPRECATED', 'version': '',
        'min_version': '', 'updated': '2025-07-04T12:00:00Z'}
_V20_MEDIA_TYPES = [{'base': 'application/json',
                     'type': 'application/vnd.openstack.compute+json;'
                             'version=2'}]
_V21 = {'id': 'v2.1', 'status': 'CURRENT',
        'updated': '2013-07-23T11:33:21Z'}
_MEDIA_TYPES = [{'base': 'application/json',
                 'type': 'application/vnd.openstack.compute+json;'
                         'version=2.1'}]


def _base(host_url, conf=None):
    prefix = conf.api.compute_link_prefix if conf is not None else None
    return (prefix or host_url).rstrip('/')


def _v21(base):
    return dict(_V21, version=microversion.MAX_VERSION,
                min_version=microversion.MIN_VERSION)


def versions_document(host_url, conf=None):
    base = _base(host_url, conf)
    return {'versions': [
        dict(_V20, links=[{'rel': 'self', 'href': base + '/v2/'}]),
        dict(_v21(base), links=[{'rel': 'self', 'href': base + '/v2.1/'}]),
    ]}


def version_document(host_url, conf=None):
    base = _base(host_url, conf)
    doc = _v21(base)
    doc['links'] = [
        {'rel': 'self', 'href': base + '/v2.1/'},
        {'rel': 'describedby', 'type': 'text/html',
         'href': 'http://docs.openstack.org/'},
    ]
    doc['media-types'] = list(_MEDIA_TYPES)
    return {'version': doc}


def v20_document(host_url, conf=None):
    """GET /v2/: the v2.0 version document."""
    base = _base(host_url, conf)
    doc = dict(_V20)
    doc['links'] = [
        {'rel': 'self', 'href': base + '/v2/'},
        {'rel': 'describedby', 'type': 'text/html',
         'href': 'http://docs.openstack.org/'},
    ]
    doc['media-types'] = list(_V20_MEDIA_TYPES)
    return {'version': doc}


def choices_document(host_url, path, conf=None):
    base = _base(host_url, conf)
    return {'choices': [{
        'id': 'v2.1', 'status': 'CURRENT',
        'links': [{'rel': 'self',
                   'href': base + '/v2.1/' + path.lstrip('/')}],
        'media-types': list(_MEDIA_TYPES)}]}


def _json(status, body):
    resp = webob.Response(status=status)
    resp.content_type = 'application/json'
    resp.charset = 'UTF-8'
    resp.body = serialization.dump_as_bytes(body)
    return resp


class RootApp:
    """GET / is the version list; any other path is 300 Multiple Choices."""

    def __init__(self, conf=None):
        self.conf = conf

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        if req.path_info in ('', '/'):
            if req.method not in ('GET', 'HEAD'):
                resp = webob.Response(status=405)
                resp.headers['Allow'] = 'GET, HEAD'
            else:
                resp = _json(200, versions_document(req.host_url, self.conf))
        else:
            resp = _json(300, choices_document(req.host_url, req.path_info,
                                               self.conf))
        return resp(environ, start_response)


class VersionApp:
    """GET /v2.1 and /v2.1/: the v2.1 document (microversioned)."""

    def __init__(self, conf=None):
        self.conf = conf

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        if req.method not in ('GET', 'HEAD'):
            resp = webob.Response(status=405)
            resp.headers['Allow'] = 'GET, HEAD'
        else:
            resp = _json(200, version_document(req.host_url, self.conf))
        return resp(environ, start_response)


class V20App:
    """GET /v2 and /v2/: the v2.0 document (no microversions there)."""

    def __init__(self, conf=None):
        self.conf = conf

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        if req.method not in ('GET', 'HEAD'):
            resp = webob.Response(status=405)
            resp.headers['Allow'] = 'GET, HEAD'
        else:
            resp = _json(200, v20_document(req.host_url, self.conf))
        return resp(environ, start_response)
