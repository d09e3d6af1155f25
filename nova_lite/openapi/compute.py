"""The OpenAPI documents of the compute API, one per microversion
(``nova_lite.openapi`` explains how they are made)."""


from nova_lite.api.controllers import aggregates
from nova_lite.api.controllers import availability_zones
from nova_lite.api.controllers import extensions
from nova_lite.api.controllers import flavor_extras
from nova_lite.api.controllers import flavors
from nova_lite.api.controllers import hosts
from nova_lite.api.controllers import hypervisors
from nova_lite.api.controllers import images_proxy
from nova_lite.api.controllers import instance_actions
from nova_lite.api.controllers import ips
from nova_lite.api.controllers import keypairs
from nova_lite.api.controllers import limits
from nova_lite.api.controllers import migrations
from nova_lite.api.controllers import quota_sets
from nova_lite.api.controllers import server_actions
from nova_lite.api.controllers import server_admin
from nova_lite.api.controllers import server_external_events
from nova_lite.api.controllers import assisted_volume_snapshots as avs
from nova_lite.api.controllers import server_groups
from nova_lite.api.controllers import server_metadata
from nova_lite.api.controllers import server_tags
from nova_lite.api.controllers import servers
from nova_lite.api.controllers import services
from nova_lite.api.controllers import usage
from nova_lite.api.controllers import usage_audit_log
from nova_lite.api.controllers import volume_attachments
from nova_lite.api.controllers import volumes_proxy
from nova_lite.api import microversion
from nova_lite.api.schemas import action_responses
from nova_lite.api.schemas import admin_responses as ar
from nova_lite.api.schemas import flavors as flavor_schemas
from nova_lite.api.schemas import images_proxy as img_schemas
from nova_lite.api.schemas import keypairs as kp_schemas
from nova_lite.api.schemas import limits as limit_schemas
from nova_lite.api.schemas import proxy_responses as pr
from nova_lite.api.schemas import quota_sets as qs_schemas
from nova_lite.api.schemas import responses as r
from nova_lite.api.schemas import server_data_responses as sd
from nova_lite.api.schemas import server_metadata as md_schemas
from nova_lite.api.schemas import server_tags as tag_schemas
from nova_lite.api.schemas import server_external_events as see_schemas
from nova_lite.api.schemas import assisted_volume_snapshots as avs_schemas
from nova_lite import openapi
from nova_lite.openapi import Route


def _action_schemas():
    """POST /servers/{id}/action: one body per action, whichever the
    request's microversion validates it with."""
    entries = []
    for name, handler in sorted(server_actions._ACTIONS.items()):
        entries.extend(handler._request_body_schemas)
    return entries


def _attach_status(version):
    """POST os-volume_attachments: 200 with the attachment before 2.101,
    202 without a body from 2.101."""
    return 202 if microversion.APIVersion(version).matches('2.101') else 200


_S = servers.ServersController
_A = volume_attachments.VolumeAttachmentsController
_F = flavors.FlavorsController
_SV = services.ServicesController
_ATT = '/servers/{server_id}/os-volume_attachments'
_KP = keypairs.KeypairsController
_QS_C = quota_sets.QuotaSetsController
_QCS_C = quota_sets.QuotaClassSetsController
_QS = '/os-quota-sets/{tenant_id}'
_QCS = '/os-quota-class-sets/{quota_class}'
_MD = server_metadata.ServerMetadataController
_MDP = '/servers/{server_id}/metadata'
_TG = server_tags.ServerTagsController
_TGP = '/servers/{server_id}/tags'
_IA = instance_actions.InstanceActionsController
_IAP = '/servers/{server_id}/os-instance-actions'
_SG = server_groups.ServerGroupsController
_AZ = availability_zones.AvailabilityZonesController
_AG = aggregates.AggregatesController


def _aggregate_action_schemas():
    """POST /os-aggregates/{id}/action: one body per action."""
    entries = []
    for name, handler in sorted(aggregates._ACTIONS.items()):
        entries.extend(handler._request_body_schemas)
    return entries


