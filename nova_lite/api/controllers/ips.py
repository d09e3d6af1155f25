"""/servers/{server_id}/ips: a server's addresses by network label."""

import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.expose import expose
from nova_lite.api.schemas import servers as schemas

POLICY = 'os_compute_api:ips:%s'


class IPsController(common.RestController):

    @staticmethod
    def _server(server_id, action):
        ctx = common.context()
        instance, _cell = server_common.get_server(ctx, server_id)
        ctx.can(POLICY % action, {'project_id': instance.project_id})
        return instance

    @expose()
    @common.with_schemas(schemas.SHOW_QUERY_SCHEMAS, query=True)
    def get_all(self, server_id, **kwargs):
        self._server(server_id, 'index')
        # nova_lite plugs servers into no network: as in the server view,
        # there are no addresses.
        return {'addresses': {}}

    @expose()
    @common.with_schemas(schemas.SHOW_QUERY_SCHEMAS, query=True)
    def get_one(self, server_id, network_label, **kwargs):
        self._server(server_id, 'show')
        raise webob.exc.HTTPNotFound(
            explanation='Instance is not a member of specified network')
