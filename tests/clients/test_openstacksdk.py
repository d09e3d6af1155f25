"""openstacksdk (Python) against the all-in-one, as the README connects."""

import uuid
import warnings

import openstack
from openstack import exceptions as sdk_exc
import pytest

from tests.clients.conftest import ERROR_NAMES
from tests.clients.conftest import IMAGE
from tests.clients.conftest import wait_for

WAIT = {'wait': 30, 'interval': 0.1}

# The SDK's own deprecations of its internals are not ours to show.
pytestmark = pytest.mark.filterwarnings(
    'ignore::openstack.warnings.RemovedInSDK50Warning')


def _connect(aio, version='2.60', token='demo:demo'):
    endpoint = aio.base + '/v2.1'
    kwargs = {}
    if version is not None:
        kwargs['compute_api_version'] = version
    return openstack.connect(
        auth_type='admin_token', auth={'endpoint': endpoint, 'token': token},
        compute_endpoint_override=endpoint,
        block_storage_endpoint_override=aio.volume_base + '/v3',
        load_yaml_config=False, load_envvars=False, **kwargs)


def _settle(conn, server, status):
    """The server once in ``status`` with no task state. The SDK's
    wait_for_server returns at once when the object it is given already
    has the status, as one does right after an action."""
    def current():
        got = conn.compute.get_server(server.id)
        return (got.status, got.task_state)
    wait_for(current, (status, None))
    return conn.compute.get_server(server.id)


def _ge(version, minimum):
    return tuple(map(int, version.split('.'))) >= \
        tuple(map(int, minimum.split('.')))


def test_negotiation(aio):
    mark = aio.mark()
    list(_connect(aio, '2.60').compute.servers())
    assert set(aio.compute_versions(mark)) == {'2.60'}
    mark = aio.mark()
    list(_connect(aio, None).compute.servers())
    # The SDK's servers go up to 2.100.
    assert set(aio.compute_versions(mark)) == {'2.100'}
    # "2.latest" means nothing to the SDK: it warns and negotiates.
    mark = aio.mark()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        list(_connect(aio, '2.latest').compute.servers())
    assert any("'latest'" in str(w.message) for w in caught)
    assert set(aio.compute_versions(mark)) == {'2.100'}
    mark = aio.mark()
    with pytest.raises(sdk_exc.ConfigException) as err:
        list(_connect(aio, '2.105').compute.servers())
    assert str(err.value).startswith(
        'A default microversion for service compute of 2.105 was requested, '
        'but the cloud only supports a minimum of 2.1 and a maximum of '
        '2.104.'), str(err.value)
    assert aio.compute_versions(mark) == []


@pytest.mark.parametrize('version', ['2.1', '2.60', '2.89', '2.104'])
def test_server_lifecycle(aio, version):
    conn = _connect(aio, version)
    kwargs = {'networks': 'none'} if _ge(version, '2.37') else {}
    name = 'sdk-vm-%s' % version
    server = conn.compute.create_server(name=name, flavor_id='1',
                                        image_id=IMAGE, **kwargs)
    server = conn.compute.wait_for_server(server, status='ACTIVE', **WAIT)
    assert server.name == name
    assert server.flavor is not None
    assert (server.is_locked is not None) == _ge(version, '2.9')
    assert [s.id for s in conn.compute.servers(name=name)] == [server.id]
    conn.compute.stop_server(server)
    server = _settle(conn, server, 'SHUTOFF')
    conn.compute.start_server(server)
    server = _settle(conn, server, 'ACTIVE')
    conn.compute.reboot_server(server, 'SOFT')
    server = _settle(conn, server, 'ACTIVE')
    conn.compute.shelve_server(server)
    server = _settle(conn, server, 'SHELVED_OFFLOADED')
    conn.compute.unshelve_server(server)
    server = _settle(conn, server, 'ACTIVE')
    assert conn.compute.get_server(server.id).id == server.id
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, **WAIT)


