"""os-keypairs through the whole stack, per microversion."""

import base64
import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
import jsonschema
import pytest

from nova_lite.api.schemas import keypairs as schemas
from nova_lite import crypto

ADMIN = 'admin:admin'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
PUBLIC_KEY = crypto.generate_ssh_key()[1]
# tempest's key (test_keypair_create_with_pub_key)
TEMPEST_KEY = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCs"
               "Ne3/1ILNCqFyfYWDeTKLD6jEXC2OQHLmietMWW+/vd"
               "aZq7KZEwO0jhglaFjU1mpqq4Gz5RX156sCTNM9vRbw"
               "KAxfsdF9laBYVsex3m3Wmui3uYrKyumsoJn2g9GNnG1P"
               "I1mrVjZ61i0GY3khna+wzlTpCCmy5HNlrmbj3XLqBUpip"
               "TOXmsnr4sChzC53KCd8LXuwc1i/CZPvF+3XipvAgFSE53pCt"
               "LOeB1kYMOBaiUPLQTWXR3JpckqFIQwhIH0zoHlJvZE8hh90"
               "XcPojYN56tI0OlrGqojbediJYD0rUsJu4weZpbn8vilb3JuDY+jws"
               "snSA8wzBx3A/8y9Pp1B nova@ubuntu")


def _md5_fingerprint(public_key):
    raw = hashlib.md5(base64.b64decode(public_key.split(' ')[1]),
                      usedforsecurity=False).hexdigest()
    return ':'.join(raw[i:i + 2] for i in range(0, len(raw), 2))


def _create(stack, version=None, token='demo:demo', status=None, **keypair):
    resp = stack.request('POST', '/v2.1/os-keypairs', token=token,
                         version=version, json={'keypair': keypair})
    if status is not None:
        assert resp.status_code == status, resp.text
    return resp


def _valid(body, schema_fn, version):
    jsonschema.validate(body, schema_fn(version))


def test_generate_at_2_1(stack):
    resp = _create(stack, name='gen', status=200)
    keypair = resp.json()['keypair']
    _valid(resp.json(), schemas.keypair_create, '2.1')
    assert set(keypair) == {'name', 'public_key', 'fingerprint', 'user_id',
                            'private_key'}
    assert keypair['user_id'] == 'demo'
    assert keypair['public_key'].startswith('ssh-rsa ')
    assert keypair['public_key'].endswith(' Generated-by-Nova')
    assert keypair['fingerprint'] == _md5_fingerprint(keypair['public_key'])
    private = serialization.load_pem_private_key(
        keypair['private_key'].encode(), password=None)
    assert keypair['private_key'].startswith(
        '-----BEGIN RSA PRIVATE KEY-----')
    assert private.key_size == 2048
    # The private half matches the public half.
    assert private.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode() == \
        keypair['public_key'].rsplit(' ', 1)[0]


def test_import_show_list_delete_at_2_1(stack):
    resp = _create(stack, name='imp', public_key=TEMPEST_KEY, status=200)
    keypair = resp.json()['keypair']
    assert 'private_key' not in keypair
    assert keypair['fingerprint'] == _md5_fingerprint(TEMPEST_KEY)
    shown = stack.request('GET', '/v2.1/os-keypairs/imp').json()
    _valid(shown, schemas.keypair_show, '2.1')
    shown = shown['keypair']
    assert shown['deleted'] is False
    assert shown['deleted_at'] is None and shown['updated_at'] is None
    assert isinstance(shown['id'], int)
    assert 'type' not in shown
    listed = stack.request('GET', '/v2.1/os-keypairs').json()
    _valid(listed, schemas.keypairs_index, '2.1')
    assert listed == {'keypairs': [{'keypair': {
        'name': 'imp', 'public_key': TEMPEST_KEY,
        'fingerprint': keypair['fingerprint']}}]}
    resp = stack.request('DELETE', '/v2.1/os-keypairs/imp')
    assert resp.status_code == 202 and resp.content == b''
    resp = stack.request('DELETE', '/v2.1/os-keypairs/imp')
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Keypair imp not found for user demo'}}
    resp = stack.request('GET', '/v2.1/os-keypairs/imp')
    assert resp.json()['itemNotFound']['message'] == (
        'Keypair imp not found for user demo')


