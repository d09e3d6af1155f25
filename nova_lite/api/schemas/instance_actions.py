"""os-instance-actions query schemas (nova's, per microversion)."""

import copy

from nova_lite.api.schemas import parameter_types as pt


def _single(schema):
    return {'type': 'array', 'items': schema, 'maxItems': 1}


index_query = {'type': 'object', 'properties': {},
               'additionalProperties': True}

# 2.58: paging and changes-since.
index_query_v258 = {
    'type': 'object',
    'properties': {
        'limit': _single(pt.non_negative_integer),
        'marker': _single({'type': 'string'}),
        'changes-since': _single({'type': 'string', 'format': 'date-time'}),
    },
    'additionalProperties': False,
}

# 2.66: changes-before.
index_query_v266 = copy.deepcopy(index_query_v258)
index_query_v266['properties']['changes-before'] = _single(
    {'type': 'string', 'format': 'date-time'})

INDEX_QUERY_SCHEMAS = [('2.1', '2.57', index_query),
                       ('2.58', '2.65', index_query_v258),
                       ('2.66', None, index_query_v266)]

show_query = {'type': 'object', 'properties': {},
              'additionalProperties': True}
show_query_v2102 = {'type': 'object', 'properties': {},
                    'additionalProperties': False}

SHOW_QUERY_SCHEMAS = [('2.1', '2.101', show_query),
                      ('2.102', None, show_query_v2102)]
