"""Every route of the compute API and of the built-in block storage, for
every persona, over real HTTP against the whole stack in one process.

Personas: an administrator, a member and a reader of the owning project, a
member of another project, and an anonymous caller (no token). The answers
are nova's and Cinder's: the allowed ones succeed, a denied write is a 403
with the policy message, another project's resources are 404 (not 403: their
existence is not disclosed), and a request without a token goes no further
than authentication (noauth2's legacy 204 token answer here; 401 behind
keystonemiddleware, see test_anonymous_keystone.py).

The routes are read from the controllers (tests/security/routes.py): a new
route without an entry in MATRIX fails test_every_route_has_an_entry.
"""

import uuid

import pytest

from nova_lite import context as nl_context
from nova_lite import crypto
from nova_lite.objects import service as service_obj
from tests.fixtures import stack as stack_fixture
from tests.security import admin_routes
from tests.security import image_routes
from tests.security import move_routes
from tests.security import block_storage_routes
from tests.security import personas as p
from tests.security import proxy_routes
from tests.security import routes

ALL = frozenset(['admin', 'member', 'reader', 'other'])
READ = frozenset(['admin', 'member', 'reader'])
WRITE = frozenset(['admin', 'member'])
OWN_PROJECT = frozenset(['admin', 'member', 'other'])
ADMIN_ONLY = frozenset(['admin'])
OTHER = frozenset(['other'])
NONE = frozenset()
MEMBER = frozenset(['member'])
NOT_MEMBER = frozenset(['admin', 'reader', 'other'])

C = 'compute'
BS = 'volume'
SERVERS = 'os_compute_api:servers:%s'
VA = 'os_compute_api:os-volumes-attachments:%s'
SHELVE = 'os_compute_api:os-shelve:%s'
LOCK = 'os_compute_api:os-lock-server:%s'
PAUSE = 'os_compute_api:os-pause-server:%s'
SUSPEND = 'os_compute_api:os-suspend-server:%s'
DEFERRED = 'os_compute_api:os-deferred-delete:%s'
SERVICES = 'os_compute_api:os-services:%s'
METADATA = 'os_compute_api:server-metadata:%s'
TAGS = 'os_compute_api:os-server-tags:%s'
GROUPS = 'os_compute_api:os-server-groups:%s'
AGGREGATES = 'os_compute_api:os-aggregates:%s'
AZ = 'os_compute_api:os-availability-zone:%s'
VOL_ACTIONS = 'volume_extension:volume_actions:%s'
KEYPAIRS = 'os_compute_api:os-keypairs:%s'
QUOTA_SETS = 'os_compute_api:os-quota-sets:%s'
QUOTA_CLASSES = 'os_compute_api:os-quota-class-sets:%s'
PUBLIC_KEY = crypto.generate_ssh_key()[1]
TYPES_MANAGE = 'volume_extension:types_manage'
CONNECTOR = {'host': 'compute1', 'mountpoint': '/dev/vdb'}


class Entry:
    """What one route answers to each persona.

    ``prep(env)`` makes the resources the route acts on and returns the
    URL parameters; with ``fresh`` every allowed persona gets its own (the
    call consumes them), the denied ones share one set. ``visible`` names a
    URL parameter the listing must show to the owning project and hide from
    the other project.
    """

    def __init__(self, api, ok, allowed, rule=None, hidden=OTHER, prep=None,
                 fresh=False, body=None, version=None, visible=None):
        self.api = api
        self.ok = ok
        self.allowed = allowed
        self.rule = rule
        self.hidden = hidden - allowed
        self.prep = prep or (lambda env: {})
        self.fresh = fresh
        self.body = body
        self.version = version or ('2.89' if api == C else '3.44')
        self.visible = visible


# -- resource builders -----------------------------------------------------------

def _server(state='ACTIVE'):
    return lambda env: {'server_id': env.res.server(state)}


def _soft_deleted(env):
    """A server deleted while ``reclaim_instance_interval`` is set."""
    server_id = env.res.server()
    conf = env.stack.conf
    conf.set_override('reclaim_instance_interval', 3600)
    try:
        resp = p.call(env.base(C), 'DELETE', '/servers/%s' % server_id,
                      p.PERSONAS['member'])
        assert resp.status_code == 204, resp.text
        env.stack.wait_for_server(server_id, 'SOFT_DELETED',
                                  token=p.MEMBER)
    finally:
        conf.clear_override('reclaim_instance_interval')
    return {'server_id': server_id}


def _attached(env):
    server_id, volume_id = env.res.attached()
    return {'server_id': server_id, 'volume_id': volume_id}


def _server_and_volume(env):
    return {'server_id': env.res.server(), 'volume_id': env.res.volume()}


