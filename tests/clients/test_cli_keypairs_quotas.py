"""``openstack keypair``, ``limits show`` and ``quota`` commands against
nova-lite-all, through the shipped clouds.yaml (compute pinned at 2.60).

``limits show`` asks the compute API and the built-in block storage;
quotas are shown with ``--compute`` and a project (the noauth2 token
carries no project for the client to take)."""

from tests.clients.conftest import osc as _osc
from tests.clients.conftest import osc_json as _json


def test_keypair_create_list_show_delete(aio, osc_env, tmp_path):
    env = osc_env
    created = _osc(env, 'keypair', 'create', 'cli-key')
    assert 'PRIVATE KEY' in created.stdout
    listed = _json(env, 'keypair', 'list')
    names = [k['Name'] for k in listed]
    assert 'cli-key' in names
    shown = _json(env, 'keypair', 'show', 'cli-key')
    assert shown['name'] == 'cli-key'
    assert shown['type'] == 'ssh'
    api = aio.request('GET', '/v2.1/os-keypairs/cli-key', token='demo:demo')
    assert api.json()['keypair']['fingerprint'] == shown['fingerprint']
    # Import from a public key file.
    public = tmp_path / 'id.pub'
    public.write_text(api.json()['keypair']['public_key'])
    _osc(env, 'keypair', 'create', '--public-key', str(public), 'cli-imp')
    assert _json(env, 'keypair', 'show', 'cli-imp')['fingerprint'] == \
        shown['fingerprint']
    out = _osc(env, 'keypair', 'create', 'cli-key', ok=False)
    assert out.returncode != 0
    assert "Key pair 'cli-key' already exists." in out.stderr
    _osc(env, 'keypair', 'delete', 'cli-key', 'cli-imp')
    names = [k['Name'] for k in _json(env, 'keypair', 'list')]
    assert 'cli-key' not in names and 'cli-imp' not in names
    out = _osc(env, 'keypair', 'show', 'cli-key', ok=False)
    assert out.returncode != 0


def test_server_with_key_name(aio, osc_env):
    env = osc_env
    _osc(env, 'keypair', 'create', 'boot-key')
    server = _json(env, 'server', 'create', '--flavor', 'm1.tiny',
                   '--image', '70a599e0-31e7-49b7-b260-868f441e862b',
                   '--key-name', 'boot-key', '--nic', 'none', '--wait',
                   'cli-keyed')
    shown = _json(env, 'server', 'show', server['id'])
    assert shown['key_name'] == 'boot-key'
    out = _osc(env, 'server', 'create', '--flavor', 'm1.tiny', '--image',
               '70a599e0-31e7-49b7-b260-868f441e862b', '--key-name',
               'no-such-key', '--nic', 'none', 'cli-nokey', ok=False)
    assert out.returncode != 0
    assert 'Invalid key_name provided.' in out.stderr
    _osc(env, 'server', 'delete', '--wait', server['id'])
    _osc(env, 'keypair', 'delete', 'boot-key')


def test_limits_show_absolute(aio, osc_env):
    env = osc_env
    volume = aio.volume_request('POST', '/v3/volumes', token='demo:demo',
                                json={'volume': {'size': 2}})
    assert volume.status_code == 202, volume.text
    limits = {item['Name']: item['Value'] for item in _json(
        env, 'limits', 'show', '--absolute')}
    api = aio.request('GET', '/v2.1/limits', token='demo:demo').json()[
        'limits']['absolute']
    assert limits['max_total_keypairs'] == api['maxTotalKeypairs'] == 100
    assert limits['max_server_meta'] == api['maxServerMeta'] == 128
    assert limits['max_total_instances'] == api['maxTotalInstances']
    assert limits['total_instances_used'] == api['totalInstancesUsed']
    assert limits['max_total_ram_size'] == api['maxTotalRAMSize']
    assert limits['total_ram_used'] == api['totalRAMUsed']
    assert limits['max_server_groups'] == api['maxServerGroups'] == 10
    # 2.60: the network and personality limits are not served.
    assert limits['max_total_floating_ips'] is None
    assert limits['personality'] is None
    assert 'maxTotalFloatingIps' not in api
    assert 'maxPersonality' not in api
    # The block storage's: no quotas (-1), the project's volumes counted.
    volumes = aio.volume_request('GET', '/v3/volumes/detail',
                                 token='demo:demo').json()['volumes']
    assert limits['max_total_volumes'] == -1
    assert limits['max_total_volume_gigabytes'] == -1
    assert limits['max_total_snapshots'] == -1
    assert limits['max_total_backups'] == -1
    assert limits['max_total_backup_gigabytes'] == -1
    assert limits['total_volumes_used'] == len(volumes) >= 1
    assert limits['total_gigabytes_used'] == sum(v['size'] for v in volumes)
    assert limits['total_snapshots_used'] == 0
    assert limits['total_backups_used'] == 0


def test_quota_show_and_set(aio, osc_env):
    env = osc_env
    admin = 'nova-lite-admin'
    # A member sees the own project's quotas.
    shown = {q['Resource']: q['Limit'] for q in _json(
        env, 'quota', 'show', '--compute', 'demo')}
    assert shown['key-pairs'] == 100
    assert shown['properties'] == 128
    assert shown['server-groups'] == 10
    out = _osc(env, 'quota', 'show', '--compute', 'cli-project', ok=False)
    assert out.returncode != 0
    assert 'os_compute_api:os-quota-sets:show' in out.stderr
    _osc(env, 'quota', 'set', '--instances', '7', '--key-pairs', '9',
         'cli-project', cloud=admin)
    shown = {q['Resource']: q['Limit'] for q in _json(
        env, 'quota', 'show', '--compute', 'cli-project', cloud=admin)}
    assert shown['instances'] == 7
    assert shown['key-pairs'] == 9
    api = aio.request('GET', '/v2.1/os-quota-sets/cli-project').json()
    assert api['quota_set']['instances'] == 7
    # Only an administrator may set quotas.
    out = _osc(env, 'quota', 'set', '--instances', '8', 'cli-project',
               ok=False)
    assert out.returncode != 0
    assert 'os_compute_api:os-quota-sets:update' in out.stderr
    defaults = {q['Resource']: q['Limit'] for q in _json(
        env, 'quota', 'show', '--compute', '--default', 'cli-project',
        cloud=admin)}
    assert defaults['key-pairs'] == 100
