"""Server diagnostics (the driver's dict before 2.48, the standard format
from 2.48) over RPC to the compute host, and os-server-password."""

import jsonschema
import pytest

from nova_lite.api.schemas import admin_responses as ar
from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('diagnostics'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


@pytest.fixture(scope='module')
def server_id(stack):
    body = {'server': {'name': 'diag', 'flavorRef': '3', 'imageRef': IMAGE,
                       'networks': 'none'}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.37')
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _diagnostics(stack, server_id, version=None, token=ADMIN):
    return stack.request('GET', '/v2.1/servers/%s/diagnostics' % server_id,
                         token=token, version=version)


def test_driver_dict_before_2_48(stack, server_id):
    resp = _diagnostics(stack, server_id, '2.47')
    assert resp.status_code == 200, resp.text
    body = resp.json()
    # m1.medium: two vCPUs, 4096 MiB.
    assert sorted(k for k in body if k.endswith('_time')) == [
        'cpu0_time', 'cpu1_time']
    assert body['memory'] == 4096 * 1024
    assert {'vda_read', 'vda_write', 'vda_errors', 'vda_read_req',
            'vda_write_req'} <= set(body)


def test_standard_format_from_2_48(stack, server_id):
    resp = _diagnostics(stack, server_id, '2.48')
    assert resp.status_code == 200, resp.text
    body = resp.json()
    jsonschema.validate(body, ar.diagnostics('2.48'))
    assert (body['state'], body['driver'], body['num_cpus'],
            body['num_disks'], body['num_nics']) == ('running', 'libvirt',
                                                     2, 1, 0)
    assert body['memory_details'] == {'maximum': 4096, 'used': 0}
    assert [c['id'] for c in body['cpu_details']] == [0, 1]
    assert body['config_drive'] is False
    assert body['uptime'] >= 0


def test_policy_and_visibility(stack, server_id):
    resp = _diagnostics(stack, server_id, token='demo:demo')
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-server-diagnostics to be "
        "performed.")
    resp = _diagnostics(stack, '00000000-0000-0000-0000-000000000000')
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == (
        'Instance 00000000-0000-0000-0000-000000000000 could not be found.')


def test_server_password(stack, server_id):
    path = '/v2.1/servers/%s/os-server-password' % server_id
    resp = stack.request('GET', path)
    assert resp.status_code == 200
    assert resp.json() == {'password': ''}
    jsonschema.validate(resp.json(), ar.server_password('2.1'))
    resp = stack.request('DELETE', path)
    assert resp.status_code == 204 and resp.content == b''
    resp = stack.request('GET', path, token='bob:other')
    assert resp.status_code == 404
    resp = stack.request('DELETE', path, token='rita:demo',
                         headers={'X-Roles': 'reader'})
    assert resp.status_code == 403
    assert resp.json()['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-server-password:clear to be "
        "performed.")
    resp = stack.request('GET', path + '?bogus=1', version='2.102')
    assert resp.status_code == 400


def test_stopped_server_has_no_diagnostics(stack):
    body = {'server': {'name': 'off', 'flavorRef': '1', 'imageRef': IMAGE,
                       'networks': 'none'}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.37')
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    stack.request('POST', '/v2.1/servers/%s/action' % sid,
                  json={'os-stop': None})
    stack.wait_for_server(sid, 'SHUTOFF')
    for version in ('2.1', '2.48'):
        resp = _diagnostics(stack, sid, version)
        assert resp.status_code == 409, resp.text
        assert resp.json()['conflictingRequest']['message'] == (
            "Cannot 'get_diagnostics' instance %s while it is in power "
            "state shutdown" % sid)
