"""Server policies: /servers, the server actions we serve, and the rules that
decide which fields a server body shows.

Names and default check strings are nova's (nova spreads them over
servers.py, shelve.py, lock_server.py and extended_server_attributes.py;
here they sit together because one controller enforces them). Operations
name nova_lite's routes (nova also lists rebuild, which nova_lite does not
serve); the lock rules are defined ahead of the lock/unlock actions. Targets:
the owning project (and user) of the server; for create, the caller's own
project.
"""

from oslo_policy import policy

from nova_lite.policies import base

SERVERS = 'os_compute_api:servers:%s'
SHELVE = 'os_compute_api:os-shelve:%s'
LOCK = 'os_compute_api:os-lock-server:%s'
EXTENDED_ATTRS = 'os_compute_api:os-extended-server-attributes'
FLAVOR_EXTRA_SPECS = SERVERS % 'show:flavor-extra-specs'
ZERO_DISK_FLAVOR = SERVERS % 'create:zero_disk_flavor'

_SERVER = '/servers/{server_id}'
_ACTION = '/servers/{server_id}/action (%s)'

# Server responses that carry the fields the "show:*" and extended
# attribute rules control.
_SERVER_BODIES = (('GET', '/servers/detail'), ('GET', _SERVER),
                  ('PUT', _SERVER))

_EXTRA_SPECS_MOVED = (
    'Showing flavor extra specs inside server responses got its own rule; '
    'os_compute_api:os-flavor-extra-specs:index still governs the flavor '
    'API.')


def _rule(name, check_str, description, *operations, **kwargs):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=base.operations(*operations), scope_types=['project'],
        **kwargs)


_listing = [
    _rule(SERVERS % 'index', base.PROJECT_READER_OR_ADMIN,
          'List the servers of a project.',
          ('GET', '/servers')),
    _rule(SERVERS % 'detail', base.PROJECT_READER_OR_ADMIN,
          'List the servers of a project with details.',
          ('GET', '/servers/detail')),
    _rule(SERVERS % 'index:get_all_tenants', base.ADMIN,
          'List servers of every project (all_tenants query parameter).',
          ('GET', '/servers')),
    _rule(SERVERS % 'detail:get_all_tenants', base.ADMIN,
          'List servers of every project with details (all_tenants query '
          'parameter).',
          ('GET', '/servers/detail')),
    _rule(SERVERS % 'allow_all_filters', base.ADMIN,
          'Filter server lists by any supported field; without this rule '
          'only the filters open to every user are honoured and the others '
          'are ignored.',
          ('GET', '/servers'), ('GET', '/servers/detail')),
]

_show = [
    _rule(SERVERS % 'show', base.PROJECT_READER_OR_ADMIN,
          'Show one server.',
          ('GET', _SERVER)),
    _rule(FLAVOR_EXTRA_SPECS, base.PROJECT_READER_OR_ADMIN,
          'From microversion 2.47 a server body embeds its flavor; this '
          'rule decides whether that flavor includes its extra specs.',
          *_SERVER_BODIES,
          deprecated_rule=policy.DeprecatedRule(
              'os_compute_api:os-flavor-extra-specs:index',
              base.RULE_ADMIN_OR_OWNER,
              deprecated_reason=_EXTRA_SPECS_MOVED,
              deprecated_since='nova 25.0.0')),
    _rule(SERVERS % 'show:host_status', base.ADMIN,
          'Show the host_status field (microversion 2.16 and later) '
          'whatever its value. The field reveals the state of the compute '
          'service hosting the server.',
          *_SERVER_BODIES),
    _rule(SERVERS % 'show:host_status:unknown-only', base.ADMIN,
          'Show the host_status field only when it is UNKNOWN. Consulted '
          'only when os_compute_api:servers:show:host_status denies.',
          *_SERVER_BODIES),
    _rule(EXTENDED_ATTRS, base.ADMIN,
          'Show the OS-EXT-SRV-ATTR:* fields of a server (host, '
          'hypervisor_hostname, instance_name, and from microversion 2.3 '
          'reservation_id, launch_index, hostname, kernel_id, ramdisk_id, '
          'root_device_name, user_data). From 2.90 hostname is shown to '
          'everybody regardless of this rule.',
          ('GET', '/servers/{id}'), ('GET', '/servers/detail'),
          ('PUT', _SERVER)),
]

