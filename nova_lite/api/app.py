"""Build the compute API WSGI application.

Middleware, outermost first:

``/``            root version list (no request id, no microversion)
``/v2[/]``       request id -> the v2.0 version document (unauthenticated)
``/v2.1[/]``     proxy headers -> request id -> fault wrapper -> microversion
                 -> version document (unauthenticated, as nova serves it)
``/v2.1/...``    proxy headers -> request id -> fault wrapper -> request
                 log -> body size limit -> microversion -> authentication
                 (noauth2 or keystone) -> request environment -> pecan
anything else    300 Multiple Choices

Every JSON answer is ``application/vnd.openstack.compute+json`` where the
Accept header prefers it (nova's two media types).
"""

import functools
import re

import pecan
import pecan.core
import pecan.middleware.recursive
import webob
import webob.acceptparse

from nova_lite.web import auth
from nova_lite.api.controllers import root
from nova_lite.api.controllers import versions
from nova_lite.web import faults
from nova_lite.api import images
from nova_lite.api import microversion
from nova_lite.web import middleware
from nova_lite.web import request_id
from nova_lite.web import request_log
from nova_lite.web import request_url
from nova_lite.web import validation
from nova_lite.compute import api as compute_api
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite import policy
from nova_lite import quota

_PROJECT_ID_RE = re.compile(r'^[0-9a-zA-Z_\-]+$')
# A name alone (/v2.1/{name}[/], no resource after it) is the caller's
# project id, or one of hex and dashes as nova's routes take it (refused if
# it is another project's); any other name there is no route.
_BARE_PROJECT_ID_RE = re.compile(r'^[0-9a-f\-]+$')
NO_ROUTE = 'nova_lite.no_route'
BARE_PROJECT = 'nova_lite.bare_project_id'
VND_JSON = 'application/vnd.openstack.compute+json'
_CONTENT_TYPES = ('application/json', VND_JSON)


def _cache_pecan_argspecs():
    """pecan inspects a controller's signature on every request it routes;
    controllers never change, so remember the answers."""
    import pecan.core
    import pecan.rest
    import pecan.routing
    import pecan.util
    if getattr(pecan.util.getargspec, 'cache_info', None):
        return
    cached = functools.lru_cache(maxsize=4096)(pecan.util.getargspec)
    for module in (pecan.util, pecan.core, pecan.rest, pecan.routing):
        module.getargspec = cached


_cache_pecan_argspecs()


def _skip_pecan_rescans():
    """pecan lists every attribute of each controller it walks through
    (``dir()``) before it checks whether it has scanned that controller's
    class for custom routes already; the list is only used by the scan.
    Go straight on for classes already scanned."""
    import pecan.routing
    detect = pecan.routing._detect_custom_path_segments
    if getattr(detect, 'scanned_classes', None) is not None:
        return
    scanned = getattr(pecan.routing, '__observed_controllers__')

    def quick(obj):
        if obj.__class__ in scanned:
            return
        return detect(obj)
    quick.scanned_classes = scanned
    pecan.routing._detect_custom_path_segments = quick


_skip_pecan_rescans()


_ANY = webob.acceptparse.create_accept_header('*/*')


class _Pecan(pecan.core.Pecan):
    """pecan's application, without decoding a 200 response's whole body
    to text to learn whether it is empty where its Content-Length already
    says it is not (every JSON body the controllers answer carries it)."""

    def _handle_empty_response_body(self, state):
        response = state.response
        if response.status_int == 200 and \
                response.headers.get('Content-Length', '0') != '0':
            return
        super()._handle_empty_response_body(state)


def _make_pecan_app(root_controller, **kwargs):
    """``pecan.make_app`` with :class:`_Pecan` (no logging, error pages or
    debug configuration to apply: the compute API answers faults itself)."""
    return pecan.middleware.recursive.RecursiveMiddleware(
        _Pecan(root_controller, **kwargs))


class _Request(webob.Request):
    """The request pecan builds: webob's own. pecan's wraps every
    attribute access to answer 400 for a path or query string that is not
    UTF-8; RequestURLCheck refuses those before pecan sees them."""

    @property
    def accept(self):
        # _RequestEnvironment answers JSON whatever was asked for (and sets
        # Accept to */*): one parsed header serves every request.
        if self.environ.get('HTTP_ACCEPT') == '*/*':
            return _ANY
        return webob.acceptparse.create_accept_header(
            self.environ.get('HTTP_ACCEPT'))


