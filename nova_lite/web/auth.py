"""Authentication middlewares: they put a ``RequestContext`` (carrying the
policy enforcer) in ``environ['nova_lite.context']``.

``[api] auth_strategy`` picks one:

* ``noauth2`` -- :class:`NoAuthMiddleware`, nova's test-only scheme: the
  ``X-Auth-Token`` header *is* the identity, ``user[:project]``.
* ``keystone`` -- keystonemiddleware's ``auth_token`` validates the token
  and sets identity headers; :class:`KeystoneContextMiddleware` turns them
  into the context.

Errors produced here are nova fault bodies
(``{"unauthorized": {"code": 401, "message": ...}}``).
"""

import logging

from keystonemiddleware import auth_token
from oslo_middleware import request_id
from oslo_serialization import jsonutils
import webob
import webob.dec

from nova_lite.web import faults
from nova_lite import context as nl_context

LOG = logging.getLogger(__name__)

CONTEXT_KEY = 'nova_lite.context'

# keystonemiddleware's wording for a missing or rejected token.
AUTH_REQUIRED = 'The request you have made requires authentication.'

# What noauth2 contexts get. nova's noauth2 gave no roles at all, which
# stopped working once the role based defaults were enforced (nova removed
# noauth2 in 2025). nova's own functional-test API clients send these role
# sets instead; noauth2 reproduces them so the default rules behave as for a
# Keystone user with the implied-role chain admin -> member -> reader.
NOAUTH_ROLES = ('reader', 'member')
NOAUTH_ADMIN_ROLES = ('reader', 'member', 'admin')
NOAUTH_ADMIN_USER = 'admin'
# The role a noauth2 service token (``X-Service-Token: user[:project]``)
# carries: Keystone deployments give the service users of nova and cinder
# this role, and ``[keystone_authtoken] service_token_roles`` defaults to it.
NOAUTH_SERVICE_ROLES = ('service',)


def unauthorized(message=AUTH_REQUIRED):
    """A 401 nova fault response."""
    return faults.fault_response(401, message)


# The user_id and project_id columns of every table hold 255 characters.
MAX_ID_LENGTH = 255


def parse_noauth_token(token):
    """``(user_id, project_id)`` named by a noauth2 token.

    ``user:project``; a token without ``:`` names a project with the
    user's name. Returns ``(None, None)`` for a token naming no user, or
    ids longer than the databases keep (255 characters).
    """
    user_id, _sep, project_id = (token or '').strip().partition(':')
    project_id = project_id or user_id
    if not user_id or len(user_id) > MAX_ID_LENGTH or \
            len(project_id) > MAX_ID_LENGTH:
        return None, None
    return user_id, project_id


def _request_ids(environ):
    """Request ids set by oslo.middleware's RequestId middleware."""
    return {'request_id': environ.get(request_id.ENV_REQUEST_ID),
            'global_request_id': environ.get(request_id.GLOBAL_REQ_ID)}