def test_multiattach(aio):
    conn = _connect(aio, '2.60')
    volume = conn.block_storage.create_volume(
        size=1, name='sdk-vol', volume_type='multiattach', image_id=IMAGE)
    volume = conn.block_storage.wait_for_status(volume, 'available', **WAIT)
    assert volume.is_multiattach is True
    vm1 = conn.compute.create_server(
        name='sdk-ma1', flavor_id='1', networks='none', image_id='',
        block_device_mapping=[{'uuid': volume.id, 'source_type': 'volume',
                               'destination_type': 'volume',
                               'boot_index': 0}])
    vm2 = conn.compute.create_server(name='sdk-ma2', flavor_id='1',
                                     networks='none', image_id=IMAGE)
    vm1 = conn.compute.wait_for_server(vm1, status='ACTIVE', **WAIT)
    vm2 = conn.compute.wait_for_server(vm2, status='ACTIVE', **WAIT)
    assert [v['id'] for v in vm1.attached_volumes] == [volume.id]

    # Below 2.60 a multiattach volume is refused.
    old = _connect(aio, '2.59')
    with pytest.raises(sdk_exc.BadRequestException) as err:
        old.compute.create_volume_attachment(vm2, volume_id=volume.id)
    assert str(err.value) == (
        'BadRequestException: 400: Client Error for url: %s/v2.1/servers/%s/'
        'os-volume_attachments'
        ', Multiattach volumes are only supported starting with compute API '
        'version 2.60.' % (aio.base, vm2.id))
    # A volume that does not exist.
    missing = str(uuid.uuid4())
    with pytest.raises(sdk_exc.NotFoundException) as err:
        conn.compute.create_volume_attachment(vm2, volume_id=missing)
    assert str(err.value).endswith(
        'Volume %s could not be found.' % missing), str(err.value)

    mark = aio.mark()
    attachment = conn.compute.create_volume_attachment(vm2, volume=volume)
    assert (attachment.volume_id, attachment.server_id, attachment.device) \
        == (volume.id, vm2.id, '/dev/vdb')
    assert aio.compute_versions(mark, 'POST') == ['2.60']

    def servers_of_volume():
        got = conn.block_storage.get_volume(volume.id)
        return sorted(a['server_id'] for a in got.attachments)
    wait_for(servers_of_volume, sorted([vm1.id, vm2.id]))
    assert conn.block_storage.get_volume(volume.id).status == 'in-use'
    assert [(a.volume_id, a.device) for a in
            conn.compute.volume_attachments(vm1)] == [(volume.id, '/dev/vda')]
    # Unpinned, the SDK lists attachments at 2.89: Cinder's attachment id.
    mark = aio.mark()
    listed = list(_connect(aio, None).compute.volume_attachments(vm2))
    assert aio.compute_versions(mark) == ['2.89']
    assert [(a.volume_id, a.device) for a in listed] == [
        (volume.id, '/dev/vdb')]
    ids = {a['server_id']: a['attachment_id'] for a in
           conn.block_storage.get_volume(volume.id).attachments}
    assert listed[0].attachment_id == ids[vm2.id]

    conn.compute.delete_volume_attachment(vm2, volume)
    wait_for(servers_of_volume, [vm1.id])
    assert list(conn.compute.volume_attachments(vm2)) == []
    for server in (vm1, vm2):
        conn.compute.delete_server(server)
    for server in (vm1, vm2):
        conn.compute.wait_for_delete(server, **WAIT)
    conn.block_storage.wait_for_status(volume, 'available', **WAIT)
    conn.block_storage.delete_volume(volume)


def test_attach_to_server_in_error(aio):
    conn = _connect(aio, '2.60')
    name = 'sdk-err'
    assert name in ERROR_NAMES
    volume = conn.block_storage.create_volume(size=1, name='sdk-vol-err')
    server = conn.compute.create_server(name=name, flavor_id='1',
                                        networks='none', image_id=IMAGE)
    conn.compute.wait_for_server(server, status='ERROR', failures=[],
                                 **WAIT)
    conn.block_storage.wait_for_status(volume, 'available', **WAIT)
    with pytest.raises(sdk_exc.ConflictException) as err:
        conn.compute.create_volume_attachment(server, volume=volume)
    assert str(err.value).endswith(
        "Cannot 'attach_volume' instance %s while it is in vm_state error"
        % server.id), str(err.value)
    assert err.value.status_code == 409
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, **WAIT)
    conn.block_storage.delete_volume(volume)
