"""The ``openstack`` CLI through the shipped clouds.yaml.

The operator's way: a copy of ``etc/nova-lite/clouds.yaml`` with the URLs
of this all-in-one (free ports), named by ``OS_CLIENT_CONFIG_FILE``. The
clouds pin compute 2.60; ``--os-compute-api-version`` overrides the pin.
Waits for a state are read over HTTP, not with more CLI calls.
"""

import re

from tests.clients.conftest import IMAGE
from tests.clients.conftest import osc as _osc
from tests.clients.conftest import osc_json as _json
from tests.clients.conftest import wait_for


def _status(aio, server_id):
    body = aio.request('GET', '/v2.1/servers/%s' % server_id).json()
    server = body.get('server', {})
    if server.get('OS-EXT-STS:task_state'):
        return None
    return server.get('status')


def test_discovery_and_negotiation(aio, osc_env, tmp_path):
    # Pinned by the shipped clouds.yaml: every compute call at 2.60.
    mark = aio.mark()
    flavors = _json(osc_env, 'flavor', 'list', '--all')
    assert 'm1.tiny' in [f['Name'] for f in flavors]
    versions = aio.compute_versions(mark)
    assert versions and set(versions) == {'2.60'}, versions

    # Unpinned: a copy without compute_api_version negotiates our maximum.
    with open(osc_env['OS_CLIENT_CONFIG_FILE']) as f:
        text = f.read()
    unpinned = tmp_path / 'clouds.yaml'
    unpinned.write_text(re.sub(r'\n *compute_api_version: .*', '', text))
    assert 'compute_api_version' not in unpinned.read_text()
    env = dict(osc_env, OS_CLIENT_CONFIG_FILE=str(unpinned))
    mark = aio.mark()
    _json(env, 'server', 'list')
    assert set(aio.compute_versions(mark, 'GET', '/servers')) == {'2.100'}

    # Above our maximum: refused by the client after discovery, with no
    # compute call made.
    mark = aio.mark()
    refused = _osc(osc_env, '--os-compute-api-version', '2.105', 'server',
                   'list', ok=False)
    assert refused.returncode == 1
    assert ('A default microversion for service compute of 2.105 was '
            'requested, but the cloud only supports a minimum of 2.1 and a '
            'maximum of 2.104.') in refused.stderr, refused.stderr
    assert aio.compute_versions(mark) == []