def test_types_from_2_2(stack):
    resp = _create(stack, version='2.2', name='ssh1', public_key=PUBLIC_KEY,
                   status=201)
    assert resp.json()['keypair']['type'] == 'ssh'
    _valid(resp.json(), schemas.keypair_create, '2.2')
    resp = _create(stack, version='2.2', name='cert', type='x509',
                   status=201)
    keypair = resp.json()['keypair']
    assert keypair['type'] == 'x509'
    cert = x509.load_pem_x509_certificate(keypair['public_key'].encode())
    assert cert.subject.rfc4514_string() == 'CN=demo'
    raw = cert.fingerprint(hashes.SHA1()).hex()
    assert keypair['fingerprint'] == ':'.join(
        raw[i:i + 2] for i in range(0, len(raw), 2))
    assert base64.b64decode(keypair['private_key'])
    # Import the certificate again under another name: same fingerprint.
    again = _create(stack, version='2.2', name='cert2', type='x509',
                    public_key=keypair['public_key'], status=201)
    assert again.json()['keypair']['fingerprint'] == keypair['fingerprint']
    listed = stack.request('GET', '/v2.1/os-keypairs', version='2.2').json()
    _valid(listed, schemas.keypairs_index, '2.2')
    assert {k['keypair']['name']: k['keypair']['type']
            for k in listed['keypairs']} == {
        'ssh1': 'ssh', 'cert': 'x509', 'cert2': 'x509'}
    shown = stack.request('GET', '/v2.1/os-keypairs/cert',
                          version='2.2').json()
    _valid(shown, schemas.keypair_show, '2.2')
    assert shown['keypair']['type'] == 'x509'
    resp = stack.request('DELETE', '/v2.1/os-keypairs/cert', version='2.2')
    assert resp.status_code == 204
    # The type is refused before 2.2.
    resp = _create(stack, name='old', type='ssh')
    assert resp.status_code == 400
    assert "Additional properties are not allowed ('type' was " \
        "unexpected)" in resp.json()['badRequest']['message']


@pytest.mark.parametrize('public_key,message', [
    ('ssh-rsa JUNK nova@ubuntu',
     'Keypair data is invalid: failed to generate fingerprint'),
    (' ', 'Keypair data is invalid: failed to generate fingerprint'),
    ('ssh-rsa ' + 'A' * 2048 + ' openstack@ubuntu',
     'Keypair data is invalid: failed to generate fingerprint'),
])
def test_invalid_public_keys(stack, public_key, message):
    resp = _create(stack, name='bad', public_key=public_key)
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {'code': 400, 'message': message}}
    assert stack.request('GET', '/v2.1/os-keypairs').json() == {
        'keypairs': []}


def test_invalid_certificate(stack):
    resp = _create(stack, version='2.2', name='bad', type='x509',
                   public_key='not a certificate')
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'].startswith(
        'Keypair data is invalid: failed to generate X509 fingerprint. '
        'Error message: ')


@pytest.mark.parametrize('version,name,ok', [
    ('2.1', 'a b_c-d', True),
    ('2.1', '', False),
    ('2.1', 'keypair-'.ljust(260, '0'), False),
    ('2.1', r'key_/.\@:', False),
    ('2.1', 'with.dot', False),
    ('2.1', 'with@at', False),
    ('2.91', 'with.dot', False),
    ('2.92', 'with.dot', True),
    ('2.92', 'me@host', True),
    ('2.92', r'key_/.\@:', False),
    ('2.1', ' lead', False),
])
def test_names_per_microversion(stack, version, name, ok):
    resp = _create(stack, version=version, name=name, public_key=PUBLIC_KEY)
    if ok:
        assert resp.status_code in (200, 201), resp.text
        path = '/v2.1/os-keypairs/%s' % name.replace(' ', '%20')
        shown = stack.request('GET', path, version=version)
        assert shown.status_code == 200, shown.text
        assert shown.json()['keypair']['name'] == name
    else:
        assert resp.status_code == 400, resp.text
        assert 'badRequest' in resp.json()


def test_duplicate_name_conflicts(stack):
    _create(stack, name='dup', public_key=PUBLIC_KEY, status=200)
    resp = _create(stack, name='dup')
    assert resp.status_code == 409
    assert resp.json() == {'conflictingRequest': {
        'code': 409, 'message': "Key pair 'dup' already exists."}}
    # Another user may have the same name.
    _create(stack, name='dup', public_key=PUBLIC_KEY, token='other:demo',
            status=200)


