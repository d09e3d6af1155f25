import webob

from nova_lite.api import auth
from nova_lite import conf as nl_conf
from nova_lite import policy


def _app(environ, start_response):
    ctx = environ['nova_lite.context']
    resp = webob.Response(json={'user': ctx.user_id,
                                'project': ctx.project_id,
                                'admin': ctx.is_admin,
                                'roles': sorted(ctx.roles)})
    return resp(environ, start_response)


def _enforcer():
    conf = nl_conf.new_conf()
    conf([])
    return policy.init(conf)


def test_noauth_tokens():
    app = auth.NoAuthMiddleware(_app, _enforcer())
    cases = {'admin:admin': ('admin', 'admin', True),
             'demo:demo': ('demo', 'demo', False),
             'alice:p9': ('alice', 'p9', False),
             'notused': ('notused', 'notused', False)}
    for token, (user, project, admin) in cases.items():
        resp = webob.Request.blank(
            '/', headers={'X-Auth-Token': token}).get_response(app)
        assert resp.json['user'] == user
        assert resp.json['project'] == project
        assert resp.json['admin'] is admin
        assert ('admin' in resp.json['roles']) is admin
        assert {'member', 'reader'} <= set(resp.json['roles'])


def test_noauth_without_token_hands_out_one():
    app = auth.NoAuthMiddleware(_app, _enforcer())
    resp = webob.Request.blank('/v2.1/servers').get_response(app)
    assert resp.status_int == 204
    assert resp.headers['X-Auth-Token'] == 'admin:admin'


def test_keystone_context_from_headers():
    app = auth.KeystoneContextMiddleware(_app, _enforcer())
    resp = webob.Request.blank('/', headers={
        'X-Identity-Status': 'Confirmed', 'X-User-Id': 'u1',
        'X-Project-Id': 'p1', 'X-Roles': 'member,reader'}).get_response(app)
    assert resp.json == {'user': 'u1', 'project': 'p1', 'admin': False,
                         'roles': ['member', 'reader']}
    denied = webob.Request.blank('/', headers={
        'X-Identity-Status': 'Invalid'}).get_response(app)
    assert denied.status_int == 401
    assert denied.json['unauthorized']['code'] == 401
