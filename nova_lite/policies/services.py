"""os-services policies: administrators only, empty target (services
belong to no project)."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-services:%s'

# Before nova 21.0.0 one rule covered list, update and delete.
_SINGLE_RULE = policy.DeprecatedRule(
    'os_compute_api:os-services', base.RULE_ADMIN_API,
    deprecated_reason='The single os-services rule was split into list, '
                      'update and delete rules with role based defaults.',
    deprecated_since=base.LEGACY_SINCE)


def _rule(action, description, *operations):
    return policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME % action, check_str=base.ADMIN,
        description=description, operations=base.operations(*operations),
        scope_types=['project'], deprecated_rule=_SINGLE_RULE)


rules = [
    _rule('list', 'List the compute services (and their state) of the '
          'region.',
          ('GET', '/os-services')),
    _rule('update', 'Enable, disable or force down a compute service '
          '(PUT /os-services/{service_id} from microversion 2.53; the '
          'enable, disable, disable-log-reason and force-down forms '
          'before).',
          ('PUT', '/os-services/{service_id}'),
          ('PUT', '/os-services/enable'),
          ('PUT', '/os-services/disable'),
          ('PUT', '/os-services/disable-log-reason'),
          ('PUT', '/os-services/force-down')),
    _rule('delete', 'Delete a compute service record.',
          ('DELETE', '/os-services/{service_id}')),
]


def list_rules():
    return rules
