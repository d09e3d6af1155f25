"""Flavor extra specs policy (flavor list and show need none)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-flavor-extra-specs:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=POLICY_ROOT % 'index', check_str=base.PROJECT_READER_OR_ADMIN,
        description='List extra specs for a flavor. Starting with '
                    'microversion 2.61, extra specs may be returned in '
                    'responses for the flavor resource.',
        operations=[{'method': 'GET', 'path': '/flavors/detail'},
                    {'method': 'GET', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
