"""Hand-made bad input against the compute API and the block storage, over
real HTTP (raw sockets where a regular client refuses to send the bytes):
oversized and deeply nested bodies, invalid UTF-8 and JSON, wrong content
types, garbage in the microversion headers, path traversal in device names
and ids. Each gets a nova (or Cinder) fault, never a 5xx or a traceback,
and a refused write leaves every database row as it was."""

import json

import pytest

from tests.fuzz import conftest as fz

BIG = 114688 + 1  # [oslo_middleware] max_request_body_size, plus one


def _raw(base, method, path, headers=(), body=b'', token=fz.TOKEN):
    hdrs = [b'X-Auth-Token: ' + token.encode()] + list(headers)
    status, resp_headers, resp_body = fz.raw_request(
        base, fz.http_request(method, path, hdrs, body))
    return status, dict(resp_headers), resp_headers, resp_body


def _fault(status, headers, body, expected):
    return fz.assert_fault(status, headers.get('content-type'),
                           body.decode('utf-8', 'replace'), expected)


def _create_body(seeded):
    return {'server': {'name': 'x', 'flavorRef': '1', 'imageRef': fz.IMAGE,
                       'networks': 'none'}}


def _volume_body():
    return {'volume': {'size': 1, 'name': 'x'}}


# (name, API base attribute, POST path, valid JSON body factory)
_APIS = {
    'compute': ('base', b'/v2.1/servers', _create_body,
                b'OpenStack-API-Version: compute 2.60'),
    'volume': ('volume_base', b'/v3/volumes', lambda seeded: _volume_body(),
               b'OpenStack-API-Version: volume 3.60'),
}

_JSON = b'Content-Type: application/json'


def _bodies():
    nested = b'{"a": ' * 15000 + b'1' + b'}' * 15000
    return [
        ('oversized', b'{"server": {"name": "' + b'x' * BIG + b'"}}', 413,
         'Request is too large'),
        ('deeply nested', nested, 400, 'Malformed request body'),
        ('deep array', b'[' * 50000 + b']' * 50000, 400,
         'Malformed request body'),
        ('invalid utf-8', b'{"server": {"name": "\xff\xfe"}}', 400,
         'Malformed request body'),
        ('utf-16', '{"server": {}}'.encode('utf-16'), 400,
         'Malformed request body'),
        ('truncated', b'{"server": {"name": "x"', 400,
         'Malformed request body'),
        ('not json', b'server=x', 400, 'Malformed request body'),
        ('nan', b'{"server": NaN}', 400, None),
        ('huge number', b'{"server": 1' + b'0' * 5000 + b'}', 400, None),
        ('null byte', b'{"server": {"name": "a\\u0000b"}}', 400, None),
        ('lone surrogate', b'{"server": {"name": "\\ud800"}}', 400, None),
        ('top-level list', b'[{"server": {}}]', 400, None),
    ]


@pytest.mark.parametrize('api', sorted(_APIS))
@pytest.mark.parametrize('case', _bodies(), ids=lambda c: c[0])
def test_bad_bodies(seeded, api, case):
    name, body, expected, fragment = case
    base_attr, path, _valid, version = _APIS[api]
    before = seeded.snapshot()
    status, headers, _list, resp = _raw(
        getattr(seeded.stack, base_attr), 'POST', path, [_JSON, version],
        body)
    message = _fault(status, headers, resp, expected)
    if fragment:
        assert fragment in message
    assert seeded.snapshot() == before


@pytest.mark.parametrize('api', sorted(_APIS))
def test_oversized_chunked_body(seeded, api):
    """No Content-Length: the limit applies while the body is read."""
    base_attr, path, _valid, version = _APIS[api]
    payload = b'{"x": "' + b'x' * BIG + b'"}'
    chunked = b'%x\r\n%s\r\n0\r\n\r\n' % (len(payload), payload)
    request = b'\r\n'.join([
        b'POST %s HTTP/1.1' % path, b'Host: x',
        b'X-Auth-Token: ' + fz.TOKEN.encode(), _JSON, version,
        b'Transfer-Encoding: chunked', b'Connection: close']) + \
        b'\r\n\r\n' + chunked
    before = seeded.snapshot()
    status, headers, body = fz.raw_request(getattr(seeded.stack, base_attr),
                                           request)
    message = fz.assert_fault(status, dict(headers).get('content-type'),
                              body.decode(), 413)
    assert 'Request is too large' in message
    assert seeded.snapshot() == before


