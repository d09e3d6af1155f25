import inspect

import pytest

from nova_lite.api import expose


def _method(self, server_id, volume_id=None, **kwargs):
    return server_id, volume_id


def _strict(self, server_id):
    return server_id


def _keyword_only(self, *, body):
    return body


@pytest.mark.parametrize('func,args,kwargs,expected', [
    (_method, ('self', 's'), {}, True),
    (_method, ('self', 's', 'v'), {'limit': '1'}, True),
    # Missing the server id: only a full bind can tell.
    (_method, ('self',), {}, False),
    # More positional arguments than the method takes.
    (_method, ('self', 's', 'v', 'x'), {}, False),
    # A query parameter naming a positional argument already given.
    (_method, ('self', 's'), {'server_id': 'x'}, False),
    (_strict, ('self', 's'), {}, True),
    (_strict, ('self', 's'), {'other': 1}, False),
    (_keyword_only, ('self',), {'body': {}}, False),
])
def test_quick_check_agrees_with_bind(func, args, kwargs, expected):
    signature = inspect.signature(func)
    fits = expose._Fits(signature)
    assert fits(args, kwargs) is expected
    if expected:
        # Where the quick check says yes, binding must succeed.
        signature.bind(*args, **kwargs)


@pytest.mark.parametrize('args,kwargs', [
    (('self',), {}),
    (('self', 's', 'v', 'x'), {}),
    (('self', 's'), {'server_id': 'x'}),
])
def test_arguments_that_do_not_bind_are_404(args, kwargs):
    wrapped = expose.expose()(_method)
    resp = wrapped(*args, **kwargs)
    assert resp.status_int == 404
    assert b'The resource could not be found.' in resp.body


def test_arguments_that_bind_reach_the_method():
    wrapped = expose.expose()(_method)
    resp = wrapped('self', 's', volume_id='v')
    assert resp.status_int == 200
    assert resp.json == ['s', 'v']


def test_json_response_headers_as_webob_builds_them():
    resp = expose._json_response(201, {'a': 'é'}, {'Location': '/x'})
    assert resp.status == '201 Created'
    assert resp.headers['Content-Type'] == 'application/json; charset=UTF-8'
    assert resp.content_type == 'application/json'
    assert resp.charset == 'UTF-8'
    assert resp.headers['Content-Length'] == str(len(resp.body))
    assert resp.json == {'a': 'é'}
    assert resp.headers['Location'] == '/x'
    empty = expose._json_response(204, None)
    assert empty.status == '204 No Content'
    assert empty.body == b'' and 'Content-Type' not in empty.headers
