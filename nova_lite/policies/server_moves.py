"""Policies of moving servers: resize (confirm, revert), cold and live
migration, evacuation, rescue. nova's names and current default check
strings (nova keeps them in servers.py, migrate_server.py, evacuate.py
and rescue.py). Targets: the owning project (and user) of the server.
"""

from oslo_policy import policy

from nova_lite.policies import base

SERVERS = 'os_compute_api:servers:%s'
MIGRATE = 'os_compute_api:os-migrate-server:%s'
EVACUATE = 'os_compute_api:os-evacuate'
RESCUE = 'os_compute_api:os-rescue'
UNRESCUE = 'os_compute_api:os-unrescue'

_ACTION = '/servers/{server_id}/action (%s)'
_MANAGER_REASON = (
    'Project managers may move the servers of their project; moving a '
    'server to a named host stays with administrators, under a rule of its '
    'own.')


def _rule(name, check_str, description, action, deprecated_rule=None):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=base.operations(('POST', _ACTION % action)),
        scope_types=['project'], deprecated_rule=deprecated_rule)


def _was_admin(name):
    return policy.DeprecatedRule(
        name, base.ADMIN, deprecated_reason=_MANAGER_REASON,
        deprecated_since='nova 32.0.0')


rules = [
    _rule(SERVERS % 'resize', base.PROJECT_MEMBER_OR_ADMIN,
          'Resize a server.', 'resize'),
    _rule(SERVERS % 'confirm_resize', base.PROJECT_MEMBER_OR_ADMIN,
          'Confirm a server resize.', 'confirmResize'),
    _rule(SERVERS % 'revert_resize', base.PROJECT_MEMBER_OR_ADMIN,
          'Revert a server resize.', 'revertResize'),
    _rule(MIGRATE % 'migrate', base.PROJECT_MANAGER_OR_ADMIN,
          'Cold migrate a server without naming a host.', 'migrate',
          deprecated_rule=_was_admin(MIGRATE % 'migrate')),
    _rule(MIGRATE % 'migrate:host', base.ADMIN,
          'Cold migrate a server to a named host (microversion 2.56 and '
          'later).', 'migrate'),
    _rule(MIGRATE % 'migrate_live', base.PROJECT_MANAGER_OR_ADMIN,
          'Live migrate a server without naming a host.', 'os-migrateLive',
          deprecated_rule=_was_admin(MIGRATE % 'migrate_live')),
    _rule(MIGRATE % 'migrate_live:host', base.ADMIN,
          'Live migrate a server to a named host.', 'os-migrateLive'),
    _rule(EVACUATE, base.ADMIN,
          'Evacuate a server from a failed host to a new host.',
          'evacuate'),
    _rule(RESCUE, base.PROJECT_MEMBER_OR_ADMIN,
          'Rescue a server.', 'rescue'),
    _rule(UNRESCUE, base.PROJECT_MEMBER_OR_ADMIN,
          'Unrescue a server.', 'unrescue'),
]


def list_rules():
    return rules
