"""Server actions: lock and unlock, pause and unpause, suspend and resume,
os-resetState, restore and forceDelete (soft delete), os-getConsoleOutput,
changePassword and injectNetworkInfo.

Registered into ``server_actions`` (POST /servers/{id}/action), which looks
the server up and checks each action's policy before its handler runs.
"""

import re

import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers.server_actions import action
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import server_actions as _schemas  # noqa: F401
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.policies import server_actions as policies
from nova_lite.policies import servers as server_policies

UNLOCK_OVERRIDE = server_policies.LOCK % 'unlock:unlock_override'

# Control characters nova strips from console output.
_CONTROL = re.compile('[\x00-\x08\x0B-\x1F]')


def _target(instance):
    return {'project_id': instance.project_id}


@action('lock', server_policies.LOCK % 'lock')
def _lock(self, instance, cell, body=None):
    reason = None
    if microversion.is_supported(common.request(), '2.73') and \
            body['lock'] is not None:
        reason = body['lock'].get('locked_reason')
    common.compute_api().lock(common.context(), instance, cell,
                              reason=reason)


@action('unlock', server_policies.LOCK % 'unlock')
def _unlock(self, instance, cell, body=None):
    ctx = common.context()
    api = common.compute_api()
    if not api.is_expected_locked_by(ctx, instance):
        ctx.can(UNLOCK_OVERRIDE, _target(instance))
    api.unlock(ctx, instance, cell)


@action('pause', policies.PAUSE % 'pause')
def _pause(self, instance, cell, body=None):
    _call_driver_action('pause', instance, cell)


@action('unpause', policies.PAUSE % 'unpause')
def _unpause(self, instance, cell, body=None):
    _call_driver_action('unpause', instance, cell)


@action('suspend', policies.SUSPEND % 'suspend')
def _suspend(self, instance, cell, body=None):
    _call_driver_action('suspend', instance, cell)


@action('resume', policies.SUSPEND % 'resume')
def _resume(self, instance, cell, body=None):
    _call_driver_action('resume', instance, cell)


def _call_driver_action(name, instance, cell):
    try:
        getattr(common.compute_api(), name)(common.context(), instance, cell)
    except NotImplementedError:
        raise webob.exc.HTTPNotImplemented(
            explanation='Action is not supported.')


@action('os-resetState', policies.ADMIN_ACTIONS % 'reset_state')
def _reset_state(self, instance, cell, body=None):
    state = {'active': instance_obj.ACTIVE,
             'error': instance_obj.ERROR}[body['os-resetState']['state']]
    common.compute_api().reset_state(common.context(), instance, cell,
                                     state)


@action('restore', policies.DEFERRED_DELETE % 'restore')
def _restore(self, instance, cell, body=None):
    common.compute_api().restore(common.context(), instance, cell)


@action('forceDelete', policies.DEFERRED_DELETE % 'force', 'force_delete')
def _force_delete(self, instance, cell, body=None):
    common.compute_api().force_delete(common.context(), instance, cell)


@action('os-getConsoleOutput', policies.CONSOLE_OUTPUT,
        'get_console_output')
def _console_output(self, instance, cell, body=None):
    length = body['os-getConsoleOutput'].get('length')
    try:
        output = common.compute_api().get_console_output(
            common.context(), instance, cell, length)
    except (exception.InstanceNotFound,
            exception.ConsoleNotAvailable) as error:
        raise webob.exc.HTTPNotFound(explanation=error.format_message())
    except NotImplementedError:
        raise webob.exc.HTTPNotImplemented(
            explanation='Action is not supported.')
    return Result({'output': _CONTROL.sub('', output)}, status=200)


@action('changePassword', policies.ADMIN_PASSWORD)
def _change_password(self, instance, cell, body=None):
    try:
        common.compute_api().set_admin_password(
            common.context(), instance, cell,
            body['changePassword']['adminPass'])
    except (exception.InstancePasswordSetFailed,
            exception.SetAdminPasswdNotSupported,
            exception.InstanceAgentNotEnabled) as error:
        raise webob.exc.HTTPConflict(explanation=error.format_message())
    except NotImplementedError:
        raise webob.exc.HTTPNotImplemented(
            explanation='Unable to set password on instance')


@action('injectNetworkInfo', policies.ADMIN_ACTIONS % 'inject_network_info')
def _inject_network_info(self, instance, cell, body=None):
    common.compute_api().inject_network_info(common.context(), instance,
                                             cell)
