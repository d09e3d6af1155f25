"""Policies of the administrators' views of the cloud: hypervisors, usage,
migrations, server diagnostics and passwords, and the extension list."""

from oslo_policy import policy

from nova_lite.policies import base

HYPERVISORS = 'os_compute_api:os-hypervisors:%s'
USAGE = 'os_compute_api:os-simple-tenant-usage:%s'
MIGRATIONS = 'os_compute_api:os-migrations:%s'
SERVER_MIGRATIONS = 'os_compute_api:servers:migrations:%s'
DIAGNOSTICS = 'os_compute_api:os-server-diagnostics'
PASSWORD = 'os_compute_api:os-server-password:%s'
EXTENSIONS = 'os_compute_api:extensions'

_LEGACY_ADMIN = policy.DeprecatedRule(
    'os_compute_api:os-hypervisors', base.RULE_ADMIN_API,
    deprecated_reason=base.LEGACY_REASON, deprecated_since=base.LEGACY_SINCE)
_LEGACY_OWNER = policy.DeprecatedRule(
    'os_compute_api:os-server-password', base.RULE_ADMIN_OR_OWNER,
    deprecated_reason=base.LEGACY_REASON, deprecated_since=base.LEGACY_SINCE)
_SPLIT_REASON = (
    'Listing migrations with host details or across projects has rules of '
    'its own; a deployment overriding the listing rule must override those '
    'too to keep the same permissions.')
_MIGRATIONS_INDEX = policy.DeprecatedRule(
    MIGRATIONS % 'index', base.ADMIN, deprecated_reason=_SPLIT_REASON,
    deprecated_since='nova 32.0.0')
_SERVER_MIGRATIONS_INDEX = policy.DeprecatedRule(
    SERVER_MIGRATIONS % 'index', base.ADMIN,
    deprecated_reason=_SPLIT_REASON, deprecated_since='nova 32.0.0')


def _rule(name, check_str, description, *operations, **kwargs):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=base.operations(*operations), scope_types=['project'],
        **kwargs)


def _hypervisor(action, description, path):
    return _rule(HYPERVISORS % action, base.ADMIN, description,
                 ('GET', path), deprecated_rule=_LEGACY_ADMIN)


_S = '/servers/{server_id}'

rules = [
    _hypervisor('list', 'List the hypervisors.', '/os-hypervisors'),
    _hypervisor('list-detail', 'List the hypervisors with details.',
                '/os-hypervisors/details'),
    _hypervisor('statistics', 'Show the summed statistics of the '
                'hypervisors.', '/os-hypervisors/statistics'),
    _hypervisor('show', 'Show one hypervisor.',
                '/os-hypervisors/{hypervisor_id}'),
    _hypervisor('uptime', 'Show the uptime of one hypervisor.',
                '/os-hypervisors/{hypervisor_id}/uptime'),
    _hypervisor('search', 'Search hypervisors by host name.',
                '/os-hypervisors/{hypervisor_hostname_pattern}/search'),
    _hypervisor('servers', 'List the servers of hypervisors.',
                '/os-hypervisors/{hypervisor_hostname_pattern}/servers'),
    _rule(USAGE % 'show', base.PROJECT_READER_OR_ADMIN,
          'Show the usage of one project.',
          ('GET', '/os-simple-tenant-usage/{tenant_id}')),
    _rule(USAGE % 'list', base.ADMIN, 'List the usage of every project.',
          ('GET', '/os-simple-tenant-usage')),
    _rule(MIGRATIONS % 'index', base.PROJECT_MANAGER_OR_ADMIN,
          'List migrations without host details.', ('GET', '/os-migrations')),
    _rule(MIGRATIONS % 'index:all_projects', base.ADMIN,
          'List the migrations of every project.', ('GET', '/os-migrations'),
          deprecated_rule=_MIGRATIONS_INDEX),
    _rule(MIGRATIONS % 'index:host', base.ADMIN,
          'List migrations with host details.', ('GET', '/os-migrations'),
          deprecated_rule=_MIGRATIONS_INDEX),
    _rule(SERVER_MIGRATIONS % 'show', base.ADMIN,
          'Show an in-progress live migration of a server.',
          ('GET', _S + '/migrations/{migration_id}')),
    _rule(SERVER_MIGRATIONS % 'force_complete',
          base.PROJECT_MANAGER_OR_ADMIN,
          'Force an in-progress live migration of a server to complete.',
          ('POST', _S + '/migrations/{migration_id}/action '
                        '(force_complete)')),
    _rule(SERVER_MIGRATIONS % 'delete', base.PROJECT_MANAGER_OR_ADMIN,
          'Abort an in-progress live migration of a server.',
          ('DELETE', _S + '/migrations/{migration_id}')),
    _rule(SERVER_MIGRATIONS % 'index', base.PROJECT_MANAGER_OR_ADMIN,
          'List the in-progress live migrations of a server without host '
          'details.', ('GET', _S + '/migrations')),
    _rule(SERVER_MIGRATIONS % 'index:host', base.ADMIN,
          'List the in-progress live migrations of a server with host '
          'details.', ('GET', _S + '/migrations'),
          deprecated_rule=_SERVER_MIGRATIONS_INDEX),
    _rule(DIAGNOSTICS, base.ADMIN, 'Show the diagnostics of a server.',
          ('GET', _S + '/diagnostics')),
    _rule(PASSWORD % 'show', base.PROJECT_READER_OR_ADMIN,
          'Show the encrypted administrative password of a server.',
          ('GET', _S + '/os-server-password'),
          deprecated_rule=_LEGACY_OWNER),
    _rule(PASSWORD % 'clear', base.PROJECT_MEMBER_OR_ADMIN,
          'Clear the encrypted administrative password of a server.',
          ('DELETE', _S + '/os-server-password'),
          deprecated_rule=_LEGACY_OWNER),
    _rule(EXTENSIONS, base.RULE_ANY, 'List or show the API extensions.',
          ('GET', '/extensions'), ('GET', '/extensions/{alias}')),
]


def list_rules():
    return rules
