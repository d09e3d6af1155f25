"""/limits: the absolute limits of a project and their usage."""

import pecan

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.schemas import limits as schemas
from nova_lite import quota

BASE_POLICY_NAME = 'os_compute_api:limits'
OTHER_PROJECT_LIMIT_POLICY_NAME = 'os_compute_api:limits:other_project'

# quota resource -> absolute limit names
_LIMIT_NAMES = {
    'ram': ['maxTotalRAMSize'],
    'instances': ['maxTotalInstances'],
    'cores': ['maxTotalCores'],
    'key_pairs': ['maxTotalKeypairs'],
    'floating_ips': ['maxTotalFloatingIps'],
    'metadata_items': ['maxServerMeta', 'maxImageMeta'],
    'injected_files': ['maxPersonality'],
    'injected_file_content_bytes': ['maxPersonalitySize'],
    'security_groups': ['maxSecurityGroups'],
    'security_group_rules': ['maxSecurityGroupRules'],
    'server_groups': ['maxServerGroups'],
    'server_group_members': ['maxServerGroupMembers'],
}
_USED_NAMES = {
    'totalRAMUsed': 'ram',
    'totalCoresUsed': 'cores',
    'totalInstancesUsed': 'instances',
    'totalFloatingIpsUsed': 'floating_ips',
    'totalSecurityGroupsUsed': 'security_groups',
    'totalServerGroupsUsed': 'server_groups',
}
FILTERED_V236 = ('floating_ips', 'security_groups', 'security_group_rules')
FILTERED_V257 = FILTERED_V236 + ('injected_files',
                                 'injected_file_content_bytes')


def build(req, quotas):
    if microversion.is_supported(req, '2.57'):
        filtered = FILTERED_V257
    elif microversion.is_supported(req, '2.36'):
        filtered = FILTERED_V236
    else:
        filtered = ()
    image_meta = not microversion.is_supported(req, '2.39')
    absolute = {}
    for resource, value in quotas.items():
        if resource not in _LIMIT_NAMES or resource in filtered or \
                value['limit'] is None:
            continue
        for name in _LIMIT_NAMES[resource]:
            if name == 'maxImageMeta' and not image_meta:
                continue
            absolute[name] = value['limit']
    for name, resource in _USED_NAMES.items():
        if resource in quotas and resource not in filtered:
            absolute[name] = quotas[resource]['in_use']
    return {'limits': {'rate': [], 'absolute': absolute}}


class LimitsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = common.context()
        req = pecan.request
        ctx.can(BASE_POLICY_NAME, {})
        project_id = ctx.project_id
        if 'tenant_id' in req.GET:
            project_id = req.GET.get('tenant_id')
            ctx.can(OTHER_PROJECT_LIMIT_POLICY_NAME)
        return build(req, quota.get_project_quotas(ctx, project_id))
