"""os-hypervisors through the whole stack: the compute node records the
compute services report, per microversion."""

import uuid

import jsonschema
import pytest

from nova_lite.api.schemas import admin_responses as ar
from nova_lite import context as nl_context
from nova_lite.objects import cell_mapping
from nova_lite.objects import compute_node as compute_node_obj
from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('hypervisors'))
    st = stack_fixture.Stack(conf).start()
    st.add_compute('compute2')
    try:
        yield st
    finally:
        st.stop()


def _get(stack, path, version=None, status=200, token=ADMIN):
    resp = stack.request('GET', '/v2.1/os-hypervisors' + path, token=token,
                         version=version)
    assert resp.status_code == status, resp.text
    return resp.json()


def _refresh(stack):
    managers = [stack.aio.compute_manager] + [
        s.manager for s in stack.extra_services]
    for manager in managers:
        manager.update_available_resource(nl_context.get_admin_context())


@pytest.mark.parametrize('version', ['2.1', '2.28', '2.33', '2.53', '2.75',
                                     '2.88'])
def test_list_and_detail_per_version(stack, version):
    listed = _get(stack, '', version)
    jsonschema.validate(listed, ar.hypervisors_index(version))
    names = sorted(h['hypervisor_hostname'] for h in listed['hypervisors'])
    assert names == ['compute1', 'compute2']
    detail = _get(stack, '/detail', version)
    jsonschema.validate(detail, ar.hypervisors_detail(version))
    hyp = [h for h in detail['hypervisors']
           if h['hypervisor_hostname'] == 'compute1'][0]
    assert (hyp['state'], hyp['status']) == ('up', 'enabled')
    assert hyp['hypervisor_type'] == 'fake'
    assert hyp['host_ip'] == '127.0.0.1'
    assert hyp['service']['host'] == 'compute1'
    if version in ('2.53', '2.75', '2.88'):
        uuid.UUID(hyp['id'])
        uuid.UUID(hyp['service']['id'])
    else:
        assert isinstance(hyp['id'], int)
    if version == '2.88':
        assert 'vcpus' not in hyp and 'cpu_info' not in hyp
        assert ' up ' in hyp['uptime']
    else:
        assert 'uptime' not in hyp
        assert hyp['vcpus'] == 1000 and hyp['memory_mb'] == 800000
        if version == '2.1':
            assert isinstance(hyp['cpu_info'], str)
        else:
            assert hyp['cpu_info']['arch'] == 'x86_64'


