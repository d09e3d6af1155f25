"""Availability zones through the whole stack: os-availability-zone, the
zones of services, servers created in a zone (or on a host) and
``[cinder] cross_az_attach``."""

import jsonschema
from tempest.lib.api_schema.response.compute.v2_1 import availability_zone \
    as tempest_az

from nova_lite.api.schemas import responses

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'
PATH = '/v2.1/os-availability-zone'


def _zoned_compute2(stack, zone='z1'):
    """compute2 in an aggregate with zone ``zone``; compute1 in none."""
    stack.add_compute('compute2')
    resp = stack.request('POST', '/v2.1/os-aggregates', token=ADMIN,
                         json={'aggregate': {'name': 'agg-' + zone,
                                             'availability_zone': zone}})
    assert resp.status_code == 200, resp.text
    agg_id = resp.json()['aggregate']['id']
    resp = stack.request('POST', '/v2.1/os-aggregates/%d/action' % agg_id,
                         token=ADMIN,
                         json={'add_host': {'host': 'compute2'}})
    assert resp.status_code == 200, resp.text
    return agg_id


def _boot(stack, zone=None, token='demo:demo', **extra):
    server = dict({'name': 's', 'flavorRef': '1', 'imageRef': IMAGE},
                  **extra)
    if zone is not None:
        server['availability_zone'] = zone
    return stack.request('POST', '/v2.1/servers', token=token,
                         json={'server': server})


def _booted(stack, zone=None, token='demo:demo', status='ACTIVE', **extra):
    resp = _boot(stack, zone, token=token, **extra)
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, status, token=token)
    return stack.request('GET', '/v2.1/servers/%s' % server_id,
                         token=ADMIN).json()['server']


def _zones(stack, detail=False, token='demo:demo'):
    resp = stack.request('GET', PATH + ('/detail' if detail else ''),
                         token=token)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_list_for_everybody_detail_for_administrators(stack):
    body = _zones(stack)
    jsonschema.validate(body, responses.availability_zones_index('2.1'))
    jsonschema.validate(
        body, tempest_az.list_availability_zone_list['response_body'])
    assert body == {'availabilityZoneInfo': [
        {'zoneName': 'nova', 'zoneState': {'available': True},
         'hosts': None}]}
    denied = stack.request('GET', PATH + '/detail')
    assert denied.status_code == 403
    assert denied.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-availability-zone:detail "
        "to be performed.")
    detail = _zones(stack, detail=True, token=ADMIN)
    jsonschema.validate(detail, responses.availability_zones_detail('2.1'))
    jsonschema.validate(detail, tempest_az.list_availability_zone_list_detail[
        'response_body'])
    by_name = {z['zoneName']: z for z in detail['availabilityZoneInfo']}
    assert sorted(by_name) == ['internal', 'nova']
    compute = by_name['nova']['hosts']['compute1']['nova-compute']
    assert (compute['available'], compute['active']) == (True, True)
    assert compute['updated_at']
    assert list(by_name['internal']['hosts']['compute1']) == [
        'nova-conductor']
    # Unknown query parameters: ignored, refused from 2.102 only.
    assert stack.request('GET', PATH + '?x=1').status_code == 200


def test_zones_come_from_aggregates(stack):
    _zoned_compute2(stack)
    names = [z['zoneName'] for z in _zones(stack)['availabilityZoneInfo']]
    assert names == ['nova', 'z1']
    detail = _zones(stack, detail=True, token=ADMIN)
    hosts = {z['zoneName']: sorted(z['hosts'])
             for z in detail['availabilityZoneInfo']}
    assert hosts == {'internal': ['compute1'], 'nova': ['compute1'],
                     'z1': ['compute2']}
    services = stack.request('GET', '/v2.1/os-services', token=ADMIN).json()
    zones = {(s['host'], s['binary']): s['zone']
             for s in services['services']}
    assert zones[('compute2', 'nova-compute')] == 'z1'
    assert zones[('compute1', 'nova-compute')] == 'nova'
    # A zone whose every service is disabled is not available.
    service_id = [s['id'] for s in stack.request(
        'GET', '/v2.1/os-services', token=ADMIN, version='2.53').json()[
        'services'] if s['host'] == 'compute2' and
        s['binary'] == 'nova-compute'][0]
    resp = stack.request('PUT', '/v2.1/os-services/%s' % service_id,
                         token=ADMIN, version='2.53',
                         json={'status': 'disabled'})
    assert resp.status_code == 200, resp.text
    info = _zones(stack)['availabilityZoneInfo']
    assert info == [
        {'zoneName': 'nova', 'zoneState': {'available': True},
         'hosts': None},
        {'zoneName': 'z1', 'zoneState': {'available': False},
         'hosts': None}]
    detail = _zones(stack, detail=True, token=ADMIN)['availabilityZoneInfo']
    assert detail[-1] == {'zoneName': 'z1',
                          'zoneState': {'available': False}, 'hosts': None}
    refused = _boot(stack, 'z1')
    assert refused.status_code == 400


