"""Server addresses (``/servers/{server_id}/ips``) policies. Target: the
server's owning project."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:ips:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show the addresses of a server in one network.',
        operations=base.operations(
            ('GET', '/servers/{server_id}/ips/{network_label}')),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'index',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='List the addresses of a server by network.',
        operations=base.operations(('GET', '/servers/{server_id}/ips')),
        scope_types=['project']),
]


def list_rules():
    return rules
