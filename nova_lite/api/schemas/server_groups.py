"""Request and query schemas of /os-server-groups, per microversion."""

import copy

from nova_lite.api.schemas import parameter_types as pt

create = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': pt.name,
                # One policy in a list before 2.64.
                'policies': {
                    'type': 'array',
                    'items': [{'type': 'string',
                               'enum': ['anti-affinity', 'affinity']}],
                    'uniqueItems': True,
                    'minItems': 1,
                    'maxItems': 1,
                    'additionalItems': False,
                },
            },
            'required': ['name', 'policies'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}

create_v215 = copy.deepcopy(create)
create_v215['properties']['server_group']['properties']['policies'][
    'items'][0]['enum'].extend(['soft-anti-affinity', 'soft-affinity'])

create_v264 = copy.deepcopy(create_v215)
_group = create_v264['properties']['server_group']
del _group['properties']['policies']
_group['required'] = ['name', 'policy']
_group['properties']['policy'] = {
    'type': 'string',
    'enum': ['anti-affinity', 'affinity', 'soft-anti-affinity',
             'soft-affinity'],
}
_group['properties']['rules'] = {
    'type': 'object',
    'properties': {'max_server_per_host': pt.positive_integer},
    'additionalProperties': False,
}

CREATE_SCHEMAS = [('2.1', '2.14', create), ('2.15', '2.63', create_v215),
                  ('2.64', None, create_v264)]

index_query = {
    'type': 'object',
    'properties': {
        'all_projects': pt.multi_params({'type': 'string'}),
        'limit': pt.multi_params(pt.non_negative_integer),
        'offset': pt.multi_params(pt.non_negative_integer),
    },
    'additionalProperties': True,
}
index_query_v275 = copy.deepcopy(index_query)
index_query_v275['additionalProperties'] = False

INDEX_QUERY_SCHEMAS = [('2.1', '2.74', index_query),
                       ('2.75', None, index_query_v275)]

show_query = {'type': 'object', 'properties': {},
              'additionalProperties': True}
show_query_v2102 = copy.deepcopy(show_query)
show_query_v2102['additionalProperties'] = False

SHOW_QUERY_SCHEMAS = [('2.1', '2.101', show_query),
                      ('2.102', None, show_query_v2102)]
