"""tempest's servers client drives the new server actions and validates
every answer against tempest's per-microversion schemas."""

import pytest
from tempest.lib import exceptions as lib_exc

from tests.functional import test_tempest_schemas as ts

IMAGE = ts.IMAGE
VERSIONS = ['2.1', '2.9', '2.19', '2.26', '2.47', '2.54', '2.57', '2.60',
            '2.63', '2.71', '2.73', '2.75', '2.79', '2.89', '2.90', '2.93',
            '2.96', '2.98', '2.100', '2.104']


def _boot(servers):
    server = servers.create_server(name='t', imageRef=IMAGE, flavorRef='1',
                                   networks='none')['server']
    return ts._wait(servers, server['id'], 'ACTIVE')


@pytest.mark.parametrize('version', VERSIONS)
def test_actions_match_tempest_schemas(stack, version):
    ts.base_compute_client.COMPUTE_MICROVERSION = '2.60'
    servers, _flavors = ts._clients(stack)
    server = _boot(servers)
    sid = server['id']
    ts.base_compute_client.COMPUTE_MICROVERSION = version
    try:
        rebuilt = servers.rebuild_server(sid, IMAGE, name='rebuilt',
                                         metadata={'rebuild': 'server'},
                                         adminPass='rebuildPassw0rd')
        assert rebuilt['server']['name'] == 'rebuilt'
        ts._wait(servers, sid, 'ACTIVE')
        servers.lock_server(sid)
        with pytest.raises(lib_exc.Conflict):
            servers.stop_server(sid)
        servers.unlock_server(sid)
        servers.pause_server(sid)
        ts._wait(servers, sid, 'PAUSED')
        with pytest.raises(lib_exc.Conflict):
            servers.pause_server(sid)
        servers.unpause_server(sid)
        ts._wait(servers, sid, 'ACTIVE')
        servers.suspend_server(sid)
        ts._wait(servers, sid, 'SUSPENDED')
        servers.resume_server(sid)
        ts._wait(servers, sid, 'ACTIVE')
        servers.reboot_server(sid, type='HARD')
        ts._wait(servers, sid, 'ACTIVE')
        output = servers.get_console_output(sid, length=3)['output']
        assert len(output.split('\n')) == 3
        output = servers.get_console_output(sid)['output']
        assert len(output.split('\n')) > 3
        servers.stop_server(sid)
        ts._wait(servers, sid, 'SHUTOFF')
        rebuilt = servers.rebuild_server(sid, IMAGE)['server']
        assert rebuilt['image']['id'] == IMAGE
        ts._wait(servers, sid, 'SHUTOFF')
        admin, _f = ts._clients(stack, 'admin:admin')
        admin.reset_state(sid, state='error')
        ts._wait(servers, sid, 'ERROR')
        admin.reset_state(sid, state='active')
        ts._wait(servers, sid, 'ACTIVE')
        servers.force_delete_server(sid)
    finally:
        ts.base_compute_client.COMPUTE_MICROVERSION = None


def test_missing_servers_are_404(stack):
    ts.base_compute_client.COMPUTE_MICROVERSION = None
    servers, _flavors = ts._clients(stack)
    missing = '1b2c3d4e-0000-4000-8000-000000000000'
    for call in (lambda: servers.rebuild_server(missing, IMAGE),
                 lambda: servers.pause_server(missing),
                 lambda: servers.unpause_server(missing),
                 lambda: servers.suspend_server(missing),
                 lambda: servers.resume_server(missing),
                 lambda: servers.get_console_output(missing, length=10),
                 lambda: servers.force_delete_server(missing),
                 lambda: servers.restore_soft_deleted_server(missing),
                 lambda: servers.lock_server(missing)):
        with pytest.raises(lib_exc.NotFound):
            call()
