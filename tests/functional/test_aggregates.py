"""os-aggregates through the whole stack: nova's bodies, texts and
conflicts; tempest's response schemas hold."""

import jsonschema
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import aggregates \
    as tempest_v21
from tempest.lib.api_schema.response.compute.v2_41 import aggregates \
    as tempest_v241

from nova_lite.api.schemas import responses

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'
PATH = '/v2.1/os-aggregates'


def _call(stack, method, path='', version=None, **kwargs):
    return stack.request(method, PATH + path, token=ADMIN, version=version,
                         **kwargs)


def _create(stack, name='agg', zone=None, version=None):
    body = {'name': name}
    if zone is not None:
        body['availability_zone'] = zone
    return _call(stack, 'POST', version=version, json={'aggregate': body})


def _aggregate(stack, name='agg', zone=None):
    resp = _create(stack, name, zone)
    assert resp.status_code == 200, resp.text
    return resp.json()['aggregate']


def _action(stack, aggregate_id, name, version=None, **body):
    return _call(stack, 'POST', '/%s/action' % aggregate_id, version=version,
                 json={name: body})


def _fault(resp, status):
    assert resp.status_code == status, resp.text
    (fault,) = resp.json().values()
    return fault['message']


@pytest.mark.parametrize('version,tempest', [('2.1', tempest_v21),
                                             ('2.41', tempest_v241)])
def test_lifecycle_and_schemas(stack, version, tempest):
    resp = _create(stack, name=' spaced ', zone='z1', version=version)
    assert resp.status_code == 400
    resp = _create(stack, zone='z1', version=version)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    jsonschema.validate(body, responses.aggregate_create(version))
    jsonschema.validate(body, tempest.create_aggregate['response_body'])
    agg = body['aggregate']
    assert (agg['name'], agg['availability_zone'], agg['deleted'],
            agg['deleted_at'], agg['updated_at']) == (
        'agg', 'z1', False, None, None)
    assert 'hosts' not in agg and 'metadata' not in agg
    assert ('uuid' in agg) == (version == '2.41')
    path = '/%d' % agg['id']

    shown = _call(stack, 'GET', path, version=version)
    jsonschema.validate(shown.json(), tempest.get_aggregate['response_body'])
    assert shown.json()['aggregate']['metadata'] == {
        'availability_zone': 'z1'}
    assert shown.json()['aggregate']['hosts'] == []

    listed = _call(stack, 'GET', version=version)
    jsonschema.validate(listed.json(), responses.aggregates_index(version))
    jsonschema.validate(listed.json(),
                        tempest.list_aggregates['response_body'])
    assert [a['id'] for a in listed.json()['aggregates']] == [agg['id']]

    updated = _call(stack, 'PUT', path, version=version, json={
        'aggregate': {'name': 'renamed', 'availability_zone': 'z2'}})
    assert updated.status_code == 200, updated.text
    jsonschema.validate(updated.json(),
                        tempest.update_aggregate['response_body'])
    assert (updated.json()['aggregate']['name'],
            updated.json()['aggregate']['availability_zone']) == (
        'renamed', 'z2')

    meta = _action(stack, agg['id'], 'set_metadata', version=version,
                   metadata={'ssd': 'true', 'hdd': 'no'})
    assert meta.status_code == 200, meta.text
    jsonschema.validate(meta.json(),
                        tempest.aggregate_set_metadata['response_body'])
    assert meta.json()['aggregate']['metadata'] == {
        'ssd': 'true', 'hdd': 'no', 'availability_zone': 'z2'}
    # None removes a key; a zone cannot be removed so (as in nova).
    meta = _action(stack, agg['id'], 'set_metadata', metadata={'hdd': None})
    assert meta.json()['aggregate']['metadata'] == {
        'ssd': 'true', 'availability_zone': 'z2'}
    no_zone = _action(stack, agg['id'], 'set_metadata',
                      metadata={'availability_zone': None})
    assert _fault(no_zone, 400) == (
        'Cannot update metadata of aggregate %d. Reason: Aggregate renamed '
        'does not support empty named availability zone.' % agg['id'])

    added = _action(stack, agg['id'], 'add_host', version=version,
                    host='compute1')
    assert added.status_code == 200, added.text
    jsonschema.validate(added.json(),
                        tempest.aggregate_add_remove_host['response_body'])
    assert added.json()['aggregate']['hosts'] == ['compute1']
    busy = _call(stack, 'DELETE', path)
    assert _fault(busy, 400) == (
        'Cannot remove host from aggregate %d. Reason: Host aggregate is '
        'not empty.' % agg['id'])
    removed = _action(stack, agg['id'], 'remove_host', host='compute1')
    assert removed.json()['aggregate']['hosts'] == []

    deleted = _call(stack, 'DELETE', path)
    assert deleted.status_code == 200 and deleted.content == b''
    assert _fault(_call(stack, 'GET', path), 404) == (
        'Aggregate %d could not be found.' % agg['id'])


