"""Policy matrix entries of the flavor management, hypervisor, usage,
migration, diagnostics, server password, extension and assisted volume
snapshot routes."""

import json
import urllib.parse
import uuid

from nova_lite import context as nl_context
from nova_lite.objects import cell_mapping
from nova_lite.objects import migration as migration_obj
from tests.security import personas as p

C = 'compute'
ALL = frozenset(['admin', 'member', 'reader', 'other'])
READ = frozenset(['admin', 'member', 'reader'])
WRITE = frozenset(['admin', 'member'])
ADMIN_ONLY = frozenset(['admin'])
NONE = frozenset()

MANAGE = 'os_compute_api:os-flavor-manage:%s'
SPECS = 'os_compute_api:os-flavor-extra-specs:%s'
ACCESS = 'os_compute_api:os-flavor-access'
HYPERVISORS = 'os_compute_api:os-hypervisors:%s'
USAGE = 'os_compute_api:os-simple-tenant-usage:%s'
AVS = 'os_compute_api:os-assisted-volume-snapshots:%s'
S = '/servers/{server_id}'
FX = '/flavors/{flavor_id}/os-extra_specs'
FA = '/flavors/{flavor_id}/action'
HV = '/os-hypervisors'
SPEC_KEY = 'sec:key'


def _admin(env, method, path, body=None, version=None):
    resp = p.call(env.base(C), method, path, p.PERSONAS['admin'],
                  version=version, json=body)
    assert resp.status_code < 300, resp.text
    return resp


def _flavor(public=True, access=None):
    def prep(env):
        flavor_id = 'sec-%s' % uuid.uuid4().hex[:8]
        _admin(env, 'POST', '/flavors', {'flavor': {
            'name': flavor_id, 'id': flavor_id, 'ram': 64, 'vcpus': 1,
            'disk': 0, 'os-flavor-access:is_public': public}})
        _admin(env, 'POST', '/flavors/%s/os-extra_specs' % flavor_id,
               {'extra_specs': {SPEC_KEY: 'v'}})
        if access:
            _admin(env, 'POST', '/flavors/%s/action' % flavor_id,
                   {'addTenantAccess': {'tenant': access}})
        return {'flavor_id': flavor_id, 'flavor_extra_spec_key': SPEC_KEY}
    return prep


def _hypervisor(env):
    resp = _admin(env, 'GET', HV, version='2.53')
    return {'hypervisor_id': resp.json()['hypervisors'][0]['id']}


def _hypervisor_pattern(env):
    return {'hypervisor_id': 'compute'}


def _server(env):
    return {'server_id': env.res.server()}


def _live_migration(env):
    server_id = env.res.server()
    ctx = nl_context.get_admin_context()
    cell = [c for c in cell_mapping.get_all_cells(ctx) if not c.is_cell0][0]
    mig = migration_obj.create(nl_context.target_cell(ctx, cell), {
        'uuid': str(uuid.uuid4()), 'instance_uuid': server_id,
        'source_compute': 'compute1', 'dest_compute': 'compute2',
        'migration_type': 'live-migration', 'status': 'running',
        'project_id': p.PROJECT, 'user_id': 'alice', 'hidden': False})
    return {'server_id': server_id, 'migration_id': mig.id}


def _assisted_snapshot(env):
    """A volume attached to one server; the snapshot id carries the
    delete's ``delete_info`` query naming it."""
    server_id, volume_id = env.res.attached()
    query = urllib.parse.urlencode(
        {'delete_info': json.dumps({'volume_id': volume_id})})
    return {'server_id': server_id, 'volume_id': volume_id,
            'snapshot_id': '%s?%s' % (uuid.uuid4(), query)}


def _assisted_snapshot_body(params):
    return {'snapshot': {'volume_id': params['volume_id'], 'create_info': {
        'snapshot_id': str(uuid.uuid4()), 'type': 'qcow2',
        'new_file': 'overlay.qcow2'}}}


