"""os-quota-sets, os-quota-class-sets, /limits and the quotas server and
key pair creates are held to, through the whole stack."""

import jsonschema
import pytest

from nova_lite.api.schemas import limits as limit_schemas
from nova_lite.api.schemas import quota_sets as qs_schemas
from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
QS = '/v2.1/os-quota-sets/demo'

DEFAULTS = {
    'instances': 10, 'cores': 20, 'ram': 51200, 'metadata_items': 128,
    'key_pairs': 100, 'server_groups': 10, 'server_group_members': 10,
    'injected_files': 5, 'injected_file_content_bytes': 10240,
    'injected_file_path_bytes': 255, 'fixed_ips': -1, 'floating_ips': -1,
    'security_groups': -1, 'security_group_rules': -1,
}
NETWORK = {'fixed_ips', 'floating_ips', 'security_groups',
           'security_group_rules'}
PERSONALITY = {'injected_files', 'injected_file_content_bytes',
               'injected_file_path_bytes'}


def _boot(stack, name='vm', token='demo:demo', version=None, **extra):
    body = {'server': dict({'name': name, 'flavorRef': '1',
                            'imageRef': IMAGE}, **extra)}
    return stack.request('POST', '/v2.1/servers', json=body, token=token,
                         version=version)


def _set(stack, values, path=QS, version=None, token=ADMIN):
    resp = stack.request('PUT', path, token=token, version=version,
                         json={'quota_set': values})
    assert resp.status_code == 200, resp.text
    return resp.json()['quota_set']


@pytest.mark.parametrize('version,dropped', [
    ('2.1', set()), ('2.35', set()), ('2.36', NETWORK),
    ('2.56', NETWORK), ('2.57', NETWORK | PERSONALITY)])
def test_show_defaults_detail_per_version(stack, version, dropped):
    expected = {k: v for k, v in DEFAULTS.items() if k not in dropped}
    for path in (QS, QS + '/defaults'):
        body = stack.request('GET', path, version=version).json()
        jsonschema.validate(body, qs_schemas.quota_set_show(version))
        assert body == {'quota_set': dict(expected, id='demo')}
    body = stack.request('GET', QS + '/detail', version=version).json()
    jsonschema.validate(body, qs_schemas.quota_set_detail(version))
    assert body['quota_set'].pop('id') == 'demo'
    assert body['quota_set'] == {
        k: {'limit': v, 'in_use': 0, 'reserved': 0}
        for k, v in expected.items()}


def test_update_and_delete(stack):
    shown = _set(stack, {'instances': 5, 'cores': '7', 'force': False})
    assert 'id' not in shown
    assert (shown['instances'], shown['cores'], shown['ram']) == (5, 7,
                                                                  51200)
    body = stack.request('GET', QS).json()['quota_set']
    assert (body['instances'], body['cores']) == (5, 7)
    # Another project keeps the defaults.
    assert stack.request('GET', '/v2.1/os-quota-sets/other',
                         token=ADMIN).json()['quota_set']['instances'] == 10
    # A user's quota within the project.
    shown = _set(stack, {'instances': 2}, path=QS + '?user_id=alice')
    assert shown['instances'] == 2 and shown['cores'] == 7
    assert stack.request('GET', QS + '?user_id=alice').json()[
        'quota_set']['instances'] == 2
    # The project's limit may not go below what its users are given.
    resp = stack.request('PUT', QS + '?user_id=bob', token=ADMIN,
                         json={'quota_set': {'instances': 4}})
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Quota limit 4 for instances must be less than or equal to 3.')
    resp = stack.request('DELETE', QS + '?user_id=alice', token=ADMIN)
    assert resp.status_code == 202 and resp.content == b''
    assert stack.request('GET', QS + '?user_id=alice').json()[
        'quota_set']['instances'] == 5
    resp = stack.request('DELETE', QS, token=ADMIN)
    assert resp.status_code == 202
    assert stack.request('GET', QS).json()['quota_set']['instances'] == 10
    # Network quotas are refused in the body from 2.36, personality ones
    # from 2.57.
    for version, key in (('2.36', 'fixed_ips'), ('2.57', 'injected_files')):
        resp = stack.request('PUT', QS, token=ADMIN, version=version,
                             json={'quota_set': {key: 1}})
        assert resp.status_code == 400
        assert "Additional properties are not allowed ('%s' was " \
               "unexpected)" % key in resp.json()['badRequest']['message']
    for bad in (-2, 'x', 0x80000000, '1.5', '-5', '99999999999'):
        resp = stack.request('PUT', QS, token=ADMIN,
                             json={'quota_set': {'instances': bad}})
        assert resp.status_code == 400, (bad, resp.text)