def test_names_and_ids(stack):
    agg = _aggregate(stack)
    assert _fault(_create(stack), 409) == 'Aggregate agg already exists.'
    assert _create(stack, name='').status_code == 400
    assert _create(stack, name='a' * 256).status_code == 400
    assert _create(stack, name='b', zone='bad:zone').status_code == 400
    other = _aggregate(stack, name='other')
    clash = _call(stack, 'PUT', '/%d' % other['id'],
                  json={'aggregate': {'name': 'agg'}})
    assert _fault(clash, 409) == 'Aggregate agg already exists.'
    empty = _call(stack, 'PUT', '/%d' % other['id'],
                  json={'aggregate': {}})
    assert empty.status_code == 400
    no_zone = _call(stack, 'PUT', '/%d' % other['id'],
                    json={'aggregate': {'availability_zone': None}})
    assert _fault(no_zone, 400) == (
        'Cannot update aggregate %d. Reason: Aggregate other does not '
        'support empty named availability zone.' % other['id'])
    assert _fault(_call(stack, 'GET', '/abc'), 400) == (
        'Invalid input received: id must be an integer')
    for missing in ('-1', '99999', '99999999999999999999'):
        assert _call(stack, 'GET', '/' + missing).status_code == 404
        assert _call(stack, 'DELETE', '/' + missing).status_code == 404
    assert _fault(_action(stack, 99999, 'add_host', host='compute1'),
                  404) == 'Aggregate 99999 could not be found.'
    names = sorted(a['name'] for a in _call(stack, 'GET').json()[
        'aggregates'])
    assert names == ['agg', 'other']
    assert agg['id'] != other['id']


def test_hosts(stack):
    agg = _aggregate(stack)
    unknown = _action(stack, agg['id'], 'add_host', host='nowhere')
    assert _fault(unknown, 404) == 'Compute host nowhere could not be found.'
    assert _action(stack, agg['id'], 'add_host',
                   host='compute1').status_code == 200
    twice = _action(stack, agg['id'], 'add_host', host='compute1')
    assert _fault(twice, 409) == (
        'Aggregate %d already has host compute1.' % agg['id'])
    for host in ('nowhere', 'compute1x'):
        gone = _action(stack, agg['id'], 'remove_host', host=host)
        assert _fault(gone, 404) == (
            'Cannot remove host %s in aggregate %d' % (host, agg['id']))
    stack.add_compute('compute2')
    not_in = _action(stack, agg['id'], 'remove_host', host='compute2')
    assert _fault(not_in, 404) == (
        'Cannot remove host compute2 in aggregate %d' % agg['id'])
    bad = _action(stack, agg['id'], 'bogus')
    assert _fault(bad, 400) == 'There is no such action: bogus'
    bad_body = _call(stack, 'POST', '/%d/action' % agg['id'],
                     json={'add_host': {'host': 'compute1', 'x': 1}})
    assert bad_body.status_code == 400


