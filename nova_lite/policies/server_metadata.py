"""Server metadata (``/servers/{server_id}/metadata``) policies. Target:
the server's owning project."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:server-metadata:%s'
_ALL = '/servers/{server_id}/metadata'
_ONE = '/servers/{server_id}/metadata/{key}'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'index',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='List all metadata of a server',
        operations=base.operations(('GET', _ALL)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show metadata for a server',
        operations=base.operations(('GET', _ONE)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'create',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Create metadata for a server',
        operations=base.operations(('POST', _ALL)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'update_all',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Replace metadata for a server',
        operations=base.operations(('PUT', _ALL)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'update',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Update metadata from a server',
        operations=base.operations(('PUT', _ONE)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'delete',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Delete metadata from a server',
        operations=base.operations(('DELETE', _ONE)),
        scope_types=['project']),
]


def list_rules():
    return rules