def _volume(state='available'):
    return lambda env: {'volume_id': env.res.volume(state)}


def _attachment(connector=False):
    return lambda env: {'attachment_id': env.res.attachment(
        connector=connector)}


def _type(env):
    return {'type_id': env.res.volume_type(), 'key': 'k'}


def _spare_compute_service(env):
    """A stopped extra compute host, forced down so that nothing is
    scheduled to it; an administrator may disable or delete it."""
    host = 'spare-%s' % uuid.uuid4().hex[:6]
    env.stack.add_compute(host)
    svc = env.stack.extra_services.pop()
    service_id = env.service_uuid(host)
    resp = p.call(env.base(C), 'PUT', '/os-services/%s' % service_id,
                  p.PERSONAS['admin'], version='2.53',
                  json={'forced_down': True})
    assert resp.status_code == 200, resp.text
    svc.stop()
    return {'service_id': service_id}


def _with_metadata(env):
    server_id = env.res.server()
    resp = env.stack.request('PUT', '/v2.1/servers/%s/metadata/k' % server_id,
                             token=p.MEMBER, json={'meta': {'k': 'v'}})
    assert resp.status_code == 200, resp.text
    return {'server_id': server_id, 'key': 'k'}


def _with_tag(tagged=True):
    def prep(env):
        server_id = env.res.server()
        if tagged:
            resp = env.stack.request(
                'PUT', '/v2.1/servers/%s/tags/t' % server_id,
                token=p.MEMBER, version='2.26')
            assert resp.status_code == 201, resp.text
        return {'server_id': server_id, 'tag': 't'}
    return prep


def _with_action(env):
    server_id = env.res.server()
    resp = env.stack.request(
        'GET', '/v2.1/servers/%s/os-instance-actions' % server_id,
        token=p.MEMBER)
    assert resp.status_code == 200, resp.text
    return {'server_id': server_id,
            'request_id': resp.json()['instanceActions'][0]['request_id']}


def _keypair(env):
    """A key pair of the member (a user's key pairs are that user's
    alone: everybody else, administrators included, is told there is no
    such key pair of theirs)."""
    name = 'sec-%s' % uuid.uuid4().hex[:8]
    resp = env.stack.request('POST', '/v2.1/os-keypairs', token=p.MEMBER,
                             version='2.2', json={'keypair': {
                                 'name': name, 'public_key': PUBLIC_KEY}})
    assert resp.status_code == 201, resp.text
    return {'keypair_name': name}


def _new_keypair_body(params):
    return {'keypair': {'name': 'sec-%s' % uuid.uuid4().hex[:8],
                        'public_key': PUBLIC_KEY}}


def _project(env):
    return {'tenant_id': p.PROJECT}


def _action(name, body=None):
    return lambda params: {name: body}


def _external_event(params):
    return {'events': [{'name': 'network-changed',
                        'server_uuid': params['server_id']}]}


def _server_group(env):
    resp = p.call(env.base(C), 'POST', '/os-server-groups',
                  p.PERSONAS['member'], json={'server_group': {
                      'name': 'sec', 'policies': ['affinity']}})
    assert resp.status_code == 200, resp.text
    return {'server_group_id': resp.json()['server_group']['id']}


def _aggregate(with_host=False):
    def prep(env):
        resp = p.call(env.base(C), 'POST', '/os-aggregates',
                      p.PERSONAS['admin'], json={'aggregate': {
                          'name': 'sec-%s' % uuid.uuid4().hex[:8]}})
        assert resp.status_code == 200, resp.text
        aggregate_id = resp.json()['aggregate']['id']
        if with_host:
            resp = p.call(env.base(C), 'POST',
                          '/os-aggregates/%s/action' % aggregate_id,
                          p.PERSONAS['admin'],
                          json={'add_host': {'host': 'compute1'}})
            assert resp.status_code == 200, resp.text
        return {'aggregate_id': aggregate_id}
    return prep


def _new_aggregate_body(params):
    return {'aggregate': {'name': 'sec-%s' % uuid.uuid4().hex[:8]}}


def _new_type_body(params):
    return {'volume_type': {'name': 'sec-%s' % uuid.uuid4().hex[:8]}}


S = '/servers/{server_id}'
VAS = S + '/os-volume_attachments'
V = '/volumes/{volume_id}'
T = '/types/{type_id}'
A = '/attachments/{attachment_id}'
SG = '/os-server-groups/{server_group_id}'
AG = '/os-aggregates/{aggregate_id}'