def entries(Entry):
    return {
        ('POST', '/os-assisted-volume-snapshots', None): Entry(
            C, 200, ADMIN_ONLY, AVS % 'create', hidden=NONE,
            prep=_assisted_snapshot, body=_assisted_snapshot_body),
        ('DELETE', '/os-assisted-volume-snapshots/{snapshot_id}', None):
            Entry(C, 204, ADMIN_ONLY, AVS % 'delete', hidden=NONE,
                  prep=_assisted_snapshot),
        ('POST', '/flavors', None): Entry(
            C, 200, ADMIN_ONLY, MANAGE % 'create', hidden=NONE,
            body=lambda params: {'flavor': {
                'name': 'sec-%s' % uuid.uuid4().hex[:8], 'ram': 64,
                'vcpus': 1, 'disk': 0}}),
        ('PUT', '/flavors/{flavor_id}', None): Entry(
            C, 200, ADMIN_ONLY, MANAGE % 'update', hidden=NONE,
            prep=_flavor(), body=lambda params: {'flavor': {
                'description': 'changed'}}),
        ('DELETE', '/flavors/{flavor_id}', None): Entry(
            C, 202, ADMIN_ONLY, MANAGE % 'delete', hidden=NONE,
            prep=_flavor(), fresh=True),
        ('GET', FX, None): Entry(C, 200, ALL, prep=_flavor()),
        ('GET', FX + '/{flavor_extra_spec_key}', None): Entry(
            C, 200, ALL, prep=_flavor()),
        ('POST', FX, None): Entry(
            C, 200, ADMIN_ONLY, SPECS % 'create', hidden=NONE,
            prep=_flavor(), body=lambda params: {'extra_specs': {
                'sec:other': '1'}}),
        ('PUT', FX + '/{flavor_extra_spec_key}', None): Entry(
            C, 200, ADMIN_ONLY, SPECS % 'update', hidden=NONE,
            prep=_flavor(), body=lambda params: {SPEC_KEY: 'w'}),
        ('DELETE', FX + '/{flavor_extra_spec_key}', None): Entry(
            C, 200, ADMIN_ONLY, SPECS % 'delete', hidden=NONE,
            prep=_flavor(), fresh=True),
        ('GET', '/flavors/{flavor_id}/os-flavor-access', None): Entry(
            C, 200, ADMIN_ONLY, ACCESS, hidden=NONE,
            prep=_flavor(public=False)),
        ('POST', FA, 'addTenantAccess'): Entry(
            C, 200, ADMIN_ONLY, ACCESS + ':add_tenant_access', hidden=NONE,
            prep=_flavor(public=False), body=lambda params: {
                'addTenantAccess': {'tenant': p.OTHER_PROJECT}}),
        ('POST', FA, 'removeTenantAccess'): Entry(
            C, 200, ADMIN_ONLY, ACCESS + ':remove_tenant_access',
            hidden=NONE, prep=_flavor(public=False, access=p.OTHER_PROJECT),
            body=lambda params: {
                'removeTenantAccess': {'tenant': p.OTHER_PROJECT}}),
        ('GET', HV, None): Entry(
            C, 200, ADMIN_ONLY, HYPERVISORS % 'list', hidden=NONE),
        ('GET', HV + '/detail', None): Entry(
            C, 200, ADMIN_ONLY, HYPERVISORS % 'list-detail', hidden=NONE),
        ('GET', HV + '/statistics', None): Entry(
            C, 200, ADMIN_ONLY, HYPERVISORS % 'statistics', hidden=NONE,
            version='2.87'),
        ('GET', HV + '/{hypervisor_id}', None): Entry(
            C, 200, ADMIN_ONLY, HYPERVISORS % 'show', hidden=NONE,
            prep=_hypervisor),
        ('GET', HV + '/{hypervisor_id}/uptime', None): Entry(
            C, 200, ADMIN_ONLY, HYPERVISORS % 'uptime', hidden=NONE,
            prep=_hypervisor, version='2.87'),
        ('GET', HV + '/{hypervisor_id}/search', None): Entry(
            C, 200, ADMIN_ONLY, HYPERVISORS % 'search', hidden=NONE,
            prep=_hypervisor_pattern, version='2.52'),
        ('GET', HV + '/{hypervisor_id}/servers', None): Entry(
            C, 200, ADMIN_ONLY, HYPERVISORS % 'servers', hidden=NONE,
            prep=_hypervisor_pattern, version='2.52'),
        ('GET', '/os-simple-tenant-usage', None): Entry(
            C, 200, ADMIN_ONLY, USAGE % 'list', hidden=NONE),
        ('GET', '/os-simple-tenant-usage/{tenant_id}', None): Entry(
            C, 200, READ, USAGE % 'show', hidden=NONE,
            prep=lambda env: {'tenant_id': p.PROJECT}),
        ('GET', '/os-migrations', None): Entry(
            C, 200, ADMIN_ONLY, 'os_compute_api:os-migrations:index',
            hidden=NONE),
        ('GET', S + '/migrations', None): Entry(
            C, 200, ADMIN_ONLY, 'os_compute_api:servers:migrations:index',
            prep=_server),
        ('GET', S + '/migrations/{migration_id}', None): Entry(
            C, 200, ADMIN_ONLY, 'os_compute_api:servers:migrations:show',
            prep=_live_migration),
        ('GET', S + '/diagnostics', None): Entry(
            C, 200, ADMIN_ONLY, 'os_compute_api:os-server-diagnostics',
            prep=_server),
        ('GET', S + '/os-server-password', None): Entry(
            C, 200, READ, prep=_server),
        ('DELETE', S + '/os-server-password', None): Entry(
            C, 204, WRITE, 'os_compute_api:os-server-password:clear',
            prep=_server),
        ('GET', '/extensions', None): Entry(C, 200, ALL),
        ('GET', '/extensions/{alias}', None): Entry(
            C, 200, ALL, prep=lambda env: {'alias': 'os-hypervisors'}),
    }
