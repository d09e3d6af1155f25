"""The nova and openstack command line clients against the all-in-one."""

import json
import os
import subprocess
import sys
import time

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


def _osc_env(stack, tmp_path, cloud='nova-lite'):
    """The shipped clouds.yaml, pointed at the stack's ports."""
    source = os.path.join(os.path.dirname(__file__), '..', '..', 'etc',
                          'nova-lite', 'clouds.yaml')
    with open(source) as f:
        text = f.read()
    text = text.replace('http://127.0.0.1:8774', stack.base).replace(
        'http://127.0.0.1:8776', stack.volume_base)
    path = tmp_path / 'clouds.yaml'
    path.write_text(text)
    return dict(os.environ, OS_CLIENT_CONFIG_FILE=str(path), OS_CLOUD=cloud)


def _osc(env, *args, cloud=None):
    if cloud:
        env = dict(env, OS_CLOUD=cloud)
    return subprocess.run([_bin('openstack')] + list(args), env=env,
                          capture_output=True, text=True, timeout=120)


def test_openstack_cli(stack, tmp_path):
    env = _osc_env(stack, tmp_path)

    def osc(*args):
        return _osc(env, *args)

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


def test_openstack_cli_volumes(stack, tmp_path):
    """The block storage part of the multi-attach walkthrough."""
    env = _osc_env(stack, tmp_path)
    made = _osc(env, 'volume', 'type', 'create', '--property',
                'multiattach=<is> True', 'multiattach', '-f', 'json',
                cloud='nova-lite-admin')
    assert made.returncode == 0, made.stderr
    vtype = json.loads(made.stdout)
    assert vtype['name'] == 'multiattach'
    assert "multiattach='<is> True'" in str(vtype['properties']) or \
        vtype['properties'] == {'multiattach': '<is> True'}
    denied = _osc(env, 'volume', 'type', 'create', 'mine')
    assert denied.returncode != 0
    assert 'volume_extension:types_manage' in denied.stderr
    created = _osc(env, 'volume', 'create', '--size', '1', '--type',
                   'multiattach', 'vol-multiattach', '-f', 'json')
    assert created.returncode == 0, created.stderr
    volume = json.loads(created.stdout)
    assert volume['multiattach'] is True
    _wait_status(lambda: json.loads(_osc(
        env, 'volume', 'show', 'vol-multiattach', '-f', 'json').stdout)[
            'status'], 'available')
    shown = json.loads(_osc(env, 'volume', 'show', 'vol-multiattach', '-c',
                            'attachments', '-c', 'type', '-f',
                            'json').stdout)
    assert shown == {'attachments': [], 'type': 'multiattach'}
    listed = json.loads(_osc(env, 'volume', 'list', '-f', 'json').stdout)
    assert [(v['Name'], v['Status'], v['Size']) for v in listed] == [
        ('vol-multiattach', 'available', 1)]
    deleted = _osc(env, 'volume', 'delete', 'vol-multiattach')
    assert deleted.returncode == 0, deleted.stderr
    _wait_status(lambda: json.loads(_osc(env, 'volume', 'list', '-f',
                                         'json').stdout), [])
    missing = _osc(env, 'volume', 'show', 'vol-multiattach')
    assert missing.returncode != 0