def test_update_below_usage_needs_force(stack):
    for name in ('a', 'b'):
        assert _boot(stack, name).status_code == 202
    resp = stack.request('PUT', QS, token=ADMIN,
                         json={'quota_set': {'instances': 1}})
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Quota limit 1 for instances must be greater than or equal to '
        'already used and reserved 2.')
    assert _set(stack, {'instances': 1, 'force': 'True'})['instances'] == 1
    detail = stack.request('GET', QS + '/detail').json()['quota_set']
    assert detail['instances'] == {'limit': 1, 'in_use': 2, 'reserved': 0}
    assert detail['cores']['in_use'] == 2
    assert detail['ram']['in_use'] == 1024
    # key_pairs and server_group_members usage shows as 0, as in nova.
    assert detail['key_pairs']['in_use'] == 0


def test_policies(stack):
    for method, path, body in (
            ('PUT', QS, {'quota_set': {'instances': 1}}),
            ('DELETE', QS, None)):
        resp = stack.request(method, path, json=body)
        assert resp.status_code == 403
    resp = stack.request('GET', '/v2.1/os-quota-sets/other')
    assert resp.json() == {'forbidden': {
        'code': 403, 'message': "Policy doesn't allow "
        "os_compute_api:os-quota-sets:show to be performed."}}
    assert stack.request('GET', '/v2.1/os-quota-sets/other/defaults'
                         ).status_code == 200
    resp = stack.request('GET', '/v2.1/os-quota-class-sets/default')
    assert resp.status_code == 403
    resp = stack.request('GET', '/v2.1/limits?tenant_id=other')
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:limits:other_project to be "
        "performed.")


@pytest.mark.parametrize('version', ['2.1', '2.49', '2.50', '2.57'])
def test_quota_classes(stack, version):
    path = '/v2.1/os-quota-class-sets/default'
    body = stack.request('GET', path, token=ADMIN, version=version).json()
    jsonschema.validate(body, qs_schemas.quota_class_set_show(version))
    shown = set(body['quota_class_set']) - {'id'}
    assert ('server_groups' in shown) == (version >= '2.50')
    assert ('fixed_ips' in shown) == (version < '2.50')
    assert ('injected_files' in shown) == (version < '2.57')
    resp = stack.request('PUT', path, token=ADMIN, version=version,
                         json={'quota_class_set': {'instances': 3}})
    assert resp.status_code == 200, resp.text
    jsonschema.validate(resp.json(),
                        qs_schemas.quota_class_set_update(version))
    assert resp.json()['quota_class_set']['instances'] == 3
    assert 'id' not in resp.json()['quota_class_set']
    # The "default" class is every project's default.
    assert stack.request('GET', '/v2.1/os-quota-sets/any/defaults').json()[
        'quota_set']['instances'] == 3
    assert stack.request('GET', QS).json()['quota_set']['instances'] == 3
    # Another class does not change the defaults.
    stack.request('PUT', '/v2.1/os-quota-class-sets/gold', token=ADMIN,
                  version=version,
                  json={'quota_class_set': {'instances': 50}})
    assert stack.request('GET', '/v2.1/os-quota-class-sets/gold',
                         token=ADMIN, version=version).json()[
        'quota_class_set']['instances'] == 50
    assert stack.request('GET', QS).json()['quota_set']['instances'] == 3
    resp = stack.request('PUT', '/v2.1/os-quota-class-sets/' + 'x' * 256,
                         token=ADMIN, version=version,
                         json={'quota_class_set': {'instances': 1}})
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Invalid input received: quota_class_name has more than 255 '
        'characters.')


