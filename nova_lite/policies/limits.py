"""/limits policies: anybody may see their own project's limits; another
project's (the tenant_id query parameter) only an administrator."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:limits'
OTHER_PROJECT_LIMIT_POLICY_NAME = 'os_compute_api:limits:other_project'

_USED_LIMITS = policy.DeprecatedRule(
    'os_compute_api:os-used-limits', base.RULE_ADMIN_API,
    deprecated_reason='The os-used-limits rule became the other_project '
                      'limits rule with role based defaults.',
    deprecated_since='nova 21.0.0')

rules = [
    policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME, check_str=base.RULE_ANY,
        description='Show rate and absolute limits for the current user '
                    'project.',
        operations=base.operations(('GET', '/limits')),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=OTHER_PROJECT_LIMIT_POLICY_NAME, check_str=base.ADMIN,
        description='Show rate and absolute limits of another project '
                    '(checked after os_compute_api:limits).',
        operations=base.operations(('GET', '/limits')),
        scope_types=['project'], deprecated_rule=_USED_LIMITS),
]


def list_rules():
    return rules
