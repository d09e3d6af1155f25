"""noauth2 and Keystone context middlewares, and the auth pipeline."""

from keystonemiddleware import auth_token
from oslo_middleware import request_id
from oslo_serialization import jsonutils
import pytest
import webob

from nova_lite.web import auth
from nova_lite import conf as nl_conf
from nova_lite import exception
from nova_lite import policy

FAULT_CT = 'application/json; charset=UTF-8'


def _conf(**api):
    conf = nl_conf.new_conf()
    conf([], project='nova-lite-test', default_config_files=[])
    for name, value in api.items():
        conf.set_override(name, value, group='api')
    return conf


def _keystone_conf():
    """auth_strategy = keystone, auth_token options registered and set so
    that it can reject a request without talking to Keystone."""
    conf = _conf(auth_strategy='keystone')
    auth_token.AuthProtocol(None, {'oslo_config_config': conf})
    conf.set_override('www_authenticate_uri', 'http://keystone.test/v3',
                      group='keystone_authtoken')
    return conf


@pytest.fixture(scope='module')
def enforcer():
    return policy.init(_conf())


class _Seen:
    """The inner application: records the context it was given."""

    def __init__(self):
        self.context = None

    def __call__(self, environ, start_response):
        self.context = environ[auth.CONTEXT_KEY]
        return webob.Response(json={'ok': True})(environ, start_response)


def _get(app, path='/servers', **headers):
    return webob.Request.blank(path, headers=headers).get_response(app)


def _assert_unauthorized(resp):
    assert resp.status_int == 401
    assert resp.headers['Content-Type'] == FAULT_CT
    assert resp.json == {'unauthorized': {
        'code': 401,
        'message': 'The request you have made requires authentication.'}}


# -- noauth2 ------------------------------------------------------------------

@pytest.mark.parametrize('token,user,project,admin', [
    ('admin:admin', 'admin', 'admin', True),
    ('demo:demo', 'demo', 'demo', False),
    ('alice:p9', 'alice', 'p9', False),
    ('admin:p9', 'admin', 'p9', True),
    ('notused', 'notused', 'notused', False),
    ('demo', 'demo', 'demo', False),
    ('demo:', 'demo', 'demo', False),
])
def test_noauth_token_parsing(enforcer, token, user, project, admin):
    seen = _Seen()
    resp = _get(auth.NoAuthMiddleware(seen, enforcer),
                **{'X-Auth-Token': token})
    assert resp.status_int == 200
    ctx = seen.context
    assert (ctx.user_id, ctx.project_id, ctx.is_admin) == \
        (user, project, admin)
    expected_roles = ['reader', 'member'] + (['admin'] if admin else [])
    assert ctx.roles == expected_roles
    assert ctx.enforcer is enforcer


def test_noauth_roles_header_cannot_grant(enforcer):
    seen = _Seen()
    _get(auth.NoAuthMiddleware(seen, enforcer),
         **{'X-Auth-Token': 'demo:demo', 'X-Roles': 'admin'})
    assert seen.context.roles == []
    assert not seen.context.is_admin


@pytest.mark.parametrize('token,header,roles', [
    ('demo:demo', 'reader', ['reader']),
    ('demo:demo', ' Reader , member', ['reader', 'member']),
    ('admin:admin', 'reader', ['reader']),
    ('admin:admin', 'reader,member,admin', ['reader', 'member', 'admin']),
])
def test_noauth_roles_header_narrows(enforcer, token, header, roles):
    seen = _Seen()
    _get(auth.NoAuthMiddleware(seen, enforcer),
         **{'X-Auth-Token': token, 'X-Roles': header})
    assert seen.context.roles == roles
    assert seen.context.is_admin == ('admin' in roles)


def test_noauth_service_token(enforcer):
    seen = _Seen()
    _get(auth.NoAuthMiddleware(seen, enforcer),
         **{'X-Auth-Token': 'demo:demo', 'X-Service-Token': 'nova:service'})
    ctx = seen.context
    assert (ctx.user_id, ctx.project_id) == ('demo', 'demo')
    assert (ctx.service_user_id, ctx.service_project_id,
            ctx.service_roles) == ('nova', 'service', ['service'])
    seen = _Seen()
    _get(auth.NoAuthMiddleware(seen, enforcer),
         **{'X-Auth-Token': 'demo:demo'})
    assert seen.context.service_roles == []


