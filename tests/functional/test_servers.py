"""Server lifecycle through the whole stack, over HTTP."""

import uuid

import pytest

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _create(stack, name='vm1', version=None, token='demo:demo', **extra):
    body = {'server': dict({'name': name, 'flavorRef': '1',
                            'imageRef': IMAGE}, **extra)}
    if version and version != '2.1':
        body['server'].setdefault('networks', 'none')
    resp = stack.request('POST', '/v2.1/servers', json=body, version=version,
                         token=token)
    assert resp.status_code == 202, resp.text
    return resp


def _action(stack, server_id, body, version=None, token='demo:demo'):
    return stack.request('POST', '/v2.1/servers/%s/action' % server_id,
                         json=body, version=version, token=token)


@pytest.mark.parametrize('version', ['2.1', '2.60', '2.89'])
def test_lifecycle(stack, version):
    resp = _create(stack, version=version)
    server = resp.json()['server']
    assert resp.headers['Location'].endswith('/servers/%s' % server['id'])
    assert server['adminPass']
    assert server['OS-DCF:diskConfig'] == 'MANUAL'
    sid = server['id']
    shown = stack.wait_for_server(sid, 'ACTIVE', version=version)
    assert shown['OS-EXT-STS:vm_state'] == 'active'
    assert shown['OS-EXT-STS:power_state'] == 1
    assert shown['name'] == 'vm1'
    assert ('locked' in shown) == (version != '2.1')
    assert ('description' in shown) == (version != '2.1')

    assert _action(stack, sid, {'os-stop': None}, version).status_code == 202
    stopped = stack.wait_for_server(sid, 'SHUTOFF', version=version)
    assert stopped['OS-EXT-STS:power_state'] == 4
    again = _action(stack, sid, {'os-stop': None}, version)
    assert again.status_code == 409
    assert again.json() == {'conflictingRequest': {
        'code': 409,
        'message': "Cannot 'stop' instance %s while it is in vm_state "
                   "stopped" % sid}}

    assert _action(stack, sid, {'os-start': None}, version).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE', version=version)
    for kind in ('SOFT', 'HARD'):
        resp = _action(stack, sid, {'reboot': {'type': kind}}, version)
        assert resp.status_code == 202, resp.text
        stack.wait_for_server(sid, 'ACTIVE', version=version)

    assert _action(stack, sid, {'shelve': None}, version).status_code == 202
    offloaded = stack.wait_for_server(sid, 'SHELVED_OFFLOADED',
                                      version=version)
    assert offloaded['OS-EXT-STS:vm_state'] == 'shelved_offloaded'
    assert _action(stack, sid, {'unshelve': None},
                   version).status_code == 202
    stack.wait_for_server(sid, 'ACTIVE', version=version)

    resp = stack.request('DELETE', '/v2.1/servers/%s' % sid, version=version)
    assert resp.status_code == 204
    assert resp.text == ''
    stack.wait_for_server(sid, 'DELETED', version=version)
    gone = stack.request('GET', '/v2.1/servers/%s' % sid)
    assert gone.status_code == 404
    assert gone.json()['itemNotFound']['code'] == 404


def test_shelve_keep_on_host_then_offload(stack):
    stack.conf.set_override('shelved_offload_time', -1)
    sid = _create(stack).json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    assert _action(stack, sid, {'shelve': None}).status_code == 202
    stack.wait_for_server(sid, 'SHELVED')
    denied = _action(stack, sid, {'shelveOffload': None})
    assert denied.status_code == 403
    assert denied.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-shelve:shelve_offload to be "
        "performed.")
    assert _action(stack, sid, {'shelveOffload': None},
                   token='admin:admin').status_code == 202
    stack.wait_for_server(sid, 'SHELVED_OFFLOADED')
    resp = _action(stack, sid, {'shelveOffload': None}, token='admin:admin')
    assert resp.status_code == 409
    assert "while it is in vm_state shelved_offloaded" in resp.text


def test_projects_are_isolated(stack):
    sid = _create(stack).json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    other = stack.request('GET', '/v2.1/servers/%s' % sid,
                          token='eve:other')
    assert other.status_code == 404
    assert stack.request('DELETE', '/v2.1/servers/%s' % sid,
                         token='eve:other').status_code == 404
    assert stack.request('GET', '/v2.1/servers',
                         token='eve:other').json() == {'servers': []}
    forbidden = stack.request('GET', '/v2.1/servers?all_tenants=1',
                              token='eve:other')
    assert forbidden.status_code == 403
    admin = stack.request('GET', '/v2.1/servers/detail?all_tenants=1',
                          token='admin:admin').json()['servers']
    assert [s['id'] for s in admin] == [sid]
    assert admin[0]['OS-EXT-SRV-ATTR:host'] == 'compute1'


