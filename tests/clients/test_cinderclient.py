"""python-cinderclient against the built-in block storage: the ``cinder``
CLI (cinderclient's own ``noauth`` plugin) and the Python API.

The servers the volumes are attached to are made over HTTP at 2.60; the
block storage's side of multi-attach (the volume's attachments, the
attachments API) is read with cinderclient.
"""

import os
import time
import uuid

from cinderclient import client as cinder_client
from cinderclient import exceptions as cinder_exc
from keystoneauth1 import session
from keystoneauth1 import token_endpoint
import pytest

from tests.clients.conftest import IMAGE
from tests.clients.conftest import run
from tests.clients.conftest import wait_for


@pytest.fixture(scope='module')
def cinder_env():
    return {k: v for k, v in os.environ.items() if not k.startswith('OS_')}


def _cli(aio, env, *args, ok=True, user='demo'):
    out = run(('cinder', '--os-auth-type', 'noauth', '--os-user-id', user,
               '--os-project-id', user, '--os-endpoint',
               aio.volume_base + '/v3') + args, env=env)
    if ok:
        assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out


def _field(table, name):
    for line in table.splitlines():
        cells = [c.strip() for c in line.split('|')]
        if len(cells) > 2 and cells[1] == name:
            return cells[2]
    raise AssertionError('%s not in %s' % (name, table))


def _volume_versions(aio, mark):
    return [version for method, uri, status, version
            in aio.requests_since(mark) if uri.startswith('/v3/')]


def _server(aio, name, **extra):
    body = {'server': dict({'name': name, 'flavorRef': '1',
                            'imageRef': IMAGE, 'networks': 'none'}, **extra)}
    made = aio.request('POST', '/v2.1/servers', token='demo:demo', json=body)
    assert made.status_code == 202, made.text
    server_id = made.json()['server']['id']
    wait_for(lambda: aio.request('GET', '/v2.1/servers/%s' % server_id)
             .json()['server']['status'], 'ACTIVE')
    return server_id


def _delete_servers(aio, *servers):
    for server in servers:
        aio.request('DELETE', '/v2.1/servers/%s' % server, token='demo:demo')
    for server in servers:
        wait_for(lambda: aio.request('GET', '/v2.1/servers/%s' % server)
                 .status_code, 404)


def _python(aio, version='3.60', token='demo:demo'):
    endpoint = aio.volume_base + '/v3'
    sess = session.Session(auth=token_endpoint.Token(endpoint, token))
    return cinder_client.Client(version, session=sess,
                                endpoint_override=endpoint)


def test_cli_negotiation(aio, cinder_env):
    for flag, expected in ((('--os-volume-api-version', '3.60'), '3.60'),
                           ((), '3.71')):
        mark = aio.mark()
        _cli(aio, cinder_env, *(flag + ('list',)))
        versions = _volume_versions(aio, mark)
        assert versions and set(versions) == {expected}, (flag, versions)
    latest = _cli(aio, cinder_env, '--os-volume-api-version', '3.latest',
                  'list', ok=False)
    assert latest.returncode == 1
    assert latest.stderr == 'ERROR: The version should be explicit, not ' \
        'latest.\n'
    above = _cli(aio, cinder_env, '--os-volume-api-version', '3.72', 'list',
                 ok=False)
    # Above the client's maximum (ours too): the CLI warns and downgrades.
    mark = aio.mark()
    above = _cli(aio, cinder_env, '--os-volume-api-version', '3.72', 'list')
    assert above.stderr == (
        'WARNING:cinderclient.shell:API version 3.72 requested, \n'
        'WARNING:cinderclient.shell:downgrading to 3.71 based on server '
        'support.\n')
    assert set(_volume_versions(aio, mark)) == {'3.71'}