def test_noauth_contexts_pass_default_policies(enforcer):
    seen = _Seen()
    app = auth.NoAuthMiddleware(seen, enforcer)
    _get(app, **{'X-Auth-Token': 'demo:demo'})
    demo = seen.context
    assert demo.can('os_compute_api:servers:create')
    assert demo.can('os_compute_api:os-volumes-attachments:create',
                    {'project_id': 'demo'})
    assert not demo.can('os_compute_api:os-volumes-attachments:create',
                        {'project_id': 'other'}, fatal=False)
    with pytest.raises(exception.PolicyNotAuthorized):
        demo.can('os_compute_api:os-services:list', {})
    _get(app, **{'X-Auth-Token': 'admin:admin'})
    admin = seen.context
    assert admin.can('os_compute_api:os-services:list', {})
    assert admin.can('os_compute_api:servers:show', {'project_id': 'demo'})


def test_noauth_request_ids_and_remote_address(enforcer):
    seen = _Seen()
    req = webob.Request.blank('/servers', headers={'X-Auth-Token': 'd:d'})
    req.environ[request_id.ENV_REQUEST_ID] = 'req-local'
    req.environ[request_id.GLOBAL_REQ_ID] = 'req-global'
    req.remote_addr = '192.0.2.7'
    req.get_response(auth.NoAuthMiddleware(seen, enforcer))
    assert seen.context.request_id == 'req-local'
    assert seen.context.global_request_id == 'req-global'
    assert seen.context.remote_address == '192.0.2.7'


def test_noauth_without_token_hands_one_out(enforcer):
    seen = _Seen()
    app = auth.NoAuthMiddleware(seen, enforcer)
    resp = _get(app, '/v2.1/servers/')
    assert resp.status_int == 204
    assert resp.body == b''
    assert resp.headers['X-Auth-Token'] == 'admin:admin'
    assert resp.headers['X-Server-Management-Url'] == \
        'http://localhost/v2.1/servers/admin'
    assert seen.context is None

    resp = _get(app, '/v2.1', **{'X-Auth-User': 'alice',
                                 'X-Auth-Key': 'secret',
                                 'X-Auth-Project-Id': 'p9'})
    assert resp.status_int == 204
    assert resp.headers['X-Auth-Token'] == 'alice:p9'
    assert resp.headers['X-Server-Management-Url'] == \
        'http://localhost/v2.1/p9'
    assert 'X-CDN-Management-Url' not in resp.headers
    assert 'X-Storage-Url' not in resp.headers


@pytest.mark.parametrize('token', ['', ' ', ':p1'])
def test_noauth_token_naming_no_user_is_unauthorized(enforcer, token):
    seen = _Seen()
    resp = _get(auth.NoAuthMiddleware(seen, enforcer),
                **{'X-Auth-Token': token})
    _assert_unauthorized(resp)
    assert seen.context is None


@pytest.mark.parametrize('token,expected', [
    ('a:b', ('a', 'b')), ('a', ('a', 'a')), ('a:', ('a', 'a')),
    ('a:b:c', ('a', 'b:c')), ('', (None, None)), (None, (None, None)),
])
def test_parse_noauth_token(token, expected):
    assert auth.parse_noauth_token(token) == expected


# -- keystone -----------------------------------------------------------------

def _keystone_headers(**extra):
    headers = {'X-Identity-Status': 'Confirmed', 'X-User-Id': 'u1',
               'X-User-Name': 'alice', 'X-Project-Id': 'p1',
               'X-Project-Name': 'proj', 'X-Roles': 'member, reader',
               'X-Auth-Token': 'tok', 'X-User-Domain-Id': 'default',
               'X-Project-Domain-Id': 'default'}
    headers.update(extra)
    return headers


def test_keystone_context_from_headers(enforcer):
    seen = _Seen()
    catalog = [{'type': 'block-storage', 'endpoints': []}]
    req = webob.Request.blank('/servers', headers=_keystone_headers(
        **{'X-Service-Catalog': jsonutils.dumps(catalog)}))
    req.environ[request_id.ENV_REQUEST_ID] = 'req-local'
    req.environ[request_id.GLOBAL_REQ_ID] = 'req-global'
    req.environ['keystone.token_auth'] = plugin = object()
    req.remote_addr = '192.0.2.9'
    resp = req.get_response(auth.KeystoneContextMiddleware(seen, enforcer))
    assert resp.status_int == 200
    ctx = seen.context
    assert ctx.user_id == 'u1'
    assert ctx.user_name == 'alice'
    assert ctx.project_id == 'p1'
    assert ctx.project_name == 'proj'
    assert ctx.roles == ['member', 'reader']
    assert ctx.auth_token == 'tok'
    assert ctx.user_domain_id == 'default'
    assert ctx.service_catalog == catalog
    assert ctx.user_auth_plugin is plugin
    assert ctx.request_id == 'req-local'
    assert ctx.global_request_id == 'req-global'
    assert ctx.remote_address == '192.0.2.9'
    assert ctx.is_admin is False
    assert ctx.enforcer is enforcer
    assert ctx.can('os_compute_api:servers:create')


