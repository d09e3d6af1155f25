"""/servers/{server_id}/metadata through the whole stack, over HTTP."""

import pytest

from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(
        tmp_path_factory.mktemp('metadata'),
        overrides=[('quota', 'metadata_items', 4),
                   (None, 'shelved_offload_time', -1)])
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _server(stack, metadata=None):
    body = {'server': {'name': 'md', 'flavorRef': '1', 'imageRef': IMAGE,
                       'metadata': metadata or {}}}
    resp = stack.request('POST', '/v2.1/servers', json=body)
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _md(sid, key=None):
    path = '/v2.1/servers/%s/metadata' % sid
    return path if key is None else '%s/%s' % (path, key)


def _fault(resp, code):
    assert resp.status_code == code, resp.text
    return next(iter(resp.json().values()))['message']


def test_list_show_merge_replace_delete(stack):
    sid = _server(stack, {'a': '1'})
    resp = stack.request('GET', _md(sid))
    assert resp.status_code == 200
    assert resp.json() == {'metadata': {'a': '1'}}

    resp = stack.request('POST', _md(sid), json={'metadata': {'b': '2'}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'metadata': {'a': '1', 'b': '2'}}

    resp = stack.request('GET', _md(sid, 'b'))
    assert resp.json() == {'meta': {'b': '2'}}
    assert _fault(stack.request('GET', _md(sid, 'zz')), 404) == \
        'Metadata item was not found'

    resp = stack.request('PUT', _md(sid, 'c'), json={'meta': {'c': '3'}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'meta': {'c': '3'}}

    resp = stack.request('PUT', _md(sid), json={'metadata': {'x': 'y'}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'metadata': {'x': 'y'}}
    server = stack.request('GET', '/v2.1/servers/%s' % sid).json()['server']
    assert server['metadata'] == {'x': 'y'}

    # Keys with dots, colons and spaces, through the URL.
    resp = stack.request('PUT', _md(sid, 'a.b:c%20d'),
                         json={'meta': {'a.b:c d': 'e'}})
    assert resp.status_code == 200, resp.text
    assert stack.request('GET', _md(sid, 'a.b:c%20d')).json() == {
        'meta': {'a.b:c d': 'e'}}
    assert stack.request('DELETE', _md(sid, 'a.b:c%20d')).status_code == 204

    resp = stack.request('DELETE', _md(sid, 'x'))
    assert resp.status_code == 204
    assert resp.content == b''
    assert _fault(stack.request('DELETE', _md(sid, 'x')), 404) == \
        'Metadata item was not found'
    assert stack.request('GET', _md(sid)).json() == {'metadata': {}}


def test_bad_bodies(stack):
    sid = _server(stack)
    assert _fault(stack.request('PUT', _md(sid, 'k'),
                                json={'meta': {'other': 'v'}}), 400) == \
        'Request body and URI mismatch'
    message = _fault(stack.request('PUT', _md(sid, 'k'), json={
        'meta': {'k': 'v', 'j': 'w'}}), 400)
    assert 'has too many properties' in message
    _fault(stack.request('POST', _md(sid), json={'metadata': {'': 'v'}}),
           400)
    _fault(stack.request('POST', _md(sid), json={
        'metadata': {'k' * 256: 'v'}}), 400)
    _fault(stack.request('POST', _md(sid), json={
        'metadata': {'k': 'v' * 256}}), 400)
    _fault(stack.request('POST', _md(sid), json={'meta': {'k': 'v'}}), 400)
    _fault(stack.request('PUT', _md(sid), json={'metadata': {'k': 1}}), 400)
    # Nothing of the refused requests was written.
    assert stack.request('GET', _md(sid)).json() == {'metadata': {}}
    # A 255-character key and value are fine.
    resp = stack.request('POST', _md(sid), json={
        'metadata': {'k' * 255: 'v' * 255}})
    assert resp.status_code == 200, resp.text


def test_quota(stack):
    sid = _server(stack, {'a': '1', 'b': '2', 'c': '3'})
    resp = stack.request('POST', _md(sid), json={
        'metadata': {'d': '4', 'e': '5'}})
    assert _fault(resp, 403) == \
        'Maximum number of metadata items exceeds 4'
    resp = stack.request('PUT', _md(sid), json={
        'metadata': {str(i): 'v' for i in range(5)}})
    assert _fault(resp, 403) == \
        'Maximum number of metadata items exceeds 4'
    assert stack.request('GET', _md(sid)).json() == {
        'metadata': {'a': '1', 'b': '2', 'c': '3'}}
    resp = stack.request('PUT', _md(sid, 'd'), json={'meta': {'d': '4'}})
    assert resp.status_code == 200, resp.text
    # Replacing an existing key does not count twice.
    resp = stack.request('PUT', _md(sid, 'd'), json={'meta': {'d': '5'}})
    assert resp.status_code == 200, resp.text
    resp = stack.request('PUT', _md(sid, 'e'), json={'meta': {'e': '5'}})
    assert _fault(resp, 403) == \
        'Maximum number of metadata items exceeds 4'
    # The project's own quota, where it has one, is the limit.
    resp = stack.request('PUT', '/v2.1/os-quota-sets/demo',
                         token='admin:admin',
                         json={'quota_set': {'metadata_items': 5}})
    assert resp.status_code == 200, resp.text
    try:
        resp = stack.request('PUT', _md(sid, 'e'),
                             json={'meta': {'e': '5'}})
        assert resp.status_code == 200, resp.text
        resp = stack.request('POST', _md(sid), json={'metadata': {'f': '6'}})
        assert _fault(resp, 403) == \
            'Maximum number of metadata items exceeds 5'
    finally:
        stack.request('DELETE', '/v2.1/os-quota-sets/demo',
                      token='admin:admin')


def test_quota_on_create(stack):
    body = {'server': {'name': 'md-over', 'flavorRef': '1',
                       'imageRef': IMAGE,
                       'metadata': {str(i): 'v' for i in range(5)}}}
    resp = stack.request('POST', '/v2.1/servers', json=body)
    assert _fault(resp, 403) == \
        'Maximum number of metadata items exceeds 4'
    names = [s['name'] for s in stack.request(
        'GET', '/v2.1/servers').json()['servers']]
    assert 'md-over' not in names


def test_states_and_lock(stack):
    from oslo_utils import timeutils

    from nova_lite import context as nl_context
    from nova_lite.objects import cell_mapping
    from nova_lite.objects import instance as instance_obj

    sid = _server(stack)
    ctx = nl_context.get_admin_context()
    mapping = cell_mapping.get_instance_mapping(ctx, sid)
    cctxt = nl_context.target_cell(ctx, mapping.cell_mapping)
    # A task does not stop a change (nova checks the vm_state only), a
    # server never launched does.
    instance_obj.update(cctxt, sid, {'task_state': 'powering-off'})
    resp = stack.request('POST', _md(sid), json={'metadata': {'k': 'v'}})
    assert resp.status_code == 200, resp.text
    instance_obj.update(cctxt, sid, {'task_state': None,
                                     'launched_at': None})
    resp = stack.request('POST', _md(sid), json={'metadata': {'j': 'v'}})
    assert _fault(resp, 409) == (
        "Instance %s is in an invalid state for 'update metadata'" % sid)
    resp = stack.request('DELETE', _md(sid, 'nope'))
    assert _fault(resp, 404) == 'Metadata item was not found'
    instance_obj.update(cctxt, sid, {'launched_at': timeutils.utcnow(),
                                     'locked': True})
    resp = stack.request('PUT', _md(sid), json={'metadata': {'k': 'v'}})
    assert _fault(resp, 409) == 'Instance %s is locked' % sid
    # An administrator may change a locked server's metadata.
    resp = stack.request('PUT', _md(sid), json={'metadata': {'k': 'v'}},
                         token='admin:admin')
    assert resp.status_code == 200, resp.text
    resp = stack.request('DELETE', _md(sid, 'k'))
    assert _fault(resp, 409) == 'Instance %s is locked' % sid
    instance_obj.update(cctxt, sid, {'locked': False,
                                     'vm_state': 'shelved'})
    resp = stack.request('DELETE', _md(sid, 'k'))
    assert _fault(resp, 409) == (
        "Cannot 'delete metadata' instance %s while it is in vm_state "
        "shelved" % sid)
    instance_obj.update(cctxt, sid, {'vm_state': 'stopped'})
    assert stack.request('DELETE', _md(sid, 'k')).status_code == 204


def test_other_project_and_missing_server(stack):
    sid = _server(stack, {'a': '1'})
    for method, path, body in (
            ('GET', _md(sid), None), ('GET', _md(sid, 'a'), None),
            ('POST', _md(sid), {'metadata': {'b': '2'}}),
            ('PUT', _md(sid), {'metadata': {}}),
            ('PUT', _md(sid, 'a'), {'meta': {'a': '2'}}),
            ('DELETE', _md(sid, 'a'), None)):
        resp = stack.request(method, path, json=body, token='other:other')
        assert _fault(resp, 404) == \
            'Instance %s could not be found.' % sid
    missing = '00000000-0000-0000-0000-000000000000'
    resp = stack.request('GET', _md(missing))
    assert _fault(resp, 404) == 'Instance %s could not be found.' % missing
    assert stack.request('GET', _md(sid)).json() == {'metadata': {'a': '1'}}
