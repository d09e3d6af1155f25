"""The pecan root of /v2.1: one attribute per top-level resource."""

import pecan

from nova_lite.api.controllers import flavors
from nova_lite.api.controllers import keypairs
from nova_lite.api.controllers import limits
from nova_lite.api.controllers import quota_sets
from nova_lite.api.controllers import servers
from nova_lite.api.controllers import services
from nova_lite.api.controllers import versions
from nova_lite.api.expose import expose

# Resource names directly under /v2.1; any other first segment is taken as
# a project id.
RESOURCES = frozenset(['servers', 'flavors', 'os-services', 'os-keypairs',
                       'limits', 'os-quota-sets', 'os-quota-class-sets'])


class V21Controller:
    servers = servers.ServersController()
    flavors = flavors.FlavorsController()
    limits = limits.LimitsController()

    @expose()
    def index(self, **kwargs):
        """GET /v2.1/{project_id}/: the version document, authenticated."""
        return versions.version_document(pecan.request.host_url)


pecan.route(V21Controller, 'os-services', services.ServicesController())
pecan.route(V21Controller, 'os-keypairs', keypairs.KeypairsController())
pecan.route(V21Controller, 'os-quota-sets', quota_sets.QuotaSetsController())
pecan.route(V21Controller, 'os-quota-class-sets',
            quota_sets.QuotaClassSetsController())