def test_keystone_admin_role_makes_admin_context(enforcer):
    seen = _Seen()
    _get(auth.KeystoneContextMiddleware(seen, enforcer),
         **_keystone_headers(**{'X-Roles': 'reader,member,admin'}))
    assert seen.context.is_admin is True
    assert seen.context.can('os_compute_api:os-services:list', {})


def test_keystone_system_scope_is_denied_project_rules(enforcer):
    seen = _Seen()
    _get(auth.KeystoneContextMiddleware(seen, enforcer),
         **_keystone_headers(**{'OpenStack-System-Scope': 'all',
                                'X-Roles': 'admin'}))
    assert seen.context.system_scope == 'all'
    assert not seen.context.can('os_compute_api:os-services:list', {},
                                fatal=False)


@pytest.mark.parametrize('status', [None, 'Invalid', 'confirmed'])
def test_keystone_identity_not_confirmed(enforcer, status):
    seen = _Seen()
    headers = _keystone_headers()
    if status is None:
        del headers['X-Identity-Status']
    else:
        headers['X-Identity-Status'] = status
    _assert_unauthorized(
        _get(auth.KeystoneContextMiddleware(seen, enforcer), **headers))
    assert seen.context is None


def test_keystone_without_user_is_unauthorized(enforcer):
    seen = _Seen()
    headers = _keystone_headers()
    del headers['X-User-Id']
    _assert_unauthorized(
        _get(auth.KeystoneContextMiddleware(seen, enforcer), **headers))


def test_keystone_legacy_user_header(enforcer):
    seen = _Seen()
    headers = _keystone_headers(**{'X-User': 'legacy'})
    del headers['X-User-Id']
    _get(auth.KeystoneContextMiddleware(seen, enforcer), **headers)
    assert seen.context.user_id == 'legacy'


def test_keystone_bad_service_catalog(enforcer):
    resp = _get(auth.KeystoneContextMiddleware(_Seen(), enforcer),
                **_keystone_headers(**{'X-Service-Catalog': '{nope'}))
    assert resp.status_int == 500
    assert resp.headers['Content-Type'] == FAULT_CT
    assert resp.json == {'computeFault': {
        'code': 500, 'message': 'Invalid service catalog json.'}}


# -- pipeline -----------------------------------------------------------------

def test_pipeline_noauth2(enforcer):
    app = auth.build_auth_pipeline(_Seen(), _conf(auth_strategy='noauth2'),
                                   enforcer)
    assert isinstance(app, auth.NoAuthMiddleware)
    assert app.enforcer is enforcer


def test_pipeline_keystone_registers_options_on_our_conf(enforcer):
    conf = _conf(auth_strategy='keystone')
    assert 'keystone_authtoken' not in conf
    app = auth.build_auth_pipeline(_Seen(), conf, enforcer)
    assert isinstance(app, auth_token.AuthProtocol)
    assert 'keystone_authtoken' in conf


def test_pipeline_keystone_delayed_decision(enforcer):
    conf = _keystone_conf()
    seen = _Seen()
    conf.set_override('delay_auth_decision', True,
                      group='keystone_authtoken')
    app = auth.build_auth_pipeline(seen, conf, enforcer)
    # no token, decision delayed: auth_token passes the request on with
    # X-Identity-Status: Invalid, and we answer 401 ourselves.
    _assert_unauthorized(_get(app))
    assert seen.context is None


def test_pipeline_keystone_rejects_missing_token(enforcer):
    seen = _Seen()
    resp = _get(auth.build_auth_pipeline(seen, _keystone_conf(), enforcer))
    assert resp.status_int == 401
    assert resp.headers['WWW-Authenticate'] == \
        'Keystone uri="http://keystone.test/v3"'
    assert seen.context is None


def test_pipeline_unknown_strategy(enforcer):
    with pytest.raises(ValueError):
        auth.build_auth_pipeline(_Seen(), _FakeConf('basic'), enforcer)


class _FakeConf:
    def __init__(self, strategy):
        self.api = type('api', (), {'auth_strategy': strategy})()