@pytest.mark.parametrize('api', sorted(_APIS))
@pytest.mark.parametrize('content_type', [
    b'application/xml', b'text/html', b'multipart/form-data; boundary=x',
    b'application/x-www-form-urlencoded', b'application/json-patch+json',
    b'\xff\xfe/\xff'])
def test_wrong_content_types(seeded, api, content_type):
    base_attr, path, valid, version = _APIS[api]
    before = seeded.snapshot()
    status, headers, _list, resp = _raw(
        getattr(seeded.stack, base_attr), 'POST', path,
        [b'Content-Type: ' + content_type, version],
        json.dumps(valid(seeded)).encode())
    assert _fault(status, headers, resp, 415) == 'Unsupported Content-Type'
    assert seeded.snapshot() == before


# -- microversion headers ------------------------------------------------------

_COMPUTE_VERSIONS = [
    (b'compute 2.600', 406, 'Version 2.600 is not supported by the API. '
                            'Minimum is 2.1 and maximum is 2.104.'),
    (b'compute 2.0', 406, None),
    (b'compute 3.1', 406, None),
    (b'compute -2.60', 400, 'API Version String -2.60 is of invalid format.'
                            ' Must be of format MajorNum.MinorNum.'),
    (b'compute 02.60', 400, None),
    (b'compute 2.60.1', 400, None),
    (b'compute 2.', 400, None),
    (b'compute', 400, None),
    (b'compute lateST', 400, None),
    (b'compute 2.60\x00', 400, None),
    (b'compute \xff\xfe', 400, None),
    (b'compute 2.' + b'9' * 5000, 400, None),
    (b'compute 2.' + b'1' * 60000, 400, None),
]


@pytest.mark.parametrize('value,expected,message', _COMPUTE_VERSIONS,
                         ids=lambda v: repr(v)[:30])
def test_bad_compute_microversions(seeded, value, expected, message):
    status, headers, _list, body = _raw(
        seeded.stack.base, 'GET', b'/v2.1/servers',
        [b'OpenStack-API-Version: ' + value])
    got = _fault(status, headers, body, expected)
    if message:
        assert got == message
    # The legacy header gets the same answer.
    status, headers, _list, body = _raw(
        seeded.stack.base, 'GET', b'/v2.1/servers',
        [b'X-OpenStack-Nova-API-Version: ' + value.split(b' ', 1)[-1]])
    _fault(status, headers, body, expected)


@pytest.mark.parametrize('value,expected', [
    (b'compute latest', 'compute 2.104'),
    (b'compute 2.60, compute 2.1', 'compute 2.1'),
    (b'volume 3.0, compute 2.60', 'compute 2.60'),
    (b'COMPUTE 2.60', 'compute 2.60'),
])
def test_accepted_compute_microversions(seeded, value, expected):
    status, headers, _list, _body = _raw(
        seeded.stack.base, 'GET', b'/v2.1/servers',
        [b'OpenStack-API-Version: ' + value])
    assert status == 200
    assert headers['openstack-api-version'] == expected


@pytest.mark.parametrize('api', sorted(_APIS))
@pytest.mark.parametrize('injected', [
    b'%s 2.60\r\n X-Evil: 1',        # obsolete line folding
    b'%s 2.60\r\n\tX-Evil: 1',
    b'%s 2.60\r\nX-Evil: 1',         # a header of its own, not a value
    b'%s 2.60\r\nSet-Cookie: a=b',
])
def test_header_injection_in_microversion(seeded, api, injected):
    """A CR/LF can only end the header; nothing of what follows comes back
    in a response header, and the answer is a plain JSON one."""
    base_attr, _path, _valid, _version = _APIS[api]
    service = b'compute' if api == 'compute' else b'volume'
    path = b'/v2.1/servers' if api == 'compute' else b'/v3/volumes'
    status, headers, header_list, body = _raw(
        getattr(seeded.stack, base_attr), 'GET', path,
        [b'OpenStack-API-Version: ' + injected % service])
    assert status in (200, 400, 406), (status, body)
    names = [name for name, _value in header_list]
    assert 'x-evil' not in names and 'set-cookie' not in names
    for _name, value in header_list:
        assert 'Evil' not in value and '\r' not in value and '\n' not in value
    if status >= 400:
        _fault(status, headers, body, status)
    else:
        json.loads(body)


