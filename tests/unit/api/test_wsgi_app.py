"""The module-level WSGI application and the request log."""

import importlib
import logging

import webob


def test_module_level_application(tmp_path, monkeypatch, request):
    conf = tmp_path / 'api.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\n' % tmp_path)
    monkeypatch.setenv('NOVA_LITE_CONFIG_FILE', str(conf))
    from nova_lite.api import wsgi
    from nova_lite.db import api as db_api
    db_api.reset()
    request.addfinalizer(db_api.reset)
    wsgi = importlib.reload(wsgi)
    # noauth2 under an outside WSGI server serves loopback clients only.
    resp = webob.Request.blank('/', remote_addr='127.0.0.1').get_response(
        wsgi.application)
    assert resp.status_int == 200
    assert resp.json['versions'][1]['version'] == '2.104'
    resp = webob.Request.blank('/v2.1/servers/detail', headers={
        'X-Auth-Token': 'demo:demo'}, remote_addr='127.0.0.1').get_response(
            wsgi.application)
    # No database was synced for this file: a fault, never a traceback.
    assert resp.content_type == 'application/json'
    assert 'Traceback' not in resp.text


def test_request_log_line(caplog):
    from nova_lite.web import request_log

    def app(environ, start_response):
        return webob.Response(json={'ok': 1})(environ, start_response)
    caplog.set_level(logging.INFO, logger='nova_lite.web.request_log')
    webob.Request.blank('/v2.1/servers?limit=1').get_response(
        request_log.RequestLog(app))
    assert '"GET /v2.1/servers?limit=1" status: 200' in caplog.text
