"""os-services through the whole stack."""

import uuid

ADMIN = 'admin:admin'


def _services(stack, version='2.1', **params):
    query = '&'.join('%s=%s' % kv for kv in params.items())
    resp = stack.request('GET', '/v2.1/os-services' + (
        '?' + query if query else ''), token=ADMIN, version=version)
    assert resp.status_code == 200, resp.text
    return resp.json()['services']


def test_list_is_admin_only(stack):
    resp = stack.request('GET', '/v2.1/os-services')
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-services:list to be "
        "performed.")


def test_list_fields_per_version(stack):
    old = _services(stack, '2.1')
    binaries = sorted(s['binary'] for s in old)
    assert binaries == ['nova-compute', 'nova-conductor']
    compute = [s for s in old if s['binary'] == 'nova-compute'][0]
    assert set(compute) == {'id', 'binary', 'host', 'zone', 'status',
                            'state', 'updated_at', 'disabled_reason'}
    assert isinstance(compute['id'], int)
    assert (compute['zone'], compute['status'], compute['state']) == (
        'nova', 'enabled', 'up')
    conductor = [s for s in old if s['binary'] == 'nova-conductor'][0]
    assert conductor['zone'] == 'internal'
    v211 = _services(stack, '2.11')
    assert all(s['forced_down'] is False for s in v211)
    v253 = _services(stack, '2.53')
    assert all(uuid.UUID(s['id']) for s in v253)
    assert [s['host'] for s in _services(stack, binary='nova-compute')] == [
        'compute1']
    assert _services(stack, host='nowhere') == []


def test_disable_enable_force_down_before_2_53(stack):
    body = {'host': 'compute1', 'binary': 'nova-compute',
            'disabled_reason': 'maintenance'}
    resp = stack.request('PUT', '/v2.1/os-services/disable-log-reason',
                         token=ADMIN, json=body)
    assert resp.json() == {'service': {
        'host': 'compute1', 'binary': 'nova-compute', 'status': 'disabled',
        'disabled_reason': 'maintenance'}}
    compute = _services(stack, binary='nova-compute')[0]
    assert (compute['status'], compute['disabled_reason']) == (
        'disabled', 'maintenance')
    resp = stack.request('PUT', '/v2.1/os-services/enable', token=ADMIN,
                         json={'host': 'compute1',
                               'binary': 'nova-compute'})
    assert resp.json()['service']['status'] == 'enabled'
    resp = stack.request('PUT', '/v2.1/os-services/force-down', token=ADMIN,
                         version='2.11',
                         json={'host': 'compute1', 'binary': 'nova-compute',
                               'forced_down': True})
    assert resp.json()['service']['forced_down'] is True
    assert _services(stack, '2.11', binary='nova-compute')[0][
        'state'] == 'down'
    # Before 2.11 the body schema has no forced_down, and no such action.
    resp = stack.request('PUT', '/v2.1/os-services/force-down', token=ADMIN,
                         json={'host': 'compute1', 'binary': 'nova-compute',
                               'forced_down': True})
    assert resp.status_code == 400
    resp = stack.request('PUT', '/v2.1/os-services/force-down', token=ADMIN,
                         json={'host': 'compute1', 'binary': 'nova-compute'})
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == 'Unknown action'
    resp = stack.request('PUT', '/v2.1/os-services/disable', token=ADMIN,
                         json={'host': 'compute1',
                               'binary': 'nova-conductor'})
    assert resp.status_code == 400
    assert resp.json()['badRequest']['message'] == (
        'Updating a nova-conductor service is not supported. Only '
        'nova-compute services can be updated.')


