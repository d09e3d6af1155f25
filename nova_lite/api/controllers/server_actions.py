"""POST /servers/{id}/action: power, reboot and shelve actions here; the
other actions register themselves from their own modules (imported at the
end)."""

import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import servers as schemas
from nova_lite.api import validation
from nova_lite import exception

_ACTIONS = {}


def action(name, policy, state_action=None):
    """Register ``name``: schema-validated, policy-checked, 202 on success."""
    def decorator(func):
        for min_v, max_v, schema in schemas.ACTION_SCHEMAS[name]:
            func = validation.schema(schema, min_v, max_v)(func)
        func._policy = policy
        func._state_action = state_action or name
        _ACTIONS[name] = func
        return func
    return decorator


class ServerActionsController(common.RestController):

    @expose(status=202)
    def post(self, server_id, **kwargs):
        body = validation.request_body(pecan.request)
        if not isinstance(body, dict) or len(body) != 1:
            raise webob.exc.HTTPBadRequest(
                explanation='Malformed request body')
        name = next(iter(body))
        handler = _ACTIONS.get(name)
        if handler is None:
            raise webob.exc.HTTPBadRequest(
                explanation='There is no such action: %s' % name)
        # Local import: servers imports this module.
        from nova_lite.api.controllers import servers
        ctx = common.context()
        instance, cell = servers.get_server(ctx, server_id)
        ctx.can(handler._policy, {'project_id': instance.project_id,
                                  'user_id': instance.user_id})
        try:
            # None (202, no body) or a Result.
            return handler(self, instance, cell)
        except exception.InstanceInvalidState as error:
            raise common.conflict_for_invalid_state(
                error, handler._state_action, server_id)

    # Each handler gets the parsed body as ``body`` from the validator.

    @action('os-stop', 'os_compute_api:servers:stop', 'stop')
    def _stop(self, instance, cell, body=None):
        common.compute_api().stop(common.context(), instance, cell)

    @action('os-start', 'os_compute_api:servers:start', 'start')
    def _start(self, instance, cell, body=None):
        common.compute_api().start(common.context(), instance, cell)

    @action('reboot', 'os_compute_api:servers:reboot')
    def _reboot(self, instance, cell, body=None):
        reboot_type = body['reboot']['type'].upper()
        common.compute_api().reboot(common.context(), instance, cell,
                                    reboot_type)

    @action('shelve', 'os_compute_api:os-shelve:shelve')
    def _shelve(self, instance, cell, body=None):
        common.compute_api().shelve(common.context(), instance, cell)

    @action('shelveOffload', 'os_compute_api:os-shelve:shelve_offload')
    def _shelve_offload(self, instance, cell, body=None):
        common.compute_api().shelve_offload(common.context(), instance, cell)

    @action('unshelve', 'os_compute_api:os-shelve:unshelve')
    def _unshelve(self, instance, cell, body=None):
        args = {}
        unshelve = body.get('unshelve')
        if unshelve:
            req = pecan.request
            if microversion.is_supported(req, '2.77') and \
                    'availability_zone' in unshelve:
                # From 2.91 a null zone unpins the server.
                args['availability_zone'] = unshelve['availability_zone']
            if microversion.is_supported(req, '2.91'):
                args['host'] = unshelve.get('host')
        common.compute_api().unshelve(common.context(), instance, cell,
                                      **args)


# The actions defined in modules of their own register on import.
from nova_lite.api.controllers import server_rebuild  # noqa: E402,F401
from nova_lite.api.controllers import server_state_actions  # noqa: E402,F401,I100,E501
from nova_lite.api.controllers import server_moves  # noqa: E402,F401,I100