MATRIX = {
    # -- compute API -------------------------------------------------------------
    ('GET', '/{project_id}/', None): Entry(C, 200, ALL),
    ('GET', '/flavors', None): Entry(C, 200, ALL),
    ('GET', '/flavors/detail', None): Entry(C, 200, ALL),
    ('GET', '/flavors/{flavor_id}', None): Entry(
        C, 200, ALL, prep=lambda env: {'flavor_id': '1'}),
    ('GET', '/os-services', None): Entry(
        C, 200, ADMIN_ONLY, SERVICES % 'list', hidden=NONE),
    ('PUT', '/os-services/{service_id}', None): Entry(
        C, 200, ADMIN_ONLY, SERVICES % 'update', prep=_spare_compute_service,
        hidden=NONE, body=lambda params: {'status': 'disabled'},
        version='2.53'),
    ('DELETE', '/os-services/{service_id}', None): Entry(
        C, 204, ADMIN_ONLY, SERVICES % 'delete', prep=_spare_compute_service,
        hidden=NONE,
        fresh=True, version='2.53'),
    ('GET', '/os-server-groups', None): Entry(
        C, 200, ALL, prep=_server_group, visible='server_group_id'),
    ('POST', '/os-server-groups', None): Entry(
        C, 200, OWN_PROJECT, GROUPS % 'create',
        body=lambda params: {'server_group': {
            'name': 'sec', 'policy': 'anti-affinity'}}),
    ('GET', SG, None): Entry(C, 200, READ, prep=_server_group),
    ('DELETE', SG, None): Entry(
        C, 204, WRITE, GROUPS % 'delete', prep=_server_group, fresh=True),
    ('GET', '/os-availability-zone', None): Entry(C, 200, ALL),
    ('GET', '/os-availability-zone/detail', None): Entry(
        C, 200, ADMIN_ONLY, AZ % 'detail', hidden=NONE),
    ('POST', '/os-server-external-events', None): Entry(
        C, 200, ADMIN_ONLY, 'os_compute_api:os-server-external-events:create',
        hidden=NONE, prep=_server(), body=_external_event),
    ('GET', '/os-aggregates', None): Entry(
        C, 200, ADMIN_ONLY, AGGREGATES % 'index', hidden=NONE),
    ('POST', '/os-aggregates', None): Entry(
        C, 200, ADMIN_ONLY, AGGREGATES % 'create', hidden=NONE,
        body=_new_aggregate_body),
    ('GET', AG, None): Entry(
        C, 200, ADMIN_ONLY, AGGREGATES % 'show', hidden=NONE,
        prep=_aggregate()),
    ('PUT', AG, None): Entry(
        C, 200, ADMIN_ONLY, AGGREGATES % 'update', hidden=NONE,
        prep=_aggregate(), body=_new_aggregate_body),
    ('DELETE', AG, None): Entry(
        C, 200, ADMIN_ONLY, AGGREGATES % 'delete', hidden=NONE,
        prep=_aggregate(), fresh=True),
    ('POST', AG + '/action', 'add_host'): Entry(
        C, 200, ADMIN_ONLY, AGGREGATES % 'add_host', hidden=NONE,
        prep=_aggregate(), fresh=True,
        body=_action('add_host', {'host': 'compute1'})),
    ('POST', AG + '/action', 'remove_host'): Entry(
        C, 200, ADMIN_ONLY, AGGREGATES % 'remove_host', hidden=NONE,
        prep=_aggregate(with_host=True), fresh=True,
        body=_action('remove_host', {'host': 'compute1'})),
    ('POST', AG + '/action', 'set_metadata'): Entry(
        C, 200, ADMIN_ONLY, AGGREGATES % 'set_metadata', hidden=NONE,
        prep=_aggregate(),
        body=_action('set_metadata', {'metadata': {'k': 'v'}})),
    ('GET', '/servers', None): Entry(
        C, 200, ALL, prep=_server(), visible='server_id'),
    ('GET', '/servers/detail', None): Entry(
        C, 200, ALL, prep=_server(), visible='server_id'),
    ('POST', '/servers', None): Entry(
        C, 202, OWN_PROJECT, SERVERS % 'create',
        body=lambda params: {'server': {
            'name': 'sec', 'flavorRef': '1', 'networks': 'none',
            'imageRef': p.IMAGE}}),
    ('GET', S, None): Entry(C, 200, READ, prep=_server()),
    ('GET', S + '/ips', None): Entry(C, 200, READ, prep=_server()),
    # Servers are in no network: 404 "Instance is not a member of specified
    # network" for those who may ask.
    ('GET', S + '/ips/{network_label}', None): Entry(
        C, 404, READ, prep=lambda env: {'server_id': env.res.server(),
                                        'network_label': 'private'}),
    ('PUT', S, None): Entry(
        C, 200, WRITE, SERVERS % 'update', prep=_server(),
        body=lambda params: {'server': {'name': 'renamed'}}),
    ('DELETE', S, None): Entry(
        C, 204, WRITE, SERVERS % 'delete', prep=_server(), fresh=True),
    ('POST', S + '/action', 'os-stop'): Entry(
        C, 202, WRITE, SERVERS % 'stop', prep=_server(), fresh=True,
        body=_action('os-stop')),
    ('POST', S + '/action', 'os-start'): Entry(
        C, 202, WRITE, SERVERS % 'start', prep=_server('SHUTOFF'),
        fresh=True, body=_action('os-start')),
    ('POST', S + '/action', 'reboot'): Entry(
        C, 202, WRITE, SERVERS % 'reboot', prep=_server(), fresh=True,
        body=_action('reboot', {'type': 'SOFT'})),
    ('POST', S + '/action', 'shelve'): Entry(
        C, 202, WRITE, SHELVE % 'shelve', prep=_server(), fresh=True,
        body=_action('shelve')),
    ('POST', S + '/action', 'shelveOffload'): Entry(
        C, 202, ADMIN_ONLY, SHELVE % 'shelve_offload',
        prep=_server('SHELVED'), fresh=True, body=_action('shelveOffload')),
    ('POST', S + '/action', 'unshelve'): Entry(
        C, 202, WRITE, SHELVE % 'unshelve', prep=_server('SHELVED'),
        fresh=True, body=_action('unshelve')),
    ('GET', S + '/metadata', None): Entry(C, 200, READ, prep=_with_metadata),
    ('GET', S + '/metadata/{key}', None): Entry(
        C, 200, READ, prep=_with_metadata),
    ('POST', S + '/metadata', None): Entry(
        C, 200, WRITE, METADATA % 'create', prep=_with_metadata,
        body=lambda params: {'metadata': {'k2': 'v2'}}),
    ('PUT', S + '/metadata', None): Entry(
        C, 200, WRITE, METADATA % 'update_all', prep=_with_metadata,
        body=lambda params: {'metadata': {'k3': 'v3'}}),
    ('PUT', S + '/metadata/{key}', None): Entry(
        C, 200, WRITE, METADATA % 'update', prep=_with_metadata,
        body=lambda params: {'meta': {'k': 'v4'}}),
    ('DELETE', S + '/metadata/{key}', None): Entry(
        C, 204, WRITE, METADATA % 'delete', prep=_with_metadata, fresh=True),
    ('GET', S + '/tags', None): Entry(C, 200, READ, prep=_with_tag()),
    ('GET', S + '/tags/{tag}', None): Entry(C, 204, READ, prep=_with_tag()),
    ('PUT', S + '/tags', None): Entry(
        C, 200, WRITE, TAGS % 'update_all', prep=_with_tag(),
        body=lambda params: {'tags': ['a', 'b']}),
    ('PUT', S + '/tags/{tag}', None): Entry(
        C, 201, WRITE, TAGS % 'update', prep=_with_tag(tagged=False),
        fresh=True),
    ('DELETE', S + '/tags', None): Entry(
        C, 204, WRITE, TAGS % 'delete_all', prep=_with_tag(), fresh=True),
    ('DELETE', S + '/tags/{tag}', None): Entry(
        C, 204, WRITE, TAGS % 'delete', prep=_with_tag(), fresh=True),
    ('GET', S + '/os-instance-actions', None): Entry(
        C, 200, READ, prep=_server()),
    ('GET', S + '/os-instance-actions/{request_id}', None): Entry(
        C, 200, READ, prep=_with_action),
    ('POST', S + '/action', 'lock'): Entry(
        C, 202, WRITE, LOCK % 'lock', prep=_server(), fresh=True,
        body=_action('lock')),
    ('POST', S + '/action', 'unlock'): Entry(
        C, 202, WRITE, LOCK % 'unlock', prep=_server(),
        body=_action('unlock')),
    ('POST', S + '/action', 'pause'): Entry(
        C, 202, WRITE, PAUSE % 'pause', prep=_server(), fresh=True,
        body=_action('pause')),
    ('POST', S + '/action', 'unpause'): Entry(
        C, 202, WRITE, PAUSE % 'unpause', prep=_server('PAUSED'),
        fresh=True, body=_action('unpause')),
    ('POST', S + '/action', 'suspend'): Entry(
        C, 202, WRITE, SUSPEND % 'suspend', prep=_server(), fresh=True,
        body=_action('suspend')),
    ('POST', S + '/action', 'resume'): Entry(
        C, 202, WRITE, SUSPEND % 'resume', prep=_server('SUSPENDED'),
        fresh=True, body=_action('resume')),
    ('POST', S + '/action', 'os-resetState'): Entry(
        C, 202, ADMIN_ONLY, 'os_compute_api:os-admin-actions:reset_state',
        prep=_server(), body=_action('os-resetState', {'state': 'active'})),
    ('POST', S + '/action', 'injectNetworkInfo'): Entry(
        C, 202, ADMIN_ONLY,
        'os_compute_api:os-admin-actions:inject_network_info',
        prep=_server(), body=_action('injectNetworkInfo')),
    ('POST', S + '/action', 'changePassword'): Entry(
        C, 202, WRITE, 'os_compute_api:os-admin-password', prep=_server(),
        body=_action('changePassword', {'adminPass': 'pw'})),
    ('POST', S + '/action', 'restore'): Entry(
        C, 202, WRITE, DEFERRED % 'restore', prep=_soft_deleted, fresh=True,
        body=_action('restore')),
    ('POST', S + '/action', 'forceDelete'): Entry(
        C, 202, WRITE, DEFERRED % 'force', prep=_server(), fresh=True,
        body=_action('forceDelete')),
    ('POST', S + '/action', 'os-getConsoleOutput'): Entry(
        C, 200, WRITE, 'os_compute_api:os-console-output', prep=_server(),
        body=_action('os-getConsoleOutput', {'length': 5})),
    ('POST', S + '/action', 'createImage'): Entry(
        C, 202, WRITE, SERVERS % 'create_image', prep=_server(), fresh=True,
        body=_action('createImage', {'name': 'snap'})),
    ('POST', S + '/action', 'createBackup'): Entry(
        C, 202, WRITE, 'os_compute_api:os-create-backup', prep=_server(),
        fresh=True, body=_action('createBackup', {
            'name': 'backup', 'backup_type': 'daily', 'rotation': 1})),
    ('POST', S + '/action', 'rebuild'): Entry(
        C, 202, WRITE, SERVERS % 'rebuild', prep=_server(), fresh=True,
        body=_action('rebuild', {'imageRef': p.IMAGE})),
    ('GET', VAS, None): Entry(C, 200, READ, prep=_attached),
    ('GET', VAS + '/{volume_id}', None): Entry(C, 200, READ, prep=_attached),
    ('POST', VAS, None): Entry(
        C, 200, WRITE, VA % 'create', prep=_server_and_volume, fresh=True,
        body=lambda params: {'volumeAttachment': {
            'volumeId': params['volume_id']}}),
    ('PUT', VAS + '/{volume_id}', None): Entry(
        C, 202, WRITE, VA % 'update', prep=_attached, version='2.85',
        body=lambda params: {'volumeAttachment': {
            'volumeId': params['volume_id'],
            'delete_on_termination': True}}),
    ('DELETE', VAS + '/{volume_id}', None): Entry(
        C, 202, WRITE, VA % 'delete', prep=_attached, fresh=True),
    ('GET', '/os-keypairs', None): Entry(C, 200, ALL),
    ('POST', '/os-keypairs', None): Entry(
        C, 201, ALL, KEYPAIRS % 'create', body=_new_keypair_body),
    ('GET', '/os-keypairs/{keypair_name}', None): Entry(
        C, 200, MEMBER, prep=_keypair, hidden=NOT_MEMBER),
    ('DELETE', '/os-keypairs/{keypair_name}', None): Entry(
        C, 204, MEMBER, prep=_keypair, hidden=NOT_MEMBER, fresh=True),
    ('GET', '/limits', None): Entry(C, 200, ALL),
    ('GET', '/os-quota-sets/{tenant_id}', None): Entry(
        C, 200, READ, QUOTA_SETS % 'show', prep=_project, hidden=NONE),
    ('GET', '/os-quota-sets/{tenant_id}/detail', None): Entry(
        C, 200, READ, QUOTA_SETS % 'detail', prep=_project, hidden=NONE),
    ('GET', '/os-quota-sets/{tenant_id}/defaults', None): Entry(
        C, 200, ALL, prep=_project),
    ('PUT', '/os-quota-sets/{tenant_id}', None): Entry(
        C, 200, ADMIN_ONLY, QUOTA_SETS % 'update', prep=_project,
        hidden=NONE, body=lambda params: {'quota_set': {'key_pairs': 100}}),
    ('DELETE', '/os-quota-sets/{tenant_id}', None): Entry(
        C, 202, ADMIN_ONLY, QUOTA_SETS % 'delete', prep=_project,
        hidden=NONE),
    ('GET', '/os-quota-class-sets/{quota_class}', None): Entry(
        C, 200, ADMIN_ONLY, QUOTA_CLASSES % 'show', hidden=NONE,
        prep=lambda env: {'quota_class': 'default'}),
    ('PUT', '/os-quota-class-sets/{quota_class}', None): Entry(
        C, 200, ADMIN_ONLY, QUOTA_CLASSES % 'update', hidden=NONE,
        prep=lambda env: {'quota_class': 'sec-class'},
        body=lambda params: {'quota_class_set': {'key_pairs': 50}}),

    # -- block storage -----------------------------------------------------------
    ('GET', '/volumes', None): Entry(
        BS, 200, ALL, prep=_volume(), visible='volume_id'),
    ('GET', '/volumes/detail', None): Entry(
        BS, 200, ALL, prep=_volume(), visible='volume_id'),
    ('POST', '/volumes', None): Entry(
        BS, 202, OWN_PROJECT, 'volume:create',
        body=lambda params: {'volume': {'size': 1}}),
    ('GET', V, None): Entry(BS, 200, READ, prep=_volume()),
    ('PUT', V, None): Entry(
        BS, 200, WRITE, 'volume:update', prep=_volume(),
        body=lambda params: {'volume': {'name': 'renamed'}}),
    ('DELETE', V, None): Entry(
        BS, 202, WRITE, 'volume:delete', prep=_volume(), fresh=True),
    ('POST', V + '/action', 'os-reserve'): Entry(
        BS, 202, WRITE, VOL_ACTIONS % 'reserve', prep=_volume(), fresh=True,
        body=_action('os-reserve')),
    ('POST', V + '/action', 'os-unreserve'): Entry(
        BS, 202, WRITE, VOL_ACTIONS % 'unreserve', prep=_volume('reserved'),
        fresh=True, body=_action('os-unreserve')),
    ('POST', V + '/action', 'os-begin_detaching'): Entry(
        BS, 202, WRITE, VOL_ACTIONS % 'begin_detaching',
        prep=_volume('in-use'), fresh=True,
        body=_action('os-begin_detaching')),
    ('POST', V + '/action', 'os-roll_detaching'): Entry(
        BS, 202, WRITE, VOL_ACTIONS % 'roll_detaching',
        prep=_volume('detaching'), fresh=True,
        body=_action('os-roll_detaching')),
    ('POST', V + '/action', 'os-set_bootable'): Entry(
        BS, 200, WRITE, 'volume:update_volume_bootable', prep=_volume(),
        body=_action('os-set_bootable', {'bootable': True})),
    ('POST', V + '/action', 'os-extend'): Entry(
        BS, 202, WRITE, 'volume:extend', prep=_volume(), fresh=True,
        body=_action('os-extend', {'new_size': 2})),
    ('POST', V + '/action', 'os-reset_status'): Entry(
        BS, 202, ADMIN_ONLY,
        'volume_extension:volume_admin_actions:reset_status', prep=_volume(),
        body=_action('os-reset_status', {'status': 'available'})),
    ('POST', V + '/action', 'os-reimage'): Entry(
        BS, 202, WRITE, 'volume:reimage', prep=_volume(), fresh=True,
        version='3.68', body=_action('os-reimage', {'image_id': p.IMAGE})),
    ('POST', V + '/action', 'os-force_delete'): Entry(
        BS, 202, ADMIN_ONLY, 'volume:force_delete', prep=_volume(),
        fresh=True, body=_action('os-force_delete')),
    ('GET', '/types', None): Entry(BS, 200, ALL),
    ('POST', '/types', None): Entry(
        BS, 200, ADMIN_ONLY, TYPES_MANAGE, hidden=NONE, body=_new_type_body),
    ('GET', T, None): Entry(BS, 200, ALL, prep=_type),
    ('PUT', T, None): Entry(
        BS, 200, ADMIN_ONLY, TYPES_MANAGE, hidden=NONE, prep=_type,
        body=lambda params: {'volume_type': {'description': 'changed'}}),
    ('DELETE', T, None): Entry(
        BS, 202, ADMIN_ONLY, TYPES_MANAGE, hidden=NONE, prep=_type, fresh=True),
    ('GET', T + '/extra_specs', None): Entry(BS, 200, ALL, prep=_type),
    ('POST', T + '/extra_specs', None): Entry(
        BS, 200, ADMIN_ONLY, TYPES_MANAGE, hidden=NONE, prep=_type,
        body=lambda params: {'extra_specs': {'k2': 'v2'}}),
    ('GET', T + '/extra_specs/{key}', None): Entry(BS, 200, ALL, prep=_type),
    ('PUT', T + '/extra_specs/{key}', None): Entry(
        BS, 200, ADMIN_ONLY, TYPES_MANAGE, hidden=NONE, prep=_type,
        body=lambda params: {'k': 'v3'}),
    ('DELETE', T + '/extra_specs/{key}', None): Entry(
        BS, 202, ADMIN_ONLY, TYPES_MANAGE, hidden=NONE, prep=_type, fresh=True),
    ('GET', '/attachments', None): Entry(
        BS, 200, ALL, prep=_attachment(), visible='attachment_id'),
    ('GET', '/attachments/detail', None): Entry(
        BS, 200, ALL, prep=_attachment(), visible='attachment_id'),
    ('POST', '/attachments', None): Entry(
        BS, 200, WRITE, 'volume:attachment_create', prep=_volume(),
        fresh=True, body=lambda params: {'attachment': {
            'volume_uuid': params['volume_id'],
            'instance_uuid': str(uuid.uuid4())}}),
    ('GET', A, None): Entry(BS, 200, READ, prep=_attachment()),
    ('PUT', A, None): Entry(
        BS, 200, WRITE, 'volume:attachment_update', prep=_attachment(),
        fresh=True, body=lambda params: {'attachment': {
            'connector': CONNECTOR}}),
    ('DELETE', A, None): Entry(
        BS, 200, WRITE, 'volume:attachment_delete', prep=_attachment(),
        fresh=True),
    ('POST', A + '/action', 'os-complete'): Entry(
        BS, 204, WRITE, 'volume:attachment_complete',
        prep=_attachment(connector=True), fresh=True,
        body=_action('os-complete', {})),
}


