"""os-quota-sets and os-quota-class-sets policies. Targets: the project
named in the URL for quota sets, none for quota classes."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-quota-sets:%s'
CLASS_POLICY_ROOT = 'os_compute_api:os-quota-class-sets:%s'

_QS = '/os-quota-sets/{tenant_id}'
_QCS = '/os-quota-class-sets/{quota_class}'


def _rule(name, check_str, description, *operations):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=base.operations(*operations), scope_types=['project'])


rules = [
    _rule(POLICY_ROOT % 'update', base.ADMIN,
          'Update the quotas of a project (or of one of its users).',
          ('PUT', _QS)),
    _rule(POLICY_ROOT % 'defaults', base.RULE_ANY,
          'List the default quotas.',
          ('GET', _QS + '/defaults')),
    _rule(POLICY_ROOT % 'show', base.PROJECT_READER_OR_ADMIN,
          'Show the quotas of a project.',
          ('GET', _QS)),
    _rule(POLICY_ROOT % 'delete', base.ADMIN,
          'Revert the quotas of a project (or of one of its users) to the '
          'defaults.',
          ('DELETE', _QS)),
    _rule(POLICY_ROOT % 'detail', base.PROJECT_READER_OR_ADMIN,
          'Show the quotas of a project with their usage.',
          ('GET', _QS + '/detail')),
    _rule(CLASS_POLICY_ROOT % 'show', base.ADMIN,
          'List the quotas of a quota class.',
          ('GET', _QCS)),
    _rule(CLASS_POLICY_ROOT % 'update', base.ADMIN,
          'Update the quotas of a quota class.',
          ('PUT', _QCS)),
]


def list_rules():
    return rules
