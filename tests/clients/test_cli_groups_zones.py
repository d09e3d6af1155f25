"""The ``openstack`` CLI on server groups, availability zones and host
aggregates, through the shipped clouds.yaml (compute 2.60 pinned;
``--os-compute-api-version`` overrides it)."""

from tests.clients.conftest import osc as _osc
from tests.clients.conftest import osc_json as _json

ADMIN = 'nova-lite-admin'


def test_server_groups(aio, osc_env):
    env = osc_env
    group = _json(env, 'server', 'group', 'create', '--policy',
                  'anti-affinity', 'osc-grp')
    # Before 2.64 a list of one policy.
    assert (group['name'], group['policies'], group['members'],
            group['project_id']) == ('osc-grp', ['anti-affinity'], [],
                                     'demo')
    mark = aio.mark()
    listed = _json(env, 'server', 'group', 'list')
    assert ('osc-grp', ['anti-affinity']) in [
        (g['Name'], g['Policies']) for g in listed]
    assert set(aio.compute_versions(mark, 'GET', '/os-server-groups')) == {
        '2.60'}
    shown = _json(env, 'server', 'group', 'show', 'osc-grp')
    assert shown == group

    # 2.64: one policy and its rules.
    ruled = _json(env, '--os-compute-api-version', '2.64', 'server',
                  'group', 'create', '--policy', 'anti-affinity', '--rule',
                  'max_server_per_host=2', 'osc-ruled')
    assert ruled['policy'] == 'anti-affinity'
    body = aio.request('GET', '/v2.1/os-server-groups/%s' % ruled['id'],
                       token='demo:demo', version='2.64').json()
    assert body['server_group']['rules'] == {'max_server_per_host': 2}
    refused = _osc(env, '--os-compute-api-version', '2.64', 'server',
                   'group', 'create', '--policy', 'affinity', '--rule',
                   'max_server_per_host=2', 'osc-bad', ok=False)
    assert refused.returncode == 1
    assert 'Only anti-affinity policy supports rules.' in refused.stderr

    # The administrator sees every project's groups with --all-projects.
    everyone = _json(env, 'server', 'group', 'list', '--all-projects',
                     cloud=ADMIN)
    assert {'osc-grp', 'osc-ruled'} <= {g['Name'] for g in everyone}
    assert 'osc-grp' not in [g['Name'] for g in _json(
        env, 'server', 'group', 'list', cloud=ADMIN)]

    _osc(env, 'server', 'group', 'delete', 'osc-grp', 'osc-ruled')
    assert aio.request('GET', '/v2.1/os-server-groups/%s' % group['id'],
                       token='demo:demo').status_code == 404
    missing = _osc(env, 'server', 'group', 'show', 'osc-grp', ok=False)
    assert missing.returncode == 1


def test_availability_zones(aio, osc_env):
    zones = _json(osc_env, 'availability', 'zone', 'list', '--compute')
    assert {'Zone Name': 'nova', 'Zone Status': 'available'} in zones
    assert 'internal' not in [z['Zone Name'] for z in zones]
    detail = _json(osc_env, 'availability', 'zone', 'list', '--compute',
                   '--long', cloud=ADMIN)
    rows = {(z['Zone Name'], z['Host Name'], z['Service Name'])
            for z in detail}
    assert ('nova', 'compute1', 'nova-compute') in rows
    assert ('internal', 'compute1', 'nova-conductor') in rows


def test_aggregates(aio, osc_env):
    env = dict(osc_env, OS_CLOUD=ADMIN)
    zoned = _json(env, 'aggregate', 'create', '--zone', 'osc-z1',
                  'osc-zoned')
    assert (zoned['name'], zoned['availability_zone']) == (
        'osc-zoned', 'osc-z1')
    hosted = _json(env, 'aggregate', 'create', 'osc-hosted')
    try:
        _osc(env, 'aggregate', 'set', '--zone', 'osc-z2', 'osc-zoned')
        shown = _json(env, 'aggregate', 'show', 'osc-zoned')
        assert shown['availability_zone'] == 'osc-z2'
        assert shown['id'] == zoned['id']

        added = _json(env, 'aggregate', 'add', 'host', 'osc-hosted',
                      'compute1')
        assert added['hosts'] == ['compute1']
        unknown = _osc(env, 'aggregate', 'add', 'host', 'osc-hosted',
                       'nohost', ok=False)
        assert unknown.returncode == 1
        assert 'Compute host nohost could not be found.' in unknown.stderr

        listed = _json(env, 'aggregate', 'list', '--long')
        by_name = {a['Name']: a for a in listed}
        assert by_name['osc-zoned']['Availability Zone'] == 'osc-z2'
        assert by_name['osc-hosted']['Availability Zone'] in (None, '')

        busy = _osc(env, 'aggregate', 'delete', 'osc-hosted', ok=False)
        assert busy.returncode == 1
        _osc(env, 'aggregate', 'remove', 'host', 'osc-hosted', 'compute1')
        denied = _osc(osc_env, 'aggregate', 'list', ok=False)
        assert denied.returncode == 1
    finally:
        aio.request('POST', '/v2.1/os-aggregates/%d/action' % hosted['id'],
                    json={'remove_host': {'host': 'compute1'}})
    _osc(env, 'aggregate', 'delete', 'osc-zoned', 'osc-hosted')
    assert aio.request('GET', '/v2.1/os-aggregates').json()[
        'aggregates'] == []
