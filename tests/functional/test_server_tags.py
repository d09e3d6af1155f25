"""/servers/{server_id}/tags (2.26) through the whole stack, over HTTP."""

import urllib.parse

import pytest

from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
V = '2.26'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('tags'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _server(stack, tags=None):
    body = {'server': {'name': 'tg', 'flavorRef': '1', 'imageRef': IMAGE,
                       'networks': 'none'}}
    if tags is not None:
        body['server']['tags'] = tags
    resp = stack.request('POST', '/v2.1/servers', json=body,
                         version='2.52')
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _tags(sid, tag=None):
    path = '/v2.1/servers/%s/tags' % sid
    return path if tag is None else '%s/%s' % (path, tag)


def _fault(resp, code):
    assert resp.status_code == code, resp.text
    return next(iter(resp.json().values()))['message']


def test_add_check_list_delete(stack):
    sid = _server(stack)
    assert stack.request('GET', _tags(sid), version=V).json() == {'tags': []}
    resp = stack.request('PUT', _tags(sid, 'blue'), version=V)
    assert resp.status_code == 201, resp.text
    assert resp.content == b''
    assert resp.headers['Location'].endswith(
        '/v2.1/servers/%s/tags/blue' % sid)
    resp = stack.request('PUT', _tags(sid, 'blue'), version=V)
    assert resp.status_code == 204
    assert 'Location' not in resp.headers
    assert stack.request('GET', _tags(sid, 'blue'), version=V).status_code \
        == 204
    assert _fault(stack.request('GET', _tags(sid, 'red'), version=V),
                  404) == "Server %s has no tag 'red'" % sid
    assert stack.request('GET', _tags(sid), version=V).json() == {
        'tags': ['blue']}
    server = stack.request('GET', '/v2.1/servers/%s' % sid,
                           version=V).json()['server']
    assert server['tags'] == ['blue']
    server = stack.request('GET', '/v2.1/servers/%s' % sid,
                           version='2.25').json()['server']
    assert 'tags' not in server
    assert stack.request('DELETE', _tags(sid, 'blue'),
                         version=V).status_code == 204
    assert _fault(stack.request('DELETE', _tags(sid, 'blue'), version=V),
                  404) == "Instance %s has no tag 'blue'" % sid


def test_location_of_a_tag_beyond_latin_1_is_percent_encoded(stack):
    sid = _server(stack)
    tag = 'étiquette-标签 ☃'
    resp = stack.request('PUT', _tags(sid, urllib.parse.quote(tag)),
                         version=V)
    assert resp.status_code == 201, resp.text
    location = resp.headers['Location']
    assert location.endswith('/v2.1/servers/%s/tags/%s' % (
        sid, '%C3%A9tiquette-%E6%A0%87%E7%AD%BE %E2%98%83'))
    assert stack.request('GET', _tags(sid), version=V).json() == {
        'tags': [tag]}
    path = urllib.parse.urlsplit(location).path
    assert stack.request('GET', path, version=V).status_code == 204
    latin = stack.request('PUT', _tags(sid, 'caf%C3%A9'), version=V)
    assert latin.status_code == 201, latin.text
    assert latin.headers['Location'].endswith('/tags/caf%C3%A9')


def test_replace_and_delete_all(stack):
    sid = _server(stack, tags=['a'])
    resp = stack.request('PUT', _tags(sid), version=V,
                         json={'tags': ['x', 'y', 'x']})
    assert resp.status_code == 200, resp.text
    assert sorted(resp.json()['tags']) == ['x', 'y']
    assert sorted(stack.request('GET', _tags(sid), version=V).json()[
        'tags']) == ['x', 'y']
    resp = stack.request('DELETE', _tags(sid), version=V)
    assert resp.status_code == 204
    assert stack.request('GET', _tags(sid), version=V).json() == {'tags': []}


def test_validation(stack):
    sid = _server(stack)
    message = _fault(stack.request('PUT', _tags(sid, 'a,b'), version=V), 400)
    assert message.startswith(
        "Tag 'a,b' is invalid. It must be a non empty string without "
        "characters '/' and ','. Validation error message: ")
    message = _fault(stack.request('PUT', _tags(sid, 't' * 61), version=V),
                     400)
    assert 'is too long' in message
    assert stack.request('PUT', _tags(sid, 't' * 60),
                         version=V).status_code == 201
    _fault(stack.request('PUT', _tags(sid), version=V,
                         json={'tags': ['a/b']}), 400)
    _fault(stack.request('PUT', _tags(sid), version=V,
                         json={'tags': ['t%d' % i for i in range(51)]}), 400)
    _fault(stack.request('PUT', _tags(sid), version=V, json={'tag': []}),
           400)
    _fault(stack.request('PUT', _tags(sid, 'x'), version=V,
                         json={'tags': []}), 400)
    resp = stack.request('PUT', _tags(sid), version=V,
                         json={'tags': ['t%d' % i for i in range(50)]})
    assert resp.status_code == 200, resp.text
    assert _fault(stack.request('PUT', _tags(sid, 'one-more'), version=V),
                  400) == 'The number of tags exceeded the per-server ' \
                          'limit 50'
    assert len(stack.request('GET', _tags(sid), version=V).json()[
        'tags']) == 50


def test_versions_state_and_visibility(stack):
    sid = _server(stack)
    assert stack.request('GET', _tags(sid), version='2.25').status_code \
        == 404
    assert stack.request('PUT', _tags(sid, 'x'),
                         version='2.25').status_code == 404
    for method, path in (('GET', _tags(sid)), ('PUT', _tags(sid, 'x')),
                         ('GET', _tags(sid, 'x')),
                         ('DELETE', _tags(sid, 'x')),
                         ('DELETE', _tags(sid))):
        resp = stack.request(method, path, version=V, token='other:other')
        assert _fault(resp, 404) == 'Instance %s could not be found.' % sid
    assert stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'shelve': None}).status_code == 202
    stack.wait_for_server(sid, 'SHELVED_OFFLOADED')
    resp = stack.request('PUT', _tags(sid, 'x'), version=V)
    assert _fault(resp, 409) == (
        "Cannot 'update tag' instance %s while it is in vm_state "
        "shelved_offloaded" % sid)
    resp = stack.request('PUT', _tags(sid), version=V, json={'tags': []})
    assert _fault(resp, 409) == (
        "Cannot 'update tags' instance %s while it is in vm_state "
        "shelved_offloaded" % sid)
    resp = stack.request('DELETE', _tags(sid), version=V)
    assert _fault(resp, 409) == (
        "Cannot 'delete tags' instance %s while it is in vm_state "
        "shelved_offloaded" % sid)


def test_list_filters(stack):
    a = _server(stack, tags=['one', 'two'])
    b = _server(stack, tags=['two'])
    c = _server(stack, tags=[])
    stack.request('PUT', _tags(c, 'three'), version=V)

    def listed(query):
        resp = stack.request('GET', '/v2.1/servers?%s' % query, version=V)
        assert resp.status_code == 200, resp.text
        return {s['id'] for s in resp.json()['servers']} & {a, b, c}

    assert listed('tags=two') == {a, b}
    assert listed('tags=one,two') == {a}
    assert listed('tags-any=one,three') == {a, c}
    assert listed('not-tags=two') == {c}
    assert listed('not-tags-any=one,three') == {b}
    assert listed('tags=three') == {c}