@pytest.mark.parametrize('version', ['2.1', '2.36', '2.39', '2.57', '2.75'])
def test_limits(stack, version):
    assert _boot(stack).status_code == 202
    body = stack.request('GET', '/v2.1/limits', version=version).json()
    jsonschema.validate(body, limit_schemas.limits_show(version))
    absolute = body['limits']['absolute']
    assert body['limits']['rate'] == []
    assert set(absolute) == set(limit_schemas.absolute_names(version))
    assert (absolute['maxTotalInstances'], absolute['totalInstancesUsed'],
            absolute['totalCoresUsed'], absolute['totalRAMUsed']) == (
        10, 1, 1, 512)
    assert absolute['maxTotalKeypairs'] == 100
    assert absolute['maxServerMeta'] == 128
    assert ('maxTotalFloatingIps' in absolute) == (version < '2.36')
    assert ('maxImageMeta' in absolute) == (version < '2.39')
    assert ('maxPersonality' in absolute) == (version < '2.57')
    # An administrator looks at another project's.
    other = stack.request('GET', '/v2.1/limits?tenant_id=demo', token=ADMIN,
                          version=version).json()
    assert other['limits']['absolute']['totalInstancesUsed'] == 1
    own = stack.request('GET', '/v2.1/limits', token=ADMIN,
                        version=version).json()
    assert own['limits']['absolute']['totalInstancesUsed'] == 0
    # 'reserved' is ignored before 2.75 and refused from it.
    resp = stack.request('GET', '/v2.1/limits?reserved=1', version=version)
    assert resp.status_code == (400 if version == '2.75' else 200)


def test_instances_quota_on_create(stack):
    _set(stack, {'instances': 2})
    assert _boot(stack, 'a').status_code == 202
    resp = _boot(stack, 'b', min_count=2)
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {
        'code': 403, 'message': 'Quota exceeded for instances: Requested '
        '2, but already used 1 of 2 instances'}}
    # Between min_count and max_count: as many as fit.
    resp = _boot(stack, 'c', min_count=1, max_count=3,
                 return_reservation_id=True)
    assert resp.status_code == 202
    servers = stack.request('GET', '/v2.1/servers').json()['servers']
    assert len(servers) == 2
    resp = _boot(stack, 'd')
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded for instances: Requested 1, but already used 2 of '
        '2 instances')
    resp = _boot(stack, 'e', min_count=2, max_count=4)
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded for instances: Requested 2-4, but already used 2 '
        'of 2 instances')
    # Deleted servers give their quota back.
    server_id = servers[0]['id']
    assert stack.request('DELETE', '/v2.1/servers/%s' % server_id
                         ).status_code == 204
    stack.wait_for_server(server_id, 'DELETED')
    assert _boot(stack, 'f').status_code == 202


def test_cores_and_ram_quota_on_create(stack):
    _set(stack, {'cores': 1})
    assert _boot(stack, 'a').status_code == 202
    resp = _boot(stack, 'b')
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded for cores: Requested 1, but already used 1 of 1 '
        'cores')
    _set(stack, {'cores': -1, 'ram': 1000})
    resp = _boot(stack, 'c')
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded for ram: Requested 512, but already used 512 of '
        '1000 ram')
    _set(stack, {'ram': 600, 'instances': 1, 'force': True})
    resp = _boot(stack, 'c')
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded for instances, ram: Requested 1, 512, but already '
        'used 1, 512 of 1, 600 instances, ram')