class _RequestEnvironment:
    """Put conf and the compute API in the environ; check the URL project."""

    def __init__(self, application, conf, api):
        self.application = application
        self.conf = conf
        self.api = api

    def __call__(self, environ, start_response):
        if environ.get(NO_ROUTE):
            return faults.fault_response(
                404, 'The resource could not be found.')(environ,
                                                         start_response)
        environ['nova_lite.conf'] = self.conf
        environ['nova_lite.compute_api'] = self.api
        # Responses are always JSON; keep pecan out of Accept negotiation.
        environ['HTTP_ACCEPT'] = '*/*'
        if environ.get('REQUEST_METHOD') in ('POST', 'PUT', 'PATCH'):
            # Parse (and cache) the body once, with nova's errors, and keep
            # pecan from merging JSON keys into controller arguments.
            try:
                validation.request_body(webob.Request(environ))
            except exception.NovaLiteException as error:
                resp = faults.exception_to_response(error)
                return resp(environ, start_response)
            environ['CONTENT_TYPE'] = 'application/octet-stream'
        elif environ.get('CONTENT_TYPE'):
            # A body on any other method is ignored, as nova ignores it;
            # pecan would decode a form body into controller arguments
            # (and fail on a charset other than UTF-8).
            environ['CONTENT_TYPE'] = 'application/octet-stream'
        url_project = environ.get('nova_lite.url_project_id')
        ctx = environ.get('nova_lite.context')
        if url_project and ctx is not None and \
                url_project != ctx.project_id:
            if environ.get(BARE_PROJECT) and \
                    not _BARE_PROJECT_ID_RE.match(url_project):
                # /v2.1/os-foo: an unknown collection, not a project.
                return faults.fault_response(
                    404, 'The resource could not be found.')(
                        environ, start_response)
            msg = ("Malformed request URL: URL's project_id '%s' doesn't "
                   "match Context's project_id '%s'"
                   % (url_project, ctx.project_id))
            return faults.fault_response(400, msg)(environ, start_response)
        return self.application(environ, start_response)


