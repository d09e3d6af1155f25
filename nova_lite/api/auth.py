"""Authentication middlewares that build the request context.

``noauth2`` (the embedded default) trusts ``X-Auth-Token: user:project``;
``keystone`` runs keystonemiddleware's auth_token and reads the identity
headers it sets.
"""

from keystonemiddleware import auth_token
from oslo_middleware import request_id
from oslo_serialization import jsonutils
import webob
import webob.dec

from nova_lite.api import faults
from nova_lite import context as nl_context

CONTEXT_KEY = 'nova_lite.context'


class NoAuthMiddleware:
    """nova's noauth2: the token names the user and the project.

    User ``admin`` is an administrator. Everybody else is a member (and so a
    reader) of the project the token names, so the default policies work as
    they do for a Keystone user with the member role. A request without a
    token gets nova's legacy answer: 204 with a token to use.
    """

    def __init__(self, application, enforcer):
        self.application = application
        self.enforcer = enforcer

    @webob.dec.wsgify
    def __call__(self, req):
        if 'X-Auth-Token' not in req.headers:
            user_id = req.headers.get('X-Auth-User', 'admin')
            project_id = req.headers.get('X-Auth-Project-Id', 'admin')
            resp = webob.Response(status=204)
            resp.headers['X-Auth-Token'] = '%s:%s' % (user_id, project_id)
            resp.headers['X-Server-Management-Url'] = \
                req.application_url.rstrip('/') + '/' + project_id
            resp.content_type = 'text/plain'
            return resp
        token = req.headers['X-Auth-Token']
        user_id, _sep, project_id = token.partition(':')
        project_id = project_id or user_id
        is_admin = user_id == 'admin'
        roles = ['reader', 'member'] + (['admin'] if is_admin else [])
        ctx = nl_context.RequestContext(
            user_id=user_id, project_id=project_id, is_admin=is_admin,
            roles=roles, remote_address=req.remote_addr,
            request_id=req.environ.get(request_id.ENV_REQUEST_ID),
            global_request_id=req.environ.get(
                request_id.GLOBAL_REQ_ID))
        ctx.enforcer = self.enforcer
        req.environ[CONTEXT_KEY] = ctx
        return self.application


class KeystoneContextMiddleware:
    """Build the context from the headers auth_token validated."""

    def __init__(self, application, enforcer):
        self.application = application
        self.enforcer = enforcer

    @webob.dec.wsgify
    def __call__(self, req):
        if req.headers.get('X-Identity-Status', 'Confirmed') != 'Confirmed':
            return faults.fault_response(
                401, 'The request you have made requires authentication.')
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
        if ctx.user_id is None:
            return faults.fault_response(
                401, 'The request you have made requires authentication.')
        ctx.is_admin = 'admin' in [r.lower() for r in ctx.roles]
        ctx.enforcer = self.enforcer
        req.environ[CONTEXT_KEY] = ctx
        return self.application


def build_auth_pipeline(application, conf, enforcer):
    if conf.api.auth_strategy == 'keystone':
        inner = KeystoneContextMiddleware(application, enforcer)
        return auth_token.AuthProtocol(inner, {'oslo_config_config': conf})
    return NoAuthMiddleware(application, enforcer)