def _flavor_action_schemas():
    return [(None, None, flavor_schemas.add_tenant_access),
            (None, None, flavor_schemas.remove_tenant_access)]


_FX = flavor_extras.ExtraSpecsController
_FX_PATH = '/flavors/{flavor_id}/os-extra_specs'
_HV = hypervisors.HypervisorsController
_USAGE = usage.UsageController
_SM = migrations.ServerMigrationsController

ADMIN_ROUTES = [
    Route('POST', '/flavors', _F.post, 200, ar.flavor_create,
          'createFlavor'),
    Route('PUT', '/flavors/{flavor_id}', _F.put, 200, ar.flavor_create,
          'updateFlavor', min_version='2.55'),
    Route('DELETE', '/flavors/{flavor_id}', _F.delete, 202, None,
          'deleteFlavor'),
    Route('GET', _FX_PATH, _FX.get_all, 200, ar.extra_specs_index,
          'listFlavorExtraSpecs'),
    Route('POST', _FX_PATH, _FX.post, 200, ar.extra_specs_create,
          'createFlavorExtraSpecs'),
    Route('GET', _FX_PATH + '/{flavor_extra_spec_key}', _FX.get_one, 200,
          ar.extra_spec_one, 'showFlavorExtraSpec'),
    Route('PUT', _FX_PATH + '/{flavor_extra_spec_key}', _FX.put, 200,
          ar.extra_spec_one, 'updateFlavorExtraSpec'),
    Route('DELETE', _FX_PATH + '/{flavor_extra_spec_key}', _FX.delete, 200,
          None, 'deleteFlavorExtraSpec'),
    Route('GET', '/flavors/{flavor_id}/os-flavor-access',
          flavor_extras.FlavorAccessController.get_all, 200,
          ar.flavor_access, 'listFlavorAccess'),
    Route('POST', '/flavors/{flavor_id}/action',
          flavor_extras.FlavorActionController.post, 200, ar.flavor_access,
          'flavorAction', body_schemas=_flavor_action_schemas),
    Route('GET', '/os-hypervisors', _HV.get_all, 200, ar.hypervisors_index,
          'listHypervisors'),
    Route('GET', '/os-hypervisors/detail', _HV.detail, 200,
          ar.hypervisors_detail, 'listHypervisorsDetailed'),
    Route('GET', '/os-hypervisors/statistics', _HV.statistics, 200,
          ar.hypervisor_statistics, 'showHypervisorStatistics',
          max_version='2.87'),
    Route('GET', '/os-hypervisors/{hypervisor_id}', _HV.get_one, 200,
          ar.hypervisor_show, 'showHypervisor'),
    Route('GET', '/os-hypervisors/{hypervisor_id}/uptime',
          hypervisors.UptimeController.get_all, 200, ar.hypervisor_uptime,
          'showHypervisorUptime', max_version='2.87'),
    Route('GET', '/os-hypervisors/{hypervisor_hostname_pattern}/search',
          hypervisors.SearchController.get_all, 200, ar.hypervisors_search,
          'searchHypervisor', max_version='2.52'),
    Route('GET', '/os-hypervisors/{hypervisor_hostname_pattern}/servers',
          hypervisors.HypervisorServersController.get_all, 200, ar.hypervisors_search,
          'listHypervisorServers', max_version='2.52'),
    Route('GET', '/os-simple-tenant-usage', _USAGE.get_all, 200,
          ar.usage_index, 'listTenantUsages'),
    Route('GET', '/os-simple-tenant-usage/{tenant_id}', _USAGE.get_one, 200,
          ar.usage_show, 'showTenantUsage'),
    Route('GET', '/os-migrations', migrations.MigrationsController.get_all,
          200, ar.migrations_index, 'listMigrations'),
    Route('GET', '/servers/{server_id}/migrations', _SM.get_all, 200,
          ar.server_migrations_index, 'listServerMigrations',
          min_version='2.23'),
    Route('GET', '/servers/{server_id}/migrations/{migration_id}',
          _SM.get_one, 200, ar.server_migration_show, 'showServerMigration',
          min_version='2.23'),
    Route('POST', '/servers/{server_id}/migrations/{migration_id}/action',
          _SM.action, 202, None, 'forceCompleteServerMigration',
          min_version='2.22'),
    Route('DELETE', '/servers/{server_id}/migrations/{migration_id}',
          _SM.delete, 202, None, 'deleteServerMigration',
          min_version='2.24'),
    Route('GET', '/servers/{server_id}/diagnostics',
          server_admin.DiagnosticsController.get_all, 200, ar.diagnostics,
          'showServerDiagnostics'),
    Route('GET', '/servers/{server_id}/os-server-password',
          server_admin.ServerPasswordController.get_all, 200,
          ar.server_password, 'showServerPassword'),
    Route('DELETE', '/servers/{server_id}/os-server-password',
          server_admin.ServerPasswordController.delete, 204, None,
          'deleteServerPassword'),
    Route('GET', '/extensions', extensions.ExtensionsController.get_all, 200,
          ar.extensions_index, 'listExtensions'),
    Route('GET', '/extensions/{alias}',
          extensions.ExtensionsController.get_one, 200, ar.extension_show,
          'showExtension'),
]

