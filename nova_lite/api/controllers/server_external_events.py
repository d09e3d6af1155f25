"""/os-server-external-events: other services tell the compute service of
events about servers (a volume extended or re-imaged, a power change).

Every event is answered with its own ``code``: 200 accepted, 404 for a
server that is not known (or not placed yet), 400 for an event that needs a
tag and has none, 422 for a server without a host; the request is 200 when
every event was accepted, 207 otherwise.
"""

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api.expose import Result
from nova_lite.api.schemas import server_external_events as schemas
from nova_lite.compute import external_events
from nova_lite.policies import server_external_events as policies


class ServerExternalEventsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, **kwargs):
        ctx = common.context()
        ctx.can(policies.POLICY_ROOT % 'create', target={})
        answered = []
        accepted = []
        status = 200
        servers = {}
        for event in kwargs['body']['events']:
            answer = dict(event)
            answered.append(answer)
            uuid = event['server_uuid']
            if uuid not in servers:
                servers[uuid] = external_events.find_server(ctx, uuid)
            found = servers[uuid]
            if found is None:
                answer.update(status='failed', code=404)
                status = 207
                continue
            instance, cell = found
            if event['name'] in external_events.TAG_REQUIRED and \
                    event.get('tag') is None:
                answer.update(status='failed', code=400)
                status = 207
            elif instance.host:
                answer.update(status='completed', code=200)
                accepted.append(({'instance_uuid': uuid,
                                  'name': event['name'],
                                  'status': event.get('status',
                                                      'completed'),
                                  'tag': event.get('tag')},
                                 instance, cell))
            else:
                answer.update(status='failed', code=422)
                status = 207
        if accepted:
            external_events.deliver(ctx, common.compute_api().compute,
                                    accepted)
        return Result({'events': answered}, status=status)
