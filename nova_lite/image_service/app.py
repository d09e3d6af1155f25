"""The image WSGI application (a Glance v2 API subset).

``/``             300, Glance's version list
``/versions``     200, the same list
``/v2/...``       request id -> error wrapper -> request log ->
                  authentication -> routes below

Errors are answered as Glance answers them: webob's HTTP exceptions, whose
body is plain text, HTML or JSON (``{"message", "code", "title"}``)
depending on the request's Accept header.
"""

import logging

import webob
import webob.dec
import webob.exc

from nova_lite.web import auth
from nova_lite.web import request_id
from nova_lite.web import request_log
from nova_lite.web import routes
from nova_lite import context as nl_context
from nova_lite.image_service import images
from nova_lite.image_service import members
from nova_lite.image_service import policy as image_policy
from nova_lite.image_service import schemas
from nova_lite.image_service import views
from nova_lite import policy

LOG = logging.getLogger(__name__)


def _schema(name):
    def handler(svc, req, ctx):
        return images.json_response(200, schemas.get(name))
    return handler


def _import_info(svc, req, ctx):
    return images.json_response(200, {'import-methods': {
        'description': 'Import methods available.', 'type': 'array',
        'value': []}})


ROUTES = [
    ('GET', '/images', images.index),
    ('POST', '/images', images.create),
    ('GET', '/images/{image_id}', images.show),
    ('PATCH', '/images/{image_id}', images.update),
    ('DELETE', '/images/{image_id}', images.delete),
    ('PUT', '/images/{image_id}/file', images.upload),
    ('GET', '/images/{image_id}/file', images.download),
    ('PUT', '/images/{image_id}/tags/{tag}', images.add_tag),
    ('DELETE', '/images/{image_id}/tags/{tag}', images.delete_tag),
    ('POST', '/images/{image_id}/actions/deactivate', images.deactivate),
    ('POST', '/images/{image_id}/actions/reactivate', images.reactivate),
    ('GET', '/images/{image_id}/tasks', images.tasks),
    ('GET', '/images/{image_id}/members', members.index),
    ('POST', '/images/{image_id}/members', members.create),
    ('GET', '/images/{image_id}/members/{member_id}', members.show),
    ('PUT', '/images/{image_id}/members/{member_id}', members.update),
    ('DELETE', '/images/{image_id}/members/{member_id}', members.delete),
    ('GET', '/schemas/image', _schema('image')),
    ('GET', '/schemas/images', _schema('images')),
    ('GET', '/schemas/member', _schema('member')),
    ('GET', '/schemas/members', _schema('members')),
    ('GET', '/info/import', _import_info),
]


_TABLE = routes.RouteTable(ROUTES)


class ImageAPI:
    """The service the handlers use: store, policy and configuration."""

    def __init__(self, conf, store):
        self.conf = conf
        self.store = store
        self.policy = image_policy.Enforcer(conf)


class Router:
    def __init__(self, svc):
        self.svc = svc

    @webob.dec.wsgify
    def __call__(self, req):
        ctx = req.environ[auth.CONTEXT_KEY]
        handler, args, allowed = _TABLE.match(req.method,
                                              req.path_info or '/')
        if handler is not None:
            return handler(self.svc, req, ctx, **args)
        if allowed:
            return webob.exc.HTTPMethodNotAllowed(
                headers=[('Allow', ', '.join(allowed))])
        return webob.exc.HTTPNotFound()


class ErrorWrapper:
    """Glance's error answers: webob's HTTP exceptions as they are, any
    other failure a 500 without its details."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            return self.application(environ, start_response)
        except webob.exc.HTTPException as error:
            return error(environ, start_response)
        except Exception:
            LOG.exception('Image API request failed')
            error = webob.exc.HTTPInternalServerError()
            return error(environ, start_response)


class _Dispatcher:
    def __init__(self, v2):
        self.v2 = v2

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '') or '/'
        req = webob.Request(environ)
        if path in ('/', '/versions', '/versions/'):
            base = req.host_url + req.script_name
            status = 300 if path == '/' else 200
            resp = images.json_response(status, views.versions(base))
            return resp(environ, start_response)
        if not path.startswith('/v2/'):
            return webob.exc.HTTPNotFound()(environ, start_response)
        environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + '/v2'
        environ['PATH_INFO'] = path[len('/v2'):]
        return self.v2(environ, start_response)


class _AnonymousReads:
    """Under noauth2, reads without a token are answered as for an
    anonymous reader of no project (public and community images only), as
    the image look-ups of the compute listener were before."""

    def __init__(self, application, authenticated, enforcer):
        self.application = application
        self.authenticated = authenticated
        self.enforcer = enforcer

    def __call__(self, environ, start_response):
        if environ.get('HTTP_X_AUTH_TOKEN') is None and \
                environ['REQUEST_METHOD'] in ('GET', 'HEAD'):
            ctx = nl_context.RequestContext(
                user_id=None, project_id=None, roles=['reader'],
                is_admin=False)
            ctx.enforcer = self.enforcer
            environ[auth.CONTEXT_KEY] = ctx
            return self.application(environ, start_response)
        return self.authenticated(environ, start_response)


def build_app(conf, store):
    """The WSGI application serving ``store``."""
    svc = ImageAPI(conf, store)
    v2 = ErrorWrapper(Router(svc))
    enforcer = policy.init(conf)
    if conf.api.auth_strategy == 'noauth2':
        v2 = _AnonymousReads(v2, auth.build_auth_pipeline(v2, conf,
                                                          enforcer),
                             enforcer)
    else:
        v2 = auth.build_auth_pipeline(v2, conf, enforcer)
    v2 = request_log.RequestLog(v2)
    v2 = ErrorWrapper(v2)
    v2 = request_id.RequestIdMiddleware(v2)
    return _Dispatcher(v2)
