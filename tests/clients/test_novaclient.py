"""python-novaclient: the ``nova`` CLI and the Python API.

The CLI without Keystone as the README shows it: ``OS_AUTH_TYPE=none`` in
the environment and ``--os-endpoint-override``; the Python API on a
keystoneauth session with a token endpoint (``user:project``).
"""

import os
import time
import uuid

from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from novaclient import api_versions
from novaclient import client as nova_client
from novaclient import exceptions as nova_exc
import pytest

from tests.clients.conftest import ERROR_NAMES
from tests.clients.conftest import IMAGE
from tests.clients.conftest import run
from tests.clients.conftest import wait_for

# Fields whose presence depends on the microversion.
ONLY_FROM = {'locked': '2.9', 'description': '2.19', 'tags': '2.26',
             'locked_reason': '2.73'}


def _ge(version, minimum):
    return tuple(map(int, version.split('.'))) >= \
        tuple(map(int, minimum.split('.')))


# keystoneauth's "none" plugin sends the token "notused": under noauth2
# the CLI's requests are those of user and project "notused".
CLI_TOKEN = 'notused'


def _error(out):
    """What the CLI printed on stderr after its deprecation notice."""
    lines = out.stderr.splitlines()
    assert lines[0] == ('nova CLI is deprecated and will be removed in a '
                        'future release'), out.stderr
    return '\n'.join(lines[1:])


@pytest.fixture(scope='module')
def nova_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(OS_AUTH_TYPE='none', OS_USERNAME='demo', OS_PROJECT_ID='demo',
               OS_AUTH_URL='http://127.0.0.1:1/unused')
    return env


def _cli(aio, env, *args, ok=True):
    out = run(('nova', '--os-endpoint-override', aio.base + '/v2.1') + args,
              env=env)
    if ok:
        assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out


def _field(table, name):
    """A value from the Property | Value table the CLI prints."""
    for line in table.splitlines():
        cells = [c.strip() for c in line.split('|')]
        if len(cells) > 2 and cells[1] == name:
            return cells[2]
    raise AssertionError('%s not in %s' % (name, table))


def _status(aio, server_id):
    server = aio.request('GET', '/v2.1/servers/%s' % server_id).json().get(
        'server', {})
    return None if server.get('OS-EXT-STS:task_state') else \
        server.get('status')


def _volume(aio, name, multiattach=True, image=None, token='demo:demo'):
    body = {'size': 1, 'name': name}
    if multiattach:
        body['volume_type'] = 'multiattach'
    if image:
        body['imageRef'] = image
    made = aio.volume_request('POST', '/v3/volumes', token=token,
                              json={'volume': body})
    assert made.status_code == 202, made.text
    volume_id = made.json()['volume']['id']
    wait_for(lambda: _volume_status(aio, volume_id), 'available')
    return volume_id


def _volume_status(aio, volume_id):
    return aio.volume_request('GET', '/v3/volumes/%s' % volume_id).json()[
        'volume']['status']


def _volume_servers(aio, volume_id):
    body = aio.volume_request('GET', '/v3/volumes/%s' % volume_id).json()
    return sorted(a['server_id'] for a in body['volume']['attachments'])


# ------------------------------------------------------------- nova CLI ---

def test_cli_negotiation(aio, nova_env):
    for flag, expected in ((('--os-compute-api-version', '2.60'), '2.60'),
                           ((), '2.96'),
                           (('--os-compute-api-version', '2.latest'),
                            '2.96')):
        mark = aio.mark()
        _cli(aio, nova_env, *(flag + ('list',)))
        assert set(aio.compute_versions(mark)) == {expected}, flag
    mark = aio.mark()
    above = _cli(aio, nova_env, '--os-compute-api-version', '2.97', 'list',
                 ok=False)
    assert above.returncode == 1
    # Past novaclient's own maximum (2.96, below the server's 2.104).
    assert ("ERROR (CommandError): The specified version isn't "
            "supported by client. The valid version range is '2.1' to "
            "'2.96'") in _error(above), above.stderr
    assert aio.compute_versions(mark) == []