COMPUTE_ROUTES = [
    Route('GET', '/', None, 200, r.version_show, 'showVersion'),
    Route('GET', '/servers', _S.get_all, 200, r.servers_index,
          'listServers'),
    Route('GET', '/servers/detail', _S.detail, 200, r.servers_detail,
          'listServersDetailed'),
    Route('POST', '/servers', _S.post, 202, r.server_create,
          'createServer'),
    Route('GET', '/servers/{server_id}', _S.get_one, 200, r.server_show,
          'showServer'),
    Route('PUT', '/servers/{server_id}', _S.put, 200, r.server_update,
          'updateServer'),
    Route('DELETE', '/servers/{server_id}', _S.delete, 204, None,
          'deleteServer'),
    # 202 without a body, but rebuild's (the server); 200 for the console
    # output, rescue and evacuate (its admin password before 2.14); 204 for
    # confirmResize.
    Route('POST', '/servers/{server_id}/action',
          server_actions.ServerActionsController.post, (200, 202, 204),
          action_responses.server_action, 'serverAction',
          body_schemas=_action_schemas),
    Route('GET', '/servers/{server_id}/ips', ips.IPsController.get_all, 200,
          r.server_ips_index, 'listServerAddresses'),
    Route('GET', '/servers/{server_id}/ips/{network_label}',
          ips.IPsController.get_one, 200, r.server_ips_show,
          'showServerAddressesByNetwork'),
    Route('GET', _ATT, _A.get_all, 200, r.volume_attachments_index,
          'listVolumeAttachments'),
    Route('POST', _ATT, _A.post, _attach_status, r.volume_attachment_create,
          'attachVolume'),
    Route('GET', _ATT + '/{volume_id}', _A.get_one, 200,
          r.volume_attachment_show, 'showVolumeAttachment'),
    Route('PUT', _ATT + '/{volume_id}', _A.put, 202, None,
          'updateVolumeAttachment'),
    Route('DELETE', _ATT + '/{volume_id}', _A.delete, 202, None,
          'detachVolume'),
    Route('GET', _MDP, _MD.get_all, 200, sd.metadata_index,
          'listServerMetadata'),
    Route('POST', _MDP, _MD.post, 200, sd.metadata_index,
          'createServerMetadata'),
    Route('PUT', _MDP, _MD.put, 200, sd.metadata_index,
          'replaceServerMetadata',
          body_schemas=lambda: [(None, None, md_schemas.update_all)]),
    Route('GET', _MDP + '/{key}', _MD.get_one, 200, sd.metadata_item,
          'showServerMetadataItem'),
    Route('PUT', _MDP + '/{key}', _MD.put, 200, sd.metadata_item,
          'updateServerMetadataItem'),
    Route('DELETE', _MDP + '/{key}', _MD.delete, 204, None,
          'deleteServerMetadataItem'),
    Route('GET', _TGP, _TG.get_all, 200, sd.tags_index, 'listServerTags',
          min_version='2.26'),
    Route('PUT', _TGP, _TG.put, 200, sd.tags_index, 'replaceServerTags',
          min_version='2.26'),
    Route('DELETE', _TGP, _TG.delete, 204, None, 'deleteAllServerTags',
          min_version='2.26'),
    Route('GET', _TGP + '/{tag}', _TG.get_one, 204, None,
          'checkServerTag', min_version='2.26'),
    Route('PUT', _TGP + '/{tag}', _TG.put, (201, 204), None,
          'addServerTag', min_version='2.26',
          body_schemas=lambda: [('2.26', None, tag_schemas.update)]),
    Route('DELETE', _TGP + '/{tag}', _TG.delete, 204, None,
          'deleteServerTag', min_version='2.26'),
    Route('GET', _IAP, _IA.get_all, 200, sd.instance_actions_index,
          'listInstanceActions'),
    Route('GET', _IAP + '/{request_id}', _IA.get_one, 200,
          sd.instance_action_show, 'showInstanceAction'),
    Route('GET', '/flavors', _F.get_all, 200, r.flavors_index,
          'listFlavors'),
    Route('GET', '/flavors/detail', _F.detail, 200, r.flavors_detail,
          'listFlavorsDetailed'),
    Route('GET', '/flavors/{flavor_id}', _F.get_one, 200, r.flavor_show,
          'showFlavor'),
    Route('GET', '/os-services', _SV.get_all, 200, r.services_index,
          'listServices'),
    Route('PUT', '/os-services/{service_id}', _SV.put, 200,
          r.service_update, 'updateService'),
    Route('DELETE', '/os-services/{service_id}', _SV.delete, 204, None,
          'deleteService'),
    Route('GET', '/os-server-groups', _SG.get_all, 200,
          r.server_groups_index, 'listServerGroups'),
    Route('POST', '/os-server-groups', _SG.post, 200, r.server_group_show,
          'createServerGroup'),
    Route('GET', '/os-server-groups/{server_group_id}', _SG.get_one, 200,
          r.server_group_show, 'showServerGroup'),
    Route('DELETE', '/os-server-groups/{server_group_id}', _SG.delete, 204,
          None, 'deleteServerGroup'),
    Route('POST', '/os-server-external-events',
          server_external_events.ServerExternalEventsController.post,
          (200, 207), see_schemas.create_response,
          'createServerExternalEvents'),
    Route('POST', '/os-assisted-volume-snapshots',
          avs.AssistedVolumeSnapshotsController.post, 200,
          avs_schemas.create_response, 'createAssistedVolumeSnapshot'),
    Route('DELETE', '/os-assisted-volume-snapshots/{snapshot_id}',
          avs.AssistedVolumeSnapshotsController.delete, 204, None,
          'deleteAssistedVolumeSnapshot'),
    Route('GET', '/os-availability-zone', _AZ.get_all, 200,
          r.availability_zones_index, 'listAvailabilityZones'),
    Route('GET', '/os-availability-zone/detail', _AZ.detail, 200,
          r.availability_zones_detail, 'listAvailabilityZonesDetailed'),
    Route('GET', '/os-aggregates', _AG.get_all, 200, r.aggregates_index,
          'listAggregates'),
    Route('POST', '/os-aggregates', _AG.post, 200, r.aggregate_create,
          'createAggregate'),
    Route('GET', '/os-aggregates/{aggregate_id}', _AG.get_one, 200,
          r.aggregate_show, 'showAggregate'),
    Route('PUT', '/os-aggregates/{aggregate_id}', _AG.put, 200,
          r.aggregate_show, 'updateAggregate'),
    Route('DELETE', '/os-aggregates/{aggregate_id}', _AG.delete, 200, None,
          'deleteAggregate'),
    Route('POST', '/os-aggregates/{aggregate_id}/action',
          aggregates.AggregateActionsController.post, 200, r.aggregate_show,
          'aggregateAction', body_schemas=_aggregate_action_schemas),
    Route('GET', '/os-keypairs', _KP.get_all, 200,
          kp_schemas.keypairs_index, 'listKeypairs'),
    Route('POST', '/os-keypairs', _KP.post, (200, 201),
          kp_schemas.keypair_create, 'createKeypair'),
    Route('GET', '/os-keypairs/{keypair_name}', _KP.get_one, 200,
          kp_schemas.keypair_show, 'showKeypair'),
    Route('DELETE', '/os-keypairs/{keypair_name}', _KP.delete, (202, 204),
          None, 'deleteKeypair'),
    Route('GET', '/limits', limits.LimitsController.get_all, 200,
          limit_schemas.limits_show, 'showLimits'),
    Route('GET', _QS, _QS_C.get_one, 200, qs_schemas.quota_set_show,
          'showQuotaSet'),
    Route('GET', _QS + '/detail', _QS_C.detail, 200,
          qs_schemas.quota_set_detail, 'showQuotaSetDetail'),
    Route('GET', _QS + '/defaults', _QS_C.defaults, 200,
          qs_schemas.quota_set_show, 'showQuotaSetDefaults'),
    Route('PUT', _QS, _QS_C.put, 200, qs_schemas.quota_set_update,
          'updateQuotaSet'),
    Route('DELETE', _QS, _QS_C.delete, 202, None, 'deleteQuotaSet'),
    Route('GET', _QCS, _QCS_C.get_one, 200, qs_schemas.quota_class_set_show,
          'showQuotaClassSet'),
    Route('PUT', _QCS, _QCS_C.put, 200, qs_schemas.quota_class_set_update,
          'updateQuotaClassSet'),
] + ADMIN_ROUTES

