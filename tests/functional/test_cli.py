"""The nova and openstack command line clients against the all-in-one."""

import json
import os
import subprocess
import sys
import time

import yaml

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _bin(name):
    return os.path.join(os.path.dirname(sys.executable), name)


def _nova(stack, *args):
    env = dict(os.environ, OS_AUTH_TYPE='none', OS_USERNAME='demo',
               OS_PROJECT_ID='demo', OS_AUTH_URL='http://127.0.0.1:1/unused')
    return subprocess.run(
        [_bin('nova'), '--os-endpoint-override', stack.base + '/v2.1']
        + list(args), env=env, capture_output=True, text=True, timeout=120)


def _wait_status(fetch, status):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if fetch() == status:
            return
        time.sleep(0.2)
    raise AssertionError('never reached %s' % status)


def test_nova_cli(stack):
    out = _nova(stack, '--os-compute-api-version', '2.60', 'boot',
                '--flavor', '1', '--image', IMAGE, '--nic', 'none', 'cli1')
    assert out.returncode == 0, out.stderr
    listed = _nova(stack, 'list')
    assert 'cli1' in listed.stdout
    _wait_status(lambda: 'ACTIVE' if ' ACTIVE ' in _nova(
        stack, 'show', 'cli1').stdout else None, 'ACTIVE')
    stopped = _nova(stack, 'stop', 'cli1')
    assert stopped.returncode == 0, stopped.stderr
    _wait_status(lambda: 'SHUTOFF' if ' SHUTOFF ' in _nova(
        stack, 'show', 'cli1').stdout else None, 'SHUTOFF')
    again = _nova(stack, 'stop', 'cli1')
    assert again.returncode != 0
    assert 'while it is in vm_state stopped' in again.stdout + again.stderr
    bad = _nova(stack, '--os-compute-api-version', '2.90', 'list')
    assert bad.returncode != 0
    assert _nova(stack, 'delete', 'cli1').returncode == 0


def test_openstack_cli(stack, tmp_path):
    source = os.path.join(os.path.dirname(__file__), '..', '..', 'etc',
                          'nova-lite', 'clouds.yaml')
    with open(source) as f:
        clouds = yaml.safe_load(f)
    for cloud in clouds['clouds'].values():
        for key, value in list(cloud.items()):
            if isinstance(value, str):
                cloud[key] = value.replace('http://127.0.0.1:8774',
                                           stack.base)
        cloud['auth']['endpoint'] = cloud['auth']['endpoint'].replace(
            'http://127.0.0.1:8774', stack.base)
    path = tmp_path / 'clouds.yaml'
    path.write_text(yaml.safe_dump(clouds))
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(path),
               OS_CLOUD='nova-lite')

    def osc(*args):
        return subprocess.run([_bin('openstack')] + list(args), env=env,
                              capture_output=True, text=True, timeout=120)

    created = osc('server', 'create', '--flavor', '1', '--image', IMAGE,
                  '--nic', 'none', 'osc1', '-f', 'json')
    assert created.returncode == 0, created.stderr
    server_id = json.loads(created.stdout)['id']
    _wait_status(lambda: json.loads(osc('server', 'show', 'osc1', '-f',
                                        'json').stdout)['status'], 'ACTIVE')
    listed = json.loads(osc('server', 'list', '-f', 'json').stdout)
    assert [s['Name'] for s in listed] == ['osc1']
    assert listed[0]['Image'] == 'cirros-0.6.2-x86_64-disk'
    assert osc('server', 'stop', 'osc1').returncode == 0
    _wait_status(lambda: json.loads(osc('server', 'show', server_id, '-f',
                                        'json').stdout)['status'], 'SHUTOFF')
    flavors = json.loads(osc('flavor', 'list', '-f', 'json').stdout)
    assert 'm1.tiny' in [f['Name'] for f in flavors]
    assert osc('server', 'delete', '--wait', 'osc1').returncode == 0
    assert json.loads(osc('server', 'list', '-f', 'json').stdout) == []