def test_list_filters_and_paging(stack):
    ids = []
    for i in range(4):
        ids.append(_create(stack, name='web-%d' % i).json()['server']['id'])
    _create(stack, name='db')
    for sid in ids:
        stack.wait_for_server(sid, 'ACTIVE')
    listed = stack.request('GET', '/v2.1/servers?name=web').json()
    assert sorted(s['name'] for s in listed['servers']) == [
        'web-0', 'web-1', 'web-2', 'web-3']
    page = stack.request('GET', '/v2.1/servers/detail?limit=2').json()
    assert len(page['servers']) == 2
    assert page['servers_links'][0]['rel'] == 'next'
    marker = page['servers'][-1]['id']
    rest = stack.request('GET', '/v2.1/servers/detail?marker=%s'
                         % marker).json()['servers']
    seen = [s['id'] for s in page['servers']] + [s['id'] for s in rest]
    assert len(seen) == len(set(seen)) == 5
    bad = stack.request('GET', '/v2.1/servers?marker=%s' % uuid.uuid4())
    assert bad.status_code == 400
    assert 'not found' in bad.json()['badRequest']['message']
    active = stack.request('GET', '/v2.1/servers?status=ACTIVE').json()
    assert len(active['servers']) == 5
    none = stack.request('GET', '/v2.1/servers?status=SHUTOFF').json()
    assert none['servers'] == []
    invalid = stack.request('GET', '/v2.1/servers?status=BOGUS',
                            version='2.38')
    assert invalid.status_code == 400


def test_project_id_in_url(stack):
    sid = _create(stack).json()['server']['id']
    resp = stack.request('GET', '/v2.1/demo/servers/%s' % sid)
    assert resp.status_code == 200
    links = resp.json()['server']['links']
    assert '/v2.1/demo/servers/%s' % sid in links[0]['href']
    wrong = stack.request('GET', '/v2.1/other/servers')
    assert wrong.status_code == 400
    assert wrong.json()['badRequest']['message'] == (
        "Malformed request URL: URL's project_id 'other' doesn't match "
        "Context's project_id 'demo'")


def test_multi_create_names(stack):
    resp = _create(stack, name='many', min_count=2, max_count=3,
                   return_reservation_id=True)
    assert resp.json()['reservation_id'].startswith('r-')
    servers = stack.request('GET', '/v2.1/servers').json()['servers']
    assert sorted(s['name'] for s in servers) == ['many-1', 'many-2',
                                                  'many-3']


def test_build_failure_sets_error_with_fault(stack):
    stack.conf.set_override('fail_spawn_for_names', ['doomed'],
                            group='fake_driver')
    sid = _create(stack, name='doomed').json()['server']['id']
    server = stack.wait_for_server(sid, 'ERROR')
    assert server['fault']['code'] == 500
    assert server['fault']['message'].startswith(
        'Build of instance %s aborted' % sid)
    resp = stack.request('DELETE', '/v2.1/servers/%s' % sid)
    assert resp.status_code == 204
    stack.wait_for_server(sid, 'DELETED')


def test_no_valid_host_lands_in_cell0(stack):
    # Take the only compute down: the build is scheduled nowhere.
    from nova_lite import context as nl_context
    from nova_lite.objects import service as service_obj
    ctxt = nl_context.get_admin_context()
    svc = service_obj.get_by_host_and_binary(ctxt, 'compute1',
                                             'nova-compute')
    service_obj.update(ctxt, svc.id, {'disabled': True})
    sid = _create(stack, name='nowhere').json()['server']['id']
    server = stack.wait_for_server(sid, 'ERROR')
    assert server['fault']['message'].startswith('No valid host was found')
    assert stack.request('DELETE', '/v2.1/servers/%s' % sid
                         ).status_code == 204
    stack.wait_for_server(sid, 'DELETED')


def test_update_server(stack):
    sid = _create(stack).json()['server']['id']
    resp = stack.request('PUT', '/v2.1/servers/%s' % sid, version='2.19',
                         json={'server': {'name': 'renamed',
                                          'description': 'hello'}})
    assert resp.status_code == 200, resp.text
    assert resp.json()['server']['name'] == 'renamed'
    assert resp.json()['server']['description'] == 'hello'
    shown = stack.request('GET', '/v2.1/servers/%s' % sid,
                          version='2.19').json()['server']
    assert (shown['name'], shown['description']) == ('renamed', 'hello')