def test_generation_refused_from_2_92(stack):
    resp = _create(stack, version='2.92', name='gen')
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        "Invalid input for field/attribute keypair. Value: {'name': 'gen'}. "
        "'public_key' is a required property")
    resp = _create(stack, version='2.92', name='imp', public_key=PUBLIC_KEY,
                   status=201)
    _valid(resp.json(), schemas.keypair_create, '2.92')
    assert 'private_key' not in resp.json()['keypair']


def test_other_users_from_2_10(stack):
    # An administrator acts for another user.
    resp = _create(stack, version='2.10', token=ADMIN, name='for-demo',
                   public_key=PUBLIC_KEY, user_id='demo', status=201)
    assert resp.json()['keypair']['user_id'] == 'demo'
    assert stack.request('GET', '/v2.1/os-keypairs/for-demo').status_code \
        == 200
    listed = stack.request('GET', '/v2.1/os-keypairs?user_id=demo',
                           token=ADMIN, version='2.10').json()
    assert [k['keypair']['name'] for k in listed['keypairs']] == [
        'for-demo']
    # The administrator's own list does not hold it.
    assert stack.request('GET', '/v2.1/os-keypairs', token=ADMIN,
                         version='2.10').json() == {'keypairs': []}
    shown = stack.request('GET', '/v2.1/os-keypairs/for-demo?user_id=demo',
                          token=ADMIN, version='2.10')
    assert shown.json()['keypair']['user_id'] == 'demo'
    # Before 2.10 the parameter is ignored: the administrator's own.
    assert stack.request('GET', '/v2.1/os-keypairs/for-demo?user_id=demo',
                         token=ADMIN, version='2.9').status_code == 404
    # A user may not act for another one.
    resp = _create(stack, version='2.10', name='x', public_key=PUBLIC_KEY,
                   user_id='admin')
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-keypairs:create to be "
        "performed.")
    for method in ('GET', 'DELETE'):
        resp = stack.request(method, '/v2.1/os-keypairs/for-demo?user_id='
                             'admin', version='2.10')
        assert resp.status_code == 403, resp.text
    resp = stack.request('GET', '/v2.1/os-keypairs?user_id=admin',
                         version='2.10')
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-keypairs:index to be "
        "performed.")
    resp = stack.request('DELETE', '/v2.1/os-keypairs/for-demo?user_id='
                         'demo', token=ADMIN, version='2.10')
    assert resp.status_code == 204
    # user_id in the body is refused before 2.10.
    resp = _create(stack, version='2.9', token=ADMIN, name='y',
                   public_key=PUBLIC_KEY, user_id='demo')
    assert resp.status_code == 400


def test_paging_from_2_35(stack):
    for name in ('d', 'a', 'c', 'b', 'e'):
        _create(stack, version='2.35', name=name, public_key=PUBLIC_KEY,
                status=201)
    resp = stack.request('GET', '/v2.1/os-keypairs?limit=2', version='2.35')
    body = resp.json()
    _valid(body, schemas.keypairs_index, '2.35')
    assert [k['keypair']['name'] for k in body['keypairs']] == ['a', 'b']
    link = body['keypairs_links'][0]
    assert link['rel'] == 'next'
    assert link['href'].endswith('/v2.1/os-keypairs?limit=2&marker=b')
    resp = stack.request('GET', '/v2.1/os-keypairs?limit=2&marker=b',
                         version='2.35')
    assert [k['keypair']['name'] for k in resp.json()['keypairs']] == [
        'c', 'd']
    resp = stack.request('GET', '/v2.1/os-keypairs?marker=d',
                         version='2.35')
    assert [k['keypair']['name'] for k in resp.json()['keypairs']] == ['e']
    assert 'keypairs_links' not in resp.json()
    resp = stack.request('GET', '/v2.1/os-keypairs?marker=zz',
                         version='2.35')
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Marker zz could not be found.')
    # Before 2.35 paging parameters are ignored.
    resp = stack.request('GET', '/v2.1/os-keypairs?limit=2', version='2.34')
    assert len(resp.json()['keypairs']) == 5
    assert 'keypairs_links' not in resp.json()
    # From 2.75 unknown parameters are refused.
    resp = stack.request('GET', '/v2.1/os-keypairs?foo=1', version='2.75')
    assert resp.status_code == 400
    resp = stack.request('GET', '/v2.1/os-keypairs?foo=1', version='2.74')
    assert resp.status_code == 200
    resp = stack.request('GET', '/v2.1/os-keypairs?limit=-1',
                         version='2.35')
    assert resp.status_code == 400


