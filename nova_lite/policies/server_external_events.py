"""os-server-external-events policy: other services (the block storage,
the network service) or administrators send events about servers."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-server-external-events:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'create', check_str=base.SERVICE_OR_ADMIN,
        description='Create one or more external events',
        operations=base.operations(('POST', '/os-server-external-events')),
        scope_types=['project']),
]


def list_rules():
    return rules
