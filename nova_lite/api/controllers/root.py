"""The pecan root of /v2.1: one attribute per top-level resource."""

import pecan

from nova_lite.api.controllers import aggregates
from nova_lite.api.controllers import availability_zones
from nova_lite.api.controllers import flavors
from nova_lite.api.controllers import server_groups
from nova_lite.api.controllers import servers
from nova_lite.api.controllers import services
from nova_lite.api.controllers import versions
from nova_lite.api.expose import expose

# Resource names directly under /v2.1; any other first segment is taken as
# a project id.
RESOURCES = frozenset(['servers', 'flavors', 'os-services',
                       'os-server-groups', 'os-availability-zone',
                       'os-aggregates'])


class V21Controller:
    servers = servers.ServersController()
    flavors = flavors.FlavorsController()

    @expose()
    def index(self, **kwargs):
        """GET /v2.1/{project_id}/: the version document, authenticated."""
        return versions.version_document(pecan.request.host_url)


pecan.route(V21Controller, 'os-services', services.ServicesController())
pecan.route(V21Controller, 'os-server-groups',
            server_groups.ServerGroupsController())
pecan.route(V21Controller, 'os-availability-zone',
            availability_zones.AvailabilityZonesController())
pecan.route(V21Controller, 'os-aggregates',
            aggregates.AggregatesController())