def test_a_host_is_in_one_zone(stack):
    z1 = _aggregate(stack, 'a1', 'z1')
    z2 = _aggregate(stack, 'a2', 'z2')
    plain = _aggregate(stack, 'a3')
    assert _action(stack, z1['id'], 'add_host',
                   host='compute1').status_code == 200
    second = _action(stack, z2['id'], 'add_host', host='compute1')
    assert _fault(second, 409) == (
        "Cannot add host to aggregate %d. Reason: One or more hosts "
        "already in availability zone(s) ['z1']." % z2['id'])
    # An aggregate without a zone takes it; giving it another zone then
    # conflicts, the same zone does not.
    assert _action(stack, plain['id'], 'add_host',
                   host='compute1').status_code == 200
    meta = _action(stack, plain['id'], 'set_metadata',
                   metadata={'availability_zone': 'z3'})
    assert _fault(meta, 400) == (
        "Cannot update metadata of aggregate %d. Reason: One or more hosts "
        "already in availability zone(s) ['z1']." % plain['id'])
    renamed = _call(stack, 'PUT', '/%d' % plain['id'], json={
        'aggregate': {'name': 'kept?', 'availability_zone': 'z3'}})
    assert renamed.status_code == 400
    assert _call(stack, 'GET', '/%d' % plain['id']).json()['aggregate'][
        'name'] == 'a3'
    assert _action(stack, plain['id'], 'set_metadata', metadata={
        'availability_zone': 'z1'}).status_code == 200


def test_zone_of_a_host_with_servers_cannot_change(stack):
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 's', 'flavorRef': '1', 'imageRef': IMAGE}})
    stack.wait_for_server(resp.json()['server']['id'], 'ACTIVE')
    zoned = _aggregate(stack, 'zoned', 'z1')
    moved = _action(stack, zoned['id'], 'add_host', host='compute1')
    assert _fault(moved, 409) == (
        "Cannot add host to aggregate %d. Reason: The host cannot be added "
        "to the aggregate as the availability zone of the host would change "
        "from 'None' to 'z1' but the host already has 1 instance(s). "
        "Changing the AZ of an existing instance is not supported by this "
        "action. Move the instances away from this host then try again. If "
        "you need to move the instances between AZs then you can use "
        "shelve_offload and unshelve to achieve this.." % zoned['id'])
    plain = _aggregate(stack, 'plain')
    assert _action(stack, plain['id'], 'add_host',
                   host='compute1').status_code == 200
    meta = _action(stack, plain['id'], 'set_metadata',
                   metadata={'availability_zone': 'z2'})
    assert _fault(meta, 400) == (
        'Cannot update metadata of aggregate %d. Reason: One or more hosts '
        'contain instances in this zone.' % plain['id'])
    assert _call(stack, 'GET', '/%d' % plain['id']).json()['aggregate'][
        'metadata'] == {}


def test_administrators_only(stack):
    agg = _aggregate(stack)
    for method, path, body in (
            ('GET', '', None), ('POST', '', {'aggregate': {'name': 'x'}}),
            ('GET', '/%d' % agg['id'], None),
            ('PUT', '/%d' % agg['id'], {'aggregate': {'name': 'y'}}),
            ('DELETE', '/%d' % agg['id'], None),
            ('POST', '/%d/action' % agg['id'],
             {'add_host': {'host': 'compute1'}})):
        resp = stack.request(method, PATH + path, json=body)
        assert resp.status_code == 403, (method, path, resp.text)
    assert [a['name'] for a in _call(stack, 'GET').json()[
        'aggregates']] == ['agg']


def test_deleted_compute_service_leaves_its_aggregates(stack):
    stack.add_compute('compute2')
    agg = _aggregate(stack)
    for host in ('compute1', 'compute2'):
        assert _action(stack, agg['id'], 'add_host',
                       host=host).status_code == 200
    svc = stack.extra_services.pop()
    svc.stop()
    services = stack.request('GET', '/v2.1/os-services', token=ADMIN,
                             version='2.53').json()['services']
    service_id = [s['id'] for s in services if s['host'] == 'compute2'][0]
    resp = stack.request('DELETE', '/v2.1/os-services/%s' % service_id,
                         token=ADMIN, version='2.53')
    assert resp.status_code == 204, resp.text
    assert _call(stack, 'GET', '/%d' % agg['id']).json()['aggregate'][
        'hosts'] == ['compute1']