def test_servers_land_in_their_zone(stack):
    _zoned_compute2(stack)
    for _ in range(2):
        server = _booted(stack, 'z1')
        assert server['OS-EXT-SRV-ATTR:host'] == 'compute2'
        assert server['OS-EXT-AZ:availability_zone'] == 'z1'
    server = _booted(stack, 'nova')
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute1'
    assert server['OS-EXT-AZ:availability_zone'] == 'nova'
    # No zone asked for: any host, and the server shows its host's zone.
    anywhere = _booted(stack)
    assert anywhere['OS-EXT-AZ:availability_zone'] == {
        'compute1': 'nova', 'compute2': 'z1'}[
        anywhere['OS-EXT-SRV-ATTR:host']]
    listed = stack.request(
        'GET', '/v2.1/servers/detail?availability_zone=z1&all_tenants=1',
        token=ADMIN).json()['servers']
    assert len(listed) == 2 + (anywhere['OS-EXT-SRV-ATTR:host'] ==
                               'compute2')


def test_unknown_zone_is_refused(stack):
    resp = _boot(stack, 'nowhere')
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {
        'code': 400,
        'message': 'The requested availability zone is not available'}}
    bad = _boot(stack, 'a:b:c:d', token=ADMIN)
    assert bad.status_code == 400
    assert bad.json()['badRequest']['message'] == (
        'Invalid input received: Unable to parse availability_zone')
    assert stack.request('GET', '/v2.1/servers',
                         token=ADMIN).json()['servers'] == []


def test_forced_host_and_node_for_administrators(stack):
    _zoned_compute2(stack)
    denied = _boot(stack, 'nova:compute2')
    assert denied.status_code == 403
    assert denied.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:servers:create:forced_host to "
        "be performed.")
    server = _booted(stack, 'z1:compute2', token=ADMIN)
    assert (server['OS-EXT-SRV-ATTR:host'],
            server['OS-EXT-AZ:availability_zone']) == ('compute2', 'z1')
    # A host outside the zone asked for: the host wins, with its zone.
    server = _booted(stack, 'z1:compute1', token=ADMIN)
    assert (server['OS-EXT-SRV-ATTR:host'],
            server['OS-EXT-AZ:availability_zone']) == ('compute1', 'nova')
    server = _booted(stack, 'z1::compute2', token=ADMIN)
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute2'
    server = _booted(stack, ':compute1', token=ADMIN)
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute1'
    missing = _booted(stack, 'nova:nohost', token=ADMIN, status='ERROR')
    assert missing['fault']['message'].startswith('No valid host was found')


def test_default_schedule_zone(stack):
    _zoned_compute2(stack)
    stack.conf.set_override('default_schedule_zone', 'z1')
    for _ in range(2):
        server = _booted(stack)
        assert server['OS-EXT-SRV-ATTR:host'] == 'compute2'
    assert _booted(stack, 'nova')['OS-EXT-SRV-ATTR:host'] == 'compute1'


def _volume(stack):
    resp = stack.volume_request('POST', '/v3/volumes',
                                json={'volume': {'size': 1}})
    assert resp.status_code == 202, resp.text
    return stack.wait_for_volume(resp.json()['volume']['id'], 'available')


def test_cross_az_attach_false(stack):
    _zoned_compute2(stack)
    stack.conf.set_override('cross_az_attach', False, group='cinder')
    volume = _volume(stack)
    assert volume['availability_zone'] == 'nova'
    server = _booted(stack, 'z1')
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % server['id'],
        json={'volumeAttachment': {'volumeId': volume['id']}})
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Invalid volume: Instance %s and volume %s are not in the same '
        'availability_zone. Instance is in z1. Volume is in nova'
        % (server['id'], volume['id']))
    same_zone = _booted(stack, 'nova')
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % same_zone['id'],
        json={'volumeAttachment': {'volumeId': volume['id']}})
    assert resp.status_code == 200, resp.text

    boot_volume = _volume(stack)
    bdm = [{'boot_index': 0, 'uuid': boot_volume['id'],
            'source_type': 'volume', 'destination_type': 'volume'}]
    stack.volume_request('POST', '/v3/volumes/%s/action' % boot_volume['id'],
                         json={'os-set_bootable': {'bootable': True}})
    resp = _boot(stack, 'z1', imageRef='', block_device_mapping_v2=bdm)
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'The availability zone between the server and its attached volumes '
        'do not match: Server and volumes are not in the same availability '
        'zone. Server is in: z1. Volumes are in: nova.')
    assert stack.volume_request(
        'GET', '/v3/volumes/%s' % boot_volume['id']).json()['volume'][
        'status'] == 'available'
    # No zone asked for: the volume's (the default) zone is fine.
    server = _booted(stack, None, imageRef='', block_device_mapping_v2=bdm)
    assert server['OS-EXT-AZ:availability_zone'] in ('nova', 'z1')