def test_server_lifecycle_and_multiattach(aio, osc_env):
    env = osc_env
    admin = 'nova-lite-admin'
    # Boot from a multiattach volume made from the image (bootable).
    vol = _json(env, 'volume', 'create', '--size', '1', '--type',
                'multiattach', '--image', IMAGE, 'osc-vol')
    assert vol['multiattach'] is True
    vol_id = vol['id']
    wait_for(lambda: aio.volume_request('GET', '/v3/volumes/%s' % vol_id,
                                        token='demo:demo').json()
             ['volume']['status'], 'available')
    listed = _json(env, 'volume', 'list', '--name', 'osc-vol')
    assert [(v['Name'], v['Status'], v['Size']) for v in listed] == [
        ('osc-vol', 'available', 1)]
    mark = aio.mark()
    vm1 = _json(env, 'server', 'create', '--flavor', '1', '--volume',
                'osc-vol', '--nic', 'none', '--wait', 'osc-vm1')
    assert vm1['status'] == 'ACTIVE'
    assert vm1['image'] in ('', 'N/A (booted from volume)')
    boots = [r for r in aio.requests_since(mark)
             if r[0] == 'POST' and r[1] == '/v2.1/servers']
    assert boots == [('POST', '/v2.1/servers', 202, '2.60')]
    # The second server as the README's walkthrough makes it: the image
    # looked up by name, the volume mapped at boot (boot_index -1).
    image = _osc(env, 'image', 'show', 'cirros-0.6.2-x86_64-disk', '-c',
                 'id', '-f', 'value').stdout.strip()
    assert image == IMAGE
    vm2 = _json(env, 'server', 'create', '--flavor', '1', '--image', image,
                '--nic', 'none', '--wait', '--block-device',
                'uuid=%s,source_type=volume,destination_type=volume,'
                'boot_index=-1' % vol_id, 'osc-vm2')
    assert vm2['status'] == 'ACTIVE'

    def servers_of_volume():
        body = aio.volume_request('GET', '/v3/volumes/%s' % vol_id).json()
        return sorted(a['server_id'] for a in body['volume']['attachments'])
    assert servers_of_volume() == sorted([vm1['id'], vm2['id']])
    # Detached from the second server, the volume stays on the first.
    _osc(env, 'server', 'remove', 'volume', 'osc-vm2', 'osc-vol')
    wait_for(servers_of_volume, [vm1['id']])

    # A server the fake driver fails to spawn, for the wrong-state attach.
    err = _json(env, 'server', 'create', '--flavor', '1', '--image', IMAGE,
                '--nic', 'none', 'osc-err')

    # show / list
    listed = _json(env, 'server', 'list', '--name', '^osc-vm')
    assert sorted((s['Name'], s['Status']) for s in listed) == [
        ('osc-vm1', 'ACTIVE'), ('osc-vm2', 'ACTIVE')]
    images = {s['Name']: s['Image'] for s in listed}
    assert images['osc-vm2'] == 'cirros-0.6.2-x86_64-disk'
    assert images['osc-vm1'] in ('', 'N/A (booted from volume)')
    shown = _json(env, 'server', 'show', 'osc-vm2')
    assert shown['id'] == vm2['id']
    assert shown['flavor']

    # Below 2.60 a multiattach volume is refused with nova's message
    # (OSC prints the SDK's exception: class, status, URL, message).
    mark = aio.mark()
    old = _osc(env, '--os-compute-api-version', '2.59', 'server', 'add',
               'volume', 'osc-vm2', 'osc-vol', ok=False)
    assert old.returncode == 1
    assert old.stderr == (
        'BadRequestException: 400: Client Error for url: %s/v2.1/servers/%s/'
        'os-volume_attachments, Multiattach volumes are only supported '
        'starting with compute API version 2.60.\n' % (aio.base, vm2['id']))
    assert aio.compute_versions(mark, 'POST') == ['2.59']
    # Attached again to the second server: two attachments.
    added = _json(env, 'server', 'add', 'volume', 'osc-vm2', 'osc-vol')
    assert added['Volume ID'] == vol_id
    assert added['Server ID'] == vm2['id']
    assert added['Device'] == '/dev/vdb'

    # Both sides: each server's os-volume_attachments, the volume's
    # attachments (administrators see host_name, as in Cinder).
    on_vm1 = _json(env, 'server', 'volume', 'list', 'osc-vm1')
    assert [(a['Volume ID'], a['Device']) for a in on_vm1] == [
        (vol_id, '/dev/vda')]
    on_vm2 = _json(env, 'server', 'volume', 'list', 'osc-vm2')
    assert [(a['Volume ID'], a['Device']) for a in on_vm2] == [
        (vol_id, '/dev/vdb')]
    attachments = _json(env, 'volume', 'show', vol_id, '-c',
                        'attachments', '-c', 'status', cloud=admin)
    assert attachments['status'] == 'in-use'
    by_server = {a['server_id']: a for a in attachments['attachments']}
    assert set(by_server) == {vm1['id'], vm2['id']}
    assert by_server[vm1['id']]['device'] == '/dev/vda'
    assert by_server[vm2['id']]['device'] == '/dev/vdb'
    for item in by_server.values():
        assert set(item) == {'server_id', 'attachment_id', 'attached_at',
                             'host_name', 'volume_id', 'device', 'id'}
        assert item['host_name'] == 'compute1'
        assert (item['volume_id'], item['id']) == (vol_id, vol_id)

    # A volume that does not exist: the CLI looks it up first.
    # A server in ERROR takes no volume: nova's 409.
    wait_for(lambda: _status(aio, err['id']), 'ERROR')
    refused = _osc(env, 'server', 'add', 'volume', 'osc-err', 'osc-vol',
                   ok=False)
    assert refused.returncode == 1
    assert refused.stderr == (
        'ConflictException: 409: Client Error for url: %s/v2.1/servers/%s/'
        'os-volume_attachments, Cannot \'attach_volume\' instance %s while '
        'it is in vm_state error\n' % (aio.base, err['id'], err['id']))
    missing = _osc(env, 'server', 'add', 'volume', 'osc-vm2', 'osc-nope',
                   ok=False)
    assert missing.returncode == 1
    assert missing.stderr == 'No Volume found for osc-nope\n'

    # Stop / start, reboot of the server that keeps the volume.
    _osc(env, 'server', 'stop', 'osc-vm2')
    wait_for(lambda: _status(aio, vm2['id']), 'SHUTOFF')
    _osc(env, 'server', 'start', 'osc-vm2')
    wait_for(lambda: _status(aio, vm2['id']), 'ACTIVE')
    _osc(env, 'server', 'reboot', '--wait', 'osc-vm2')
    assert _status(aio, vm2['id']) == 'ACTIVE'

    # Detach from the second server; the boot server keeps it.
    _osc(env, 'server', 'remove', 'volume', 'osc-vm2', 'osc-vol')
    wait_for(servers_of_volume, [vm1['id']])
    assert _json(env, 'server', 'volume', 'list', 'osc-vm2') == []

    _osc(env, 'server', 'delete', '--wait', 'osc-vm1', 'osc-vm2', 'osc-err')
    assert _json(env, 'server', 'list', '--name', '^osc-vm') == []
    wait_for(servers_of_volume, [])
    _osc(env, 'volume', 'delete', 'osc-vol')


def test_volume_types_are_for_administrators(aio, osc_env):
    made = _json(osc_env, 'volume', 'type', 'create', '--property',
                 'multiattach=<is> True', 'osc-multiattach',
                 cloud='nova-lite-admin')
    assert made['name'] == 'osc-multiattach'
    assert made['properties'] in ({'multiattach': '<is> True'},
                                  "multiattach='<is> True'")
    denied = _osc(osc_env, 'volume', 'type', 'create', 'osc-mine', ok=False)
    assert denied.returncode == 1
    assert denied.stderr == (
        'ForbiddenException: 403: Client Error for url: %s/v3/types, Policy '
        'doesn\'t allow volume_extension:types_manage to be performed.\n'
        % aio.volume_base)
    _osc(osc_env, 'volume', 'type', 'delete', 'osc-multiattach',
         cloud='nova-lite-admin')
