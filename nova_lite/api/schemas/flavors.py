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

INDEX_QUERY_SCHEMAS = [('2.1', '2.74', index_query),
                       ('2.75', None, index_query_v275)]