def test_update_by_uuid_from_2_53(stack):
    compute = _services(stack, '2.53', binary='nova-compute')[0]
    path = '/v2.1/os-services/%s' % compute['id']
    resp = stack.request('PUT', path, token=ADMIN, version='2.53',
                         json={'status': 'disabled',
                               'disabled_reason': 'test'})
    assert resp.status_code == 200, resp.text
    assert resp.json()['service']['status'] == 'disabled'
    assert resp.json()['service']['disabled_reason'] == 'test'
    resp = stack.request('PUT', path, token=ADMIN, version='2.53',
                         json={'status': 'enabled',
                               'disabled_reason': 'x'})
    assert resp.json()['badRequest']['message'] == (
        "Specifying 'disabled_reason' with status 'enabled' is invalid.")
    resp = stack.request('PUT', path, token=ADMIN, version='2.53',
                         json={'status': 'disabled',
                               'disabled_reason': 'test'})
    assert resp.json()['badRequest']['message'] == (
        "No updates were requested. Fields 'status' or 'forced_down' "
        "should be specified.")
    resp = stack.request('PUT', '/v2.1/os-services/not-a-uuid',
                         token=ADMIN, version='2.53',
                         json={'status': 'enabled'})
    assert resp.json()['badRequest']['message'] == 'Invalid uuid not-a-uuid'
    missing = str(uuid.uuid4())
    resp = stack.request('PUT', '/v2.1/os-services/%s' % missing,
                         token=ADMIN, version='2.53',
                         json={'status': 'enabled'})
    assert resp.status_code == 404


def test_disabled_compute_gets_no_builds(stack):
    compute = _services(stack, '2.53', binary='nova-compute')[0]
    stack.request('PUT', '/v2.1/os-services/%s' % compute['id'],
                  token=ADMIN, version='2.53', json={'status': 'disabled'})
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'x', 'flavorRef': '1',
        'imageRef': '70a599e0-31e7-49b7-b260-868f441e862b'}})
    server = stack.wait_for_server(resp.json()['server']['id'], 'ERROR')
    assert server['fault']['message'].startswith('No valid host was found')


def test_delete(stack):
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'x', 'flavorRef': '1',
        'imageRef': '70a599e0-31e7-49b7-b260-868f441e862b'}})
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    compute = _services(stack, '2.53', binary='nova-compute')[0]
    path = '/v2.1/os-services/%s' % compute['id']
    busy = stack.request('DELETE', path, token=ADMIN, version='2.53')
    assert busy.status_code == 409
    assert busy.json()['conflictingRequest']['message'] == (
        'Unable to delete compute service that is hosting instances. '
        'Migrate or delete the instances first.')
    bad = stack.request('DELETE', '/v2.1/os-services/abc', token=ADMIN)
    assert bad.status_code == 400
    stack.request('DELETE', '/v2.1/servers/%s' % sid)
    stack.wait_for_server(sid, 'DELETED')
    done = stack.request('DELETE', path, token=ADMIN, version='2.53')
    assert done.status_code == 204
    assert _services(stack, binary='nova-compute') == []


def test_conductor_answers_minimum_compute_version(stack):
    from nova_lite.conductor import rpcapi as conductor_rpcapi
    from nova_lite import context as nl_context
    from nova_lite.objects import service as service_obj
    api = conductor_rpcapi.ConductorAPI(stack.conf)
    ctxt = nl_context.get_admin_context()
    assert api.get_minimum_service_version(ctxt, 'nova-compute') == \
        service_obj.SERVICE_VERSION
    # No conductor-side answer for a binary that runs nowhere: 0.
    assert api.get_minimum_service_version(ctxt, 'nova-nothing') == 0


def test_down_cell_computes_are_minimal_from_2_69(stack):
    from nova_lite import context as nl_context
    from nova_lite.objects import cell_mapping
    stack.conf.set_override('cell_timeout', 5, group='conductor')
    ctxt = nl_context.get_admin_context()
    down = cell_mapping.create_cell(
        ctxt, 'cell-down', 'mysql+pymysql://root@127.0.0.1:1/nowhere')
    cell_mapping.map_host(ctxt, 'lost-host', down.id)
    old = _services(stack, '2.68')
    assert 'lost-host' not in [s['host'] for s in old]
    new = _services(stack, '2.69')
    assert new[-1] == {'binary': 'nova-compute', 'host': 'lost-host',
                       'status': 'UNKNOWN'}
    assert len(new) == len(old) + 1
