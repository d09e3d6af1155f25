"""Server tags (``/servers/{server_id}/tags``, 2.26) policies. Target: the
server's owning project."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-server-tags:%s'
_ALL = '/servers/{server_id}/tags'
_ONE = '/servers/{server_id}/tags/{tag}'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'delete_all',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Delete all the server tags',
        operations=base.operations(('DELETE', _ALL)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'index',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='List all tags for given server',
        operations=base.operations(('GET', _ALL)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'update_all',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Replace all tags on specified server with the new set '
                    'of tags.',
        operations=base.operations(('PUT', _ALL)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'delete',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Delete a single tag from the specified server',
        operations=base.operations(('DELETE', _ONE)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'update',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Add a single tag to the server if server has no '
                    'specified tag',
        operations=base.operations(('PUT', _ONE)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='Check tag existence on the server.',
        operations=base.operations(('GET', _ONE)),
        scope_types=['project']),
]


def list_rules():
    return rules