def test_boot_from_volume_body_as_clients_send_it(stack):
    made = stack.volume_request('POST', '/v3/volumes', json={'volume': {
        'size': 1, 'imageRef': '70a599e0-31e7-49b7-b260-868f441e862b'}})
    volume_id = made.json()['volume']['id']
    stack.wait_for_volume(volume_id, 'available')
    body = {'server': {
        'name': 'bfv', 'flavorRef': '1', 'imageRef': '', 'networks': 'none',
        'min_count': 1, 'max_count': 1,
        'block_device_mapping_v2': [{
            'uuid': volume_id, 'source_type': 'volume',
            'destination_type': 'volume', 'boot_index': '0'}]}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.60')
    assert resp.status_code == 202, resp.text
    shown = stack.wait_for_server(resp.json()['server']['id'], 'ACTIVE',
                                  version='2.60')
    assert shown['image'] == ''
    vols = shown['os-extended-volumes:volumes_attached']
    assert [v['id'] for v in vols] == [
        body['server']['block_device_mapping_v2'][0]['uuid']]


def test_down_cell_servers_are_minimal_from_2_69(stack):
    from nova_lite import context as nl_context
    from nova_lite.objects import cell_mapping
    stack.conf.set_override('cell_timeout', 5, group='conductor')
    ctxt = nl_context.get_admin_context()
    sid = _create(stack).json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    down = cell_mapping.create_cell(
        ctxt, 'cell-down', 'mysql+pymysql://root@127.0.0.1:1/nowhere')
    lost = str(uuid.uuid4())
    cell_mapping.create_instance_mapping(ctxt, lost, 'demo', 'demo',
                                         cell_id=down.id)
    old = stack.request('GET', '/v2.1/servers/detail', version='2.68')
    assert [s['id'] for s in old.json()['servers']] == [sid]
    new = stack.request('GET', '/v2.1/servers/detail', version='2.69')
    servers = new.json()['servers']
    assert [s['id'] for s in servers] == [sid, lost]
    assert set(servers[1]) == {'id', 'status', 'links', 'tenant_id',
                               'created'}
    assert servers[1]['status'] == 'UNKNOWN'
    index = stack.request('GET', '/v2.1/servers', version='2.69').json()
    assert index['servers'][1] == {
        'id': lost, 'status': 'UNKNOWN',
        'links': index['servers'][1]['links']}
    other = stack.request('GET', '/v2.1/servers', version='2.69',
                          token='eve:other').json()
    assert other == {'servers': []}


def test_tags_on_create_and_in_filters(stack):
    one = _create(stack, name='t1', version='2.52',
                  tags=['web', 'prod']).json()['server']['id']
    two = _create(stack, name='t2', version='2.52',
                  tags=['web']).json()['server']['id']
    shown = stack.request('GET', '/v2.1/servers/%s' % one,
                          version='2.26').json()['server']
    assert shown['tags'] == ['web', 'prod']
    both = stack.request('GET', '/v2.1/servers?tags=web,prod',
                         version='2.26').json()['servers']
    assert [s['id'] for s in both] == [one]
    anyof = stack.request('GET', '/v2.1/servers?tags-any=prod,web',
                          version='2.26').json()['servers']
    assert sorted(s['id'] for s in anyof) == sorted([one, two])
    without = stack.request('GET', '/v2.1/servers?not-tags-any=prod',
                            version='2.26').json()['servers']
    assert [s['id'] for s in without] == [two]
    # Before 2.26 the tag filters are not API and are ignored.
    old = stack.request('GET', '/v2.1/servers?tags=nothing').json()
    assert len(old['servers']) == 2


def test_access_ipv6_is_stored_compressed(stack):
    """As nova's IPv6 field does (tempest's test_verify_server_details)."""
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'ip6', 'flavorRef': '1', 'imageRef': IMAGE,
        'networks': 'none', 'accessIPv4': '1.1.1.1',
        'accessIPv6': '0000:0000:0000:0000:0000:babe:220.12.22.2'}},
        version='2.60')
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    shown = stack.request('GET', '/v2.1/servers/%s' % server_id).json()
    assert shown['server']['accessIPv6'] == '::babe:dc0c:1602'
    resp = stack.request('PUT', '/v2.1/servers/%s' % server_id, json={
        'server': {'accessIPv6': '2001:DB8:0:0:0:0:0:1'}})
    assert resp.json()['server']['accessIPv6'] == '2001:db8::1'


def test_server_ips(stack):
    """GET /servers/{id}/ips: no networks, no addresses (as the server
    view); another project's server is not found."""
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'ips', 'flavorRef': '1', 'imageRef': IMAGE,
        'networks': 'none'}}, version='2.60')
    server_id = resp.json()['server']['id']
    resp = stack.request('GET', '/v2.1/servers/%s/ips' % server_id)
    assert resp.status_code == 200
    assert resp.json() == {'addresses': {}}
    resp = stack.request('GET', '/v2.1/servers/%s/ips/private' % server_id)
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404,
        'message': 'Instance is not a member of specified network'}}
    resp = stack.request('GET', '/v2.1/servers/%s/ips' % server_id,
                         token='other:other')
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == \
        'Instance %s could not be found.' % server_id
