"""The plain WSGI layers of the API pipelines: proxy headers, body size
limit, request ids, faults and the request log."""

import io
import logging
import re
import sys

import pytest
import webob

from nova_lite.web import faults
from nova_lite.web import middleware
from nova_lite.web import request_id
from nova_lite.web import request_log
from nova_lite import conf as nl_conf

REQ_ID = re.compile(r'^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                    r'[0-9a-f]{4}-[0-9a-f]{12}$')


def _conf():
    conf = nl_conf.new_conf()
    conf([], project='nova-lite-test', default_config_files=[])
    return conf


class _Seen:
    """An application recording the environ it got and the body it read."""

    def __init__(self, status='200 OK', body=b'{"ok": true}', headers=()):
        self.status, self.body, self.headers = status, body, list(headers)
        self.environ = None
        self.read = None

    def __call__(self, environ, start_response):
        self.environ = dict(environ)
        self.read = environ['wsgi.input'].read()
        start_response(self.status, [('Content-Type', 'application/json')] +
                       self.headers)
        return [self.body]


def _get(app, path='/v2.1/servers', **kwargs):
    return webob.Request.blank(path, **kwargs).get_response(app)


# -- proxy headers -----------------------------------------------------------

def test_proxy_headers_ignored_unless_enabled():
    conf = _conf()
    seen = _Seen()
    app = middleware.ProxyHeaders(seen, conf)
    headers = {'X-Forwarded-Proto': 'https',
               'X-Forwarded-Host': 'api.example.com'}
    _get(app, headers=headers)
    assert seen.environ['wsgi.url_scheme'] == 'http'
    assert seen.environ['HTTP_HOST'] == 'localhost:80'
    conf.set_override('enable_proxy_headers_parsing', True,
                      group='oslo_middleware')
    _get(app, headers=headers)
    assert seen.environ['wsgi.url_scheme'] == 'https'
    assert seen.environ['HTTP_HOST'] == 'api.example.com'


# -- body size ---------------------------------------------------------------

@pytest.fixture
def limited():
    conf = _conf()
    seen = _Seen()
    app = faults.FaultWrapper(middleware.BodySizeLimit(seen, conf))
    conf.set_override('max_request_body_size', 10, group='oslo_middleware')
    return app, seen


def test_body_within_the_limit_reaches_the_application(limited):
    app, seen = limited
    resp = _get(app, method='POST', body=b'0123456789')
    assert resp.status_int == 200
    assert seen.read == b'0123456789'


def test_content_length_over_the_limit_is_413_unread(limited):
    app, seen = limited
    resp = _get(app, method='POST', body=b'0123456789A')
    assert resp.status_int == 413
    assert resp.json['overLimit']['code'] == 413
    assert 'Request is too large' in resp.json['overLimit']['message']
    assert seen.environ is None


def test_chunked_body_over_the_limit_is_413(limited):
    app, seen = limited

    def reading(environ, start_response):
        environ['wsgi.input'].read()
        start_response('200 OK', [])
        return [b'']
    app.application.application = reading
    app.application.limiter.application = reading
    req = webob.Request.blank('/', method='POST')
    req.environ['wsgi.input'] = io.BytesIO(b'x' * 11)
    req.environ.pop('CONTENT_LENGTH', None)
    req.environ['HTTP_TRANSFER_ENCODING'] = 'chunked'
    req.environ['wsgi.input_terminated'] = True  # as cheroot sets it
    resp = req.get_response(app)
    assert resp.status_int == 413
    assert 'overLimit' in resp.json


def test_request_without_body_skips_the_limiter(limited):
    app, seen = limited
    req = webob.Request.blank('/')
    body_file = req.environ['wsgi.input']
    req.get_response(app)
    assert seen.environ['wsgi.input'] is body_file


# -- request ids --------------------------------------------------------------

def test_request_id_in_environ_and_both_headers():
    seen = _Seen()
    resp = _get(request_id.RequestIdMiddleware(seen))
    req_id = seen.environ[request_id.ENV_REQUEST_ID]
    assert REQ_ID.match(req_id)
    assert resp.headers['x-openstack-request-id'] == req_id
    assert resp.headers['x-compute-request-id'] == req_id
    assert request_id.GLOBAL_REQ_ID not in seen.environ
    again = _get(request_id.RequestIdMiddleware(seen))
    assert again.headers['x-openstack-request-id'] != req_id


@pytest.mark.parametrize('value,accepted', [
    ('req-12345678-1234-1234-1234-123456789abc', True),
    ('req-12345678-1234-1234-1234-123456789ABC', False),
    ('12345678-1234-1234-1234-123456789abc', False),
    ('req-1', False),
])
def test_global_request_id_only_when_well_formed(value, accepted):
    seen = _Seen()
    _get(request_id.RequestIdMiddleware(seen),
         headers={'X-OpenStack-Request-ID': value})
    assert (seen.environ.get(request_id.GLOBAL_REQ_ID) == value) is accepted


def test_request_id_header_set_by_the_application_is_kept():
    seen = _Seen(headers=[('X-OpenStack-Request-Id', 'req-inner')])
    resp = _get(request_id.RequestIdMiddleware(seen))
    assert resp.headers.getall('x-openstack-request-id') == ['req-inner']
    assert REQ_ID.match(resp.headers['x-compute-request-id'])


# -- faults -------------------------------------------------------------------

def test_success_passes_through_unchanged():
    seen = _Seen(status='202 Accepted', body=b'{"a": 1}',
                 headers=[('X-Extra', 'yes')])
    resp = _get(faults.FaultWrapper(seen))
    assert resp.status == '202 Accepted'
    assert resp.body == b'{"a": 1}'
    assert resp.headers['X-Extra'] == 'yes'


def test_fault_body_passes_through_unchanged():
    body = b'{"conflictingRequest": {"code": 409, "message": "m"}}'
    resp = _get(faults.FaultWrapper(_Seen(status='409 Conflict',
                                          body=body)))
    assert resp.status_int == 409
    assert resp.body == body


def test_plain_error_becomes_a_fault_keeping_headers():
    def app(environ, start_response):
        start_response('405 Method Not Allowed',
                       [('Content-Type', 'text/plain'), ('Allow', 'GET')])
        return [b'no']
    resp = _get(faults.FaultWrapper(app))
    assert resp.status_int == 405
    assert resp.json == {'badMethod': {
        'code': 405,
        'message': 'The method specified is not allowed for this '
                   'resource.'}}
    assert resp.headers['Allow'] == 'GET'
    assert resp.headers['Content-Type'] == 'application/json; charset=UTF-8'


def test_error_while_the_body_is_produced_is_a_fault():
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'application/json')])
        yield b'{"partial":'
        raise RuntimeError('in the middle')
    resp = _get(faults.FaultWrapper(app))
    assert resp.status_int == 500
    assert 'computeFault' in resp.json
    assert 'in the middle' not in resp.text


