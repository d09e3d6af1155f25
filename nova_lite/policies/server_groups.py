"""os-server-groups policies: a project's members create and delete its
groups, its readers list and show them; administrators list every
project's groups with ``all_projects``."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-server-groups:%s'
_GROUP = '/os-server-groups/{server_group_id}'


def _rule(action, check_str, description, *operations):
    return policy.DocumentedRuleDefault(
        name=POLICY_ROOT % action, check_str=check_str,
        description=description, operations=base.operations(*operations),
        scope_types=['project'])


rules = [
    _rule('create', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a new server group', ('POST', '/os-server-groups')),
    _rule('delete', base.PROJECT_MEMBER_OR_ADMIN,
          'Delete a server group', ('DELETE', _GROUP)),
    _rule('index', base.PROJECT_READER_OR_ADMIN,
          'List all server groups', ('GET', '/os-server-groups')),
    _rule('index:all_projects', base.ADMIN,
          'List all server groups for all projects',
          ('GET', '/os-server-groups')),
    _rule('show', base.PROJECT_READER_OR_ADMIN,
          'Show details of a server group', ('GET', _GROUP)),
]


def list_rules():
    return rules
