"""The ``openstack`` CLI snapshotting servers against nova-lite-all:
``server image create`` (``--wait``), ``server backup create`` with its
rotation, the snapshot through ``image list``/``show``/``save``, and
``server shelve``/``unshelve`` with the image the shelve stores."""

import types

import pytest

from nova_lite.virt import fake
from tests.clients.conftest import boot_with_osc
from tests.clients.conftest import IMAGE
from tests.clients.conftest import osc as _osc
from tests.clients.conftest import osc_json as _json
from tests.clients.conftest import settled_status as _status
from tests.clients.conftest import wait_for


@pytest.fixture(scope='module')
def vm(aio, osc_env):
    return boot_with_osc(osc_env, 'osc-snap')


def test_server_image_create_and_the_image_commands(aio, osc_env, vm,
                                                    tmp_path):
    env = osc_env
    made = _json(env, 'server', 'image', 'create', '--name', 'osc-snapshot',
                 '--property', 'purpose=cli', '--wait', 'osc-snap')
    image_id = made['id']
    assert made['name'] == 'osc-snapshot'
    shown = _json(env, 'image', 'show', image_id)
    assert shown['status'] == 'active'
    assert shown['disk_format'] == 'raw'
    assert shown['visibility'] == 'private'
    props = shown['properties']
    assert props['image_type'] == 'snapshot'
    assert props['instance_uuid'] == vm
    assert props['base_image_ref'] == IMAGE
    assert props['purpose'] == 'cli'
    listed = {i['ID']: i for i in _json(env, 'image', 'list')}
    assert listed[image_id]['Name'] == 'osc-snapshot'
    assert listed[image_id]['Status'] == 'active'
    saved = tmp_path / 'snapshot.img'
    _osc(env, 'image', 'save', '--file', str(saved), image_id)
    expected = fake.snapshot_data(types.SimpleNamespace(
        uuid=vm, display_name='osc-snap', image_ref=IMAGE), 1)
    assert saved.read_bytes() == expected
    assert shown['size'] == len(expected)
    wait_for(lambda: _status(aio, vm), 'ACTIVE')
    # The snapshot boots a server.
    clone = _json(env, 'server', 'create', '--flavor', '1', '--image',
                  'osc-snapshot', '--nic', 'none', '--wait', 'osc-clone')
    assert clone['status'] == 'ACTIVE'
    _osc(env, 'server', 'delete', '--wait', 'osc-clone')
    _osc(env, 'image', 'delete', image_id)


def _backups(env, vm):
    return sorted(
        i['Name'] for i in _json(env, 'image', 'list', '--property',
                                 'image_type=backup', '--property',
                                 'instance_uuid=%s' % vm))


def test_server_backup_create_rotates(aio, osc_env, vm):
    env = osc_env
    for name in ('osc-b1', 'osc-b2', 'osc-b3'):
        made = _json(env, 'server', 'backup', 'create', '--name', name,
                     '--type', 'daily', '--rotate', '2', '--wait',
                     'osc-snap')
        assert made['name'] == name
        wait_for(lambda: _status(aio, vm), 'ACTIVE')
    wait_for(lambda: _backups(env, vm), ['osc-b2', 'osc-b3'])
    shown = _json(env, 'image', 'show', 'osc-b3')
    assert shown['properties']['backup_type'] == 'daily'
    assert shown['properties']['image_type'] == 'backup'


def test_shelve_and_unshelve(aio, osc_env, vm):
    env = osc_env
    _osc(env, 'server', 'shelve', 'osc-snap')
    wait_for(lambda: _status(aio, vm), 'SHELVED_OFFLOADED')
    [stored] = _json(env, 'image', 'list', '--name', 'osc-snap-shelved')
    assert stored['Status'] == 'active'
    _osc(env, 'server', 'unshelve', 'osc-snap')
    wait_for(lambda: _status(aio, vm), 'ACTIVE')
    assert _json(env, 'image', 'list', '--name', 'osc-snap-shelved') == []
    refused = _osc(env, 'server', 'image', 'create', '--name', 'x',
                   'no-such-server', ok=False)
    assert refused.returncode == 1
