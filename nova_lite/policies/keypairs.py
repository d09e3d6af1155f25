"""os-keypairs policies: the key pair's owner (the user named in the
target), or an administrator acting for any user (microversion 2.10)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-keypairs:%s'
_OWNER_OR_ADMIN = '(' + base.ADMIN + ') or user_id:%(user_id)s'


def _rule(action, description, *operations):
    return policy.DocumentedRuleDefault(
        name=POLICY_ROOT % action, check_str=_OWNER_OR_ADMIN,
        description=description, operations=base.operations(*operations),
        scope_types=['project'])


rules = [
    _rule('index', 'List the key pairs of a user.',
          ('GET', '/os-keypairs')),
    _rule('create', 'Create (generate) or import a key pair.',
          ('POST', '/os-keypairs')),
    _rule('delete', 'Delete a key pair.',
          ('DELETE', '/os-keypairs/{keypair_name}')),
    _rule('show', 'Show one key pair.',
          ('GET', '/os-keypairs/{keypair_name}')),
]


def list_rules():
    return rules