class _ContentType:
    """Answer in the content type the client accepts best of nova's two,
    ``application/json`` (the default) and
    ``application/vnd.openstack.compute+json``: the body is the same JSON,
    the Content-Type header names the type chosen."""

    def __init__(self, application):
        self.application = application

    @staticmethod
    def _wants_vnd(environ):
        accept = environ.get('HTTP_ACCEPT')
        if not accept or 'vnd.openstack.compute' not in accept:
            return False
        offers = webob.acceptparse.create_accept_header(
            accept).acceptable_offers(_CONTENT_TYPES)
        return bool(offers) and offers[0][0] == VND_JSON

    def __call__(self, environ, start_response):
        if not self._wants_vnd(environ):
            return self.application(environ, start_response)

        def _start_response(status, headers, exc_info=None):
            headers = [(name, VND_JSON) if name.lower() == 'content-type'
                       and value.startswith('application/json')
                       else (name, value) for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.application(environ, _start_response)


class _ComputeImages:
    """Image look-ups through the compute endpoint (``/v2/images``); other
    requests under that path go on to the compute API."""

    def __init__(self, conf, v21):
        self.conf = conf
        self.v21 = v21

    def __call__(self, environ, start_response):
        resp = images.images_response(
            self.conf, environ['REQUEST_METHOD'], environ['PATH_INFO'],
            environ.get('QUERY_STRING', ''))
        if resp is None:
            return self.v21(environ, start_response)
        return resp(environ, start_response)


class _Dispatcher:
    """Route by path prefix, stripping /v2.1 and an optional project id."""

    def __init__(self, conf, root_app, discovery, v21, enforcer=None,
                 legacy=None, image_app=None):
        self.conf = conf
        # GET /v2 and /v2/: the v2.0 version document.
        self.legacy = legacy
        self.root_app = root_app
        self.discovery = discovery
        self.v21 = v21
        self.image_versions = self.image_app = images.ImageApp(conf)
        self.compute_images = None
        if conf.api.auth_strategy == 'keystone':
            # Behind Keystone the images need a token, as Glance's and
            # nova's image look-ups do (noauth2 trusts anybody anyway); the
            # version document does not, as Glance's.
            self.image_app = faults.FaultWrapper(auth.build_auth_pipeline(
                self.image_app, conf, enforcer))
            self.compute_images = faults.FaultWrapper(
                auth.build_auth_pipeline(_ComputeImages(conf, v21), conf,
                                         enforcer))
        self.identity_app = images.IdentityDiscoveryApp()
        self.image_service = image_app
        if image_app is not None:
            # The built-in image service answers /image (and novaclient's
            # look-ups through the compute endpoint) itself.
            self.image_versions = self.image_app = image_app

    @staticmethod
    def _mount(environ, prefix):
        environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + prefix
        environ['PATH_INFO'] = environ['PATH_INFO'][len(prefix):]

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '') or '/'
        if path == '/':
            return self.root_app(environ, start_response)
        if path in ('/v2.1', '/v2.1/'):
            return self.discovery(environ, start_response)
        if path in ('/v2', '/v2/') and self.legacy is not None:
            return self.legacy(environ, start_response)
        if path == '/image' or path.startswith('/image/'):
            self._mount(environ, '/image')
            if environ['PATH_INFO'] in ('', '/'):
                return self.image_versions(environ, start_response)
            return self.image_app(environ, start_response)
        if path in ('/identity/v3', '/identity/v3/'):
            self._mount(environ, '/identity')
            return self.identity_app(environ, start_response)
        if not path.startswith('/v2.1/'):
            return self.root_app(environ, start_response)
        environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + '/v2.1'
        rest = path[len('/v2.1'):]
        if rest == '/v2/images' or rest.startswith('/v2/images/') or \
                rest.startswith('/v2/images?'):
            answer = self._image_lookup(environ, start_response, rest)
            if answer is not None:
                return answer
        segments = rest.split('/')
        first = segments[1] if len(segments) > 1 else ''
        environ['nova_lite.url_project_id'] = None
        following = segments[2] if len(segments) > 2 else ''
        if first and first not in root.RESOURCES and \
                _PROJECT_ID_RE.match(first) and \
                (following in root.RESOURCES or following == ''):
            if following == '' and len(segments) <= 3:
                environ[BARE_PROJECT] = True
            environ['nova_lite.url_project_id'] = first
            rest = '/' + '/'.join(segments[2:])
        elif first and first not in root.RESOURCES:
            # Neither a resource nor a project id followed by one.
            environ[NO_ROUTE] = True
        environ['PATH_INFO'] = rest or '/'
        return self.v21(environ, start_response)

    def _image_lookup(self, environ, start_response, rest):
        """``/v2.1/v2/images...``: novaclient looks images up through the
        compute endpoint (``v2`` is not a project id here, although
        ``images`` follows it). None when nothing answers."""
        environ['nova_lite.url_project_id'] = None
        environ['PATH_INFO'] = rest
        if self.image_service:
            return self.image_service(environ, start_response)
        if self.compute_images:
            return self.compute_images(environ, start_response)
        resp = images.images_response(
            self.conf, environ['REQUEST_METHOD'], rest,
            environ.get('QUERY_STRING', ''))
        if resp is not None:
            return resp(environ, start_response)
        return None


def build_app(conf, api=None, image_app=None):
    """The WSGI application for ``conf`` (tests build it the same way)."""
    enforcer = policy.init(conf)
    quota.configure(conf)
    instance_obj.set_name_template(conf)
    api = api or compute_api.API(conf)
    pecan_app = _make_pecan_app(root.V21Controller(),
                                guess_content_type_from_ext=False,
                                force_canonical=False,
                                request_cls=_Request)
    v21 = _RequestEnvironment(pecan_app, conf, api)
    v21 = auth.build_auth_pipeline(v21, conf, enforcer)
    v21 = microversion.MicroversionMiddleware(v21)
    v21 = middleware.BodySizeLimit(v21, conf)
    v21 = request_url.RequestURLCheck(v21)
    v21 = request_log.RequestLog(v21)
    v21 = faults.FaultWrapper(v21)
    v21 = _ContentType(v21)
    v21 = request_id.RequestIdMiddleware(v21)

    discovery = microversion.MicroversionMiddleware(versions.VersionApp(conf))
    discovery = faults.FaultWrapper(discovery)
    discovery = _ContentType(discovery)
    discovery = request_id.RequestIdMiddleware(discovery)

    legacy = faults.FaultWrapper(versions.V20App(conf))
    legacy = _ContentType(legacy)
    legacy = request_id.RequestIdMiddleware(legacy)

    root_app = _ContentType(faults.FaultWrapper(versions.RootApp(conf)))
    app = _Dispatcher(conf, root_app, discovery, v21, enforcer,
                      legacy=legacy, image_app=image_app)
    app = middleware.ProxyHeaders(app, conf)
    return app
