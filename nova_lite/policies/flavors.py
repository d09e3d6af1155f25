"""Flavor policies: management, extra specs and access to private flavors.

Listing and showing flavors needs no rule in nova and none here. From
microversion 2.61 the extra-specs ``index`` rule also decides whether
flavor bodies include ``extra_specs``.
"""

from oslo_policy import policy

from nova_lite.policies import base

MANAGE = 'os_compute_api:os-flavor-manage:%s'
POLICY_ROOT = 'os_compute_api:os-flavor-extra-specs:%s'
EXTRA_SPECS_INDEX = POLICY_ROOT % 'index'
ACCESS = 'os_compute_api:os-flavor-access'
ACCESS_ROOT = 'os_compute_api:os-flavor-access:%s'

_SPECS = '/flavors/{flavor_id}/os-extra_specs'

_DEPRECATED_ACCESS = policy.DeprecatedRule(
    ACCESS, base.RULE_ADMIN_OR_OWNER,
    deprecated_reason=base.LEGACY_REASON,
    deprecated_since=base.LEGACY_SINCE)


def _rule(name, check_str, description, *operations, **kwargs):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=base.operations(*operations), scope_types=['project'],
        **kwargs)


rules = [
    _rule(MANAGE % 'create', base.ADMIN, 'Create a flavor.',
          ('POST', '/flavors')),
    _rule(MANAGE % 'update', base.ADMIN,
          'Update the description of a flavor (microversion 2.55).',
          ('PUT', '/flavors/{flavor_id}')),
    _rule(MANAGE % 'delete', base.ADMIN, 'Delete a flavor.',
          ('DELETE', '/flavors/{flavor_id}')),
    _rule(POLICY_ROOT % 'show', base.PROJECT_READER_OR_ADMIN,
          'Show one extra spec of a flavor.',
          ('GET', _SPECS + '/{flavor_extra_spec_key}')),
    _rule(POLICY_ROOT % 'create', base.ADMIN,
          'Create extra specs of a flavor.', ('POST', _SPECS)),
    _rule(POLICY_ROOT % 'update', base.ADMIN,
          'Update one extra spec of a flavor.',
          ('PUT', _SPECS + '/{flavor_extra_spec_key}')),
    _rule(POLICY_ROOT % 'delete', base.ADMIN,
          'Delete one extra spec of a flavor.',
          ('DELETE', _SPECS + '/{flavor_extra_spec_key}')),
    _rule(EXTRA_SPECS_INDEX, base.PROJECT_READER_OR_ADMIN,
          'List the extra specs of a flavor. From microversion 2.61 this '
          'also decides whether flavor bodies include their extra_specs.',
          ('GET', _SPECS), ('POST', '/flavors'),
          ('GET', '/flavors/detail'), ('GET', '/flavors/{flavor_id}'),
          ('PUT', '/flavors/{flavor_id}')),
    _rule(ACCESS_ROOT % 'add_tenant_access', base.ADMIN,
          'Give a project access to a private flavor.',
          ('POST', '/flavors/{flavor_id}/action (addTenantAccess)')),
    _rule(ACCESS_ROOT % 'remove_tenant_access', base.ADMIN,
          "Remove a project's access to a private flavor.",
          ('POST', '/flavors/{flavor_id}/action (removeTenantAccess)')),
    _rule(ACCESS, base.ADMIN,
          'List the projects with access to a private flavor.',
          ('GET', '/flavors/{flavor_id}/os-flavor-access'),
          deprecated_rule=_DEPRECATED_ACCESS),
]


def list_rules():
    return rules