MATRIX.update(admin_routes.entries(Entry))
MATRIX.update(proxy_routes.entries(Entry))
MATRIX.update(move_routes.entries(Entry))
MATRIX.update(block_storage_routes.entries(Entry))
MATRIX.update(image_routes.entries(Entry))

# Block storage routes whose method and path a compute route has too.
SHARED_PATHS = {
    ('GET', '/limits', None): Entry(BS, 200, ALL),
}
ENTRIES = sorted(list(MATRIX.items()) + list(SHARED_PATHS.items()),
                 key=lambda item: str((item[0], item[1].api)))


class Env:
    def __init__(self, stack):
        self.stack = stack
        self.res = p.Resources(stack)

    def service_uuid(self, host):
        ctx = nl_context.get_admin_context()
        return service_obj.get_by_host_and_binary(ctx, host,
                                                  'nova-compute').uuid

    def base(self, api):
        if api == C:
            return self.stack.base + '/v2.1'
        return self.stack.volume_base + '/v3'


@pytest.fixture(scope='module')
def env(tmp_path_factory):
    conf = stack_fixture.make_conf(
        tmp_path_factory.mktemp('policy-matrix'),
        overrides=[(None, 'shelved_offload_time', -1),
                   # One compute host: resizes stay on it.
                   (None, 'allow_resize_to_same_host', True),
                   ('fake_driver', 'supports_migrate_to_same_host',
                    True)] + [
            # The member's project holds a server per route and persona.
            ('quota', resource, -1)
            for resource in ('instances', 'cores', 'ram')])
    stack = stack_fixture.Stack(conf).start()
    try:
        yield Env(stack)
    finally:
        stack.stop()


