"""Volume type access, the volume type answers as Cinder's, and os-retype
with Cinder's rules (multi-attach included), over the block storage's
HTTP API."""

import uuid

import pytest

from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
OTHER = 'other:other'
SERVER = '2c8e9c0e-4a1d-4c0e-8b1a-6a1c1c1c1c1a'
SERVER_B = '2c8e9c0e-4a1d-4c0e-8b1a-6a1c1c1c1c1b'


@pytest.fixture(scope='module')
def bs(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('bs_types'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _type(bs, public=True, multiattach=False, **specs):
    body = {'name': 'type-%s' % uuid.uuid4().hex[:8]}
    if not public:
        body['os-volume-type-access:is_public'] = False
    if multiattach:
        specs['multiattach'] = '<is> True'
    if specs:
        body['extra_specs'] = specs
    resp = bs.volume_request('POST', '/v3/types', token=ADMIN,
                             json={'volume_type': body})
    assert resp.status_code == 200, resp.text
    return resp.json()['volume_type']


def _volume(bs, token=DEMO, status=202, **fields):
    body = {'size': 1}
    body.update(fields)
    resp = bs.volume_request('POST', '/v3/volumes', token=token,
                             json={'volume': body})
    assert resp.status_code == status, resp.text
    if status != 202:
        return resp.json()
    return bs.wait_for_volume(resp.json()['volume']['id'], 'available',
                              token=token)


def _attach(bs, volume_id, server):
    resp = bs.volume_request(
        'POST', '/v3/attachments', token=DEMO, version='3.44',
        json={'attachment': {'volume_uuid': volume_id,
                             'instance_uuid': server,
                             'connector': {'host': 'compute1'}}})
    assert resp.status_code == 200, resp.text
    resp = bs.volume_request(
        'POST', '/v3/attachments/%s/action' % resp.json()['attachment'][
            'id'], token=DEMO, version='3.44', json={'os-complete': {}})
    assert resp.status_code == 204, resp.text


def _retype(bs, volume_id, new_type, token=DEMO, **extra):
    body = {'new_type': new_type}
    body.update(extra)
    return bs.volume_request('POST', '/v3/volumes/%s/action' % volume_id,
                             token=token, json={'os-retype': body})


def test_type_update_answer_is_cinders(bs):
    """Cinder's volume type update answer has no
    os-volume-type-access:is_public (create, show and list have it)."""
    vtype = _type(bs)
    assert vtype['os-volume-type-access:is_public'] is True
    resp = bs.volume_request('PUT', '/v3/types/%s' % vtype['id'],
                             token=ADMIN, json={'volume_type': {
                                 'description': 'updated'}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'volume_type': {
        'id': vtype['id'], 'name': vtype['name'], 'is_public': True,
        'description': 'updated', 'extra_specs': {}}}
    shown = bs.volume_request('GET', '/v3/types/%s' % vtype['id'],
                              token=ADMIN).json()['volume_type']
    assert shown['os-volume-type-access:is_public'] is True
    # A project reader does not see the access field (its policy).
    shown = bs.volume_request('GET', '/v3/types/%s' % vtype['id'],
                              token=DEMO, headers={'X-Roles': 'reader'})
    assert 'os-volume-type-access:is_public' not in \
        shown.json()['volume_type']


def test_private_type_needs_access(bs):
    """A private type is invisible and unusable to a project without
    access (Cinder's 404s), and usable once the project is given
    access."""
    vtype = _type(bs, public=False)
    for ref, message in (
            (vtype['id'], 'Volume type %s could not be found.'
             % vtype['id']),
            (vtype['name'], 'Volume type %s could not be found.'
             % vtype['id'])):
        body = _volume(bs, status=404, volume_type=ref)
        assert body == {'itemNotFound': {'code': 404, 'message': message}}
    assert bs.volume_request('GET', '/v3/types/%s' % vtype['id'],
                             token=DEMO).status_code == 404
    listed = bs.volume_request('GET', '/v3/types', token=DEMO).json()
    assert vtype['id'] not in [t['id'] for t in listed['volume_types']]
    access = '/v3/types/%s/action' % vtype['id']
    resp = bs.volume_request('POST', access, token=ADMIN, json={
        'addProjectAccess': {'project': 'demo'}})
    assert resp.status_code == 202, resp.text
    resp = bs.volume_request('POST', access, token=ADMIN, json={
        'addProjectAccess': {'project': 'demo'}})
    assert resp.status_code == 409
    assert resp.json()['conflictingRequest']['message'] == (
        'Volume type access for %s / demo combination already exists.'
        % vtype['id'])
    resp = bs.volume_request(
        'GET', '/v3/types/%s/os-volume-type-access' % vtype['id'],
        token=ADMIN)
    assert resp.json() == {'volume_type_access': [
        {'volume_type_id': vtype['id'], 'project_id': 'demo'}]}
    made = _volume(bs, volume_type=vtype['name'])
    assert made['volume_type'] == vtype['name']
    listed = bs.volume_request('GET', '/v3/types', token=DEMO).json()
    assert vtype['id'] in [t['id'] for t in listed['volume_types']]
    # Another project still has no access.
    _volume(bs, token=OTHER, status=404, volume_type=vtype['id'])
    resp = bs.volume_request('POST', access, token=ADMIN, json={
        'removeProjectAccess': {'project': 'demo'}})
    assert resp.status_code == 202, resp.text
    resp = bs.volume_request('POST', access, token=ADMIN, json={
        'removeProjectAccess': {'project': 'demo'}})
    assert resp.status_code == 404
    _volume(bs, status=404, volume_type=vtype['id'])
    # Members cannot change access; public types have no access list.
    resp = bs.volume_request('POST', access, token=DEMO, json={
        'addProjectAccess': {'project': 'demo'}})
    assert resp.status_code == 403
    public = _type(bs)
    resp = bs.volume_request(
        'GET', '/v3/types/%s/os-volume-type-access' % public['id'],
        token=ADMIN)
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == \
        'Access list not available for public volume types.'


def test_retype_available_volume(bs):
    vol = _volume(bs)
    plain = _type(bs)
    resp = _retype(bs, vol['id'], plain['name'])
    assert resp.status_code == 202, resp.text
    shown = bs.wait_for_volume(vol['id'], 'available')
    assert (shown['volume_type'], shown['multiattach']) == (
        plain['name'], False)
    # The same type again, an unknown type, a bad policy: Cinder's 400s.
    resp = _retype(bs, vol['id'], plain['id'])
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'].startswith(
        'Invalid volume: Retype needs volume to be in available or in-use '
        'state')
    resp = _retype(bs, vol['id'], 'nope')
    assert resp.json() == {'itemNotFound': {
        'code': 404,
        'message': 'Volume type with name nope could not be found.'}}
    other = _type(bs)
    resp = _retype(bs, vol['id'], other['id'], migration_policy='always')
    assert resp.status_code == 400
    # Retypes to and from multiattach are allowed on available volumes.
    multi = _type(bs, multiattach=True)
    assert _retype(bs, vol['id'], multi['id'],
                   migration_policy='on-demand').status_code == 202
    assert bs.wait_for_volume(vol['id'], 'available')['multiattach'] is True
    assert _retype(bs, vol['id'], plain['id']).status_code == 202
    assert bs.wait_for_volume(vol['id'], 'available')['multiattach'] is \
        False
    # Another project sees no such volume.
    resp = _retype(bs, vol['id'], multi['id'], token=OTHER)
    assert resp.status_code == 404


def test_retype_in_use_multiattach_refused(bs):
    """An in-use multiattach volume cannot be retyped to a single-attach
    type (nor an in-use single-attach one to a multiattach type): its
    servers would lose or gain sharing under them. Nothing changes."""
    multi = _type(bs, multiattach=True)
    plain = _type(bs)
    vol = _volume(bs, volume_type=multi['name'])
    _attach(bs, vol['id'], SERVER)
    _attach(bs, vol['id'], SERVER_B)
    bs.wait_for_volume(vol['id'], 'in-use')
    resp = _retype(bs, vol['id'], plain['id'])
    assert resp.json() == {'badRequest': {
        'code': 400, 'message': 'Invalid input received: Invalid '
        'volume_type passed, retypes affecting multiattach are only allowed '
        'on available volumes, the specified volume however currently has '
        'a status of: in-use.'}}
    shown = bs.volume_request('GET', '/v3/volumes/%s' % vol['id'],
                              token=DEMO).json()['volume']
    assert (shown['volume_type'], shown['multiattach'], shown['status'],
            len(shown['attachments'])) == (multi['name'], True, 'in-use', 2)
    single = _volume(bs, volume_type=plain['name'])
    _attach(bs, single['id'], SERVER)
    bs.wait_for_volume(single['id'], 'in-use')
    resp = _retype(bs, single['id'], multi['id'])
    assert resp.status_code == 400
    assert 'only allowed on available volumes' in resp.text
    # An in-use volume keeping its multiattach property may be retyped
    # in place.
    other_plain = _type(bs)
    assert _retype(bs, single['id'], other_plain['id']).status_code == 202
    assert bs.wait_for_volume(single['id'], 'in-use')['volume_type'] == \
        other_plain['name']


def test_retype_needing_migration_keeps_the_type(bs):
    """A type of another backend needs a migration this service cannot
    make: accepted, as Cinder does, and the volume keeps its type."""
    vol = _volume(bs)
    elsewhere = _type(bs, volume_backend_name='other-backend')
    for policy in ('never', 'on-demand'):
        assert _retype(bs, vol['id'], elsewhere['id'],
                       migration_policy=policy).status_code == 202
        shown = bs.wait_for_volume(vol['id'], 'available')
        assert shown['volume_type'] == vol['volume_type']
    here = _type(bs, volume_backend_name='lite')
    assert _retype(bs, vol['id'], here['id']).status_code == 202
    assert bs.wait_for_volume(vol['id'], 'available')['volume_type'] == \
        here['name']
