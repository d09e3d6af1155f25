"""Anonymous callers behind keystonemiddleware: every route of the compute
API and of the block storage answers 401 to a request without a token
(keystonemiddleware rejects it before the application; no Keystone is
needed for that), with a ``WWW-Authenticate`` header naming Keystone."""

from keystonemiddleware import auth_token
import pytest
import requests

from nova_lite.api import app as api_app
from nova_lite.web import server as api_server
from nova_lite.block_storage import app as bs_app
from tests.security import personas as p
from tests.security import routes
from tests.security import test_policy_matrix as matrix

KEYSTONE = 'http://127.0.0.1:1/identity/v3'


@pytest.fixture(scope='module')
def keystone_servers(env):
    conf = env.stack.conf
    auth_token.AuthProtocol(None, {'oslo_config_config': conf})
    conf.set_override('www_authenticate_uri', KEYSTONE,
                      group='keystone_authtoken')
    conf.set_override('auth_strategy', 'keystone', group='api')
    try:
        compute = api_server.APIServer(conf, api_app.build_app(conf),
                                       host='127.0.0.1', port=0, threads=4)
        volume = api_server.APIServer(
            conf, bs_app.build_app(conf, env.stack.aio.block_storage.store),
            host='127.0.0.1', port=0, threads=4)
    finally:
        conf.clear_override('auth_strategy', group='api')
    compute.start()
    volume.start()
    try:
        yield {matrix.C: 'http://127.0.0.1:%d/v2.1' % compute.bound_port,
               matrix.BS: 'http://127.0.0.1:%d/v3' % volume.bound_port,
               'root': 'http://127.0.0.1:%d' % compute.bound_port}
    finally:
        compute.stop()
        volume.stop()
        conf.clear_override('www_authenticate_uri',
                            group='keystone_authtoken')


# The module-scoped whole stack of the matrix test (its database and block
# storage store back the keystone-mode applications).
env = matrix.env


class _Params(dict):
    """URL values: a plain one for the parameters not named above (every
    route of every feature is checked, whatever its parameters)."""

    def __missing__(self, key):
        return 'x-%s' % key.replace('_', '-')


@pytest.mark.parametrize('api', [matrix.C, matrix.BS])
def test_every_route_is_401_without_token(keystone_servers, api):
    enumerated = routes.compute_routes() if api == matrix.C else \
        routes.block_storage_routes()
    params = _Params({'server_id': 'a1b2c3d4-0000-4000-8000-000000000001',
                      'volume_id': 'a1b2c3d4-0000-4000-8000-000000000002',
                      'attachment_id': 'a1b2c3d4-0000-4000-8000-000000000003',
                      'type_id': 'a1b2c3d4-0000-4000-8000-000000000004',
                      'service_id': 'a1b2c3d4-0000-4000-8000-000000000005',
                      'flavor_id': '1', 'key': 'k', 'project_id': p.PROJECT,
                      'network_label': 'private'})
    checked = 0
    for method, template, action in sorted(enumerated, key=str):
        body = {action: None} if action else {}
        resp = requests.request(
            method, keystone_servers[api] + template.format_map(params),
            json=body if method in ('POST', 'PUT') else None,
            timeout=p.TIMEOUT)
        where = '%s %s %s' % (method, template, action or '')
        assert resp.status_code == 401, (where, resp.text)
        assert KEYSTONE in resp.headers.get('WWW-Authenticate', ''), where
        checked += 1
    assert checked == len(enumerated) > 20


def test_images_need_a_token(keystone_servers):
    """The image look-ups (the Image API stand-in and novaclient's through
    the compute endpoint) need a token behind Keystone; version discovery
    does not."""
    root = keystone_servers['root']
    for path in ('/image/v2/images', '/image/v2/images/%s' % p.IMAGE,
                 '/v2.1/v2/images', '/v2.1/v2/images/%s' % p.IMAGE,
                 '/v2.1/%s/v2/images' % p.PROJECT):
        resp = requests.get(root + path, timeout=p.TIMEOUT)
        assert resp.status_code == 401, (path, resp.text)
        assert p.IMAGE not in resp.text
    for path, status in (('/', 200), ('/v2.1', 200), ('/v2.1/', 200),
                         ('/image', 300), ('/image/', 300),
                         ('/identity/v3', 200)):
        resp = requests.get(root + path, timeout=p.TIMEOUT)
        assert resp.status_code == status, (path, resp.text)


def test_images_without_token_under_noauth2(env):
    """noauth2 keeps serving the image look-ups as before."""
    resp = requests.get(env.stack.base + '/image/v2/images',
                        timeout=p.TIMEOUT)
    assert resp.status_code == 200
    assert p.IMAGE in resp.text
