"""Flavor management through the whole stack: os-flavor-manage, extra specs
(2.86 validation, 2.61 in flavor bodies) and access to private flavors."""

import uuid

import jsonschema
import pytest

from nova_lite.api.schemas import admin_responses as ar
from nova_lite.api.schemas import responses as r
from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
MEMBER = 'demo:demo'
OTHER = 'bob:other'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('flavors'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _name():
    return 'f-%s' % uuid.uuid4().hex[:8]


def _create(stack, version=None, expect=200, **fields):
    body = {'flavor': dict({'name': _name(), 'ram': 64, 'vcpus': 1,
                            'disk': 1}, **fields)}
    resp = stack.request('POST', '/v2.1/flavors', token=ADMIN, json=body,
                         version=version)
    assert resp.status_code == expect, resp.text
    return resp.json().get('flavor', resp.json())


def _fault(resp, code):
    assert resp.status_code == code, resp.text
    (fault,) = resp.json().values()
    assert fault['code'] == code
    return fault['message']


@pytest.mark.parametrize('version', ['2.1', '2.55', '2.61', '2.75', '2.102'])
def test_create_answers_the_flavor_at_each_version(stack, version):
    flavor = _create(stack, version=version, swap=5,
                     **{'OS-FLV-EXT-DATA:ephemeral': 2})
    jsonschema.validate({'flavor': flavor}, ar.flavor_create(version))
    uuid.UUID(flavor['id'])
    assert (flavor['ram'], flavor['vcpus'], flavor['disk'],
            flavor['swap'], flavor['OS-FLV-EXT-DATA:ephemeral']) == (
        64, 1, 1, 5, 2)
    assert flavor['os-flavor-access:is_public'] is True
    assert ('description' in flavor) == (version != '2.1')
    assert ('extra_specs' in flavor) == (version not in ('2.1', '2.55'))
    if 'extra_specs' in flavor:
        assert flavor['extra_specs'] == {}
    assert ('rxtx_factor' in flavor) == (version != '2.102')
    shown = stack.request('GET', '/v2.1/flavors/%s' % flavor['id'],
                          version=version).json()['flavor']
    assert shown['name'] == flavor['name']


def test_create_with_every_field(stack):
    flavor = _create(stack, version='2.55', id='my.flavor-1',
                     rxtx_factor='2.5', description='for tests',
                     **{'os-flavor-access:is_public': 'false'})
    assert flavor['id'] == 'my.flavor-1'
    assert flavor['rxtx_factor'] == 2.5
    assert flavor['description'] == 'for tests'
    assert flavor['os-flavor-access:is_public'] is False
    assert flavor['swap'] == ''
    numeric = _create(stack, id=1234)
    assert numeric['id'] == '1234'


def test_create_refusals(stack):
    name = _name()
    _create(stack, name=name, id=name)
    resp = stack.request('POST', '/v2.1/flavors', token=ADMIN, json={
        'flavor': {'name': name, 'ram': 64, 'vcpus': 1, 'disk': 1}})
    assert _fault(resp, 409) == 'Flavor with name %s already exists.' % name
    resp = stack.request('POST', '/v2.1/flavors', token=ADMIN, json={
        'flavor': {'name': _name(), 'id': name, 'ram': 64, 'vcpus': 1,
                   'disk': 1}})
    assert _fault(resp, 409) == 'Flavor with ID %s already exists.' % name
    resp = stack.request('POST', '/v2.1/flavors', token=ADMIN, json={
        'flavor': {'name': _name(), 'ram': '0', 'vcpus': 1, 'disk': 1}})
    assert _fault(resp, 400) == 'Invalid input received: ram must be >= 1'
    resp = stack.request('POST', '/v2.1/flavors', token=ADMIN, json={
        'flavor': {'name': _name(), 'ram': 64, 'vcpus': 1}})
    assert "'disk' is a required property" in _fault(resp, 400)
    resp = stack.request('POST', '/v2.1/flavors', token=ADMIN, json={
        'flavor': {'name': _name(), 'ram': 64, 'vcpus': 1, 'disk': 1,
                   'id': ' bad id'}})
    _fault(resp, 400)
    resp = stack.request('POST', '/v2.1/flavors', token=ADMIN, json={
        'flavor': {'name': _name(), 'ram': 64, 'vcpus': 1, 'disk': 1,
                   'description': 'x'}}, version='2.54')
    assert 'Additional properties are not allowed' in _fault(resp, 400)
    resp = stack.request('POST', '/v2.1/flavors', token=ADMIN, json={
        'flavor': {'name': _name(), 'ram': 64, 'vcpus': 1, 'disk': 1,
                   'rxtx_factor': 1.0}}, version='2.102')
    _fault(resp, 400)
    resp = stack.request('POST', '/v2.1/flavors', token=MEMBER, json={
        'flavor': {'name': _name(), 'ram': 64, 'vcpus': 1, 'disk': 1}})
    assert _fault(resp, 403) == ("Policy doesn't allow "
                                 "os_compute_api:os-flavor-manage:create to "
                                 "be performed.")


def test_update_description_from_2_55(stack):
    flavor = _create(stack)
    path = '/v2.1/flavors/%s' % flavor['id']
    body = {'flavor': {'description': 'new words'}}
    resp = stack.request('PUT', path, token=ADMIN, json=body, version='2.54')
    assert _fault(resp, 404) == 'The resource could not be found.'
    resp = stack.request('PUT', path, token=ADMIN, json=body, version='2.55')
    assert resp.status_code == 200, resp.text
    assert resp.json()['flavor']['description'] == 'new words'
    jsonschema.validate(resp.json(), ar.flavor_create('2.55'))
    resp = stack.request('PUT', path, token=ADMIN, version='2.55',
                         json={'flavor': {'name': 'x'}})
    _fault(resp, 400)
    resp = stack.request('PUT', '/v2.1/flavors/nope', token=ADMIN,
                         json=body, version='2.55')
    assert _fault(resp, 404) == 'Flavor nope could not be found.'
    resp = stack.request('PUT', path, token=MEMBER, json=body,
                         version='2.55')
    _fault(resp, 403)


def test_delete(stack):
    flavor = _create(stack)
    path = '/v2.1/flavors/%s' % flavor['id']
    stack.request('POST', path + '/os-extra_specs', token=ADMIN,
                  json={'extra_specs': {'a': 'b'}})
    assert _fault(stack.request('DELETE', path), 403)
    resp = stack.request('DELETE', path, token=ADMIN)
    assert resp.status_code == 202 and resp.content == b''
    assert _fault(stack.request('GET', path), 404) == (
        'Flavor %s could not be found.' % flavor['id'])
    assert _fault(stack.request('DELETE', path, token=ADMIN), 404)
    # The name is free again.
    _create(stack, name=flavor['name'])


def test_extra_specs_lifecycle(stack):
    flavor = _create(stack)
    path = '/v2.1/flavors/%s/os-extra_specs' % flavor['id']
    resp = stack.request('POST', path, token=ADMIN,
                         json={'extra_specs': {'key1': 'v1', 'key2': 2}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'extra_specs': {'key1': 'v1', 'key2': 2}}
    listed = stack.request('GET', path).json()
    assert listed == {'extra_specs': {'key1': 'v1', 'key2': '2'}}
    jsonschema.validate(listed, ar.extra_specs_index('2.1'))
    assert stack.request('GET', path + '/key1').json() == {'key1': 'v1'}
    resp = stack.request('PUT', path + '/key1', token=ADMIN,
                         json={'key1': 'v9'})
    assert resp.json() == {'key1': 'v9'}
    resp = stack.request('PUT', path + '/key1', token=ADMIN,
                         json={'key2': 'v9'})
    assert _fault(resp, 400) == 'Request body and URI mismatch'
    resp = stack.request('PUT', path + '/key1', token=ADMIN,
                         json={'key1': 'a', 'key2': 'b'})
    _fault(resp, 400)
    resp = stack.request('DELETE', path + '/key1', token=ADMIN)
    assert resp.status_code == 200 and resp.content == b''
    resp = stack.request('GET', path + '/key1')
    assert _fault(resp, 404) == (
        'Flavor %s has no extra specs with key key1.' % flavor['id'])
    resp = stack.request('DELETE', path + '/key1', token=ADMIN)
    assert _fault(resp, 404) == (
        'Flavor %s has no extra specs with key key1.' % flavor['id'])
    resp = stack.request('POST', path, token=MEMBER,
                         json={'extra_specs': {'a': 'b'}})
    assert _fault(resp, 403) == (
        "Policy doesn't allow os_compute_api:os-flavor-extra-specs:create "
        "to be performed.")
    resp = stack.request('POST', '/v2.1/flavors/nope/os-extra_specs',
                         token=ADMIN, json={'extra_specs': {'a': 'b'}})
    assert _fault(resp, 404) == 'Flavor nope could not be found.'
    resp = stack.request('POST', path, token=ADMIN,
                         json={'extra_specs': {'bad/key': 'b'}})
    _fault(resp, 400)


@pytest.mark.parametrize('key,value,message', [
    ('hw:cpu_policy', 'foo',
     "Validation failed; 'foo' is not one of: dedicated, shared, mixed."),
    ('hw:numa_nodes', 'x',
     "Validation failed; 'x' is not a valid integer value."),
    ('hw:numa_nodes', '0',
     "Validation failed; '0' is less than the min value of '1'."),
    ('hw:foo', 'bar', "Validation failed; extra spec 'hw:foo' does not "
     "appear to be a valid extra spec."),
    ('hw_rng:allowed', 'maybe',
     "Validation failed; 'maybe' is not a valid boolean-like value."),
    ('quota:disk_read_bytes_sec', 'abc',
     "Validation failed; 'abc' is not a valid integer value."),
    ('resources1:CUSTOM_X', 'x',
     "Validation failed; 'x' is not a valid integer value."),
    ('trait:HW', 'bogus', "Validation failed; extra spec 'trait:HW' does "
     "not appear to be a valid extra spec."),
    ('capabilities:bogus', '4', "Validation failed; extra spec "
     "'capabilities:bogus' does not appear to be a valid extra spec."),
    ('hw:mem_page_size', 'xx', "Validation failed; 'xx' is not of the "
     "format '(large|small|any|\\d+([kKMGT]i?)?(b|bit|B)?)'."),
])
def test_extra_specs_validated_from_2_86(stack, key, value, message):
    flavor = _create(stack)
    path = '/v2.1/flavors/%s/os-extra_specs' % flavor['id']
    body = {'extra_specs': {key: value}}
    resp = stack.request('POST', path, token=ADMIN, json=body,
                         version='2.86')
    assert _fault(resp, 400) == message
    resp = stack.request('PUT', '%s/%s' % (path, key), token=ADMIN,
                         json={key: value}, version='2.86')
    assert _fault(resp, 400) == message
    assert stack.request('GET', path).json() == {'extra_specs': {}}
    resp = stack.request('POST', path, token=ADMIN, json=body,
                         version='2.85')
    assert resp.status_code == 200, resp.text


def test_valid_and_unknown_extra_specs_accepted_at_2_86(stack):
    flavor = _create(stack)
    path = '/v2.1/flavors/%s/os-extra_specs' % flavor['id']
    specs = {'hw:cpu_policy': 'dedicated', 'hw:numa_cpus.0': '0-3',
             'hw:mem_page_size': '2MB', 'resources:VCPU': 1,
             'trait:HW_CPU_X86_AVX': 'required', 'quota:cpu_quota': '-5',
             'aggregate_instance_extra_specs:ssd': 'true',
             'capabilities:vcpus': '4', 'group_policy': 'none',
             'unknown:anything': 'goes', 'plain': 'value'}
    resp = stack.request('POST', path, token=ADMIN, version='2.86',
                         json={'extra_specs': specs})
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize('version', ['2.60', '2.61'])
def test_extra_specs_in_flavor_bodies_from_2_61(stack, version):
    flavor = _create(stack)
    stack.request('POST', '/v2.1/flavors/%s/os-extra_specs' % flavor['id'],
                  token=ADMIN, json={'extra_specs': {'k': 'v'}})
    for token in (ADMIN, MEMBER):
        shown = stack.request('GET', '/v2.1/flavors/%s' % flavor['id'],
                              token=token, version=version).json()['flavor']
        assert ('extra_specs' in shown) == (version == '2.61')
        if version == '2.61':
            assert shown['extra_specs'] == {'k': 'v'}
        detail = stack.request('GET', '/v2.1/flavors/detail', token=token,
                               version=version).json()
        jsonschema.validate(detail, r.flavors_detail(version))
        mine = [f for f in detail['flavors'] if f['id'] == flavor['id']]
        assert ('extra_specs' in mine[0]) == (version == '2.61')


def test_private_flavor_access(stack):
    flavor = _create(stack, **{'os-flavor-access:is_public': False})
    fid = flavor['id']
    path = '/v2.1/flavors/%s' % fid
    access = path + '/os-flavor-access'
    action = path + '/action'

    def listed(token, query=''):
        resp = stack.request('GET', '/v2.1/flavors' + query, token=token)
        assert resp.status_code == 200, resp.text
        return {f['id'] for f in resp.json()['flavors']}

    assert fid not in listed(MEMBER)
    assert _fault(stack.request('GET', path), 404) == (
        'Flavor %s could not be found.' % fid)
    assert fid in listed(ADMIN, '?is_public=none')
    assert fid in listed(ADMIN, '?is_public=false')
    assert fid not in listed(ADMIN, '?is_public=true')
    assert stack.request('GET', access, token=ADMIN).json() == {
        'flavor_access': []}
    resp = stack.request('POST', action, token=ADMIN,
                         json={'addTenantAccess': {'tenant': 'demo'}})
    assert resp.json() == {'flavor_access': [
        {'flavor_id': fid, 'tenant_id': 'demo'}]}
    jsonschema.validate(resp.json(), ar.flavor_access('2.1'))
    resp = stack.request('POST', action, token=ADMIN,
                         json={'addTenantAccess': {'tenant': 'demo'}})
    assert _fault(resp, 409) == (
        'Flavor access already exists for flavor %s and project demo '
        'combination.' % fid)
    assert fid in listed(MEMBER)
    assert stack.request('GET', path).status_code == 200
    assert fid not in listed(OTHER)
    assert _fault(stack.request('GET', path, token=OTHER), 404)
    resp = stack.request('GET', access)
    assert _fault(resp, 403) == (
        "Policy doesn't allow os_compute_api:os-flavor-access to be "
        "performed.")
    resp = stack.request('POST', action, token=ADMIN,
                         json={'removeTenantAccess': {'tenant': 'demo'}})
    assert resp.json() == {'flavor_access': []}
    resp = stack.request('POST', action, token=ADMIN,
                         json={'removeTenantAccess': {'tenant': 'demo'}})
    assert _fault(resp, 404) == (
        'Flavor access not found for %s / demo combination.' % fid)
    assert fid not in listed(MEMBER)


def test_access_on_public_flavors(stack):
    flavor = _create(stack)
    path = '/v2.1/flavors/%s' % flavor['id']
    resp = stack.request('GET', path + '/os-flavor-access', token=ADMIN)
    assert _fault(resp, 404) == (
        'Access list not available for public flavors.')
    body = {'addTenantAccess': {'tenant': 'demo'}}
    resp = stack.request('POST', path + '/action', token=ADMIN, json=body,
                         version='2.7')
    assert _fault(resp, 409) == 'Can not add access to a public flavor.'
    resp = stack.request('POST', path + '/action', token=ADMIN, json=body,
                         version='2.6')
    assert resp.status_code == 200, resp.text
    resp = stack.request('POST', path + '/action', token=ADMIN,
                         json={'bogus': {}})
    assert _fault(resp, 400) == 'There is no such action: bogus'
    resp = stack.request('POST', path + '/action', token=ADMIN,
                         json={'addTenantAccess': {}})
    assert "'tenant' is a required property" in _fault(resp, 400)
    resp = stack.request('POST', path + '/action', token=MEMBER, json=body)
    assert _fault(resp, 403) == (
        "Policy doesn't allow "
        "os_compute_api:os-flavor-access:add_tenant_access to be performed.")


def test_private_flavor_for_server_create(stack):
    flavor = _create(stack, **{'os-flavor-access:is_public': False})
    body = {'server': {'name': 'p', 'flavorRef': flavor['id'],
                       'imageRef': '70a599e0-31e7-49b7-b260-868f441e862b',
                       'networks': 'none'}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.37')
    assert resp.status_code == 400, resp.text
    stack.request('POST', '/v2.1/flavors/%s/action' % flavor['id'],
                  token=ADMIN, json={'addTenantAccess': {'tenant': 'demo'}})
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.37')
    assert resp.status_code == 202, resp.text
