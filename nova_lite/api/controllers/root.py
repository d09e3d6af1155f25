"""The pecan root of /v2.1: one attribute per top-level resource."""

import pecan

from nova_lite.api.controllers import aggregates
from nova_lite.api.controllers import assisted_volume_snapshots
from nova_lite.api.controllers import availability_zones
from nova_lite.api.controllers import extensions
from nova_lite.api.controllers import flavors
from nova_lite.api.controllers import hosts
from nova_lite.api.controllers import hypervisors
from nova_lite.api.controllers import images_proxy
from nova_lite.api.controllers import keypairs
from nova_lite.api.controllers import limits
from nova_lite.api.controllers import migrations
from nova_lite.api.controllers import quota_sets
from nova_lite.api.controllers import server_admin  # noqa: F401 (routes)
from nova_lite.api.controllers import server_external_events
from nova_lite.api.controllers import server_groups
from nova_lite.api.controllers import servers
from nova_lite.api.controllers import services
from nova_lite.api.controllers import usage
from nova_lite.api.controllers import usage_audit_log
from nova_lite.api.controllers import versions
from nova_lite.api.controllers import volumes_proxy
from nova_lite.api.expose import expose

# Resource names directly under /v2.1; any other first segment is taken as
# a project id.
RESOURCES = frozenset([
    'extensions',
    'flavors',
    'limits',
    'os-aggregates',
    'os-assisted-volume-snapshots',
    'os-availability-zone',
    'os-hosts',
    'os-hypervisors',
    'os-instance_usage_audit_log',
    'os-keypairs',
    'os-migrations',
    'os-quota-class-sets',
    'os-quota-sets',
    'os-server-external-events',
    'os-server-groups',
    'os-services',
    'os-simple-tenant-usage',
    'os-snapshots',
    'os-volumes',
    'servers',
    'images',
])


class V21Controller:
    servers = servers.ServersController()
    flavors = flavors.FlavorsController()
    extensions = extensions.ExtensionsController()
    limits = limits.LimitsController()

    @expose()
    def index(self, **kwargs):
        """GET /v2.1/{project_id}/: the version document, authenticated."""
        return versions.version_document(pecan.request.host_url)


pecan.route(V21Controller, 'os-services', services.ServicesController())
pecan.route(V21Controller, 'os-hypervisors',
            hypervisors.HypervisorsController())
pecan.route(V21Controller, 'os-simple-tenant-usage',
            usage.UsageController())
pecan.route(V21Controller, 'os-migrations',
            migrations.MigrationsController())
pecan.route(V21Controller, 'os-server-groups',
            server_groups.ServerGroupsController())
pecan.route(V21Controller, 'os-availability-zone',
            availability_zones.AvailabilityZonesController())
pecan.route(V21Controller, 'os-aggregates',
            aggregates.AggregatesController())
pecan.route(V21Controller, 'os-keypairs', keypairs.KeypairsController())
pecan.route(V21Controller, 'os-assisted-volume-snapshots',
            assisted_volume_snapshots.AssistedVolumeSnapshotsController())
pecan.route(V21Controller, 'os-server-external-events',
            server_external_events.ServerExternalEventsController())
pecan.route(V21Controller, 'os-quota-sets', quota_sets.QuotaSetsController())
pecan.route(V21Controller, 'os-quota-class-sets',
            quota_sets.QuotaClassSetsController())
pecan.route(V21Controller, 'os-hosts', hosts.HostsController())
pecan.route(V21Controller, 'os-instance_usage_audit_log',
            usage_audit_log.InstanceUsageAuditLogController())
pecan.route(V21Controller, 'os-volumes', volumes_proxy.VolumesController())
pecan.route(V21Controller, 'os-snapshots',
            volumes_proxy.SnapshotsController())
pecan.route(V21Controller, 'images', images_proxy.ImagesController())
