"""Policy matrix entries of the server actions that move servers (resize,
confirm and revert, cold and live migration, evacuation, rescue) and of a
server's live migration controls (force complete, abort)."""

import uuid

from nova_lite import context as nl_context
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import migration as migration_obj
from tests.security import personas as p

C = 'compute'
WRITE = frozenset(['admin', 'member'])
ADMIN_ONLY = frozenset(['admin'])
SERVERS = 'os_compute_api:servers:%s'
MIGRATE = 'os_compute_api:os-migrate-server:%s'
SERVER_MIGRATIONS = 'os_compute_api:servers:migrations:%s'
S = '/servers/{server_id}'


def _call(env, server_id, body, version='2.89', persona='admin'):
    resp = p.call(env.base(C), 'POST', '/servers/%s/action' % server_id,
                  p.PERSONAS[persona], version=version, json=body)
    assert resp.status_code < 300, resp.text


def _server(env):
    return {'server_id': env.res.server()}


def _resized(env):
    server_id = env.res.server()
    _call(env, server_id, {'resize': {'flavorRef': '2'}}, persona='member')
    env.stack.wait_for_server(server_id, 'VERIFY_RESIZE', token=p.MEMBER,
                              timeout=p.TIMEOUT)
    return {'server_id': server_id}


def _rescued(env):
    server_id = env.res.server()
    _call(env, server_id, {'rescue': None}, persona='member')
    env.stack.wait_for_server(server_id, 'RESCUE', token=p.MEMBER,
                              timeout=p.TIMEOUT)
    return {'server_id': server_id}


def _on_a_failed_host(env):
    """A server moved to a host of its own, whose compute service is then
    stopped and forced down."""
    server_id = env.res.server()
    host = 'failed-%s' % uuid.uuid4().hex[:6]
    env.stack.add_compute(host)
    svc = env.stack.extra_services.pop()
    _call(env, server_id, {'migrate': {'host': host}})
    env.stack.wait_for_server(server_id, 'VERIFY_RESIZE', token=p.MEMBER,
                              timeout=p.TIMEOUT)
    _call(env, server_id, {'confirmResize': None})
    env.stack.wait_for_server(server_id, 'ACTIVE', token=p.MEMBER,
                              timeout=p.TIMEOUT)
    svc.stop()
    resp = p.call(env.base(C), 'PUT',
                  '/os-services/%s' % env.service_uuid(host),
                  p.PERSONAS['admin'], version='2.53',
                  json={'forced_down': True})
    assert resp.status_code == 200, resp.text
    return {'server_id': server_id}


def _live_migration(env):
    """A server whose live migration is running (as the records say)."""
    server_id = env.res.server()
    ctx = nl_context.get_admin_context()
    cell = [c for c in cell_mapping.get_all_cells(ctx) if not c.is_cell0][0]
    cctxt = nl_context.target_cell(ctx, cell)
    mig = migration_obj.create(cctxt, {
        'instance_uuid': server_id, 'source_compute': 'compute1',
        'dest_compute': 'compute1', 'migration_type': 'live-migration',
        'status': 'running', 'project_id': p.PROJECT, 'user_id': 'alice'})
    instance_obj.update(cctxt, server_id, {'task_state': 'migrating'})
    return {'server_id': server_id, 'migration_id': mig.id}


def _action(name, body=None):
    return lambda params: {name: body}


def entries(Entry):
    action = S + '/action'
    return {
        ('POST', action, 'resize'): Entry(
            C, 202, WRITE, SERVERS % 'resize', prep=_server, fresh=True,
            body=_action('resize', {'flavorRef': '2'})),
        ('POST', action, 'confirmResize'): Entry(
            C, 204, WRITE, SERVERS % 'confirm_resize', prep=_resized,
            fresh=True, body=_action('confirmResize')),
        ('POST', action, 'revertResize'): Entry(
            C, 202, WRITE, SERVERS % 'revert_resize', prep=_resized,
            fresh=True, body=_action('revertResize')),
        ('POST', action, 'migrate'): Entry(
            C, 202, ADMIN_ONLY, MIGRATE % 'migrate', prep=_server,
            fresh=True, body=_action('migrate')),
        ('POST', action, 'os-migrateLive'): Entry(
            C, 202, ADMIN_ONLY, MIGRATE % 'migrate_live', prep=_server,
            fresh=True, body=_action('os-migrateLive', {
                'host': None, 'block_migration': 'auto'})),
        ('POST', action, 'evacuate'): Entry(
            C, 200, ADMIN_ONLY, 'os_compute_api:os-evacuate',
            prep=_on_a_failed_host, fresh=True,
            body=_action('evacuate', {})),
        ('POST', action, 'rescue'): Entry(
            C, 200, WRITE, 'os_compute_api:os-rescue', prep=_server,
            fresh=True, body=_action('rescue')),
        ('POST', action, 'unrescue'): Entry(
            C, 202, WRITE, 'os_compute_api:os-unrescue', prep=_rescued,
            fresh=True, body=_action('unrescue')),
        ('POST', S + '/migrations/{migration_id}/action', None): Entry(
            C, 202, ADMIN_ONLY, SERVER_MIGRATIONS % 'force_complete',
            prep=_live_migration, fresh=True,
            body=_action('force_complete')),
        ('DELETE', S + '/migrations/{migration_id}', None): Entry(
            C, 202, ADMIN_ONLY, SERVER_MIGRATIONS % 'delete',
            prep=_live_migration, fresh=True),
    }
