"""noauth2 makes anybody who can reach a listener an administrator: every
binary that listens refuses to start with it on an address other than
loopback unless ``[api] allow_noauth_on_any_address`` is set, and the WSGI
application for external servers serves loopback clients only."""

import os
import subprocess
import sys

import pytest
import webob

from nova_lite.web import server as api_server
from nova_lite.cmd import common

LOOPBACK = ['127.0.0.1', '127.3.4.5', '::1', 'localhost', 'LOCALHOST']
PUBLIC = ['0.0.0.0', '::', '', '192.0.2.10', '2001:db8::1', 'example.org',
          '::ffff:192.0.2.10']


def _conf(tmp_path=None, **api):
    conf = common.setup(['--config-file', '/dev/null'], 'nova-lite-test')
    for name, value in api.items():
        conf.set_override(name, value, group='api')
    return conf


@pytest.mark.parametrize('host', LOOPBACK)
def test_loopback_is_accepted(host):
    api_server.check_listen_auth(_conf(), host)


@pytest.mark.parametrize('host', PUBLIC)
def test_other_addresses_are_refused(host):
    with pytest.raises(api_server.NoAuthOnPublicAddress) as error:
        api_server.check_listen_auth(_conf(), host)
    assert 'allow_noauth_on_any_address' in str(error.value)
    # Allowed explicitly, or with Keystone, any address will do.
    api_server.check_listen_auth(_conf(allow_noauth_on_any_address=True),
                                 host)
    api_server.check_listen_auth(_conf(auth_strategy='keystone'), host)


def _run(binary, tmp_path, extra):
    """Run a binary's main with a config file; it must exit at once."""
    config = tmp_path / 'nova-lite.conf'
    lines = ['[DEFAULT]', 'state_path = %s' % (tmp_path / 'state'),
             'transport_url = rabbit://guest:guest@127.0.0.1:5672/',
             'osapi_compute_listen_port = 0', 'osapi_volume_listen_port = 0']
    lines += extra + ['[image_service]', 'listen_port = 0']
    config.write_text('\n'.join(lines) + '\n')
    code = ('import sys; from nova_lite.cmd import %s as m; '
            'm.main(["--config-file", sys.argv[1]])' % binary)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    return subprocess.run([sys.executable, '-c', code, str(config)],
                          capture_output=True, text=True, timeout=60,
                          env=env)


@pytest.mark.parametrize('binary,option', [
    ('api', 'osapi_compute_listen'),
    ('all', 'osapi_compute_listen'),
    ('all', 'osapi_volume_listen'),
    ('block_storage', 'osapi_volume_listen'),
])
def test_binaries_refuse_to_start(tmp_path, binary, option):
    result = _run(binary, tmp_path, ['%s = 0.0.0.0' % option])
    assert result.returncode != 0
    assert 'refused on 0.0.0.0' in result.stderr, result.stderr
    assert 'allow_noauth_on_any_address' in result.stderr
    # Refused before anything was set up: no database, no volume files.
    state = tmp_path / 'state'
    assert not state.exists() or list(state.iterdir()) == []


def test_binaries_without_listeners_need_no_check(tmp_path):
    """The conductor and compute binaries listen on nothing: no check to
    make (they only talk to the message bus and databases)."""
    from nova_lite.cmd import compute
    from nova_lite.cmd import conductor
    for module in (compute, conductor):
        with open(module.__file__) as source:
            text = source.read()
        assert 'APIServer' not in text and 'cheroot' not in text


def _wsgi_call(app, remote):
    req = webob.Request.blank('/v2.1/flavors', remote_addr=remote)
    req.headers['X-Auth-Token'] = 'admin:admin'
    return req.get_response(app)


def test_wsgi_application_serves_loopback_clients_only():
    seen = []

    def inner(environ, start_response):
        seen.append(environ['REMOTE_ADDR'])
        return webob.Response(json={'ok': True})(environ, start_response)

    app = api_server.NoAuthLoopbackClientsOnly(inner)
    for remote in ('127.0.0.1', '::1'):
        assert _wsgi_call(app, remote).status_int == 200
    for remote in ('192.0.2.10', '2001:db8::1', '', None):
        resp = _wsgi_call(app, remote)
        assert resp.status_int == 403
        assert resp.json['forbidden']['code'] == 403
        assert 'allow_noauth_on_any_address' in \
            resp.json['forbidden']['message']
    assert seen == ['127.0.0.1', '::1']


def test_wsgi_module_applies_the_guard(tmp_path, monkeypatch, request):
    """nova_lite.api.wsgi wraps the application unless allowed."""
    import importlib
    from nova_lite.db import api as db_api
    db_api.reset()
    request.addfinalizer(db_api.reset)
    config = tmp_path / 'nova-lite.conf'
    for allowed, wrapped in ((False, True), (True, False)):
        config.write_text(
            '[DEFAULT]\nstate_path = %s\n[api]\n'
            'allow_noauth_on_any_address = %s\n' % (tmp_path, allowed))
        monkeypatch.setenv('NOVA_LITE_CONFIG_FILE', str(config))
        from nova_lite.api import wsgi
        wsgi = importlib.reload(wsgi)
        assert isinstance(wsgi.application,
                          api_server.NoAuthLoopbackClientsOnly) is wrapped
