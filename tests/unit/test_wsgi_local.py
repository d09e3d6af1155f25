"""In-process calls to a registered WSGI application."""

import json

import requests
from requests import adapters
import webob
import webob.dec

from nova_lite import wsgi_local


@webob.dec.wsgify
def _echo(req):
    resp = webob.Response(status='201 Created', content_type='application/json')
    resp.headers['X-Seen-Token'] = req.headers.get('X-Auth-Token', '')
    resp.headers['OpenStack-API-Version'] = 'volume 3.44'
    resp.body = json.dumps({
        'method': req.method, 'path': req.path, 'query': req.query_string,
        'host': req.host, 'body': req.body.decode('utf-8'),
        'content_type': req.content_type,
        'remote_addr': req.remote_addr}).encode('utf-8')
    return resp


class _Fallback(adapters.BaseAdapter):
    def __init__(self):
        super().__init__()
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append(request.url)
        response = requests.Response()
        response.status_code = 599
        response._content = b''
        response.request = request
        return response

    def close(self):
        pass


def _session():
    session = requests.Session()
    fallback = _Fallback()
    session.mount('http://', fallback)
    session.mount('https://', fallback)
    wsgi_local.mount(session)
    return session, fallback


def test_registered_application_answers_in_process():
    url = 'http://127.0.0.1:18776/'
    wsgi_local.register(url, _echo)
    try:
        session, fallback = _session()
        resp = session.post(
            'http://127.0.0.1:18776/v3/proj/attachments?x=1',
            json={'attachment': {'volume_uuid': 'v'}},
            headers={'X-Auth-Token': 'demo:demo'})
    finally:
        wsgi_local.unregister(url)
    assert fallback.sent == []
    assert resp.status_code == 201
    assert resp.reason == 'Created'
    assert resp.headers['x-seen-token'] == 'demo:demo'
    assert resp.headers['OpenStack-API-Version'] == 'volume 3.44'
    body = resp.json()
    assert body['method'] == 'POST'
    assert body['path'] == '/v3/proj/attachments'
    assert body['query'] == 'x=1'
    assert body['host'] == '127.0.0.1:18776'
    assert json.loads(body['body']) == {'attachment': {'volume_uuid': 'v'}}
    assert body['content_type'] == 'application/json'
    assert body['remote_addr'] == '127.0.0.1'


def test_other_addresses_keep_their_transport():
    wsgi_local.register('http://127.0.0.1:18776/', _echo)
    try:
        session, fallback = _session()
        resp = session.get('http://127.0.0.1:18777/v3')
        resp2 = session.get('https://127.0.0.1:18776/v3')
    finally:
        wsgi_local.unregister('http://127.0.0.1:18776/')
    assert resp.status_code == 599 and resp2.status_code == 599
    assert fallback.sent == ['http://127.0.0.1:18777/v3',
                             'https://127.0.0.1:18776/v3']


def test_unregister_only_removes_its_own_application():
    url = 'http://localhost:18776'
    wsgi_local.register(url, _echo)
    wsgi_local.unregister(url, app=object())
    assert wsgi_local.lookup('http://LOCALHOST:18776/v3') is _echo
    wsgi_local.unregister(url, app=_echo)
    assert wsgi_local.lookup(url) is None


def test_mount_twice_does_not_stack_adapters():
    session, fallback = _session()
    wsgi_local.mount(session)
    adapter = session.get_adapter('http://x/')
    assert isinstance(adapter, wsgi_local.LocalAdapter)
    assert adapter.fallback is fallback


def test_environment_proxies_apply_only_to_other_addresses(monkeypatch):
    monkeypatch.setenv('http_proxy', 'http://proxy.invalid:3128')
    monkeypatch.delenv('no_proxy', raising=False)
    monkeypatch.delenv('NO_PROXY', raising=False)
    wsgi_local.register('http://127.0.0.1:18776/', _echo)
    try:
        session, fallback = _session()
        local = session.merge_environment_settings(
            'http://127.0.0.1:18776/v3', {}, False, True, None)
        remote = session.merge_environment_settings(
            'http://198.51.100.7:8776/v3', {}, False, True, None)
    finally:
        wsgi_local.unregister('http://127.0.0.1:18776/')
    assert local['proxies'] == {}
    assert remote['proxies'].get('http') == 'http://proxy.invalid:3128'
