"""/limits: query and response schemas per microversion (2.36 drops the
network limits, 2.39 maxImageMeta, 2.57 the personality limits)."""

import copy

from nova_lite.api.schemas import parameter_types as pt
from nova_lite.api.schemas import responses as r

_query = {'type': 'object',
          'properties': {'tenant_id': pt.common_query_param},
          'additionalProperties': True}
_query_v275 = copy.deepcopy(_query)
_query_v275['additionalProperties'] = False
QUERY_SCHEMAS = [('2.1', '2.74', _query), ('2.75', None, _query_v275)]

ABSOLUTE = ('maxImageMeta', 'maxPersonality', 'maxPersonalitySize',
            'maxSecurityGroups', 'maxSecurityGroupRules', 'maxServerMeta',
            'maxServerGroups', 'maxServerGroupMembers', 'maxTotalCores',
            'maxTotalFloatingIps', 'maxTotalInstances', 'maxTotalKeypairs',
            'maxTotalRAMSize', 'totalCoresUsed', 'totalFloatingIpsUsed',
            'totalInstancesUsed', 'totalRAMUsed', 'totalSecurityGroupsUsed',
            'totalServerGroupsUsed')
_V236_DROPPED = ('maxSecurityGroups', 'maxSecurityGroupRules',
                 'maxTotalFloatingIps', 'totalFloatingIpsUsed',
                 'totalSecurityGroupsUsed')


def absolute_names(version):
    names = list(ABSOLUTE)
    if r._at_least(version, '2.36'):
        names = [n for n in names if n not in _V236_DROPPED]
    if r._at_least(version, '2.39'):
        names.remove('maxImageMeta')
    if r._at_least(version, '2.57'):
        names = [n for n in names
                 if n not in ('maxPersonality', 'maxPersonalitySize')]
    return names


def limits_show(version):
    absolute = r._obj({n: {'type': 'integer', 'minimum': -1}
                       for n in absolute_names(version)})
    rate = {'type': 'array', 'items': {}, 'maxItems': 0}
    return r._obj({'limits': r._obj({'absolute': absolute,
                                     'rate': rate})})
