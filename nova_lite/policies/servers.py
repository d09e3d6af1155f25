"""Server policies."""

from oslo_policy import policy

from nova_lite.policies import base

SERVERS = 'os_compute_api:servers:%s'
SHELVE = 'os_compute_api:os-shelve:%s'
EXTENDED_ATTRS = 'os_compute_api:os-extended-server-attributes'

_PROJECT = ['project']


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=_PROJECT)


rules = [
    _rule(SERVERS % 'index', base.PROJECT_READER_OR_ADMIN, 'List all servers',
          [('GET', '/servers')]),
    _rule(SERVERS % 'detail', base.PROJECT_READER_OR_ADMIN,
          'List all servers with detailed information',
          [('GET', '/servers/detail')]),
    _rule(SERVERS % 'index:get_all_tenants', base.ADMIN,
          'List all servers for all projects', [('GET', '/servers')]),
    _rule(SERVERS % 'detail:get_all_tenants', base.ADMIN,
          'List all servers with detailed information for all projects',
          [('GET', '/servers/detail')]),
    _rule(SERVERS % 'allow_all_filters', base.ADMIN,
          'Allow all filters when listing servers',
          [('GET', '/servers'), ('GET', '/servers/detail')]),
    _rule(SERVERS % 'show', base.PROJECT_READER_OR_ADMIN, 'Show a server',
          [('GET', '/servers/{server_id}')]),
    _rule(SERVERS % 'show:flavor-extra-specs', base.PROJECT_READER_OR_ADMIN,
          'Starting with microversion 2.47, the flavor and its extra specs '
          'used for a server is also returned in the response when showing '
          'server details, updating a server or rebuilding a server.',
          [('GET', '/servers/detail'), ('GET', '/servers/{server_id}'),
           ('PUT', '/servers/{server_id}')]),
    _rule(SERVERS % 'show:host_status', base.ADMIN,
          'Show a server with additional host status information (from '
          'microversion 2.16).',
          [('GET', '/servers/{server_id}'), ('GET', '/servers/detail'),
           ('PUT', '/servers/{server_id}')]),
    _rule(SERVERS % 'create', base.PROJECT_MEMBER_OR_ADMIN, 'Create a server',
          [('POST', '/servers')]),
    _rule(SERVERS % 'create:forced_host', base.ADMIN,
          'Create a server on the specified host and/or node.',
          [('POST', '/servers')]),
    _rule(SERVERS % 'create:attach_volume', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with the requested volume attached to it',
          [('POST', '/servers')]),
    _rule(SERVERS % 'create:attach_network', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with the requested network attached to it',
          [('POST', '/servers')]),
    _rule(SERVERS % 'create:trusted_certs', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with trusted image certificate IDs',
          [('POST', '/servers')]),
    _rule(SERVERS % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
          'Delete a server', [('DELETE', '/servers/{server_id}')]),
    _rule(SERVERS % 'update', base.PROJECT_MEMBER_OR_ADMIN,
          'Update a server', [('PUT', '/servers/{server_id}')]),
    _rule(SERVERS % 'reboot', base.PROJECT_MEMBER_OR_ADMIN,
          'Reboot a server',
          [('POST', '/servers/{server_id}/action (reboot)')]),
    _rule(SERVERS % 'start', base.PROJECT_MEMBER_OR_ADMIN, 'Start a server',
          [('POST', '/servers/{server_id}/action (os-start)')]),
    _rule(SERVERS % 'stop', base.PROJECT_MEMBER_OR_ADMIN, 'Stop a server',
          [('POST', '/servers/{server_id}/action (os-stop)')]),
    _rule(SHELVE % 'shelve', base.PROJECT_MEMBER_OR_ADMIN, 'Shelve server',
          [('POST', '/servers/{server_id}/action (shelve)')]),
    _rule(SHELVE % 'shelve_offload', base.ADMIN, 'Shelf-offload (remove) '
          'server', [('POST', '/servers/{server_id}/action (shelveOffload)')]),
    _rule(SHELVE % 'unshelve', base.PROJECT_MEMBER_OR_ADMIN,
          'Unshelve (restore) shelved server',
          [('POST', '/servers/{server_id}/action (unshelve)')]),
    _rule(SHELVE % 'unshelve_to_host', base.ADMIN,
          'Unshelve (restore) shelve offloaded server to a specific host',
          [('POST', '/servers/{server_id}/action (unshelve)')]),
    _rule(EXTENDED_ATTRS, base.ADMIN,
          'Return extended attributes for server (host, instance_name, '
          'hypervisor_hostname and from 2.3 more).',
          [('GET', '/servers/{id}'), ('GET', '/servers/detail'),
           ('PUT', '/servers/{server_id}')]),
]


def list_rules():
    return rules