@pytest.mark.parametrize('value,expected', [
    (b'volume 3.600', 406), (b'volume -3.0', 400), (b'volume 3.0.1', 400),
    (b'volume 3.' + b'9' * 5000, 400), (b'volume \xff', 400),
    (b'volume 3.0\x00', 400), (b'volume 4.0', 406),
])
def test_bad_volume_microversions(seeded, value, expected):
    status, headers, _list, body = _raw(
        seeded.stack.volume_base, 'GET', b'/v3/volumes',
        [b'OpenStack-API-Version: ' + value])
    _fault(status, headers, body, expected)


# -- path traversal and odd ids ------------------------------------------------

_IDS = [
    b'..%2F..%2Fetc%2Fpasswd', b'..%2F..', b'%2E%2E', b'..',
    b'x' * 10000, '\u00fcnic\u00f8de-\U0001f4a5'.encode('utf-8'),
    b'%C3%BCnic%C3%B8de', b'%00', b'%0d%0aX-Evil:%201', b'%25ff',
    b'1%20OR%201=1', b"'%3B--", b'%7B%7D',
]


def _quote(raw):
    from urllib import parse
    return parse.quote(raw, safe='%').encode()


@pytest.mark.parametrize('raw_id', _IDS, ids=lambda v: repr(v)[:24])
@pytest.mark.parametrize('template', [
    b'/v2.1/servers/%s', b'/v2.1/servers/%s/os-volume_attachments',
    b'/v2.1/servers/{server}/os-volume_attachments/%s',
    b'/v2.1/flavors/%s', b'/v2.1/os-services/%s',
    b'/v3/volumes/%s', b'/v3/attachments/%s', b'/v3/types/%s',
    b'/v3/types/%s/extra_specs/%s',
])
def test_odd_ids(seeded, raw_id, template):
    path = template.replace(b'{server}', seeded.server_id.encode())
    path = path.replace(b'%s', _quote(raw_id))
    base = seeded.stack.volume_base if path.startswith(b'/v3') else \
        seeded.stack.base
    version = b'OpenStack-API-Version: %s' % (
        b'volume 3.60' if path.startswith(b'/v3') else b'compute 2.104')
    for method in ('GET', 'PUT', 'DELETE'):
        before = seeded.snapshot() if method != 'GET' else None
        body = b'{}' if method == 'PUT' else b''
        status, headers, header_list, resp = _raw(
            base, method, path, [version, _JSON], body, token=fz.ADMIN)
        assert status in (400, 403, 404, 405), (method, path, status, resp)
        _fault(status, headers, resp, status)
        assert 'x-evil' not in [n for n, _v in header_list]
        if before is not None:
            assert seeded.snapshot() == before, (method, path)


@pytest.mark.parametrize('path', [
    b'/v2.1/servers/%ff%fe', b'/v2.1/%ff/servers', b'/v2.1/flavors/%c3%28',
    b'/v2.1/servers?name=%ff', b'/v2.1/servers/detail?changes-since=%80',
    b'/v3/volumes/%ff', b'/v3/%ff/volumes', b'/v3/volumes?name=%ff',
    b'/v3/types/%ff/extra_specs/%fe',
])
def test_urls_that_are_not_utf8(seeded, path):
    base = seeded.stack.volume_base if path.startswith(b'/v3') else \
        seeded.stack.base
    status, headers, _list, resp = _raw(base, 'GET', path)
    assert _fault(status, headers, resp, 400) == (
        'Malformed request URL: the path and query string must be UTF-8.')


@pytest.mark.parametrize('content_type', [
    b'application/x-www-form-urlencoded',
    b'application/x-www-form-urlencoded; charset=utf-16',
    b'multipart/form-data; boundary=x', b'application/json',
])
def test_bodies_of_reads_and_deletes_are_ignored(seeded, content_type):
    """A body on GET or DELETE, in any content type or charset, is
    ignored (nova reads none): never merged into parameters, never a 5xx."""
    body = b'limit=%ff&x=\xff\xfe&name=y'
    headers = [b'Content-Type: ' + content_type,
               b'OpenStack-API-Version: compute 2.60']
    status, _h, _list, resp = _raw(seeded.stack.base, 'GET',
                                   b'/v2.1/flavors', headers, body)
    assert status == 200, resp
    assert len(json.loads(resp)['flavors']) > 1
    before = seeded.snapshot()
    status, headers_, _list, resp = _raw(
        seeded.stack.base, 'DELETE',
        b'/v2.1/servers/%s/os-volume_attachments/%s' % (
            seeded.server_id.encode(), b'0' * 8 + b'-0000-0000-0000-' +
            b'0' * 12), headers, body)
    _fault(status, headers_, resp, 404)
    assert seeded.snapshot() == before