def test_cross_az_attach_allowed_by_default(stack):
    _zoned_compute2(stack)
    volume = _volume(stack)
    server = _booted(stack, 'z1')
    resp = stack.request(
        'POST', '/v2.1/servers/%s/os-volume_attachments' % server['id'],
        json={'volumeAttachment': {'volumeId': volume['id']}})
    assert resp.status_code == 200, resp.text


def test_unshelve_to_a_zone(stack):
    _zoned_compute2(stack)
    server = _booted(stack, 'nova')
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute1'
    path = '/v2.1/servers/%s/action' % server['id']
    resp = stack.request('POST', path, json={'shelve': None})
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(server['id'], 'SHELVED_OFFLOADED')
    refused = stack.request('POST', path, version='2.77',
                            json={'unshelve': {'availability_zone': 'no'}})
    assert refused.status_code == 400
    assert refused.json()['badRequest']['message'] == (
        'The requested availability zone is not available')
    resp = stack.request('POST', path, version='2.77',
                         json={'unshelve': {'availability_zone': 'z1'}})
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(server['id'], 'ACTIVE')
    shown = stack.request('GET', '/v2.1/servers/%s' % server['id'],
                          token=ADMIN, version='2.96').json()['server']
    assert (shown['OS-EXT-SRV-ATTR:host'],
            shown['OS-EXT-AZ:availability_zone'],
            shown['pinned_availability_zone']) == ('compute2', 'z1', 'z1')


def test_requested_host_from_2_74(stack):
    _zoned_compute2(stack)

    def boot(token=ADMIN, **server):
        body = dict({'name': 's', 'flavorRef': '1', 'imageRef': IMAGE,
                     'networks': 'none'}, **server)
        return stack.request('POST', '/v2.1/servers', token=token,
                             version='2.74', json={'server': body})
    denied = boot(token='demo:demo', host='compute2')
    assert denied.status_code == 403
    assert denied.json()['forbidden']['message'] == (
        "Policy doesn't allow compute:servers:create:requested_destination "
        "to be performed.")
    unknown = boot(host='nohost')
    assert unknown.status_code == 400
    assert unknown.json()['badRequest']['message'] == (
        'Compute host nohost could not be found.')
    wrong_node = boot(host='compute2', hypervisor_hostname='other')
    assert wrong_node.status_code == 400
    both = boot(host='compute2', availability_zone='z1:compute2')
    assert both.status_code == 400
    assert both.json()['badRequest']['message'] == (
        'One mechanism with host and/or hypervisor_hostname and another '
        'mechanism with zone:host:node are mutually exclusive.')
    for _ in range(2):
        resp = boot(host='compute2')
        assert resp.status_code == 202, resp.text
        server_id = resp.json()['server']['id']
        server = stack.wait_for_server(server_id, 'ACTIVE', token=ADMIN)
        assert server['OS-EXT-SRV-ATTR:host'] == 'compute2'
    resp = boot(hypervisor_hostname='compute1')
    server = stack.wait_for_server(resp.json()['server']['id'], 'ACTIVE',
                                   token=ADMIN)
    assert server['OS-EXT-SRV-ATTR:host'] == 'compute1'
    # Unlike a forced host, a requested one goes through the filters.
    resp = boot(host='compute2', availability_zone='nova')
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(resp.json()['server']['id'], 'ERROR', token=ADMIN)
    # Before 2.74 the fields are refused by the schema.
    old = stack.request('POST', '/v2.1/servers', token=ADMIN, version='2.73',
                        json={'server': {'name': 's', 'flavorRef': '1',
                                         'imageRef': IMAGE,
                                         'networks': 'none',
                                         'host': 'compute2'}})
    assert old.status_code == 400