def test_iterable_is_closed():
    closed = []

    class Body(list):
        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response('200 OK', [])
        return Body([b'a', b'b'])
    resp = _get(faults.FaultWrapper(app))
    assert resp.body == b'ab'
    assert closed == [True]


# -- request log ----------------------------------------------------------------

def test_request_log_line(caplog):
    seen = _Seen(status='201 Created', body=b'{"x": "12345"}')

    def versioned(environ, start_response):
        environ['nova_lite.api_version'] = '2.60'
        return seen(environ, start_response)
    app = request_log.RequestLog(versioned,
                                 version_key='nova_lite.api_version')
    with caplog.at_level(logging.INFO, logger=request_log.LOG.name):
        resp = _get(app, path='/v2.1/servers/a%20b?x=1',
                    remote_addr='192.0.2.9')
    assert resp.status_int == 201
    assert resp.body == b'{"x": "12345"}'
    [record] = [r for r in caplog.records if r.name == request_log.LOG.name]
    message = record.getMessage()
    assert message.startswith(
        '192.0.2.9 "GET /v2.1/servers/a%20b?x=1" status: 201 len: 14 '
        'microversion: 2.60 time: ')
    assert float(message.rsplit(' ', 1)[1]) >= 0


def test_request_log_without_version_or_length(caplog):
    def app(environ, start_response):
        start_response('204 No Content', [])
        return []
    with caplog.at_level(logging.INFO, logger=request_log.LOG.name):
        _get(request_log.RequestLog(app), method='DELETE')
    [record] = [r for r in caplog.records if r.name == request_log.LOG.name]
    assert '"DELETE /v2.1/servers" status: 204 len: 0 microversion: - ' \
        in record.getMessage()


def test_middleware_call_returns_everything():
    def app(environ, start_response):
        write = start_response('200 OK', [('A', 'b')])
        write(b'written-')
        return [b'returned']
    status, headers, body = middleware.call(app, webob.Request.blank(
        '/').environ)
    assert status == '200 OK'
    assert headers == [('A', 'b')]
    assert body == b'written-returned'


def test_middleware_call_takes_an_error_response_started_late():
    def app(environ, start_response):
        write = start_response('200 OK', [('A', 'b')])
        write(b'partial')
        try:
            raise ValueError('late')
        except ValueError:
            start_response('500 Internal Server Error',
                           [('Content-Type', 'text/plain')], sys.exc_info())
        return [b'error page']
    status, headers, body = middleware.call(app, webob.Request.blank(
        '/').environ)
    assert status == '500 Internal Server Error'
    assert headers == [('Content-Type', 'text/plain')]
    assert body == b'error page'