def test_cinder_cli_and_python_api(stack):
    env = dict(os.environ)

    def cinder(*args):
        return subprocess.run(
            [_bin('cinder'), '--os-auth-type', 'noauth', '--os-user-id',
             'demo', '--os-project-id', 'demo', '--os-endpoint',
             stack.volume_base + '/v3'] + list(args),
            env=env, capture_output=True, text=True, timeout=120)

    made = cinder('create', '--name', 'v9', '1')
    assert made.returncode == 0, made.stderr
    assert ' v9 ' in made.stdout
    _wait_status(lambda: 'available' if ' available ' in cinder(
        'show', 'v9').stdout else None, 'available')
    listed = cinder('list')
    assert ' v9 ' in listed.stdout and ' available ' in listed.stdout
    attachments = cinder('--os-volume-api-version', '3.27',
                         'attachment-list')
    assert attachments.returncode == 0, attachments.stderr

    from cinderclient import client as cinder_client
    from keystoneauth1 import noauth
    from keystoneauth1 import session
    # As nova does, with a service token: only services may delete an
    # attachment that connects a volume to a server.
    sess = session.Session(auth=noauth.NoAuth(), additional_headers={
        'X-Service-Token': 'nova:service'})
    client = cinder_client.Client('3.60', session=sess,
                                  endpoint_override=stack.volume_base + '/v3')
    # keystoneauth's "none" sends the token "notused": a project of its own.
    assert client.volumes.list() == []
    volume = client.volumes.create(1, name='py1')
    deadline = time.monotonic() + 10
    while client.volumes.get(volume.id).status != 'available':
        assert time.monotonic() < deadline
        time.sleep(0.05)
    attachment = client.attachments.create(
        volume.id, {'host': 'compute1'}, '2c8e9c0e-4a1d-4c0e-8b1a-6a1c1c1c1c1c')
    assert attachment['status'] == 'attaching'
    client.attachments.complete(attachment['id'])
    assert client.volumes.get(volume.id).status == 'in-use'
    client.attachments.delete(attachment['id'])
    client.volumes.delete(volume.id)
    assert cinder('delete', 'v9').returncode == 0


def test_openstack_cli_multiattach_walkthrough(stack, tmp_path):
    """The multi-attach walkthrough, as an administrator runs it."""
    env = dict(_osc_env(stack, tmp_path, cloud='nova-lite-admin'),
               OS_COMPUTE_API_VERSION='2.60')

    def osc(*args):
        out = _osc(env, *args)
        assert out.returncode == 0, (args, out.stderr)
        return out.stdout

    osc('volume', 'type', 'create', '--property', 'multiattach=<is> True',
        'multiattach')
    osc('volume', 'create', '--size', '1', '--type', 'multiattach',
        'vol-multiattach')
    _wait_status(lambda: json.loads(osc(
        'volume', 'show', 'vol-multiattach', '-f', 'json'))['status'],
        'available')
    volume_id = osc('volume', 'show', 'vol-multiattach', '-c', 'id', '-f',
                    'value').strip()
    osc('server', 'create', '--flavor', '1', '--image', IMAGE, '--nic',
        'none', '--block-device',
        'uuid=%s,source_type=volume,destination_type=volume,boot_index=-1'
        % volume_id, '--wait', 'vm1')
    osc('server', 'create', '--flavor', '1', '--image', IMAGE, '--nic',
        'none', '--wait', 'vm2')
    added = json.loads(osc('server', 'add', 'volume', 'vm2',
                           'vol-multiattach', '-f', 'json'))
    assert added['Device'] == '/dev/vdb'
    vm = {name: json.loads(osc('server', 'show', name, '-f', 'json'))['id']
          for name in ('vm1', 'vm2')}

    def attachments():
        return json.loads(osc('volume', 'show', 'vol-multiattach', '-c',
                              'attachments', '-f', 'json'))['attachments']
    _wait_status(lambda: len(attachments()), 2)
    listed = attachments()
    assert sorted(a['server_id'] for a in listed) == sorted(vm.values())
    for item in listed:
        assert set(item) == {'server_id', 'attachment_id', 'attached_at',
                             'host_name', 'volume_id', 'device', 'id'}
        assert (item['volume_id'], item['id']) == (volume_id, volume_id)
        assert item['host_name'] == 'compute1'
        assert item['device'] == '/dev/vdb'
    assert len({a['attachment_id'] for a in listed}) == 2
    shown = json.loads(osc('server', 'show', '-c', 'volumes_attached',
                           'vm2', '-f', 'json'))
    assert volume_id in str(shown['volumes_attached'])
    osc('server', 'remove', 'volume', 'vm2', 'vol-multiattach')
    _wait_status(lambda: [a['server_id'] for a in attachments()],
                 [vm['vm1']])
    osc('server', 'remove', 'volume', 'vm1', 'vol-multiattach')
    _wait_status(lambda: attachments(), [])
    assert json.loads(osc('volume', 'show', 'vol-multiattach', '-f',
                          'json'))['status'] == 'available'