def test_usage_is_counted(stack):
    body = {'server': {'name': 'hv', 'flavorRef': '2', 'imageRef': IMAGE,
                       'networks': 'none'}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.37')
    server_id = resp.json()['server']['id']
    server = stack.wait_for_server(server_id, 'ACTIVE', token=ADMIN)
    host = server['OS-EXT-SRV-ATTR:host']
    _refresh(stack)
    hyp = [h for h in _get(stack, '/detail')['hypervisors']
           if h['hypervisor_hostname'] == host][0]
    assert hyp['running_vms'] == 1
    assert hyp['vcpus_used'] == 1
    assert hyp['memory_mb_used'] == 512 + 2048
    assert hyp['local_gb_used'] == 20
    assert hyp['free_ram_mb'] == 800000 - 512 - 2048
    stats = _get(stack, '/statistics')['hypervisor_statistics']
    jsonschema.validate({'hypervisor_statistics': stats},
                        ar.hypervisor_statistics('2.1'))
    assert stats['count'] == 2
    assert stats['running_vms'] >= 1
    assert stats['vcpus'] == 2000
    # with_servers (2.53) and the servers route (before 2.53) list it.
    listed = _get(stack, '?with_servers=true&hypervisor_hostname_pattern=%s'
                  % host, '2.53')
    assert listed['hypervisors'][0]['servers'] == [
        {'name': 'hv', 'uuid': server_id}]
    old = _get(stack, '/%s/servers' % host, '2.52')
    assert {'name': 'hv', 'uuid': server_id} in \
        old['hypervisors'][0]['servers']
    stack.request('DELETE', '/v2.1/servers/%s' % server_id)
    stack.wait_for_server(server_id, 'DELETED')


def test_show_and_uptime(stack):
    hyp = _get(stack, '', '2.1')['hypervisors'][0]
    shown = _get(stack, '/%s' % hyp['id'], '2.1')
    jsonschema.validate(shown, ar.hypervisor_show('2.1'))
    assert shown['hypervisor']['hypervisor_hostname'] == \
        hyp['hypervisor_hostname']
    uptime = _get(stack, '/%s/uptime' % hyp['id'], '2.1')
    jsonschema.validate(uptime, ar.hypervisor_uptime('2.1'))
    assert ' up ' in uptime['hypervisor']['uptime']
    new = _get(stack, '', '2.53')['hypervisors'][0]
    assert _get(stack, '/%s?with_servers=1' % new['id'], '2.75')[
        'hypervisor']['servers'] is not None
    _get(stack, '/%s/uptime' % new['id'], '2.87')
    resp = _get(stack, '/%s/uptime' % new['id'], '2.88', status=404)
    assert resp['itemNotFound']['message'] == \
        'The resource could not be found.'
    _get(stack, '/statistics', '2.88', status=404)


def test_bad_ids_and_patterns(stack):
    resp = _get(stack, '/abc', '2.1', status=404)
    assert resp['itemNotFound']['message'] == \
        "Hypervisor with ID 'abc' could not be found."
    resp = _get(stack, '/999', '2.52', status=404)
    assert resp['itemNotFound']['message'] == \
        "Hypervisor with ID '999' could not be found."
    resp = _get(stack, '/1', '2.53', status=400)
    assert resp['badRequest']['message'] == 'Invalid uuid 1'
    missing = str(uuid.uuid4())
    resp = _get(stack, '/%s' % missing, '2.53', status=404)
    assert resp['itemNotFound']['message'] == \
        "Hypervisor with ID '%s' could not be found." % missing
    resp = _get(stack, '/nowhere/search', '2.1', status=404)
    assert resp['itemNotFound']['message'] == \
        "No hypervisor matching 'nowhere' could be found."
    assert len(_get(stack, '/compute/search', '2.1')['hypervisors']) == 2
    _get(stack, '/compute/search', '2.53', status=404)
    resp = _get(stack, '?hypervisor_hostname_pattern=nowhere', '2.53',
                status=404)
    assert resp['itemNotFound']['message'] == \
        "No hypervisor matching 'nowhere' could be found."
    resp = _get(stack, '?hypervisor_hostname_pattern=compute&limit=1',
                '2.53', status=400)
    assert resp['badRequest']['message'] == (
        'Paging over hypervisors with the hypervisor_hostname_pattern '
        'query parameter is not supported.')
    _get(stack, '?unknown=1', '2.53', status=400)
    _get(stack, '?with_servers=maybe', '2.53', status=400)


def test_paging_from_2_33(stack):
    first = _get(stack, '?limit=1', '2.33')
    assert len(first['hypervisors']) == 1
    link = first['hypervisors_links'][0]
    assert link['rel'] == 'next'
    assert 'marker=%s' % first['hypervisors'][0]['id'] in link['href']
    rest = _get(stack, '?marker=%s' % first['hypervisors'][0]['id'], '2.33')
    assert [h['id'] for h in rest['hypervisors']] != \
        [first['hypervisors'][0]['id']]
    resp = _get(stack, '?marker=99999', '2.33', status=400)
    assert resp['badRequest']['message'] == 'marker [99999] not found'
    assert 'hypervisors_links' not in _get(stack, '?limit=1', '2.32')


@pytest.mark.parametrize('path', ['', '/detail', '/statistics'])
def test_administrators_only(stack, path):
    resp = stack.request('GET', '/v2.1/os-hypervisors' + path)
    assert resp.status_code == 403
    rule = {'': 'list', '/detail': 'list-detail',
            '/statistics': 'statistics'}[path]
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-hypervisors:%s to be "
        "performed." % rule)


def test_deleted_compute_service_takes_its_hypervisor(stack):
    stack.add_compute('spare9')
    svc = stack.extra_services.pop()
    names = [h['hypervisor_hostname'] for h in _get(stack, '')['hypervisors']]
    assert 'spare9' in names
    services = stack.request('GET', '/v2.1/os-services?host=spare9',
                             token=ADMIN, version='2.53').json()['services']
    service_id = services[0]['id']
    resp = stack.request('PUT', '/v2.1/os-services/%s' % service_id,
                         token=ADMIN, version='2.53',
                         json={'forced_down': True})
    assert resp.status_code == 200, resp.text
    svc.stop()
    resp = stack.request('DELETE', '/v2.1/os-services/%s' % service_id,
                         token=ADMIN, version='2.53')
    assert resp.status_code == 204, resp.text
    names = [h['hypervisor_hostname'] for h in _get(stack, '')['hypervisors']]
    assert 'spare9' not in names
    ctx = nl_context.get_admin_context()
    cell = [c for c in cell_mapping.get_all_cells(ctx) if not c.is_cell0][0]
    assert compute_node_obj.get_by_host(
        nl_context.target_cell(ctx, cell), 'spare9') == []
