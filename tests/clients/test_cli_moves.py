"""The ``openstack`` CLI moving servers against nova-lite-all: ``server
resize`` (``--confirm``, ``--revert`` and the ``confirm``/``revert``
commands), ``server migrate``, ``server migration list``, ``server
evacuate``, ``server rescue``/``unrescue``.

nova-lite-all runs one compute host (with ``allow_resize_to_same_host``):
resizes and cold migrations stay on it, and an evacuation, which needs
another host, is checked for nova's refusal while the host is up and, once
it is forced down, for the server's fault when no other host can take it.
Moves between two hosts are covered by tests/functional/test_moves*.py.
"""

import pytest

from tests.clients.conftest import boot_with_osc
from tests.clients.conftest import IMAGE
from tests.clients.conftest import osc as _osc
from tests.clients.conftest import osc_json as _json
from tests.clients.conftest import server_body as _server
from tests.clients.conftest import settled_status as _status
from tests.clients.conftest import wait_for

ADMIN = 'nova-lite-admin'


@pytest.fixture(scope='module')
def vm(aio, osc_env):
    return boot_with_osc(osc_env, 'osc-move')


def test_resize_confirm_and_revert(aio, osc_env, vm):
    env = osc_env
    refused = _osc(env, 'server', 'resize', 'confirm', 'osc-move', ok=False)
    assert refused.returncode == 1
    assert ("Cannot 'confirmResize' instance %s while it is in vm_state "
            "active" % vm) in refused.stderr
    same = _osc(env, 'server', 'resize', '--flavor', '1', 'osc-move',
                ok=False)
    assert same.returncode == 1
    assert 'When resizing, instances must change flavor!' in same.stderr
    _osc(env, 'server', 'resize', '--flavor', '2', '--wait', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'VERIFY_RESIZE')
    _osc(env, 'server', 'resize', '--confirm', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'ACTIVE')
    assert _server(aio, vm)['flavor']['original_name'] == 'm1.small'
    _osc(env, 'server', 'resize', '--flavor', '1', '--wait', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'VERIFY_RESIZE')
    assert _server(aio, vm)['flavor']['original_name'] == 'm1.tiny'
    _osc(env, 'server', 'resize', 'revert', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'ACTIVE')
    assert _server(aio, vm)['flavor']['original_name'] == 'm1.small'
    _osc(env, 'server', 'resize', '--flavor', '1', '--wait', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'VERIFY_RESIZE')
    _osc(env, 'server', 'resize', '--revert', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'ACTIVE')
    assert _server(aio, vm)['flavor']['original_name'] == 'm1.small'


def test_migrate_and_migration_list(aio, osc_env, vm):
    env = osc_env
    refused = _osc(env, 'server', 'migrate', 'osc-move', ok=False)
    assert refused.returncode == 1
    assert ("Policy doesn't allow os_compute_api:os-migrate-server:migrate "
            "to be performed.") in refused.stderr
    same = _osc(env, '--os-compute-api-version', '2.56', 'server',
                'migrate', '--host', 'compute1', vm, cloud=ADMIN, ok=False)
    assert same.returncode == 1
    assert 'Cannot migrate to the host where the server exists.' in \
        same.stderr
    _osc(env, 'server', 'migrate', '--wait', vm, cloud=ADMIN)
    wait_for(lambda: _status(aio, vm), 'VERIFY_RESIZE')
    _osc(env, 'server', 'migration', 'confirm', vm, cloud=ADMIN)
    wait_for(lambda: _status(aio, vm), 'ACTIVE')
    listed = _json(env, '--os-compute-api-version', '2.80', 'server',
                   'migration', 'list', '--server', vm, cloud=ADMIN)
    kinds = [(m['Type'], m['Status']) for m in listed]
    assert kinds[0] == ('migration', 'confirmed')
    assert ('resize', 'reverted') in kinds and \
        ('resize', 'confirmed') in kinds
    assert {m['Source Compute'] for m in listed} == {'compute1'}


def test_rescue_and_unrescue(aio, osc_env, vm):
    env = osc_env
    _osc(env, 'server', 'rescue', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'RESCUE')
    refused = _osc(env, 'server', 'rescue', 'osc-move', ok=False)
    assert refused.returncode == 1
    assert ("Cannot 'rescue' instance %s while it is in vm_state rescued"
            % vm) in refused.stderr
    _osc(env, 'server', 'unrescue', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'ACTIVE')
    _osc(env, 'server', 'rescue', '--image', IMAGE, 'osc-move')
    wait_for(lambda: _status(aio, vm), 'RESCUE')
    _osc(env, 'server', 'unrescue', 'osc-move')
    wait_for(lambda: _status(aio, vm), 'ACTIVE')


def test_evacuate(aio, osc_env):
    env = osc_env
    server = _json(env, 'server', 'create', '--flavor', '1', '--image',
                   IMAGE, '--nic', 'none', '--wait', 'osc-evac')
    sid = server['id']
    refused = _osc(env, 'server', 'evacuate', sid, cloud=ADMIN, ok=False)
    assert refused.returncode == 1
    assert 'Compute service of compute1 is still in use.' in refused.stderr
    _osc(env, '--os-compute-api-version', '2.11', 'compute', 'service',
         'set', '--down', 'compute1', 'nova-compute', cloud=ADMIN)
    try:
        _osc(env, '--os-compute-api-version', '2.29', 'server', 'evacuate',
             sid, cloud=ADMIN)
        wait_for(lambda: _status(aio, sid), 'ERROR')
        fault = _server(aio, sid)['fault']
        assert fault['message'].startswith('No valid host was found.')
        listed = _json(env, '--os-compute-api-version', '2.80', 'server',
                       'migration', 'list', '--server', sid, cloud=ADMIN)
        assert [(m['Type'], m['Status']) for m in listed] == [
            ('evacuation', 'error')]
    finally:
        _osc(env, '--os-compute-api-version', '2.11', 'compute', 'service',
             'set', '--up', 'compute1', 'nova-compute', cloud=ADMIN)
    _osc(env, 'server', 'delete', '--wait', sid)