REQUESTED_DESTINATION = 'compute:servers:create:requested_destination'

_create = [
    _rule(SERVERS % 'create', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server.',
          ('POST', '/servers')),
    _rule(SERVERS % 'create:forced_host', base.ADMIN,
          'Create a server on a named host and/or node, bypassing the '
          'scheduler (availability_zone of the form "zone:host:node").',
          ('POST', '/servers')),
    _rule(REQUESTED_DESTINATION, base.ADMIN,
          'Create a server on the requested compute service host and/or '
          'hypervisor_hostname (microversion 2.74). Unlike with '
          'os_compute_api:servers:create:forced_host, the scheduler '
          'filters still apply to the requested host.',
          ('POST', '/servers')),
    _rule(SERVERS % 'create:attach_volume', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with volumes in its block device mapping.',
          ('POST', '/servers')),
    _rule(SERVERS % 'create:attach_network', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with requested networks or ports.',
          ('POST', '/servers')),
    _rule(SERVERS % 'create:trusted_certs', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with trusted image certificate IDs '
          '(microversion 2.63 and later).',
          ('POST', '/servers')),
    _rule(ZERO_DISK_FLAVOR, base.ADMIN,
          'Create a server that is not volume-backed from a flavor with a '
          'zero root disk. Such a server gets a root disk as large as its '
          'image, which the scheduler cannot account for; granting this to '
          'users who can upload their own images lets them fill compute '
          'host disks.',
          ('POST', '/servers')),
]

_change = [
    _rule(SERVERS % 'update', base.PROJECT_MEMBER_OR_ADMIN,
          'Update a server (name, description).',
          ('PUT', _SERVER)),
    _rule(SERVERS % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
          'Delete a server.',
          ('DELETE', _SERVER)),
    _rule(SERVERS % 'start', base.PROJECT_MEMBER_OR_ADMIN,
          'Start a stopped server.',
          ('POST', _ACTION % 'os-start')),
    _rule(SERVERS % 'stop', base.PROJECT_MEMBER_OR_ADMIN,
          'Stop a running server.',
          ('POST', _ACTION % 'os-stop')),
    _rule(SERVERS % 'reboot', base.PROJECT_MEMBER_OR_ADMIN,
          'Reboot a server (soft or hard).',
          ('POST', _ACTION % 'reboot')),
]

_shelve = [
    _rule(SHELVE % 'shelve', base.PROJECT_MEMBER_OR_ADMIN,
          'Shelve a server.',
          ('POST', _ACTION % 'shelve')),
    _rule(SHELVE % 'shelve_offload', base.ADMIN,
          'Offload a shelved server from its compute host.',
          ('POST', _ACTION % 'shelveOffload')),
    _rule(SHELVE % 'unshelve', base.PROJECT_MEMBER_OR_ADMIN,
          'Unshelve a shelved server.',
          ('POST', _ACTION % 'unshelve')),
    _rule(SHELVE % 'unshelve_to_host', base.ADMIN,
          'Unshelve a shelved-offloaded server onto a named host '
          '(microversion 2.91 and later).',
          ('POST', _ACTION % 'unshelve')),
]

_lock = [
    _rule(LOCK % 'lock', base.PROJECT_MEMBER_OR_ADMIN,
          'Lock a server so that non-admin users cannot act on it.',
          ('POST', _ACTION % 'lock')),
    _rule(LOCK % 'unlock', base.PROJECT_MEMBER_OR_ADMIN,
          'Unlock a server.',
          ('POST', _ACTION % 'unlock')),
    _rule(LOCK % 'unlock:unlock_override', base.ADMIN,
          'Unlock a server that somebody else locked. Checked after '
          'os_compute_api:os-lock-server:unlock has passed.',
          ('POST', _ACTION % 'unlock')),
]

rules = _listing + _show + _create + _change + _shelve + _lock


def list_rules():
    return rules
