"""os-aggregates policies: administrators only, empty target (aggregates
belong to no project)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-aggregates:%s'
_AGG = '/os-aggregates/{aggregate_id}'


def _rule(action, description, *operations):
    return policy.DocumentedRuleDefault(
        name=POLICY_ROOT % action, check_str=base.ADMIN,
        description=description, operations=base.operations(*operations),
        scope_types=['project'])


rules = [
    _rule('set_metadata', 'Create or replace metadata for an aggregate',
          ('POST', _AGG + '/action (set_metadata)')),
    _rule('add_host', 'Add a host to an aggregate',
          ('POST', _AGG + '/action (add_host)')),
    _rule('create', 'Create an aggregate', ('POST', '/os-aggregates')),
    _rule('remove_host', 'Remove a host from an aggregate',
          ('POST', _AGG + '/action (remove_host)')),
    _rule('update', 'Update name and/or availability zone for an aggregate',
          ('PUT', _AGG)),
    _rule('index', 'List all aggregates', ('GET', '/os-aggregates')),
    _rule('delete', 'Delete an aggregate', ('DELETE', _AGG)),
    _rule('show', 'Show details for an aggregate', ('GET', _AGG)),
]


def list_rules():
    return rules