def test_cli_lifecycle_and_multiattach(aio, nova_env):
    env = nova_env
    vol = _volume(aio, 'nova-vol', image=IMAGE, token=CLI_TOKEN)

    def cli(*args, **kwargs):
        return _cli(aio, env, '--os-compute-api-version', '2.60', *args,
                    **kwargs)

    # Boot from the multiattach volume (novaclient sends boot_index as a
    # string), and a second server from the image.
    booted = cli('boot', '--flavor', '1', '--nic', 'none', '--block-device',
                 'source=volume,id=%s,dest=volume,bootindex=0' % vol,
                 'nova-vm1')
    vm1 = _field(booted.stdout, 'id')
    booted = cli('boot', '--flavor', '1', '--image', IMAGE, '--nic', 'none',
                 '--poll', 'nova-vm2')
    vm2 = _field(booted.stdout, 'id')
    wait_for(lambda: _status(aio, vm1), 'ACTIVE')
    assert _status(aio, vm2) == 'ACTIVE'
    shown = cli('show', 'nova-vm1').stdout
    assert _field(shown, 'status') == 'ACTIVE'
    assert _field(shown, 'os-extended-volumes:volumes_attached') == \
        '[{"id": "%s", "delete_on_termination": false}]' % vol
    listed = cli('list').stdout
    assert listed.count(' ACTIVE ') == 2
    assert 'nova-vm1' in listed and 'nova-vm2' in listed

    # 2.59 with a multiattach volume: nova's 400, as the CLI prints it.
    mark = aio.mark()
    old = _cli(aio, env, '--os-compute-api-version', '2.59',
               'volume-attach', 'nova-vm2', vol, ok=False)
    assert old.returncode == 1
    assert _error(old).startswith(
        'ERROR (BadRequest): Multiattach volumes are only supported starting '
        'with compute API version 2.60. (HTTP 400) (Request-ID: req-'), \
        old.stderr
    assert aio.compute_versions(mark, 'POST') == ['2.59']
    # A volume that does not exist: nova's 404.
    missing = str(uuid.uuid4())
    nope = cli('volume-attach', 'nova-vm2', missing, ok=False)
    assert nope.returncode == 1
    assert _error(nope).startswith(
        'ERROR (NotFound): Volume %s could not be found. (HTTP 404) '
        '(Request-ID: req-' % missing), nope.stderr

    attached = cli('volume-attach', 'nova-vm2', vol).stdout
    assert _field(attached, 'volumeId') == vol
    assert _field(attached, 'serverId') == vm2
    assert _field(attached, 'device') == '/dev/vdb'
    wait_for(lambda: _volume_servers(aio, vol), sorted([vm1, vm2]))
    for name, device in (('nova-vm1', '/dev/vda'), ('nova-vm2', '/dev/vdb')):
        table = cli('volume-attachments', name).stdout
        assert vol in table and device in table, table

    cli('stop', 'nova-vm2')
    wait_for(lambda: _status(aio, vm2), 'SHUTOFF')
    cli('start', 'nova-vm2')
    wait_for(lambda: _status(aio, vm2), 'ACTIVE')
    cli('reboot', '--poll', 'nova-vm2')

    cli('volume-detach', 'nova-vm2', vol)
    wait_for(lambda: _volume_servers(aio, vol), [vm1])
    cli('delete', 'nova-vm1', 'nova-vm2')
    wait_for(lambda: _status(aio, vm1), None)
    wait_for(lambda: _status(aio, vm2), None)
    wait_for(lambda: _volume_status(aio, vol), 'available')
    aio.volume_request('DELETE', '/v3/volumes/%s' % vol, token=CLI_TOKEN)


def test_cli_attach_to_server_in_error(aio, nova_env):
    vol = _volume(aio, 'nova-vol-err', multiattach=False, token=CLI_TOKEN)
    booted = _cli(aio, nova_env, 'boot', '--flavor', '1', '--image', IMAGE,
                  '--nic', 'none', 'nova-err')
    server = _field(booted.stdout, 'id')
    wait_for(lambda: _status(aio, server), 'ERROR')
    refused = _cli(aio, nova_env, 'volume-attach', 'nova-err', vol, ok=False)
    assert refused.returncode == 1
    assert _error(refused).startswith(
        "ERROR (Conflict): Cannot 'attach_volume' instance %s while it is "
        "in vm_state error (HTTP 409) (Request-ID: req-" % server), \
        refused.stderr
    _cli(aio, nova_env, 'delete', 'nova-err')
    wait_for(lambda: _status(aio, server), None)
    aio.volume_request('DELETE', '/v3/volumes/%s' % vol, token=CLI_TOKEN)


# ----------------------------------------------------------- Python API ---

def _nova(aio, version, token='demo:demo'):
    endpoint = aio.base + '/v2.1'
    sess = ks_session.Session(auth=token_endpoint.Token(endpoint, token))
    return nova_client.Client(version, session=sess,
                              endpoint_override=endpoint)