def _path(template, params, persona):
    values = dict(params, project_id=p.PROJECTS[persona])
    return template.format(**values)


def _listed_ids(body):
    for key in ('servers', 'volumes', 'attachments', 'server_groups',
                'snapshots', 'images'):
        if key in body:
            return {item['id'] for item in body[key]}
    raise AssertionError('not a listing: %r' % body)


def _check(persona, entry, resp, params, route):
    where = '%s %s as %s' % (route[0], route[1], persona)
    if persona == 'anonymous':
        # noauth2 without X-Auth-Token: nova's legacy token answer, and the
        # request goes no further.
        assert resp.status_code == 204, (where, resp.text)
        assert resp.headers['X-Auth-Token'] == 'admin:admin'
        assert resp.content == b''
        return
    if persona in entry.allowed:
        assert resp.status_code == entry.ok, (where, resp.text)
        if entry.visible:
            ids = _listed_ids(resp.json())
            wanted = params[entry.visible]
            if persona == 'other':
                assert wanted not in ids, where
            elif persona in ('member', 'reader'):
                assert wanted in ids, where
        return
    if persona in entry.hidden:
        assert resp.status_code == 404, (where, resp.text)
        (fault,) = resp.json().values()
        assert fault['code'] == 404
        assert 'itemNotFound' in resp.json(), (where, resp.text)
        assert any(str(v) in fault['message'] for v in params.values()) or \
            fault['message'] == getattr(entry, 'not_found_message', None), \
            (where, fault)
        return
    assert resp.status_code == 403, (where, resp.text)
    message = getattr(entry, 'forbidden_message', None)
    message = message.format(**params) if message else \
        "Policy doesn't allow %s to be performed." % entry.rule
    assert resp.json() == {'forbidden': {'code': 403, 'message': message}}, \
        where


