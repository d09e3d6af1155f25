"""Flavor policies.

Listing and showing flavors needs no rule in nova and none here. The one
rule is nova's extra-specs rule, which from microversion 2.61 decides
whether flavor bodies include ``extra_specs``; nova_lite serves no
``os-extra_specs`` sub-resource and no flavor management.
"""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-flavor-extra-specs:%s'
EXTRA_SPECS_INDEX = POLICY_ROOT % 'index'

rules = [
    policy.DocumentedRuleDefault(
        name=EXTRA_SPECS_INDEX,
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='List the extra specs of a flavor. From microversion '
                    '2.61 this also decides whether flavor bodies include '
                    'their extra_specs.',
        operations=base.operations(('GET', '/flavors/detail'),
                                   ('GET', '/flavors/{flavor_id}')),
        scope_types=['project']),
]


def list_rules():
    return rules
