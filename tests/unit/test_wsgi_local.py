"""In-process calls to a registered WSGI application."""

import json

import pytest
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


@webob.dec.wsgify
def _environ_echo(req):
    """Everything of the request an application can see, as JSON."""
    seen = {k: v for k, v in req.environ.items()
            if isinstance(v, (str, int, tuple)) and
            k not in ('wsgi.multithread', 'wsgi.multiprocess',
                      'wsgi.run_once')}
    seen['body'] = req.body.decode('latin-1')
    resp = webob.Response(status='202 Accepted',
                          content_type='application/json', charset='UTF-8')
    resp.headers['X-Path'] = req.path_info
    resp.body = json.dumps(seen, sort_keys=True).encode('utf-8')
    return resp


@pytest.fixture
def echo_url():
    url = 'http://127.0.0.1:18778'
    wsgi_local.register(url, _environ_echo)
    yield url
    wsgi_local.unregister(url)


@pytest.mark.parametrize('method,path,data,headers', [
    ('GET', '/v3/volumes/abc?all_tenants=1', None, {}),
    ('POST', '/v3/attachments', '{"attachment": {"volume_uuid": "v"}}',
     {'Content-Type': 'application/json'}),
    ('PUT', '/v3/volumes/a%20b%C3%A9', b'{"x": 1}',
     {'Content-Type': 'application/json', 'X-Auth-Token': 't'}),
    ('DELETE', '/v3/attachments/x', None, {'X-Auth-Token': 't'}),
    ('POST', '/v3/volumes/x/action', None, {}),
])
def test_direct_requests_match_the_adapter_path(echo_url, method, path,
                                                data, headers):
    # keystoneauth1 asks for no redirects and hands over a ready body:
    # that request skips requests' preparation; the application must see
    # exactly what it sees through the transport adapter.
    session, fallback = _session()

    def not_prepared(request):
        raise AssertionError('prepared by requests')
    session.prepare_request = not_prepared
    direct = session.request(method, echo_url + path, data=data,
                             headers=dict(headers), allow_redirects=False)
    session2, _ = _session()
    prepared = session2.prepare_request(requests.Request(
        method, echo_url + path, data=data, headers=dict(headers)))
    through_adapter = session2.get_adapter(prepared.url).send(prepared)
    assert fallback.sent == []
    assert direct.status_code == through_adapter.status_code == 202
    assert direct.reason == 'Accepted'
    assert direct.json() == through_adapter.json()
    assert direct.headers == through_adapter.headers
    assert direct.encoding == through_adapter.encoding == 'utf-8'
    assert direct.request.method == method
    assert direct.request.url == echo_url + path
    assert dict(direct.request.headers) == dict(prepared.headers)
    assert direct.elapsed.total_seconds() > 0
    assert isinstance(direct.connection, wsgi_local.LocalAdapter)


def test_direct_request_header_none_drops_a_session_default(echo_url):
    session, _ = _session()
    resp = session.request('GET', echo_url + '/v3', allow_redirects=False,
                           headers={'User-Agent': 'nova-lite-test',
                                    'Accept-Encoding': None})
    seen = resp.json()
    assert seen['HTTP_USER_AGENT'] == 'nova-lite-test'
    assert 'HTTP_ACCEPT_ENCODING' not in seen
    assert seen['HTTP_ACCEPT'] == '*/*'


def test_requests_with_more_than_a_body_take_the_full_path(echo_url):
    # Query parameters, JSON to encode, cookies: requests prepares them.
    session, fallback = _session()
    prepared = []
    prepare = session.prepare_request
    session.prepare_request = lambda r: prepared.append(r) or prepare(r)
    resp = session.request('POST', echo_url + '/v3/x', params={'a': 'b c'},
                           json={'k': 'v'}, cookies={'c': '1'},
                           allow_redirects=False)
    seen = resp.json()
    assert fallback.sent == []
    assert len(prepared) == 1
    assert seen['QUERY_STRING'] == 'a=b+c'
    assert json.loads(seen['body']) == {'k': 'v'}
    assert seen['HTTP_COOKIE'] == 'c=1'
    assert seen['CONTENT_TYPE'] == 'application/json'


def test_keystoneauth_session_calls_in_process(echo_url):
    from keystoneauth1 import session as ks_session
    session, fallback = _session()
    ks = ks_session.Session(session=session)
    resp = ks.post(echo_url + '/v3/attachments', json={'a': 1},
                   headers={'X-Auth-Token': 'demo:demo'},
                   raise_exc=False)
    seen = resp.json()
    assert fallback.sent == []
    assert resp.status_code == 202
    assert seen['REQUEST_METHOD'] == 'POST'
    assert seen['PATH_INFO'] == '/v3/attachments'
    assert seen['HTTP_X_AUTH_TOKEN'] == 'demo:demo'
    assert 'keystoneauth1/' in seen['HTTP_USER_AGENT']
    assert json.loads(seen['body']) == {'a': 1}
    assert seen['CONTENT_LENGTH'] == str(len(seen['body']))


def test_nothing_registered_no_url_parsed(monkeypatch):
    monkeypatch.setattr(wsgi_local, '_APPS', {})
    parsed = []
    monkeypatch.setattr(wsgi_local, '_key',
                        lambda url: parsed.append(url) or ('http', url))
    assert wsgi_local.lookup('http://127.0.0.1:8776/v3/x') is None
    assert parsed == []
    wsgi_local.register('http://127.0.0.1:9/', object())
    assert wsgi_local.lookup('http://127.0.0.1:8776/v3/x') is None
    assert parsed
