"""The block storage WSGI application (a Cinder v3 API subset).

``/``            300, the version list (Cinder's discovery document)
``/v3``, ``/v3/`` 200, the same list
``/v3[/{project_id}]/...``  proxy headers -> request id -> fault wrapper ->
                 request log -> body size limit -> volume microversion ->
                 authentication -> routes below

Paths are accepted with and without the project id, as Cinder does from
3.67 (clients use both: catalog URLs carry it, endpoint overrides often do
not).
"""

import re

import webob
import webob.dec

from nova_lite.web import auth
from nova_lite.web import faults
from nova_lite.web import version as microversion
from nova_lite.web import middleware
from nova_lite.web import request_id
from nova_lite.web import request_log
from nova_lite.web import request_url
from nova_lite.web import routes
from nova_lite.block_storage import actions
from nova_lite.block_storage import controllers as c
from nova_lite.block_storage import exception
from nova_lite.block_storage import limits
from nova_lite.block_storage import metadata
from nova_lite.block_storage import snapshots
from nova_lite.block_storage import views
from nova_lite import exception as nl_exception
from nova_lite import policy
from nova_lite import serialization

HEADER = 'OpenStack-API-Version'
VERSION_KEY = 'nova_lite.volume_version'
SERVICE = 'volume'
RESOURCES = ('volumes', 'types', 'attachments', 'limits', 'snapshots')
_PROJECT_RE = re.compile(r'^[0-9a-zA-Z_\-]+$')

ROUTES = [
    ('GET', '/volumes', c.list_volumes),
    ('GET', '/volumes/detail', c.list_volumes_detail),
    ('POST', '/volumes', c.create_volume),
    ('GET', '/volumes/{volume_id}', c.show_volume),
    ('PUT', '/volumes/{volume_id}', c.update_volume),
    ('DELETE', '/volumes/{volume_id}', c.delete_volume),
    ('POST', '/volumes/{volume_id}/action', c.volume_action),
    ('GET', '/types', c.list_types),
    ('POST', '/types', c.create_type),
    ('GET', '/types/{type_id}', c.show_type),
    ('PUT', '/types/{type_id}', c.update_type),
    ('DELETE', '/types/{type_id}', c.delete_type),
    ('GET', '/types/{type_id}/extra_specs', c.list_extra_specs),
    ('POST', '/types/{type_id}/extra_specs', c.create_extra_specs),
    ('GET', '/types/{type_id}/extra_specs/{key}', c.show_extra_spec),
    ('PUT', '/types/{type_id}/extra_specs/{key}', c.update_extra_spec),
    ('DELETE', '/types/{type_id}/extra_specs/{key}', c.delete_extra_spec),
    ('GET', '/attachments', c.list_attachments),
    ('GET', '/attachments/detail', c.list_attachments_detail),
    ('POST', '/attachments', c.create_attachment),
    ('GET', '/attachments/{attachment_id}', c.show_attachment),
    ('PUT', '/attachments/{attachment_id}', c.update_attachment),
    ('DELETE', '/attachments/{attachment_id}', c.delete_attachment),
    ('POST', '/attachments/{attachment_id}/action', c.attachment_action),
    ('GET', '/limits', limits.show_limits),
] + snapshots.ROUTES + metadata.ROUTES + actions.ROUTES


_TABLE = routes.RouteTable(ROUTES, trailing_slash=True)


def _json_response(status, body, headers=()):
    resp = webob.Response(status=status)
    for key, value in headers:
        resp.headerlist.append((key, value))
    if body is not None:
        resp.content_type = 'application/json'
        resp.charset = 'UTF-8'
        resp.body = serialization.dump_as_bytes(body)
    else:
        resp.content_type = None
    return resp


def parse_version(environ):
    """The requested volume API version (3.0 without a header)."""
    value = None
    for raw in environ.get('HTTP_OPENSTACK_API_VERSION', '').split(','):
        service, _sep, version = raw.strip().partition(' ')
        if service.lower() == SERVICE:
            value = version.strip()
    if not value:
        return views.MIN_VERSION
    if value.lower() == 'latest':
        return views.MAX_VERSION
    try:
        version = microversion.APIVersion(value)
    except nl_exception.InvalidAPIVersionString:
        raise
    if not views.MIN_VERSION <= version <= views.MAX_VERSION:
        raise exception.InvalidGlobalAPIVersion(
            req_ver=value, min_ver=str(views.MIN_VERSION),
            max_ver=str(views.MAX_VERSION))
    return version


