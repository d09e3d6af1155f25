"""python-novaclient and openstacksdk drive the all-in-one over HTTP."""

import time

from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from novaclient import client as nova_client
from novaclient import exceptions as nova_exc
import openstack
import pytest

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'

# Fields whose presence depends on the microversion.
ONLY_FROM = {'locked': '2.9', 'description': '2.19', 'tags': '2.26',
             'locked_reason': '2.73', 'host_status': '2.16'}


def _ge(version, minimum):
    return tuple(map(int, version.split('.'))) >= \
        tuple(map(int, minimum.split('.')))


def _nova(stack, version, token='demo:demo'):
    endpoint = stack.base + '/v2.1'
    sess = ks_session.Session(auth=token_endpoint.Token(endpoint, token))
    return nova_client.Client(version, session=sess,
                              endpoint_override=endpoint)


def _wait(get, status, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = get()
        if server.status == status and \
                getattr(server, 'OS-EXT-STS:task_state', None) is None:
            return server
        time.sleep(0.05)
    raise AssertionError('never reached %s' % status)


@pytest.mark.parametrize('version', ['2.1', '2.60', '2.89'])
def test_novaclient_lifecycle(stack, version):
    nova = _nova(stack, version)
    kwargs = {'nics': 'none'} if _ge(version, '2.37') else {}
    server = nova.servers.create('nc-vm', IMAGE, '1', **kwargs)
    server = _wait(lambda: nova.servers.get(server.id), 'ACTIVE')
    fields = server.to_dict()
    for field, since in ONLY_FROM.items():
        if field == 'host_status':
            continue  # admin only
        assert (field in fields) == _ge(version, since), field
    assert [s.id for s in nova.servers.list()] == [server.id]
    assert nova.servers.list(search_opts={'name': 'nc-'})[0].name == 'nc-vm'
    nova.servers.stop(server)
    _wait(lambda: nova.servers.get(server.id), 'SHUTOFF')
    with pytest.raises(nova_exc.Conflict) as err:
        nova.servers.stop(server)
    assert "while it is in vm_state stopped" in str(err.value)
    nova.servers.start(server)
    _wait(lambda: nova.servers.get(server.id), 'ACTIVE')
    stack.conf.set_override('shelved_offload_time', -1, group='compute')
    nova.servers.shelve(server)
    _wait(lambda: nova.servers.get(server.id), 'SHELVED')
    # shelveOffload is for administrators by default.
    with pytest.raises(nova_exc.Forbidden):
        nova.servers.shelve_offload(server)
    admin = _nova(stack, version, token='admin:admin')
    admin.servers.shelve_offload(server)
    _wait(lambda: nova.servers.get(server.id), 'SHELVED_OFFLOADED')
    nova.servers.unshelve(server)
    _wait(lambda: nova.servers.get(server.id), 'ACTIVE')
    shown = admin.servers.get(server.id).to_dict()
    assert shown['OS-EXT-SRV-ATTR:host'] == 'compute1'
    assert ('host_status' in shown) == _ge(version, '2.16')
    nova.servers.delete(server)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            nova.servers.get(server.id)
        except nova_exc.NotFound:
            break
        time.sleep(0.05)
    else:
        raise AssertionError('server was not deleted')


def test_novaclient_discovers_latest(stack):
    from novaclient import api_versions
    nova = _nova(stack, '2.1')
    version = api_versions.discover_version(nova, api_versions.APIVersion(
        '2.latest'))
    assert version.get_string() == '2.89'


@pytest.mark.parametrize('version', ['2.1', '2.60', '2.89'])
def test_openstacksdk_lifecycle(stack, version):
    endpoint = stack.base + '/v2.1'
    conn = openstack.connect(
        auth_type='admin_token',
        auth={'endpoint': endpoint, 'token': 'demo:demo'},
        compute_endpoint_override=endpoint, compute_api_version=version,
        load_yaml_config=False, load_envvars=False)
    kwargs = {'networks': 'none'} if _ge(version, '2.37') else {}
    server = conn.compute.create_server(name='sdk-vm', flavor_id='1',
                                        image_id=IMAGE, **kwargs)
    server = conn.compute.wait_for_server(server, status='ACTIVE', wait=15,
                                          interval=0.1)
    assert server.name == 'sdk-vm'
    assert server.flavor is not None
    if _ge(version, '2.9'):
        assert server.is_locked is False
    names = [s.name for s in conn.compute.servers()]
    assert names == ['sdk-vm']
    conn.compute.stop_server(server)
    conn.compute.wait_for_server(server, status='SHUTOFF', wait=15,
                                 interval=0.1)
    conn.compute.start_server(server)
    conn.compute.wait_for_server(server, status='ACTIVE', wait=15,
                                 interval=0.1)
    conn.compute.shelve_server(server)
    conn.compute.wait_for_server(server, status='SHELVED_OFFLOADED',
                                 wait=15, interval=0.1)
    conn.compute.unshelve_server(server)
    conn.compute.wait_for_server(server, status='ACTIVE', wait=15,
                                 interval=0.1)
    got = conn.compute.get_server(server.id)
    assert got.id == server.id
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=15, interval=0.1)
