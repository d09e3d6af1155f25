"""The ``openstack`` CLI's server actions against nova-lite-all: lock,
rebuild, console log, pause, suspend, restore and ``server set --state``.

Waits for a state are read over HTTP, not with more CLI calls.
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
    return boot_with_osc(osc_env, 'osc-actions')


def test_lock_and_unlock(aio, osc_env, vm):
    env = osc_env
    _osc(env, '--os-compute-api-version', '2.73', 'server', 'lock',
         '--reason', 'maintenance', 'osc-actions')
    shown = _server(aio, vm)
    assert (shown['locked'], shown['locked_reason']) == (True,
                                                         'maintenance')
    refused = _osc(env, 'server', 'stop', 'osc-actions', ok=False)
    assert refused.returncode == 1
    assert 'Instance %s is locked' % vm in refused.stderr
    listed = _json(env, '--os-compute-api-version', '2.73', 'server', 'list',
                   '--locked')
    assert [s['ID'] for s in listed] == [vm]
    _osc(env, 'server', 'unlock', 'osc-actions')
    shown = _server(aio, vm)
    assert (shown['locked'], shown['locked_reason']) == (False, None)


def test_pause_and_suspend(aio, osc_env, vm):
    env = osc_env
    _osc(env, 'server', 'pause', 'osc-actions')
    wait_for(lambda: _status(aio, vm), 'PAUSED')
    _osc(env, 'server', 'unpause', 'osc-actions')
    wait_for(lambda: _status(aio, vm), 'ACTIVE')
    _osc(env, 'server', 'suspend', 'osc-actions')
    wait_for(lambda: _status(aio, vm), 'SUSPENDED')
    refused = _osc(env, 'server', 'pause', 'osc-actions', ok=False)
    assert refused.returncode == 1
    assert ("Cannot 'pause' instance %s while it is in vm_state suspended"
            % vm) in refused.stderr
    _osc(env, 'server', 'resume', 'osc-actions')
    wait_for(lambda: _status(aio, vm), 'ACTIVE')


def test_console_log(aio, osc_env, vm):
    env = osc_env
    whole = _osc(env, 'console', 'log', 'show', 'osc-actions').stdout
    assert 'Booting osc-actions from image %s' % IMAGE in whole
    tail = _osc(env, 'console', 'log', 'show', '--lines', '2',
                'osc-actions').stdout
    # The log ends with a newline: two lines are its last one and ''.
    assert tail.strip() == whole.strip().split('\n')[-1]
    assert len(whole.strip().split('\n')) > 2


def test_rebuild(aio, osc_env, vm):
    env = osc_env
    out = _osc(env, 'server', 'rebuild', '--image', IMAGE, '--name',
               'osc-rebuilt', '--property', 'rebuilt=yes', '--wait', vm)
    assert vm in out.stdout, out.stdout
    shown = _server(aio, vm)
    assert shown['name'] == 'osc-rebuilt'
    assert shown['metadata'] == {'rebuilt': 'yes'}
    assert shown['status'] == 'ACTIVE'
    _osc(env, 'server', 'set', '--name', 'osc-actions', vm)


def test_set_state_as_admin(aio, osc_env, vm):
    env = osc_env
    refused = _osc(env, 'server', 'set', '--auto-approve', '--state', 'error', 'osc-actions',
                   ok=False)
    assert refused.returncode == 1
    assert ("Policy doesn't allow os_compute_api:os-admin-actions:"
            "reset_state to be performed.") in refused.stderr
    _osc(env, 'server', 'set', '--auto-approve', '--state', 'error', vm, cloud=ADMIN)
    assert _status(aio, vm) == 'ERROR'
    _osc(env, 'server', 'set', '--auto-approve', '--state', 'active', vm, cloud=ADMIN)
    assert _status(aio, vm) == 'ACTIVE'


def test_restore_of_a_server_not_soft_deleted(aio, osc_env, vm):
    refused = _osc(osc_env, 'server', 'restore', 'osc-actions', ok=False)
    assert refused.returncode == 1
    assert ("Cannot 'restore' instance %s while it is in vm_state active"
            % vm) in refused.stderr
