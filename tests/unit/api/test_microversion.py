import pytest
import webob

from nova_lite.api import microversion as mv
from nova_lite import exception


def _app(environ, start_response):
    version = environ[mv.ENVIRON_KEY]
    resp = webob.Response(json={'v': str(version)})
    return resp(environ, start_response)


def _get(headers):
    req = webob.Request.blank('/', headers=headers)
    return req.get_response(mv.MicroversionMiddleware(_app))


def test_versions_list_is_ordered_and_bounded():
    parsed = [mv.APIVersion(v) for v in mv.VERSIONS]
    assert parsed == sorted(parsed)
    assert (mv.MIN_VERSION, mv.MAX_VERSION) == ('2.1', '2.104')
    assert len(mv.VERSIONS) == 104


@pytest.mark.parametrize('headers,expected', [
    ({}, '2.1'),
    ({'OpenStack-API-Version': 'compute 2.60'}, '2.60'),
    ({'X-OpenStack-Nova-API-Version': '2.53'}, '2.53'),
    ({'OpenStack-API-Version': 'compute 2.60',
      'X-OpenStack-Nova-API-Version': '2.3'}, '2.60'),
    ({'OpenStack-API-Version': 'volume 3.44, compute 2.20'}, '2.20'),
    ({'OpenStack-API-Version': 'compute 2.11, compute 2.30'}, '2.30'),
    ({'OpenStack-API-Version': 'volume 3.44',
      'X-OpenStack-Nova-API-Version': '2.7'}, '2.7'),
    ({'X-OpenStack-Nova-API-Version': '2.5, 2.9'}, '2.9'),
    ({'OpenStack-API-Version': 'COMPUTE 2.4'}, '2.4'),
    ({'OpenStack-API-Version': 'compute latest'}, '2.104'),
])
def test_negotiation(headers, expected):
    resp = _get(headers)
    assert resp.status_int == 200
    assert resp.json == {'v': expected}
    assert resp.headers['OpenStack-API-Version'] == 'compute ' + expected
    assert resp.headers['X-OpenStack-Nova-API-Version'] == expected
    assert resp.headers.getall('Vary') == ['OpenStack-API-Version',
                                           'X-OpenStack-Nova-API-Version']


@pytest.mark.parametrize('value', ['2.01', '2', 'v2.1', 'LATEST', '2.1.0',
                                   'x' * 5000, '2.1\t2'])
def test_malformed_is_400_without_version_headers(value):
    resp = _get({'X-OpenStack-Nova-API-Version': value})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'API Version String %s is of invalid format. Must be of format '
        'MajorNum.MinorNum.' % value.split(',')[-1].strip())
    assert 'OpenStack-API-Version' not in resp.headers


@pytest.mark.parametrize('value', ['2.0', '2.105', '3.0', '1.1'])
def test_out_of_range_is_406_and_echoed(value):
    resp = _get({'OpenStack-API-Version': 'compute ' + value})
    assert resp.status_int == 406
    assert resp.json == {'computeFault': {
        'code': 406,
        'message': 'Version %s is not supported by the API. Minimum is 2.1 '
                   'and maximum is 2.104.' % value}}
    assert resp.headers['OpenStack-API-Version'] == 'compute ' + value


def test_is_supported_reads_environ():
    req = webob.Request.blank('/')
    assert mv.is_supported(req, '2.1') and not mv.is_supported(req, '2.2')
    req.environ[mv.ENVIRON_KEY] = mv.APIVersion('2.60')
    assert mv.is_supported(req, '2.60')
    assert mv.is_supported(req, '2.1', '2.60')
    assert not mv.is_supported(req, '2.61')
    assert not mv.is_supported(req, '2.1', '2.59')


def test_parsed_version_remembered_per_header_values():
    new = {'HTTP_OPENSTACK_API_VERSION': 'compute 2.60'}
    first = mv.parse_request_version(dict(new))
    assert mv.parse_request_version(dict(new)) is first
    assert str(first) == '2.60'
    both = dict(new, HTTP_X_OPENSTACK_NOVA_API_VERSION='2.10')
    assert str(mv.parse_request_version(both)) == '2.60'
    legacy = {'HTTP_X_OPENSTACK_NOVA_API_VERSION': '2.10'}
    assert str(mv.parse_request_version(legacy)) == '2.10'
    assert str(mv.parse_request_version({})) == '2.1'
    # Refusals are not remembered as answers: raised every time.
    for _ in range(2):
        with pytest.raises(mv.VersionNotAvailable):
            mv.parse_request_version(
                {'HTTP_OPENSTACK_API_VERSION': 'compute 2.999'})
        with pytest.raises(exception.InvalidAPIVersionString):
            mv.parse_request_version(
                {'HTTP_OPENSTACK_API_VERSION': 'compute x.y'})
    # The headers handed out are the caller's to change.
    headers = mv.version_headers(first)
    headers.append(('X', 'y'))
    assert ('X', 'y') not in mv.version_headers(first)