def test_repeated_query_parameter_stripped_by_a_schema(seeded):
    """Unknown parameters are dropped before 2.75, however often given."""
    path = (b'/v2.1/servers/%s/os-volume_attachments?x=1&x=2&%%22=a&%%22=b'
            % seeded.server_id.encode())
    status, headers, _list, resp = _raw(
        seeded.stack.base, 'GET', path,
        [b'OpenStack-API-Version: compute 2.60'])
    assert status == 200, resp
    assert len(json.loads(resp)['volumeAttachments']) == 1


_DEVICES = ['/dev/../../etc/passwd', '../x', '/dev/vdb/../../x',
            'vdb/../../../x', '/etc/passwd', '/dev/%2e%2e/x', '/dev/',
            '/dev/vd\u00fc']


@pytest.mark.parametrize('device', _DEVICES)
def test_device_traversal_on_attach(seeded, device):
    before = seeded.snapshot()
    resp = seeded.stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % seeded.server_id,
        version='2.60', json={'volumeAttachment': {
            'volumeId': seeded.plain_volume_id, 'device': device}})
    fz.assert_fault(resp.status_code, resp.headers.get('Content-Type'),
                    resp.text, 400)
    assert seeded.snapshot() == before


@pytest.mark.parametrize('device', _DEVICES)
@pytest.mark.parametrize('syntax', ['block_device_mapping_v2',
                                    'block_device_mapping'])
def test_device_traversal_on_boot(seeded, device, syntax):
    item = {'device_name': device, 'delete_on_termination': False}
    if syntax == 'block_device_mapping_v2':
        item.update(uuid=seeded.plain_volume_id, source_type='volume',
                    destination_type='volume', boot_index=-1)
    else:
        item['volume_id'] = seeded.plain_volume_id
    body = _create_body(seeded)
    body['server'][syntax] = [item]
    before = seeded.snapshot()
    resp = seeded.stack.request('POST', '/v2.1/servers', version='2.60',
                                json=body)
    message = fz.assert_fault(resp.status_code,
                              resp.headers.get('Content-Type'), resp.text,
                              400)
    assert device in message or 'Invalid input' in message
    assert seeded.snapshot() == before


@pytest.mark.parametrize('method,path', [
    ('DELETE', '/v2.1/servers'),
    ('DELETE', '/v2.1/servers/{server}/os-volume_attachments'),
    ('PUT', '/v2.1/servers/{server}/os-volume_attachments'),
    ('PUT', '/v2.1/os-services'), ('DELETE', '/v2.1/os-services'),
])
def test_writes_to_collections_without_an_id(seeded, method, path):
    before = seeded.snapshot()
    resp = seeded.stack.request(
        method, path.replace('{server}', seeded.server_id), token=fz.ADMIN,
        version='2.104', json={})
    assert fz.assert_fault(resp.status_code,
                           resp.headers.get('Content-Type'), resp.text,
                           404) == 'The resource could not be found.'
    assert seeded.snapshot() == before


@pytest.mark.parametrize('method', ['PATCH', 'OPTIONS', 'TRACE', 'CONNECT',
                                    'PROPFIND', 'FOO'])
@pytest.mark.parametrize('path', [
    '/v2.1/servers', '/v2.1/servers/{server}',
    '/v2.1/servers/{server}/os-volume_attachments', '/v2.1/flavors/1',
    '/v2.1/os-services', '/v3/volumes', '/v3/attachments', '/v3/types'])
def test_unusual_methods(seeded, method, path):
    path = path.replace('{server}', seeded.server_id).encode()
    base = seeded.stack.volume_base if path.startswith(b'/v3') else \
        seeded.stack.base
    before = seeded.snapshot()
    status, headers, _list, resp = _raw(base, method, path, [_JSON],
                                        b'{}', token=fz.ADMIN)
    if method == 'CONNECT':
        # Refused by the HTTP server itself, before any application.
        assert (status, resp) == (405, b'')
    else:
        _fault(status, headers, resp, status)
        assert status in (400, 404, 405)
    assert seeded.snapshot() == before


