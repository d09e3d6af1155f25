"""Personas: the base rules every API rule is written in terms of.

Names and check strings are nova's current defaults. Keystone's bootstrap
creates the implied-role chain admin -> member -> reader (and manager ->
member), so a rule asking for ``reader`` also admits members and admins when
tokens come from Keystone; noauth2 contexts get the chain spelled out (see
``nova_lite.web.auth``).

The per-resource modules use the aliases below rather than repeating check
strings, so a persona is defined in exactly one place.
"""

from oslo_policy import policy

# Aliases for the per-resource modules.
ADMIN = 'rule:context_is_admin'
PROJECT_MANAGER_OR_ADMIN = 'rule:project_manager_or_admin'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
SERVICE_OR_ADMIN = 'rule:service_or_admin'
RULE_ANY = '@'
RULE_NOBODY = '!'

# The pre-"secure RBAC" rules. Only evaluated when an operator sets
# ``[oslo_policy] enforce_new_defaults = False``; then each new default is
# OR'ed with the deprecated rule it replaced, as in nova.
RULE_ADMIN_OR_OWNER = 'rule:admin_or_owner'
RULE_ADMIN_API = 'rule:admin_api'

LEGACY_REASON = (
    'The compute API moved to role based defaults (admin, member, reader, '
    'service) with project scope. The legacy is_admin/owner rules are kept '
    'only for deployments that still set '
    '[oslo_policy] enforce_new_defaults = False.')
LEGACY_SINCE = 'nova 21.0.0'

# As in nova, these are named 'rule:admin_api' / 'rule:admin_or_owner', not
# 'admin_api' / 'admin_or_owner': with the bare names oslo.policy would treat
# a policy-file override of the legacy rule as a rename and copy it into
# every persona below, which nova never does.
DEPRECATED_ADMIN = policy.DeprecatedRule(
    RULE_ADMIN_API, 'is_admin:True',
    deprecated_reason=LEGACY_REASON, deprecated_since=LEGACY_SINCE)
DEPRECATED_ADMIN_OR_OWNER = policy.DeprecatedRule(
    RULE_ADMIN_OR_OWNER, 'is_admin:True or project_id:%(project_id)s',
    deprecated_reason=LEGACY_REASON, deprecated_since=LEGACY_SINCE)

rules = [
    policy.RuleDefault(
        'context_is_admin', 'role:admin',
        'Who counts as an administrator. Every "or admin" persona and every '
        'admin-only rule refers to this rule.',
        deprecated_rule=DEPRECATED_ADMIN),
    policy.RuleDefault(
        'admin_or_owner', 'is_admin:True or project_id:%(project_id)s',
        'Legacy persona: an administrator or anybody in the owning project.',
        deprecated_for_removal=True, deprecated_reason=LEGACY_REASON,
        deprecated_since=LEGACY_SINCE),
    policy.RuleDefault(
        'admin_api', 'is_admin:True',
        'Legacy persona: an administrator context.',
        deprecated_for_removal=True, deprecated_reason=LEGACY_REASON,
        deprecated_since=LEGACY_SINCE),
    policy.RuleDefault(
        'project_manager_api', 'role:manager and project_id:%(project_id)s',
        'Persona: a manager of the project that owns the resource.',
        deprecated_rule=DEPRECATED_ADMIN),
    policy.RuleDefault(
        'project_member_api', 'role:member and project_id:%(project_id)s',
        'Persona: a member of the project that owns the resource (may '
        'change it).',
        deprecated_rule=DEPRECATED_ADMIN_OR_OWNER),
    policy.RuleDefault(
        'project_reader_api', 'role:reader and project_id:%(project_id)s',
        'Persona: a reader of the project that owns the resource (may only '
        'look at it).',
        deprecated_rule=DEPRECATED_ADMIN_OR_OWNER),
    policy.RuleDefault(
        'service_api', 'role:service',
        'Persona: another OpenStack service calling on its own behalf (for '
        'example the block storage service during a volume migration).',
        deprecated_rule=DEPRECATED_ADMIN),
    policy.RuleDefault(
        'project_manager_or_admin',
        'rule:project_manager_api or rule:context_is_admin',
        'A project manager of the owning project, or an administrator.',
        deprecated_rule=DEPRECATED_ADMIN),
    policy.RuleDefault(
        'project_member_or_admin',
        'rule:project_member_api or rule:context_is_admin',
        'A project member of the owning project, or an administrator.',
        deprecated_rule=DEPRECATED_ADMIN_OR_OWNER),
    policy.RuleDefault(
        'project_reader_or_admin',
        'rule:project_reader_api or rule:context_is_admin',
        'A project reader of the owning project, or an administrator.',
        deprecated_rule=DEPRECATED_ADMIN_OR_OWNER),
    policy.RuleDefault(
        'service_or_admin', 'rule:service_api or rule:context_is_admin',
        'A service user, or an administrator.',
        deprecated_rule=DEPRECATED_ADMIN),
]


def list_rules():
    return rules


def operations(*pairs):
    """``[{'method': m, 'path': p}, ...]`` from ``(m, p)`` pairs."""
    return [{'method': method, 'path': path} for method, path in pairs]