_VOL = volumes_proxy.VolumesController
_SNAP = volumes_proxy.SnapshotsController
_HOST = hosts.HostsController
_HP = '/os-hosts/{host_name}'
_AUDIT = usage_audit_log.InstanceUsageAuditLogController
COMPUTE_ROUTES += [
    Route('GET', '/os-volumes', _VOL.get_all, 200, pr.volumes_index,
          'listVolumes', max_version='2.35'),
    Route('GET', '/os-volumes/detail', _VOL.detail, 200, pr.volumes_index,
          'listVolumesDetail', max_version='2.35'),
    Route('POST', '/os-volumes', _VOL.post, 200, pr.volume_show,
          'createVolume', max_version='2.35'),
    Route('GET', '/os-volumes/{volume_id}', _VOL.get_one, 200,
          pr.volume_show, 'showVolume', max_version='2.35'),
    Route('DELETE', '/os-volumes/{volume_id}', _VOL.delete, 202, None,
          'deleteVolume', max_version='2.35'),
    Route('GET', '/os-snapshots', _SNAP.get_all, 200, pr.snapshots_index,
          'listSnapshots', max_version='2.35'),
    Route('GET', '/os-snapshots/detail', _SNAP.detail, 200,
          pr.snapshots_index, 'listSnapshotsDetail', max_version='2.35'),
    Route('POST', '/os-snapshots', _SNAP.post, 200, pr.snapshot_show,
          'createSnapshot', max_version='2.35'),
    Route('GET', '/os-snapshots/{snapshot_id}', _SNAP.get_one, 200,
          pr.snapshot_show, 'showSnapshot', max_version='2.35'),
    Route('DELETE', '/os-snapshots/{snapshot_id}', _SNAP.delete, 202, None,
          'deleteSnapshot', max_version='2.35'),
    Route('GET', '/os-hosts', _HOST.get_all, 200, pr.hosts_index,
          'listHosts', max_version='2.42'),
    Route('GET', _HP, _HOST.get_one, 200, pr.host_show, 'showHost',
          max_version='2.42'),
    Route('PUT', _HP, _HOST.put, 200, pr.host_update, 'updateHost',
          max_version='2.42'),
    Route('GET', _HP + '/startup', _HOST.startup, 200,
          pr.host_power_action, 'startHost', max_version='2.42'),
    Route('GET', _HP + '/shutdown', _HOST.shutdown, 200,
          pr.host_power_action, 'shutdownHost', max_version='2.42'),
    Route('GET', _HP + '/reboot', _HOST.reboot, 200, pr.host_power_action,
          'rebootHost', max_version='2.42'),
    Route('GET', '/os-instance_usage_audit_log', _AUDIT.get_all, 200,
          pr.audit_logs_index, 'listUsageAuditLogs'),
    Route('GET', '/os-instance_usage_audit_log/{before_timestamp}',
          _AUDIT.get_one, 200, pr.audit_log_show, 'showUsageAuditLog'),
]