def test_cli_multiattach(aio, cinder_env):
    env = cinder_env
    made = _cli(aio, env, 'create', '--volume-type', 'multiattach',
                '--image', IMAGE, '--name', 'cinder-vol', '1').stdout
    vol = _field(made, 'id')
    assert _field(made, 'multiattach') == 'True'
    wait_for(lambda: _field(_cli(aio, env, 'show', vol).stdout, 'status'),
             'available', interval=0.5)
    vm1 = _server(aio, 'cinder-vm1', imageRef='', block_device_mapping_v2=[{
        'uuid': vol, 'source_type': 'volume', 'destination_type': 'volume',
        'boot_index': 0}])
    vm2 = _server(aio, 'cinder-vm2')
    attached = aio.request('POST', '/v2.1/servers/%s/os-volume_attachments'
                           % vm2, token='demo:demo',
                           json={'volumeAttachment': {'volumeId': vol}})
    assert attached.status_code == 200, attached.text
    wait_for(lambda: len(aio.volume_request('GET', '/v3/volumes/%s' % vol)
                         .json()['volume']['attachments']), 2)

    shown = _cli(aio, env, 'show', vol).stdout
    assert _field(shown, 'status') == 'in-use'
    assert _field(shown, 'multiattach') == 'True'
    assert _field(shown, 'attached_servers') in (
        str([vm1, vm2]), str([vm2, vm1]))
    listed = _cli(aio, env, '--os-volume-api-version', '3.27',
                  'attachment-list', '--volume-id', vol).stdout
    rows = [[c.strip() for c in line.split('|')[1:-1]]
            for line in listed.splitlines() if line.startswith('| ')]
    assert rows[0] == ['ID', 'Volume ID', 'Status', 'Server ID']
    assert sorted((r[1], r[2], r[3]) for r in rows[1:]) == sorted([
        (vol, 'attached', vm1), (vol, 'attached', vm2)])

    # What a user meets: an in-use volume cannot be deleted, an attachment
    # a server uses is detached through the compute API, a volume that
    # does not exist.
    busy = _cli(aio, env, 'delete', vol, ok=False)
    assert busy.returncode == 1
    assert 'Delete for volume %s failed' % vol in busy.stdout + busy.stderr
    attachment = [r[0] for r in rows[1:] if r[3] == vm2][0]
    refused = _cli(aio, env, '--os-volume-api-version', '3.27',
                   'attachment-delete', attachment, ok=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        'ERROR: Detach volume from instance %s using the Compute API '
        '(HTTP 409)' % vm2), refused.stderr
    missing = str(uuid.uuid4())
    nope = _cli(aio, env, 'show', missing, ok=False)
    assert nope.returncode == 1
    assert nope.stderr.strip() == (
        "ERROR: No volume with a name or ID of '%s' exists." % missing)

    detached = aio.request('DELETE', '/v2.1/servers/%s/os-volume_attachments/'
                           '%s' % (vm2, vol), token='demo:demo')
    assert detached.status_code == 202, detached.text
    _delete_servers(aio, vm1, vm2)
    wait_for(lambda: _field(_cli(aio, env, 'show', vol).stdout, 'status'),
             'available', interval=0.5)
    _cli(aio, env, 'delete', vol)


def test_python_api(aio):
    # Above our maximum (and the client's, which does not check a pinned
    # version): the server's refusal.
    with pytest.raises(cinder_exc.ClientException) as err:
        _python(aio, '3.72').volumes.list()
    assert str(err.value).startswith(
        'Version 3.72 is not supported by the API. Minimum is 3.0 and '
        'maximum is 3.71.'), str(err.value)
    cinder = _python(aio)
    mark = aio.mark()
    volume = cinder.volumes.create(1, name='cinder-py', volume_type='multiattach')
    assert set(_volume_versions(aio, mark)) == {'3.60'}
    deadline = time.monotonic() + 30
    while cinder.volumes.get(volume.id).status != 'available':
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert cinder.volumes.get(volume.id).multiattach is True

    vm1 = _server(aio, 'cinder-py1')
    vm2 = _server(aio, 'cinder-py2')
    for server in (vm1, vm2):
        attached = aio.request(
            'POST', '/v2.1/servers/%s/os-volume_attachments' % server,
            token='demo:demo', json={'volumeAttachment': {
                'volumeId': volume.id}})
        assert attached.status_code == 200, attached.text
    wait_for(lambda: sorted(a['server_id'] for a in cinder.volumes.get(
        volume.id).attachments), sorted([vm1, vm2]))
    assert cinder.volumes.get(volume.id).status == 'in-use'
    listed = cinder.attachments.list(search_opts={'volume_id': volume.id})
    assert sorted(a.instance for a in listed) == sorted([vm1, vm2])

    # A user may not delete an attachment a server uses; nova (a service
    # token) may.
    with pytest.raises(cinder_exc.ClientException) as err:
        cinder.attachments.delete(listed[0].id)
    assert err.value.code == 409
    assert str(err.value).startswith(
        'Detach volume from instance %s using the Compute API (HTTP 409)'
        % listed[0].instance), str(err.value)
    with pytest.raises(cinder_exc.NotFound) as err:
        cinder.volumes.get(str(uuid.uuid4()))
    assert 'could not be found. (HTTP 404)' in str(err.value)
    with pytest.raises(cinder_exc.BadRequest) as err:
        cinder.volumes.delete(volume.id)
    assert '(HTTP 400)' in str(err.value)

    for server in (vm1, vm2):
        detached = aio.request(
            'DELETE', '/v2.1/servers/%s/os-volume_attachments/%s' % (
                server, volume.id), token='demo:demo')
        assert detached.status_code == 202, detached.text
    wait_for(lambda: cinder.volumes.get(volume.id).status, 'available')
    assert cinder.volumes.get(volume.id).attachments == []
    _delete_servers(aio, vm1, vm2)

    # The attachments API as nova drives it, with a service token.
    sess = session.Session(auth=token_endpoint.Token(
        aio.volume_base + '/v3', 'demo:demo'), additional_headers={
            'X-Service-Token': 'nova:service'})
    service = cinder_client.Client('3.60', session=sess,
                                   endpoint_override=aio.volume_base + '/v3')
    instance = str(uuid.uuid4())
    attachment = service.attachments.create(volume.id, {'host': 'compute1'},
                                            instance)
    assert attachment['status'] == 'attaching'
    service.attachments.complete(attachment['id'])
    assert cinder.volumes.get(volume.id).status == 'in-use'
    service.attachments.delete(attachment['id'])
    assert cinder.volumes.get(volume.id).status == 'available'
    cinder.volumes.delete(volume.id)
