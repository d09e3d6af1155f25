"""Query schemas of /flavors."""

import copy

from nova_lite.api.schemas import parameter_types as pt

index_query = {
    'type': 'object',
    'properties': {
        'limit': pt.multi_params(pt.non_negative_integer),
        'marker': pt.multi_params({'type': 'string'}),
        'is_public': pt.multi_params({'type': 'string'}),
        'minRam': pt.multi_params({'type': 'string'}),
        'minDisk': pt.multi_params({'type': 'string'}),
        'sort_key': pt.multi_params({'type': 'string', 'enum': [
            'created_at', 'description', 'disabled', 'ephemeral_gb',
            'flavorid', 'id', 'is_public', 'memory_mb', 'name', 'root_gb',
            'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus']}),
        'sort_dir': pt.multi_params({'type': 'string',
                                     'enum': ['asc', 'desc']}),
    },
    'additionalProperties': True,
}

index_query_v275 = copy.deepcopy(index_query)
index_query_v275['additionalProperties'] = False

# 2.102: a name filter (a regular expression); rxtx_factor is no sort key.
index_query_v2102 = copy.deepcopy(index_query_v275)
index_query_v2102['properties']['name'] = pt.multi_params({'type': 'string'})
index_query_v2102['properties']['sort_key']['items']['enum'].remove(
    'rxtx_factor')

INDEX_QUERY_SCHEMAS = [('2.1', '2.74', index_query),
                       ('2.75', '2.101', index_query_v275),
                       ('2.102', None, index_query_v2102)]

show_query = {'type': 'object', 'properties': {}, 'additionalProperties': True}
show_query_v2102 = {'type': 'object', 'properties': {},
                    'additionalProperties': False}

SHOW_QUERY_SCHEMAS = [('2.1', '2.101', show_query),
                      ('2.102', None, show_query_v2102)]