def test_key_pair_quota(stack):
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo', token=ADMIN,
                         json={'quota_set': {'key_pairs': 2}})
    assert resp.status_code == 200, resp.text
    for name in ('q1', 'q2'):
        _create(stack, name=name, public_key=PUBLIC_KEY, status=200)
    for body in ({'name': 'q3', 'public_key': PUBLIC_KEY}, {'name': 'q3'}):
        resp = _create(stack, **body)
        assert resp.status_code == 403
        assert resp.json() == {'forbidden': {
            'code': 403, 'message': 'Quota exceeded, too many key pairs.'}}
    assert len(stack.request('GET', '/v2.1/os-keypairs').json()[
        'keypairs']) == 2
    stack.request('DELETE', '/v2.1/os-keypairs/q1')
    _create(stack, name='q3', status=200)


def test_server_key_name(stack):
    _create(stack, name='mine', public_key=PUBLIC_KEY, status=200)
    body = {'server': {'name': 'vm', 'flavorRef': '1', 'imageRef': IMAGE,
                       'key_name': 'mine'}}
    resp = stack.request('POST', '/v2.1/servers', json=body)
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    # Shown while building and once built.
    shown = stack.request('GET', '/v2.1/servers/%s' % server_id).json()
    assert shown['server']['key_name'] == 'mine'
    assert stack.wait_for_server(server_id, 'ACTIVE')['key_name'] == 'mine'
    from nova_lite.objects import cell_mapping
    from nova_lite.objects import instance as instance_obj
    from nova_lite import context as nl_context
    ctx = nl_context.get_admin_context()
    cell = cell_mapping.get_instance_mapping(ctx, server_id).cell_mapping
    inst = instance_obj.get_by_uuid(nl_context.target_cell(ctx, cell),
                                    server_id)
    assert inst.key_data == PUBLIC_KEY
    # Deleting the key pair leaves the server's copy.
    stack.request('DELETE', '/v2.1/os-keypairs/mine')
    detail = stack.request('GET', '/v2.1/servers/detail').json()
    assert detail['servers'][0]['key_name'] == 'mine'
    # Another user's key pair, or none of that name: nova's 400.
    _create(stack, name='theirs', public_key=PUBLIC_KEY, token='other:demo',
            status=200)
    for key_name in ('theirs', 'mine'):
        body['server']['key_name'] = key_name
        resp = stack.request('POST', '/v2.1/servers', json=body)
        assert resp.status_code == 400
        assert resp.json() == {'badRequest': {
            'code': 400, 'message': 'Invalid key_name provided.'}}
    assert len(stack.request('GET', '/v2.1/servers').json()[
        'servers']) == 1


def test_rebuild_changes_or_unsets_the_key(stack):
    _create(stack, name='first', public_key=PUBLIC_KEY, status=200)
    second = _create(stack, name='second', status=200).json()['keypair']
    body = {'server': {'name': 'vm', 'flavorRef': '1', 'imageRef': IMAGE,
                       'key_name': 'first'}}
    server_id = stack.request('POST', '/v2.1/servers',
                              json=body).json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE')
    path = '/v2.1/servers/%s/action' % server_id

    def key_data():
        from nova_lite.objects import cell_mapping
        from nova_lite.objects import instance as instance_obj
        from nova_lite import context as nl_context
        ctx = nl_context.get_admin_context()
        cell = cell_mapping.get_instance_mapping(ctx, server_id).cell_mapping
        return instance_obj.get_by_uuid(nl_context.target_cell(ctx, cell),
                                        server_id).key_data

    for key_name, data in (('second', second['public_key']), (None, None)):
        resp = stack.request('POST', path, version='2.54', json={
            'rebuild': {'imageRef': IMAGE, 'key_name': key_name}})
        assert resp.status_code == 202, resp.text
        shown = stack.wait_for_server(server_id, 'ACTIVE', version='2.54')
        assert shown['key_name'] == key_name
        assert key_data() == data
