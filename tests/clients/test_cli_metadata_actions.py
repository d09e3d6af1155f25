"""The ``openstack`` CLI on server properties (metadata), tags and events
(instance actions), through the shipped clouds.yaml (compute 2.60 unless
``--os-compute-api-version`` says otherwise)."""

import json
import os

import pytest

from tests.clients.conftest import IMAGE
from tests.clients.conftest import run
from tests.clients.conftest import wait_for


@pytest.fixture(scope='module')
def osc_env(aio, tmp_path_factory):
    directory = tmp_path_factory.mktemp('osc-md')
    path = aio.clouds_yaml(directory)
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(OS_CLIENT_CONFIG_FILE=path, OS_CLOUD='nova-lite')
    return env


def _osc(env, *args):
    out = run(('openstack',) + args, env=env)
    assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out


def _json(env, *args):
    return json.loads(_osc(env, *(args + ('-f', 'json'))).stdout)


def _server(aio, server_id, version='2.60'):
    return aio.request('GET', '/v2.1/servers/%s' % server_id,
                       token='demo:demo', version=version).json()['server']


def test_properties_events_and_tags(aio, osc_env):
    env = osc_env
    vm = _json(env, 'server', 'create', '--flavor', '1', '--image', IMAGE,
               '--nic', 'none', '--property', 'a=1', '--wait', 'osc-md')
    sid = vm['id']
    assert _server(aio, sid)['metadata'] == {'a': '1'}

    # server set / unset --property: POST .../metadata, DELETE of a key.
    mark = aio.mark()
    _osc(env, 'server', 'set', '--property', 'b=2', '--property', 'c=3',
         'osc-md')
    assert _server(aio, sid)['metadata'] == {'a': '1', 'b': '2', 'c': '3'}
    _osc(env, 'server', 'unset', '--property', 'a', '--property', 'c',
         'osc-md')
    assert _server(aio, sid)['metadata'] == {'b': '2'}
    calls = [(m, u.split('?')[0], s) for m, u, s, _v in
             aio.requests_since(mark) if '/metadata' in u]
    assert ('POST', '/v2.1/servers/%s/metadata' % sid, 200) in calls
    assert ('DELETE', '/v2.1/servers/%s/metadata/a' % sid, 204) in calls
    shown = _json(env, 'server', 'show', 'osc-md')
    assert shown['properties'] in ({'b': '2'}, "b='2'")

    # Events: the create, then a stop and a start.
    _osc(env, 'server', 'stop', 'osc-md')
    wait_for(lambda: _server(aio, sid)['status'], 'SHUTOFF')
    _osc(env, 'server', 'start', 'osc-md')
    wait_for(lambda: _server(aio, sid)['status'], 'ACTIVE')
    events = _json(env, 'server', 'event', 'list', 'osc-md')
    assert [e['Action'] for e in events] == ['start', 'stop', 'create']
    assert {e['Server ID'] for e in events} == {sid}
    create = [e for e in events if e['Action'] == 'create'][0]
    shown = _json(env, 'server', 'event', 'show', 'osc-md',
                  create['Request ID'])
    assert shown['action'] == 'create'
    assert shown['request_id'] == create['Request ID']
    names = [e['event'] for e in shown['events']]
    assert names == ['compute__do_build_and_run_instance']
    mark = aio.mark()
    paged = _json(env, '--os-compute-api-version', '2.58', 'server',
                  'event', 'list', '--limit', '1', 'osc-md')
    assert [e['Action'] for e in paged] == ['start']
    assert set(aio.compute_versions(mark, 'GET', 'os-instance-actions')) \
        == {'2.58'}

    # Tags from 2.26.
    _osc(env, '--os-compute-api-version', '2.26', 'server', 'set', '--tag',
         'blue', '--tag', 'green', 'osc-md')
    assert sorted(_server(aio, sid, version='2.26')['tags']) == [
        'blue', 'green']
    listed = _json(env, '--os-compute-api-version', '2.26', 'server',
                   'list', '--tags', 'blue')
    assert [s['ID'] for s in listed] == [sid]
    _osc(env, '--os-compute-api-version', '2.26', 'server', 'unset',
         '--tag', 'blue', 'osc-md')
    assert _server(aio, sid, version='2.26')['tags'] == ['green']
    assert _json(env, '--os-compute-api-version', '2.26', 'server', 'list',
                 '--tags', 'blue') == []
    _osc(env, 'server', 'delete', '--wait', 'osc-md')