_IMG = images_proxy.ImagesController
_IMD = images_proxy.ImageMetadataController
_IMP = '/images/{image_id}/metadata'
COMPUTE_ROUTES += [
    Route('GET', '/images', _IMG.get_all, 200, pr.images_index,
          'listImages', max_version='2.35'),
    Route('GET', '/images/detail', _IMG.detail, 200, pr.images_detail,
          'listImagesDetail', max_version='2.35'),
    Route('GET', '/images/{image_id}', _IMG.get_one, 200, pr.image_show,
          'showImage', max_version='2.35'),
    Route('DELETE', '/images/{image_id}', _IMG.delete, 204, None,
          'deleteImage', max_version='2.35'),
    Route('GET', _IMP, _IMD.get_all, 200, pr.image_metadata_index,
          'listImageMetadata', max_version='2.38'),
    Route('POST', _IMP, _IMD.post, 200, pr.image_metadata_index,
          'createImageMetadata', max_version='2.38'),
    Route('PUT', _IMP, _IMD.put, 200, pr.image_metadata_index,
          'replaceImageMetadata', max_version='2.38',
          body_schemas=lambda: [('2.1', '2.38',
                                 img_schemas.metadata_update_all)]),
    Route('GET', _IMP + '/{key}', _IMD.get_one, 200,
          pr.image_metadata_item, 'showImageMetadataItem',
          max_version='2.38'),
    Route('PUT', _IMP + '/{key}', _IMD.put, 200, pr.image_metadata_item,
          'createOrUpdateImageMetadataItem', max_version='2.38'),
    Route('DELETE', _IMP + '/{key}', _IMD.delete, 204, None,
          'deleteImageMetadataItem', max_version='2.38'),
]


