"""tempest's own key pair, limits, quota set and quota class clients drive
the stack and validate every response against tempest's per-microversion
schemas (as tempest.api.compute.keypairs, .limits and .admin.test_quotas
call them)."""

import pytest
from tempest.lib import exceptions as lib_exc
from tempest.lib.services.compute import keypairs_client
from tempest.lib.services.compute import limits_client
from tempest.lib.services.compute import quota_classes_client
from tempest.lib.services.compute import quotas_client

from tests.functional.test_tempest_schemas import _AuthProvider
from tests.functional.test_tempest_schemas import at_version  # noqa: F401

ADMIN = 'admin:admin'


def _client(cls, stack, token='demo:demo'):
    return cls(_AuthProvider(stack.base + '/v2.1', token), 'compute',
               'RegionOne')


@pytest.mark.parametrize('version', ['2.1', '2.2', '2.10', '2.35', '2.91'])
def test_keypairs(stack, at_version, version):  # noqa: F811
    at_version(version)
    client = _client(keypairs_client.KeyPairsClient, stack)
    created = client.create_keypair(name='kp1')['keypair']
    assert created['private_key']
    client.list_keypairs()
    detail = client.show_keypair('kp1')['keypair']
    assert detail['name'] == 'kp1'
    if version != '2.1':
        client.create_keypair(name='kp2', type='x509')
    # tempest's negative cases
    for kwargs, error in (
            ({'name': 'kp3', 'public_key': 'ssh-rsa JUNK nova@ubuntu'},
             lib_exc.BadRequest),
            ({'name': 'kp3', 'public_key': ' '}, lib_exc.BadRequest),
            ({'name': ''}, lib_exc.BadRequest),
            ({'name': 'keypair-'.ljust(260, '0')}, lib_exc.BadRequest),
            ({'name': r'key_/.\@:'}, lib_exc.BadRequest),
            ({'name': 'kp1'}, lib_exc.Conflict)):
        with pytest.raises(error):
            client.create_keypair(**kwargs)
    with pytest.raises(lib_exc.NotFound):
        client.delete_keypair('nothere')
    client.delete_keypair('kp1')


def test_admin_keypairs_for_other_users(stack, at_version):  # noqa: F811
    at_version('2.10')
    admin = _client(keypairs_client.KeyPairsClient, stack, ADMIN)
    admin.create_keypair(name='theirs', type='ssh', user_id='demo')
    shown = admin.show_keypair('theirs', user_id='demo')['keypair']
    assert shown['user_id'] == 'demo'
    listed = admin.list_keypairs(user_id='demo')['keypairs']
    assert [k['keypair']['name'] for k in listed] == ['theirs']
    admin.delete_keypair('theirs', user_id='demo')


@pytest.mark.parametrize('version', ['2.1', '2.36', '2.39', '2.57',
                                     '2.89'])
def test_limits(stack, at_version, version):  # noqa: F811
    at_version(version)
    _client(limits_client.LimitsClient, stack).show_limits()


@pytest.mark.parametrize('version', ['2.1', '2.36', '2.57'])
def test_quota_sets(stack, at_version, version):  # noqa: F811
    at_version(version)
    admin = _client(quotas_client.QuotasClient, stack, ADMIN)
    reader = _client(quotas_client.QuotasClient, stack)
    defaults = reader.show_default_quota_set('demo')['quota_set']
    assert defaults['id'] == 'demo'
    new = {'metadata_items': 256, 'ram': 10240, 'key_pairs': 200,
           'instances': 20, 'server_groups': 20,
           'server_group_members': 20, 'cores': 2}
    if version == '2.1':
        new.update({'fixed_ips': 10, 'floating_ips': 20,
                    'security_group_rules': 20, 'security_groups': 20})
    if version != '2.57':
        new.update({'injected_file_content_bytes': 20480,
                    'injected_file_path_bytes': 512, 'injected_files': 10})
    updated = admin.update_quota_set('demo', force=True, **new)['quota_set']
    assert set(new) <= set(updated)
    shown = reader.show_quota_set('demo')['quota_set']
    assert all(shown[k] == v for k, v in new.items())
    detail = admin.show_quota_set('demo', detail=True)['quota_set']
    assert detail['ram']['limit'] == 10240
    admin.update_quota_set('demo', user_id='demo', ram='2048')
    assert admin.show_quota_set('demo', user_id='demo')['quota_set'][
        'ram'] == 2048
    admin.delete_quota_set('demo')
    assert reader.show_quota_set('demo')['quota_set']['ram'] == 51200
    with pytest.raises(lib_exc.Forbidden):
        reader.update_quota_set('demo', ram=0)


@pytest.mark.parametrize('version', ['2.1', '2.50', '2.57'])
def test_quota_classes(stack, at_version, version):  # noqa: F811
    at_version(version)
    admin = _client(quota_classes_client.QuotaClassesClient, stack, ADMIN)
    body = admin.show_quota_class_set('default')['quota_class_set']
    assert body.pop('id') == 'default'
    bumped = {k: v + 100 for k, v in body.items()}
    updated = admin.update_quota_class_set('default', **bumped)[
        'quota_class_set']
    assert all(updated[k] == v for k, v in bumped.items())
    shown = admin.show_quota_class_set('default')['quota_class_set']
    assert all(shown[k] == v for k, v in bumped.items())
    admin.update_quota_class_set('default', **body)


def test_keypairs_import_only_from_2_92(stack, at_version):  # noqa: F811
    """From 2.92 tempest's client makes an ECDSA key itself and imports
    its public half; generation by the API is refused."""
    at_version('2.92')
    client = keypairs_client.KeyPairsClient(
        _AuthProvider(stack.base + '/v2.1', 'demo:demo'), 'compute',
        'RegionOne', ssh_key_type='ecdsa')
    created = client.create_keypair(name='ec@host.name')['keypair']
    assert created['public_key'].startswith('ecdsa-sha2-nistp384 ')
    assert created['type'] == 'ssh'
    assert client.show_keypair('ec@host.name')['keypair'][
        'fingerprint'] == created['fingerprint']
    plain = _client(keypairs_client.KeyPairsClient, stack)
    with pytest.raises(lib_exc.BadRequest):
        plain.create_keypair(name='generated')
