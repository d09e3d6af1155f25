"""Instance actions (``/servers/{server_id}/os-instance-actions``)
policies. Target: the server's owning project."""

from oslo_policy import policy

from nova_lite.policies import base

ROOT_POLICY = 'os_compute_api:os-instance-actions'
BASE_POLICY_NAME = 'os_compute_api:os-instance-actions:%s'
_ALL = '/servers/{server_id}/os-instance-actions'
_ONE = '/servers/{server_id}/os-instance-actions/{request_id}'

DEPRECATED_INSTANCE_ACTION_POLICY = policy.DeprecatedRule(
    ROOT_POLICY, base.RULE_ADMIN_OR_OWNER,
    deprecated_reason=base.LEGACY_REASON, deprecated_since='21.0.0')

rules = [
    policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME % 'events:details',
        check_str=base.ADMIN,
        description='Add "details" key in action events for a server.\n\n'
                    'This check is performed only after the check '
                    'os_compute_api:os-instance-actions:show passes. From '
                    'microversion 2.84, the events of an action carry a '
                    '"details" field telling more of a failure (whether '
                    'the action can be retried, for example), which this '
                    'policy shows; it may tell of the deployment (the '
                    'hypervisor type, for example).',
        operations=base.operations(('GET', _ONE)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME % 'events',
        check_str=base.ADMIN,
        description='Add events details in action details for a server.\n\n'
                    'This check is performed only after the check '
                    'os_compute_api:os-instance-actions:show passes. From '
                    'microversion 2.51 the events are always shown, with '
                    'each one\'s traceback where this policy passes; from '
                    '2.62 each event carries a hashed host id and, where '
                    'this policy passes, the host\'s name.',
        operations=base.operations(('GET', _ONE)),
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME % 'list',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='List actions for a server.',
        operations=base.operations(('GET', _ALL)),
        scope_types=['project'],
        deprecated_rule=DEPRECATED_INSTANCE_ACTION_POLICY),
    policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME % 'show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show action details for a server.',
        operations=base.operations(('GET', _ONE)),
        scope_types=['project'],
        deprecated_rule=DEPRECATED_INSTANCE_ACTION_POLICY),
]


def list_rules():
    return rules
