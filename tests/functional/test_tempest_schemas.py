"""tempest's own compute clients drive the stack and validate every
response against tempest's strict per-microversion schemas."""

import time
import types

import pytest
from tempest.lib import exceptions as lib_exc
from tempest.lib.services.compute import base_compute_client
from tempest.lib.services.compute import flavors_client
from tempest.lib.services.compute import servers_client
from tempest.lib.services.compute import versions_client

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
VERSIONS = ['2.1', '2.3', '2.9', '2.16', '2.19', '2.26', '2.47', '2.60',
            '2.63', '2.71', '2.73', '2.75', '2.79', '2.89', '2.90', '2.96',
            '2.98', '2.100', '2.102', '2.104']


class _AuthProvider:
    """tempest's auth provider interface, answered with a noauth2 token."""

    def __init__(self, base, token):
        self.base = base
        self.token = token
        user, _sep, project = token.partition(':')
        self.credentials = types.SimpleNamespace(
            username=user, user_id=user, tenant_name=project,
            tenant_id=project, project_id=project, password=None)

    def auth_request(self, method, url, headers=None, body=None,
                     filters=None):
        headers = dict(headers or {})
        headers['X-Auth-Token'] = self.token
        if not url.startswith('http'):
            url = self.base + '/' + url.lstrip('/')
        return url, headers, body

    def base_url(self, filters, auth_data=None):
        return self.base

    def get_token(self):
        return self.token

    def set_alt_auth_data(self, *args, **kwargs):
        pass

    def reset_alt_auth_data(self):
        pass


def _clients(stack, token='demo:demo'):
    auth = _AuthProvider(stack.base + '/v2.1', token)
    servers = servers_client.ServersClient(auth, 'compute', 'RegionOne')
    flavors = flavors_client.FlavorsClient(auth, 'compute', 'RegionOne')
    return servers, flavors


def _wait(servers, server_id, status):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        server = servers.show_server(server_id)['server']
        if server['status'] == status and \
                server['OS-EXT-STS:task_state'] is None:
            return server
        time.sleep(0.05)
    raise AssertionError('%s never reached %s' % (server_id, status))


@pytest.fixture
def at_version():
    def _set(version):
        base_compute_client.COMPUTE_MICROVERSION = version
    yield _set
    base_compute_client.COMPUTE_MICROVERSION = None


@pytest.mark.parametrize('version', VERSIONS)
@pytest.mark.parametrize('token', ['demo:demo', 'admin:admin'])
def test_servers_match_tempest_schemas(stack, at_version, version, token):
    at_version(version)
    servers, flavors = _clients(stack, token)
    major_minor = tuple(int(p) for p in version.split('.'))
    kwargs = {'networks': 'none'} if major_minor >= (2, 37) else {}
    created = servers.create_server(name='t1', flavorRef='1',
                                    imageRef=IMAGE, **kwargs)['server']
    sid = created['id']
    # Validated while building, then active.
    servers.show_server(sid)
    servers.list_servers(detail=True)
    _wait(servers, sid, 'ACTIVE')
    servers.list_servers()
    servers.list_servers(detail=True, limit=1)
    servers.update_server(sid, name='t1-renamed')
    servers.stop_server(sid)
    _wait(servers, sid, 'SHUTOFF')
    servers.start_server(sid)
    _wait(servers, sid, 'ACTIVE')
    servers.reboot_server(sid, type='HARD')
    _wait(servers, sid, 'ACTIVE')
    flavors.list_flavors()
    flavors.list_flavors(detail=True)
    flavors.show_flavor('1')
    servers.delete_server(sid)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            servers.show_server(sid)
        except lib_exc.NotFound:
            break
        time.sleep(0.05)
    else:
        raise AssertionError('server %s was not deleted' % sid)


def test_versions_match_tempest_schemas(stack):
    auth = _AuthProvider(stack.base + '/v2.1', 'demo:demo')
    client = versions_client.VersionsClient(auth, 'compute', 'RegionOne')
    client.list_versions()
    client.get_version_by_url(stack.base + '/v2.1')


@pytest.mark.parametrize('version', ['2.1', '2.11', '2.53', '2.69', '2.89'])
def test_services_match_tempest_schemas(stack, at_version, version):
    from tempest.lib.services.compute import services_client
    at_version(version)
    auth = _AuthProvider(stack.base + '/v2.1', 'admin:admin')
    client = services_client.ServicesClient(auth, 'compute', 'RegionOne')
    services = client.list_services()['services']
    client.list_services(binary='nova-compute', host='compute1')
    compute = [s for s in services if s['binary'] == 'nova-compute'][0]
    if version == '2.1':
        client.disable_service(host='compute1', binary='nova-compute')
        client.disable_log_reason(host='compute1', binary='nova-compute',
                                  disabled_reason='x')
        client.enable_service(host='compute1', binary='nova-compute')
    elif version == '2.11':
        client.update_forced_down(host='compute1', binary='nova-compute',
                                  forced_down=True)
        client.update_forced_down(host='compute1', binary='nova-compute',
                                  forced_down=False)
    else:
        client.update_service(compute['id'], status='disabled',
                              disabled_reason='maintenance')
        client.update_service(compute['id'], status='enabled')


ATTACH_VERSIONS = ['2.1', '2.20', '2.49', '2.60', '2.70', '2.79', '2.85',
                   '2.89', '2.100', '2.101', '2.104']


def _ge(version, minimum):
    return tuple(int(p) for p in version.split('.')) >= \
        tuple(int(p) for p in minimum.split('.'))


@pytest.mark.parametrize('version', ATTACH_VERSIONS)
def test_volume_attachments_match_tempest_schemas(stack, at_version,
                                                  version):
    stack.volume_request('POST', '/v3/types', token='admin:admin', json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    made = stack.volume_request('POST', '/v3/volumes', json={'volume': {
        'size': 1, 'volume_type': 'multiattach'}}).json()['volume']
    stack.wait_for_volume(made['id'], 'available')
    at_version(version)
    servers, _flavors = _clients(stack)
    extra = {'networks': 'none'} if _ge(version, '2.37') else {}
    server_id = servers.create_server(name='att', imageRef=IMAGE,
                                      flavorRef='1', **extra)['server']['id']
    _wait(servers, server_id, 'ACTIVE')
    kwargs = {'volumeId': made['id']}
    if _ge(version, '2.49'):
        kwargs['tag'] = 'data'
    if _ge(version, '2.79'):
        kwargs['delete_on_termination'] = False
    if not _ge(version, '2.60'):
        # A multiattach volume needs 2.60; tempest's client sees the 400.
        with pytest.raises(lib_exc.BadRequest):
            servers.attach_volume(server_id, **kwargs)
        return
    if _ge(version, '2.101'):
        # 202 without a body: tempest's client reads the body as JSON, so
        # the attach goes straight over HTTP.
        resp = stack.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % server_id,
            version=version, json={'volumeAttachment': kwargs})
        assert resp.status_code == 202 and resp.content == b'', resp.text
    else:
        attached = servers.attach_volume(server_id, **kwargs)[
            'volumeAttachment']
        assert attached['volumeId'] == made['id']
    stack.wait_for_volume(made['id'], 'in-use')
    (listed,) = servers.list_volume_attachments(server_id)[
        'volumeAttachments']
    assert listed['volumeId'] == made['id']
    servers.show_volume_attachment(server_id, made['id'])
    if _ge(version, '2.85'):
        servers.update_attached_volume(server_id, made['id'],
                                       volumeId=made['id'],
                                       delete_on_termination=True)
    servers.detach_volume(server_id, made['id'])
    servers.delete_server(server_id)
