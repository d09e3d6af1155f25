"""os-assisted-volume-snapshots policy: the block storage service (or an
administrator) asks for snapshots of volumes the hypervisor writes."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-assisted-volume-snapshots:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'create', check_str=base.SERVICE_OR_ADMIN,
        description='Create an assisted volume snapshot',
        operations=base.operations(('POST',
                                    '/os-assisted-volume-snapshots')),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'delete', check_str=base.SERVICE_OR_ADMIN,
        description='Delete an assisted volume snapshot',
        operations=base.operations(
            ('DELETE', '/os-assisted-volume-snapshots/{snapshot_id}')),
        scope_types=['project']),
]


def list_rules():
    return rules