def _call(env, route, entry, persona, params):
    method, template, _action_name = route
    body = entry.body(params) if entry.body else None
    return p.call(env.base(entry.api), method,
                  _path(template, params, persona), p.PERSONAS[persona],
                  version=entry.version, service=entry.api, json=body)


def test_every_route_has_an_entry():
    enumerated = {(C,) + r for r in routes.compute_routes()} | \
        {(BS,) + r for r in routes.block_storage_routes()}
    listed = {(e.api,) + r for r, e in ENTRIES}
    assert len(listed) == len(ENTRIES)
    assert enumerated - listed == set(), 'routes without a matrix entry'
    assert listed - enumerated == set(), 'matrix entries of no route'


@pytest.mark.parametrize('route,entry', ENTRIES,
                         ids=['%s %s %s%s' % (e.api, r[0], r[1],
                                              ' ' + r[2] if r[2] else '')
                              for r, e in ENTRIES])
def test_route(env, route, entry):
    shared = entry.prep(env)
    denied = [n for n in ('anonymous', 'reader', 'other', 'member', 'admin')
              if n not in entry.allowed]
    for persona in denied:
        _check(persona, entry, _call(env, route, entry, persona, shared),
               shared, route)
    for persona in sorted(entry.allowed):
        params = entry.prep(env) if entry.fresh else shared
        _check(persona, entry, _call(env, route, entry, persona, params),
               params, route)