class Router:
    """Dispatch to the handler of (method, path)."""

    def __init__(self, conf, store):
        self.conf = conf
        self.store = store

    @webob.dec.wsgify
    def __call__(self, req):
        version = req.environ[VERSION_KEY]
        ctx = req.environ[auth.CONTEXT_KEY]
        url_project = req.environ.get('nova_lite.url_project_id')
        if url_project and url_project != ctx.project_id:
            raise nl_exception.Invalid(
                "Malformed request url: URL's project_id '%s' doesn't "
                "match Context's project_id '%s'"
                % (url_project, ctx.project_id))
        req.environ['nova_lite.conf'] = self.conf
        req.environ['nova_lite.block_storage'] = self.store
        handler, args, allowed = _TABLE.match(req.method,
                                              req.path_info or '/')
        if handler is not None:
            api_req = views.Request(ctx, version, self._base_url(req),
                                    bool(url_project))
            status, body = handler(req, api_req, **args)
            return _json_response(status, body, self._version_headers(
                version))
        if allowed:
            return faults.fault_response(
                405, 'The method specified is not allowed for this '
                     'resource.', [('Allow', ', '.join(allowed))])
        raise nl_exception.NotFound('The resource could not be found.')

    def _base_url(self, req):
        return req.host_url + req.environ.get('nova_lite.base_script', '')

    @staticmethod
    def _version_headers(version):
        return [(HEADER, '%s %s' % (SERVICE, version)),
                ('Vary', HEADER)]


class VersionMiddleware:
    """Parse the volume microversion; echo it on every response."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            version = parse_version(environ)
        except nl_exception.NovaLiteException as error:
            resp = faults.exception_to_response(error)
            return resp(environ, start_response)
        environ[VERSION_KEY] = version
        return self.application(environ, start_response)


class _Dispatcher:
    def __init__(self, conf, v3):
        self.conf = conf
        self.v3 = v3

    def _versions(self, req, status):
        base = req.host_url + req.script_name
        return _json_response(status, views.versions_document(base), [
            (HEADER, '%s %s' % (SERVICE, views.MIN_VERSION)),
            ('Vary', HEADER)])

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '') or '/'
        if path in ('/v3', '/v3/'):
            return self._versions(webob.Request(environ), 200)(
                environ, start_response)
        if not path.startswith('/v3/'):
            return self._versions(webob.Request(environ), 300)(
                environ, start_response)
        environ['nova_lite.base_script'] = environ.get('SCRIPT_NAME', '')
        environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + '/v3'
        segments = path[len('/v3'):].split('/')
        first = segments[1] if len(segments) > 1 else ''
        following = segments[2] if len(segments) > 2 else ''
        environ['nova_lite.url_project_id'] = None
        rest = path[len('/v3'):]
        if first and first not in RESOURCES and _PROJECT_RE.match(first) \
                and following in RESOURCES:
            environ['nova_lite.url_project_id'] = first
            rest = '/' + '/'.join(segments[2:])
        environ['PATH_INFO'] = rest or '/'
        return self.v3(environ, start_response)


def build_app(conf, store):
    """The WSGI application serving ``store``."""
    enforcer = policy.init(conf)
    v3 = faults.FaultWrapper(Router(conf, store))
    v3 = auth.build_auth_pipeline(v3, conf, enforcer)
    v3 = VersionMiddleware(v3)
    v3 = middleware.BodySizeLimit(v3, conf)
    v3 = request_url.RequestURLCheck(v3)
    v3 = request_log.RequestLog(v3, version_key=VERSION_KEY)
    v3 = faults.FaultWrapper(v3)
    v3 = request_id.RequestIdMiddleware(v3)
    app = _Dispatcher(conf, v3)
    return middleware.ProxyHeaders(app, conf)
