"""Policies of the rebuild, pause, suspend, deferred delete, console output,
reset state, inject network info, change password, createImage and
createBackup server actions: nova's names and default check strings (nova
keeps them in servers.py, pause_server.py, suspend_server.py,
deferred_delete.py, console_output.py, admin_actions.py, admin_password.py
and create_backup.py). Targets: the
owning project (and user) of the server.
"""

from oslo_policy import policy

from nova_lite.policies import base

SERVERS = 'os_compute_api:servers:%s'
PAUSE = 'os_compute_api:os-pause-server:%s'
SUSPEND = 'os_compute_api:os-suspend-server:%s'
DEFERRED_DELETE = 'os_compute_api:os-deferred-delete:%s'
CONSOLE_OUTPUT = 'os_compute_api:os-console-output'
ADMIN_ACTIONS = 'os_compute_api:os-admin-actions:%s'
ADMIN_PASSWORD = 'os_compute_api:os-admin-password'
CREATE_IMAGE = SERVERS % 'create_image'
CREATE_IMAGE_VOLUME_BACKED = SERVERS % 'create_image:allow_volume_backed'
CREATE_BACKUP = 'os_compute_api:os-create-backup'

_ACTION = '/servers/{server_id}/action (%s)'


def _rule(name, check_str, description, action):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=base.operations(('POST', _ACTION % action)),
        scope_types=['project'])


rules = [
    _rule(SERVERS % 'rebuild', base.PROJECT_MEMBER_OR_ADMIN,
          'Rebuild a server.', 'rebuild'),
    _rule(SERVERS % 'rebuild:trusted_certs', base.PROJECT_MEMBER_OR_ADMIN,
          'Rebuild a server with trusted image certificate IDs '
          '(microversion 2.63 and later).', 'rebuild'),
    _rule(PAUSE % 'pause', base.PROJECT_MEMBER_OR_ADMIN,
          'Pause a server.', 'pause'),
    _rule(PAUSE % 'unpause', base.PROJECT_MEMBER_OR_ADMIN,
          'Unpause a paused server.', 'unpause'),
    _rule(SUSPEND % 'suspend', base.PROJECT_MEMBER_OR_ADMIN,
          'Suspend a server.', 'suspend'),
    _rule(SUSPEND % 'resume', base.PROJECT_MEMBER_OR_ADMIN,
          'Resume a suspended server.', 'resume'),
    _rule(DEFERRED_DELETE % 'restore', base.PROJECT_MEMBER_OR_ADMIN,
          'Restore a soft deleted server (with [DEFAULT] '
          'reclaim_instance_interval above 0).', 'restore'),
    _rule(DEFERRED_DELETE % 'force', base.PROJECT_MEMBER_OR_ADMIN,
          'Force delete a server before its deferred cleanup.',
          'forceDelete'),
    _rule(CONSOLE_OUTPUT, base.PROJECT_MEMBER_OR_ADMIN,
          "Show a server's console output.", 'os-getConsoleOutput'),
    _rule(ADMIN_ACTIONS % 'reset_state', base.ADMIN,
          'Reset the state of a server (to active or error).',
          'os-resetState'),
    _rule(ADMIN_ACTIONS % 'inject_network_info', base.ADMIN,
          'Inject network information into the server.',
          'injectNetworkInfo'),
    _rule(ADMIN_PASSWORD, base.PROJECT_MEMBER_OR_ADMIN,
          'Change the administrative password for a server.',
          'changePassword'),
    _rule(CREATE_IMAGE, base.PROJECT_MEMBER_OR_ADMIN,
          'Create an image from a server.', 'createImage'),
    _rule(CREATE_IMAGE_VOLUME_BACKED, base.PROJECT_MEMBER_OR_ADMIN,
          'Create an image from a volume backed server (in addition to '
          'os_compute_api:servers:create_image).', 'createImage'),
    _rule(CREATE_BACKUP, base.PROJECT_MEMBER_OR_ADMIN,
          'Create a back up of a server.', 'createBackup'),
]


def list_rules():
    return rules
