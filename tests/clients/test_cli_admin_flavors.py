"""The ``openstack`` CLI of an administrator: flavors with properties and
project access, hypervisors, usage, migrations and the extension list."""

import json
import os

import pytest

from tests.clients.conftest import IMAGE
from tests.clients.conftest import run
from tests.clients.conftest import wait_for

ADMIN_CLOUD = 'nova-lite-admin'


@pytest.fixture(scope='module')
def osc_env(aio, tmp_path_factory):
    directory = tmp_path_factory.mktemp('osc-admin')
    path = aio.clouds_yaml(directory)
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(OS_CLIENT_CONFIG_FILE=path, OS_CLOUD=ADMIN_CLOUD)
    return env


def _osc(env, *args, ok=True):
    out = run(('openstack',) + args, env=env)
    if ok:
        assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out


def _json(env, *args):
    return json.loads(_osc(env, *(args + ('-f', 'json'))).stdout)


def test_flavor_create_set_show_delete(aio, osc_env):
    made = _json(osc_env, 'flavor', 'create', '--ram', '128', '--vcpus', '2',
                 '--disk', '3', '--swap', '16', '--private', '--property',
                 'hw:cpu_policy=shared', '--id', 'osc-f1', 'osc-flavor')
    assert (made['id'], made['ram'], made['vcpus'], made['disk']) == (
        'osc-f1', 128, 2, 3)
    assert made['os-flavor-access:is_public'] is False
    _osc(osc_env, 'flavor', 'set', '--property', 'hw:numa_nodes=1',
         '--property', 'quota:cpu_quota=100', 'osc-f1')
    shown = _json(osc_env, 'flavor', 'show', 'osc-f1')
    assert shown['properties'] == {'hw:cpu_policy': 'shared',
                                   'hw:numa_nodes': '1',
                                   'quota:cpu_quota': '100'}
    _osc(osc_env, 'flavor', 'unset', '--property', 'quota:cpu_quota',
         'osc-f1')
    specs = aio.request('GET', '/v2.1/flavors/osc-f1/os-extra_specs').json()
    assert specs == {'extra_specs': {'hw:cpu_policy': 'shared',
                                     'hw:numa_nodes': '1'}}
    # Access for the member's project: the member sees the flavor.
    assert aio.request('GET', '/v2.1/flavors/osc-f1',
                       token='demo:demo').status_code == 404
    _osc(osc_env, 'flavor', 'set', '--project', 'demo', 'osc-f1')
    access = aio.request('GET', '/v2.1/flavors/osc-f1/os-flavor-access')
    assert access.json() == {'flavor_access': [
        {'flavor_id': 'osc-f1', 'tenant_id': 'demo'}]}
    assert aio.request('GET', '/v2.1/flavors/osc-f1',
                       token='demo:demo').status_code == 200
    listed = _json(osc_env, 'flavor', 'list', '--private')
    assert 'osc-f1' in [f['ID'] for f in listed]
    _osc(osc_env, 'flavor', 'delete', 'osc-f1')
    assert aio.request('GET', '/v2.1/flavors/osc-f1').status_code == 404


def test_invalid_extra_spec_refused_at_2_86(aio, osc_env):
    _json(osc_env, 'flavor', 'create', '--ram', '64', '--vcpus', '1',
          '--id', 'osc-f2', 'osc-flavor-2')
    out = _osc(osc_env, '--os-compute-api-version', '2.86', 'flavor', 'set',
               '--property', 'hw:cpu_policy=sometimes', 'osc-f2', ok=False)
    assert out.returncode != 0
    assert "'sometimes' is not one of" in out.stderr
    _osc(osc_env, 'flavor', 'delete', 'osc-f2')


def test_hypervisors_usage_migrations_extensions(aio, osc_env):
    created = aio.request('POST', '/v2.1/servers', token='demo:demo', json={
        'server': {'name': 'osc-usage', 'flavorRef': '1', 'imageRef': IMAGE,
                   'networks': 'none'}})
    assert created.status_code == 202, created.text
    server_id = created.json()['server']['id']
    wait_for(lambda: aio.request('GET', '/v2.1/servers/%s' % server_id)
             .json()['server']['status'], 'ACTIVE')
    hypervisors = _json(osc_env, 'hypervisor', 'list')
    assert [h['Hypervisor Hostname'] for h in hypervisors] == ['compute1']
    shown = _json(osc_env, 'hypervisor', 'show', 'compute1')
    assert shown['hypervisor_type'] == 'fake'
    assert shown['state'] == 'up'
    usage = _json(osc_env, 'usage', 'list', '--start', '2020-01-01')
    assert 'demo' in [u['Project'] for u in usage]
    # Other tests of the session's all-in-one move servers; this one was
    # never moved, and every row names the server it moved.
    migrations = _json(osc_env, 'server', 'migration', 'list')
    assert all(m['Server UUID'] and m['Type'] in
               ('migration', 'resize', 'live-migration', 'evacuation')
               for m in migrations), migrations
    assert server_id not in [m['Server UUID'] for m in migrations]
    extensions = _json(osc_env, 'extension', 'list', '--compute')
    aliases = [e['Alias'] for e in extensions]
    assert 'os-hypervisors' in aliases and len(aliases) == 99
