"""os-services policies (administrators only)."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-services:%s'


def _rule(action, description, method, path):
    return policy.DocumentedRuleDefault(
        name=BASE_POLICY_NAME % action, check_str=base.ADMIN,
        description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _rule('list', 'List all running Compute services in a region.', 'GET',
          '/os-services'),
    _rule('update', 'Update a Compute service.', 'PUT',
          '/os-services/{service_id}'),
    _rule('delete', 'Delete a Compute service.', 'DELETE',
          '/os-services/{service_id}'),
]


def list_rules():
    return rules
