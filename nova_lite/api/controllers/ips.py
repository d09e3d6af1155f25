"""/servers/{server_id}/ips: a server's addresses by network label."""

from pecan import rest

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose

POLICY = 'os_compute_api:ips:%s'


class IPsController(rest.RestController):

    @expose()
    def get_all(self, server_id, **kwargs):
        from nova_lite.api.controllers import servers
        ctx = common.context()
        instance, _cell = servers.get_server(ctx, server_id)
        ctx.can(POLICY % 'index', {'project_id': instance.project_id})
        # nova_lite plugs servers into no network: as in the server view,
        # there are no addresses.
        return {'addresses': {}}