def test_swap_is_a_service_business(env):
    """Below 2.85 a volume attachment update is a swap: project members and
    readers are refused with the swap rule, other projects see nothing."""
    params = _attached(env)
    path = '/servers/%(server_id)s/os-volume_attachments/%(volume_id)s' \
        % params
    body = {'volumeAttachment': {'volumeId': params['volume_id']}}
    for persona in ('member', 'reader'):
        resp = p.call(env.base(C), 'PUT', path, p.PERSONAS[persona],
                      version='2.60', json=body)
        assert resp.status_code == 403, resp.text
        assert resp.json()['forbidden']['message'] == (
            "Policy doesn't allow %s to be performed." % (VA % 'swap'))
    resp = p.call(env.base(C), 'PUT', path, p.PERSONAS['other'],
                  version='2.60', json=body)
    assert resp.status_code == 404, resp.text


def test_all_tenants_is_an_administrators_business(env):
    """Asking for every project's servers is refused by policy to project
    members and readers (nova); the block storage ignores ``all_tenants``
    from non-administrators and lists their own project's volumes (Cinder).
    An administrator sees the member's."""
    server_id = env.res.server()
    volume_id = env.res.volume()
    for persona in ('other', 'reader', 'member', 'admin'):
        headers = p.PERSONAS[persona]
        servers = p.call(env.base(C), 'GET', '/servers/detail?all_tenants=1',
                         headers)
        volumes = p.call(env.base(BS), 'GET', '/volumes?all_tenants=1',
                         headers, service=BS)
        if persona == 'admin':
            assert servers.status_code == 200, servers.text
            assert server_id in _listed_ids(servers.json())
        else:
            assert servers.status_code == 403, servers.text
            assert servers.json()['forbidden']['message'] == (
                "Policy doesn't allow %s to be performed."
                % (SERVERS % 'detail:get_all_tenants'))
        assert volumes.status_code == 200, volumes.text
        assert (volume_id in _listed_ids(volumes.json())) is (
            persona != 'other')