class NoAuthMiddleware:
    """nova's ``noauth2``: trust ``X-Auth-Token: user[:project]``.

    * ``admin:admin`` -> user ``admin``, project ``admin``, administrator.
    * ``demo:demo`` -> user ``demo``, project ``demo``.
    * ``demo`` (no colon) -> user ``demo``, project ``demo``.
    * User ``admin`` is an administrator (``is_admin``, roles reader, member,
      admin) in whichever project the token names; every other user gets
      roles reader and member in the named project.
    * ``X-Roles`` (as nova's functional test clients send it) can only
      narrow those roles: ``X-Roles: reader`` makes a project reader. Roles
      the user would not get anyway are ignored; ``is_admin`` follows the
      ``admin`` role.
    * ``X-Service-Token: user[:project]`` is a service token: the context
      gets that service user and project and the ``service`` role in
      ``service_roles``, as keystonemiddleware sets them for a validated
      service token.
    * No ``X-Auth-Token`` header: nova's legacy answer -- 204 No Content,
      ``text/plain``, with ``X-Auth-Token: <user>:<project>`` (from
      ``X-Auth-User`` / ``X-Auth-Project-Id``, each defaulting to
      ``admin``) and ``X-Server-Management-Url`` (the request URL, without
      trailing slash, plus ``/<project>``). The request goes no further.
    * An ``X-Auth-Token`` naming no user (empty, or ``:project``), or ids
      longer than 255 characters: 401 fault.
      (nova built a context with no user; with roles handed out here that
      would be an anonymous project member.)
    """

    def __init__(self, application, enforcer):
        self.application = application
        self.enforcer = enforcer

    def __call__(self, environ, start_response):
        token = environ.get('HTTP_X_AUTH_TOKEN')
        if token is None:
            resp = self._token_response(webob.Request(environ))
            return resp(environ, start_response)
        user_id, project_id = parse_noauth_token(token)
        if user_id is None:
            return unauthorized()(environ, start_response)
        is_admin = user_id == NOAUTH_ADMIN_USER
        roles = NOAUTH_ADMIN_ROLES if is_admin else NOAUTH_ROLES
        wanted_roles = environ.get('HTTP_X_ROLES')
        if wanted_roles is not None:
            wanted = {r.strip().lower() for r in wanted_roles.split(',')}
            roles = [r for r in roles if r in wanted]
            is_admin = 'admin' in roles
        service = {}
        service_token = environ.get('HTTP_X_SERVICE_TOKEN')
        service_user, service_project = parse_noauth_token(service_token)
        if service_user is not None:
            service = {'service_user_id': service_user,
                       'service_project_id': service_project,
                       'service_roles': list(NOAUTH_SERVICE_ROLES),
                       'service_token': service_token}
        ctx = nl_context.RequestContext(
            user_id=user_id, project_id=project_id, is_admin=is_admin,
            roles=list(roles), auth_token=token,
            remote_address=environ.get('REMOTE_ADDR'),
            **service, **_request_ids(environ))
        ctx.enforcer = self.enforcer
        environ[CONTEXT_KEY] = ctx
        return self.application(environ, start_response)

    @staticmethod
    def _token_response(req):
        user_id = req.headers.get('X-Auth-User', 'admin')
        project_id = req.headers.get('X-Auth-Project-Id', 'admin')
        resp = webob.Response(status=204)
        resp.headers['X-Auth-Token'] = '%s:%s' % (user_id, project_id)
        resp.headers['X-Server-Management-Url'] = '/'.join(
            [req.url.rstrip('/'), project_id])
        resp.content_type = 'text/plain'
        return resp


class KeystoneContextMiddleware:
    """The context from the headers keystonemiddleware ``auth_token`` set.

    ``X-Identity-Status`` must be ``Confirmed`` (auth_token sets ``Invalid``
    when ``delay_auth_decision`` lets an unauthenticated request through, and
    strips any value a client sent) and ``X-User-Id`` must be present;
    otherwise 401. The rest follows oslo.context's ``from_environ``: user,
    project, domains, names, roles, system scope, service-token identity,
    auth token, request id and global request id. Additionally: remote
    address, the decoded ``X-Service-Catalog`` (undecodable -> 500, as
    nova), auth_token's auth plugin, and ``is_admin`` decided by the
    ``context_is_admin`` rule as nova does.
    """

    def __init__(self, application, enforcer):
        self.application = application
        self.enforcer = enforcer

    @webob.dec.wsgify
    def __call__(self, req):
        if req.headers.get('X-Identity-Status') != 'Confirmed':
            return unauthorized()
        catalog = None
        header = req.headers.get('X-Service-Catalog')
        if header is not None:
            try:
                catalog = jsonutils.loads(header)
            except ValueError:
                return faults.fault_response(
                    500, 'Invalid service catalog json.')
        ctx = nl_context.RequestContext.from_environ(
            req.environ, remote_address=req.remote_addr,
            service_catalog=catalog,
            user_auth_plugin=req.environ.get('keystone.token_auth'))
        if not ctx.user_id:
            LOG.debug('Neither X-User-Id nor X-User in the request')
            return unauthorized()
        ctx.enforcer = self.enforcer
        ctx.is_admin = self.enforcer.check_is_admin(ctx)
        req.environ[CONTEXT_KEY] = ctx
        return self.application


def build_auth_pipeline(application, conf, enforcer):
    """``application`` behind the middleware ``[api] auth_strategy`` names.

    For ``keystone``, auth_token reads ``[keystone_authtoken]`` from
    ``conf`` (passed as ``oslo_config_config``; auth_token registers its
    options there itself).
    """
    strategy = conf.api.auth_strategy
    if strategy == 'keystone':
        inner = KeystoneContextMiddleware(application, enforcer)
        return auth_token.AuthProtocol(inner, {'oslo_config_config': conf})
    if strategy == 'noauth2':
        return NoAuthMiddleware(application, enforcer)
    raise ValueError('Unknown [api] auth_strategy %r' % strategy)
