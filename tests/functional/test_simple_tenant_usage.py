"""os-simple-tenant-usage through the whole stack: hours and totals from
the servers' launch and termination times and flavors."""

import datetime

import jsonschema
import pytest

from nova_lite.api.schemas import admin_responses as ar
from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
START = '2020-01-01T00:00:00'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('usage'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _server(stack, name, flavor='1', token='demo:demo'):
    body = {'server': {'name': name, 'flavorRef': flavor, 'imageRef': IMAGE,
                       'networks': 'none'}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.37',
                         token=token)
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE', token=token)
    return server_id


@pytest.fixture(scope='module')
def servers(stack):
    live = _server(stack, 'live', flavor='2')
    gone = _server(stack, 'gone')
    stack.request('DELETE', '/v2.1/servers/%s' % gone)
    stack.wait_for_server(gone, 'DELETED')
    other = _server(stack, 'theirs', token='bob:other')
    return {'live': live, 'gone': gone, 'other': other}


def _get(stack, path, version=None, token=ADMIN, status=200):
    resp = stack.request('GET', '/v2.1/os-simple-tenant-usage' + path,
                         token=token, version=version)
    assert resp.status_code == status, resp.text
    return resp.json()


def test_list_all_projects(stack, servers):
    body = _get(stack, '?start=%s&detailed=1' % START)
    jsonschema.validate(body, ar.usage_index('2.1'))
    by_project = {u['tenant_id']: u for u in body['tenant_usages']}
    assert set(by_project) == {'demo', 'other'}
    demo = by_project['demo']
    usages = {u['instance_id']: u for u in demo['server_usages']}
    assert set(usages) == {servers['live'], servers['gone']}
    live, gone = usages[servers['live']], usages[servers['gone']]
    assert (live['flavor'], live['memory_mb'], live['vcpus'],
            live['local_gb'], live['state'], live['ended_at']) == (
        'm1.small', 2048, 1, 20, 'active', None)
    assert gone['state'] == 'terminated' and gone['ended_at']
    assert gone['flavor'] == 'm1.tiny'
    assert demo['total_hours'] == pytest.approx(
        live['hours'] + gone['hours'])
    assert demo['total_memory_mb_usage'] == pytest.approx(
        2048 * live['hours'] + 512 * gone['hours'])
    assert demo['total_vcpus_usage'] == pytest.approx(demo['total_hours'])
    assert demo['start'] == '2020-01-01T00:00:00.000000'
    brief = _get(stack, '?start=%s' % START)
    assert all('server_usages' not in u for u in brief['tenant_usages'])


def test_show_one_project(stack, servers):
    body = _get(stack, '/demo?start=%s' % START, token='demo:demo')
    jsonschema.validate(body, ar.usage_show('2.1'))
    ids = {u['instance_id'] for u in body['tenant_usage']['server_usages']}
    assert ids == {servers['live'], servers['gone']}
    resp = _get(stack, '/demo', token='bob:other', status=403)
    assert resp['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-simple-tenant-usage:show "
        "to be performed.")
    assert _get(stack, '/nobody?start=%s' % START) == {'tenant_usage': {}}
    # An empty project id.
    resp = _get(stack, '/?start=%s' % START, status=404)
    assert resp['itemNotFound']['message'] == \
        'The resource could not be found.'
    resp = _get(stack, '?start=%s' % START, token='demo:demo', status=403)
    assert 'os-simple-tenant-usage:list' in resp['forbidden']['message']


def test_window_excludes_servers(stack, servers):
    later = (datetime.datetime.utcnow() + datetime.timedelta(days=1))
    before = _get(stack, '?start=2019-01-01T00:00:00&end=2019-12-31T00:00:00')
    assert before == {'tenant_usages': []}
    resp = _get(stack, '?start=%s' % later.strftime('%Y-%m-%dT%H:%M:%S'),
                status=400)
    assert resp['badRequest']['message'] == (
        'Invalid start time. The start time cannot occur after the end '
        'time.')
    resp = _get(stack, '?start=yesterday', status=400)
    assert resp['badRequest']['message'] == (
        'Invalid datetime string: Datetime is in invalid format')
    _get(stack, '?start=2020-01-01T00:00:00.123456')
    _get(stack, '?start=2020-01-01 00:00:00.123456')


def test_paging_from_2_40(stack, servers):
    first = _get(stack, '?start=%s&limit=1&detailed=1' % START, '2.40')
    jsonschema.validate(first, ar.usage_index('2.40'))
    (usage,) = first['tenant_usages']
    assert len(usage['server_usages']) == 1
    marker = usage['server_usages'][0]['instance_id']
    assert 'marker=%s' % marker in first['tenant_usages_links'][0]['href']
    rest = _get(stack, '?start=%s&detailed=1&marker=%s' % (START, marker),
                '2.40')
    seen = [s['instance_id'] for u in rest['tenant_usages']
            for s in u['server_usages']]
    assert marker not in seen and len(seen) == 2
    resp = _get(stack, '?marker=nope', '2.40', status=400)
    assert resp['badRequest']['message'] == 'Marker nope could not be found.'
    one = _get(stack, '/demo?start=%s&limit=1' % START, '2.40')
    assert one['tenant_usage_links'][0]['href'].split('?')[0].endswith(
        '/os-simple-tenant-usage/demo')
    assert 'tenant_usages_links' not in _get(
        stack, '?start=%s&limit=1' % START, '2.39')
    _get(stack, '?bogus=1', '2.75', status=400)
    _get(stack, '?bogus=1', '2.74')