def test_url_project_must_be_the_tokens(env):
    """Naming the owner's project in the URL does not help another project:
    the URL's project must be the token's (400, nova's and Cinder's
    message), for compute and block storage alike."""
    server_id = env.res.server()
    volume_id = env.res.volume()
    other = p.PERSONAS['other']
    resp = p.call(env.stack.base, 'GET', '/v2.1/%s/servers/%s' % (
        p.PROJECT, server_id), other)
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['message'] == (
        "Malformed request URL: URL's project_id '%s' doesn't match "
        "Context's project_id '%s'" % (p.PROJECT, p.OTHER_PROJECT))
    resp = p.call(env.stack.volume_base, 'GET', '/v3/%s/volumes/%s' % (
        p.PROJECT, volume_id), other, service=BS)
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['message'] == (
        "Malformed request url: URL's project_id '%s' doesn't match "
        "Context's project_id '%s'" % (p.PROJECT, p.OTHER_PROJECT))
    # With its own project in the URL, the member sees its resources.
    member = p.PERSONAS['member']
    assert p.call(env.stack.base, 'GET', '/v2.1/%s/servers/%s' % (
        p.PROJECT, server_id), member).status_code == 200
    assert p.call(env.stack.volume_base, 'GET', '/v3/%s/volumes/%s' % (
        p.PROJECT, volume_id), member, service=BS).status_code == 200