def test_user_quota_on_create(stack):
    _set(stack, {'instances': 1}, path=QS + '?user_id=demo')
    assert _boot(stack, 'a').status_code == 202
    resp = _boot(stack, 'b')
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        'Quota exceeded for instances: Requested 1, but already used 1 of '
        '1 instances')
    # Another user of the same project is not held to it.
    assert _boot(stack, 'c', token='other:demo').status_code == 202


def test_metadata_and_personality_quotas(stack):
    resp = _boot(stack, metadata={str(i): 'v' for i in range(129)})
    assert resp.status_code == 403
    assert resp.json() == {'forbidden': {
        'code': 403,
        'message': 'Maximum number of metadata items exceeds 128'}}
    _set(stack, {'metadata_items': 2})
    resp = _boot(stack, metadata={'a': '1', 'b': '2', 'c': '3'})
    assert resp.json()['forbidden']['message'] == (
        'Maximum number of metadata items exceeds 2')
    assert _boot(stack, metadata={'a': '1', 'b': '2'}).status_code == 202
    files = [{'path': '/etc/f%d' % i, 'contents': 'YQ=='} for i in range(6)]
    resp = _boot(stack, personality=files)
    assert resp.json()['forbidden']['message'] == (
        'Personality file limit exceeded')
    resp = _boot(stack, personality=[{'path': '/' + 'p' * 300,
                                      'contents': 'YQ=='}])
    assert resp.json()['forbidden']['message'] == (
        'Personality file path exceeds maximum 255')
    assert len(stack.request('GET', '/v2.1/servers').json()[
        'servers']) == 1


def test_noop_driver(tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('quota', 'driver', 'nova.quota.NoopQuotaDriver'),
        ('quota', 'instances', 1)])
    stack = stack_fixture.Stack(conf).start()
    try:
        assert _boot(stack, 'a').status_code == 202
        assert _boot(stack, 'b').status_code == 202
        body = stack.request('GET', QS + '/detail').json()['quota_set']
        assert body['instances'] == {'limit': -1, 'in_use': -1,
                                     'reserved': -1}
        limits = stack.request('GET', '/v2.1/limits').json()['limits']
        assert limits['absolute']['maxTotalInstances'] == -1
        assert limits['absolute']['totalInstancesUsed'] == -1
    finally:
        stack.stop()


def test_config_defaults(tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('quota', 'instances', 1), ('quota', 'key_pairs', 0)])
    stack = stack_fixture.Stack(conf).start()
    try:
        assert stack.request('GET', QS).json()['quota_set'][
            'instances'] == 1
        assert _boot(stack, 'a').status_code == 202
        assert _boot(stack, 'b').status_code == 403
        resp = stack.request('POST', '/v2.1/os-keypairs',
                             json={'keypair': {'name': 'k'}})
        assert resp.json() == {'forbidden': {
            'code': 403, 'message': 'Quota exceeded, too many key pairs.'}}
    finally:
        stack.stop()


def test_server_group_quotas_from_quota_sets(stack):
    groups = '/v2.1/os-server-groups'

    def group(name, token='demo:demo'):
        return stack.request('POST', groups, token=token, json={
            'server_group': {'name': name, 'policies': ['affinity']}})

    _set(stack, {'server_groups': 1})
    assert group('g1').status_code == 200
    resp = group('g2')
    assert resp.json() == {'forbidden': {
        'code': 403, 'message': 'Quota exceeded, too many server groups.'}}
    # Another project keeps the default (10).
    assert group('g3', token='other:other').status_code == 200
    limits = stack.request('GET', '/v2.1/limits').json()['limits'][
        'absolute']
    assert limits['maxServerGroups'] == 1
    assert limits['totalServerGroupsUsed'] == 1
    detail = stack.request('GET', QS + '/detail').json()['quota_set']
    assert detail['server_groups'] == {'limit': 1, 'in_use': 1,
                                       'reserved': 0}
    # The limit may not go below what is in use.
    resp = stack.request('PUT', QS, token=ADMIN,
                         json={'quota_set': {'server_groups': 0}})
    assert resp.status_code == 400
    _set(stack, {'server_groups': -1})
    assert group('g2').status_code == 200