def _wait(get, status, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = get()
        if server.status == status and \
                getattr(server, 'OS-EXT-STS:task_state', None) is None:
            return server
        time.sleep(0.05)
    raise AssertionError('never reached %s' % status)


def test_python_negotiation(aio):
    nova = _nova(aio, '2.1')
    mark = aio.mark()
    latest = api_versions.discover_version(nova, api_versions.APIVersion(
        '2.latest'))
    # novaclient knows versions up to 2.96.
    assert latest.get_string() == '2.96'
    # A pinned client makes no discovery request; it sends its version.
    mark = aio.mark()
    assert _nova(aio, '2.60').flavors.list()
    assert aio.requests_since(mark)[0][:2] == ('GET', '/v2.1/flavors/detail')
    assert set(aio.compute_versions(mark)) == {'2.60'}
    # Past novaclient's own maximum (2.96, below the server's 2.104): the
    # client refuses before it asks anything.
    mark = aio.mark()
    with pytest.raises(nova_exc.UnsupportedVersion) as err:
        _nova(aio, '2.97')
    assert "Max version supported is 'API Version Major: 2, Minor: 96'" \
        in str(err.value), str(err.value)
    assert aio.compute_versions(mark) == []


@pytest.mark.parametrize('version', ['2.1', '2.60', '2.89'])
def test_python_lifecycle(aio, version):
    nova = _nova(aio, version)
    kwargs = {'nics': 'none'} if _ge(version, '2.37') else {}
    name = 'nc-vm-%s' % version
    server = nova.servers.create(name, IMAGE, '1', **kwargs)
    server = _wait(lambda: nova.servers.get(server.id), 'ACTIVE')
    fields = server.to_dict()
    for field, since in ONLY_FROM.items():
        assert (field in fields) == _ge(version, since), field
    assert [s.name for s in nova.servers.list(
        search_opts={'name': name})] == [name]
    nova.servers.stop(server)
    _wait(lambda: nova.servers.get(server.id), 'SHUTOFF')
    with pytest.raises(nova_exc.Conflict) as err:
        nova.servers.stop(server)
    assert "while it is in vm_state stopped" in str(err.value)
    nova.servers.start(server)
    _wait(lambda: nova.servers.get(server.id), 'ACTIVE')
    nova.servers.reboot(server)
    _wait(lambda: nova.servers.get(server.id), 'ACTIVE')
    nova.servers.shelve(server)
    _wait(lambda: nova.servers.get(server.id), 'SHELVED_OFFLOADED')
    nova.servers.unshelve(server)
    _wait(lambda: nova.servers.get(server.id), 'ACTIVE')
    admin = _nova(aio, version, token='admin:admin')
    shown = admin.servers.get(server.id).to_dict()
    assert shown['OS-EXT-SRV-ATTR:host'] == 'compute1'
    assert ('host_status' in shown) == _ge(version, '2.16')
    nova.servers.delete(server)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            nova.servers.get(server.id)
        except nova_exc.NotFound:
            break
        time.sleep(0.05)
    else:
        raise AssertionError('server was not deleted')


def test_python_multiattach(aio):
    nova = _nova(aio, '2.60')
    vol = _volume(aio, 'nc-vol', image=IMAGE)
    vm1 = nova.servers.create('nc-ma1', '', '1', nics='none',
                              block_device_mapping_v2=[{
                                  'uuid': vol, 'source_type': 'volume',
                                  'destination_type': 'volume',
                                  'boot_index': '0'}])
    vm2 = nova.servers.create('nc-ma2', IMAGE, '1', nics='none')
    _wait(lambda: nova.servers.get(vm1.id), 'ACTIVE')
    _wait(lambda: nova.servers.get(vm2.id), 'ACTIVE')

    with pytest.raises(nova_exc.BadRequest) as err:
        _nova(aio, '2.59').volumes.create_server_volume(vm2.id, vol)
    assert str(err.value).startswith(
        'Multiattach volumes are only supported starting with compute API '
        'version 2.60. (HTTP 400)'), str(err.value)
    with pytest.raises(nova_exc.NotFound) as err:
        nova.volumes.create_server_volume(vm2.id, 'f' * 8 + str(vol)[8:])
    assert 'could not be found. (HTTP 404)' in str(err.value)

    attachment = nova.volumes.create_server_volume(vm2.id, vol)
    assert (attachment.volumeId, attachment.serverId) == (vol, vm2.id)
    wait_for(lambda: _volume_servers(aio, vol), sorted([vm1.id, vm2.id]))
    assert [(a.volumeId, a.device) for a in
            nova.volumes.get_server_volumes(vm1.id)] == [(vol, '/dev/vda')]
    assert [(a.volumeId, a.device) for a in
            nova.volumes.get_server_volumes(vm2.id)] == [(vol, '/dev/vdb')]
    at89 = _nova(aio, '2.89').volumes.get_server_volume(vm2.id, vol)
    assert at89.attachment_id and at89.bdm_uuid

    nova.volumes.delete_server_volume(vm2.id, vol)
    wait_for(lambda: _volume_servers(aio, vol), [vm1.id])
    assert nova.volumes.get_server_volumes(vm2.id) == []
    for server in (vm1, vm2):
        nova.servers.delete(server)
    wait_for(lambda: _status(aio, vm1.id), None)
    wait_for(lambda: _status(aio, vm2.id), None)
    wait_for(lambda: _volume_status(aio, vol), 'available')
    aio.volume_request('DELETE', '/v3/volumes/%s' % vol, token='demo:demo')


def test_python_attach_to_server_in_error(aio):
    nova = _nova(aio, '2.60')
    assert 'nova-err-py' in ERROR_NAMES
    vol = _volume(aio, 'nc-vol-err', multiattach=False)
    server = nova.servers.create('nova-err-py', IMAGE, '1', nics='none')
    _wait(lambda: nova.servers.get(server.id), 'ERROR')
    with pytest.raises(nova_exc.Conflict) as err:
        nova.volumes.create_server_volume(server.id, vol)
    assert str(err.value).startswith(
        "Cannot 'attach_volume' instance %s while it is in vm_state error "
        "(HTTP 409)" % server.id), str(err.value)
    nova.servers.delete(server)
    wait_for(lambda: _status(aio, server.id), None)
    aio.volume_request('DELETE', '/v3/volumes/%s' % vol, token='demo:demo')
