import webob
import webob.exc

from nova_lite.web import faults
from nova_lite import exception


def _wrap(app):
    return faults.FaultWrapper(app)


def test_fault_names():
    for status, name in ((400, 'badRequest'), (401, 'unauthorized'),
                         (403, 'forbidden'), (404, 'itemNotFound'),
                         (405, 'badMethod'), (409, 'conflictingRequest'),
                         (413, 'overLimit'), (415, 'badMediaType'),
                         (429, 'overLimit'), (501, 'notImplemented'),
                         (503, 'serviceUnavailable'), (406, 'computeFault'),
                         (500, 'computeFault')):
        resp = faults.fault_response(status, 'x')
        assert resp.json == {name: {'code': status, 'message': 'x'}}
        assert resp.headers['Content-Type'] == \
            'application/json; charset=UTF-8'


def test_retry_after_is_in_over_limit_body():
    resp = faults.fault_response(429, 'slow down', [('Retry-After', '5')])
    assert resp.json['overLimit']['retryAfter'] == '5'


def test_unexpected_exception_has_no_traceback():
    def app(environ, start_response):
        raise KeyError('secret-detail')
    resp = webob.Request.blank('/').get_response(_wrap(app))
    assert resp.status_int == 500
    message = resp.json['computeFault']['message']
    assert message == ("Unexpected API Error. Please contact the "
                       "administrator\n<class 'KeyError'>")
    assert 'secret-detail' not in resp.text
    assert 'Traceback' not in resp.text


def test_domain_errors_keep_their_status_and_message():
    def app(environ, start_response):
        raise exception.InstanceNotFound(instance_id='abc')
    resp = webob.Request.blank('/').get_response(_wrap(app))
    assert resp.json == {'itemNotFound': {
        'code': 404, 'message': 'Instance abc could not be found.'}}


def test_html_error_pages_become_faults():
    def app(environ, start_response):
        resp = webob.Response(status=405, body=b'<html>no</html>',
                              content_type='text/html')
        resp.headers['Allow'] = 'GET'
        return resp(environ, start_response)
    resp = webob.Request.blank('/').get_response(_wrap(app))
    assert resp.status_int == 405
    assert list(resp.json) == ['badMethod']
    assert resp.headers['Allow'] == 'GET'


def test_webob_errors_use_their_explanation():
    err = webob.exc.HTTPConflict(explanation='busy')
    assert faults.exception_to_response(err).json == {
        'conflictingRequest': {'code': 409, 'message': 'busy'}}