def for_version(entries, version):
    """The schemas of ``(min, max, schema)`` entries in force at
    ``version``, newest range first as the validators apply them."""
    v = microversion.APIVersion(version)
    return [schema for min_v, max_v, schema in entries
            if v.matches(min_v or microversion.MIN_VERSION, max_v)]


def routes_for(version):
    """The routes the compute API serves at ``version``."""
    v = microversion.APIVersion(version)
    return [route for route in COMPUTE_ROUTES if v.matches(
        route.min_version or microversion.MIN_VERSION, route.max_version)]


def build(version=microversion.MAX_VERSION, server_url='/v2.1'):
    """The OpenAPI document of the compute API at ``version``."""
    paths = {}
    for route in routes_for(version):
        op = {
            'operationId': route.operation_id,
            'parameters': (openapi.path_parameters(route.path) +
                           openapi.query_parameters(for_version(
                               route.query_schemas(), version)) +
                           [openapi.version_header('compute', version)]),
            'responses': openapi.responses(
                route.status(version) if callable(route.status) else
                route.status, route.response, version, 'Compute'),
        }
        body = openapi.body(for_version(route.body_schemas(), version))
        if body is not None:
            op['requestBody'] = body
        paths.setdefault(route.path, {})[route.method.lower()] = op
    return openapi.document('nova_lite compute API', 'compute', version,
                            server_url, paths)


def ranges():
    """``[(first, last, document)]``: the compute API's microversions
    grouped by identical documents, in order."""
    return openapi.ranges(microversion.VERSIONS, build)