@pytest.mark.parametrize('token,expected', [
    (b'x' * 256, 401), (b'demo:' + b'p' * 256, 401), (b'u' * 256 + b':demo',
                                                      401),
    (b'x' * 60000, 401), (b':', 401), (b':demo', 401),
    (b'x' * 255, 202), (b'demo:demo', 202),
])
def test_noauth2_tokens(seeded, token, expected):
    """Ids longer than the databases keep are no identity (a create would
    otherwise fail writing them on MariaDB and PostgreSQL)."""
    before = seeded.snapshot()
    status, headers, _list, resp = _raw(
        seeded.stack.base, 'POST', b'/v2.1/servers',
        [_JSON, b'OpenStack-API-Version: compute 2.60'],
        json.dumps(_create_body(seeded)).encode(), token=token.decode())
    assert status == expected, resp
    if expected == 401:
        assert _fault(status, headers, resp, 401) == (
            'The request you have made requires authentication.')
        assert seeded.snapshot() == before
        status, headers, _list, resp = _raw(
            seeded.stack.volume_base, 'POST', b'/v3/volumes', [_JSON],
            json.dumps(_volume_body()).encode(), token=token.decode())
        _fault(status, headers, resp, 401)
        assert seeded.snapshot() == before
    else:
        server_id = json.loads(resp)['server']['id']
        seeded.stack.wait_for_server(server_id, 'ACTIVE',
                                     token=token.decode())
        resp = seeded.stack.request('DELETE', '/v2.1/servers/%s' % server_id,
                                    token=token.decode())
        assert resp.status_code == 204, resp.text
        seeded.stack.wait_for_server(server_id, 'DELETED',
                                     token=token.decode())
        seeded.settle()


_HUGE = '9' * 5000  # more digits than int() converts


@pytest.mark.parametrize('method,path,expected', [
    ('GET', '/v3/volumes?with_count=maybe',
     "Value 'maybe' for 'with_count' is not a boolean."),
    ('GET', '/v3/volumes/detail?all_tenants=maybe',
     "Value 'maybe' for 'all_tenants' is not a boolean."),
    ('GET', '/v3/volumes?bootable=maybe',
     "Value 'maybe' for 'bootable' is not a boolean."),
    ('GET', '/v3/attachments?all_tenants=maybe',
     "Value 'maybe' for 'all_tenants' is not a boolean."),
    ('GET', '/v3/types?is_public=maybe',
     "Value 'maybe' for 'is_public' is not a boolean."),
    ('DELETE', '/v3/volumes/{volume}?force=maybe',
     "Value 'maybe' for 'force' is not a boolean."),
    ('GET', '/v3/volumes?with_count=' + _HUGE, None),
])
def test_block_storage_query_values(seeded, method, path, expected):
    before = seeded.snapshot()
    resp = seeded.stack.volume_request(
        method, path.replace('{volume}', seeded.plain_volume_id),
        token=fz.ADMIN, version='3.60')
    message = fz.assert_fault(resp.status_code,
                              resp.headers.get('Content-Type'), resp.text,
                              400)
    if expected:
        assert message == expected
    assert seeded.snapshot() == before


def test_huge_integers_in_bodies_and_queries(seeded):
    before = seeded.snapshot()
    resp = seeded.stack.volume_request(
        'POST', '/v3/volumes', version='3.60',
        json={'volume': {'size': _HUGE, 'name': 'x'}})
    assert fz.assert_fault(resp.status_code,
                           resp.headers.get('Content-Type'), resp.text,
                           400).startswith(
        "Invalid input received: Volume size '999")
    resp = seeded.stack.volume_request(
        'POST', '/v3/volumes/%s/action' % seeded.plain_volume_id,
        version='3.60', json={'os-extend': {'new_size': _HUGE}})
    assert fz.assert_fault(resp.status_code,
                           resp.headers.get('Content-Type'), resp.text,
                           400) == (
        'Invalid input received: new_size must be an integer')
    resp = seeded.stack.request(
        'GET', '/v2.1/servers/%s/os-volume_attachments?offset=%s'
        % (seeded.server_id, _HUGE), version='2.60')
    assert fz.assert_fault(resp.status_code,
                           resp.headers.get('Content-Type'), resp.text,
                           400) == 'offset param must be an integer'
    for count in ('min_count', 'max_count'):
        body = _create_body(seeded)
        body['server'][count] = _HUGE
        resp = seeded.stack.request('POST', '/v2.1/servers', version='2.60',
                                    json=body)
        assert fz.assert_fault(resp.status_code,
                               resp.headers.get('Content-Type'), resp.text,
                               400) == (
            'min_count and max_count must be integers')
    for path in ('/v2.1/servers?limit=', '/v2.1/flavors?limit=',
                 '/v2.1/flavors?minRam='):
        resp = seeded.stack.request('GET', path + _HUGE, version='2.60')
        fz.assert_fault(resp.status_code, resp.headers.get('Content-Type'),
                        resp.text, 400)
    assert seeded.snapshot() == before
