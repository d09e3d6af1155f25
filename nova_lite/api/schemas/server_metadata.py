"""/servers/{server_id}/metadata request and query schemas (nova's)."""

import copy

from nova_lite.api.schemas import parameter_types as pt

create = {
    'type': 'object',
    'properties': {'metadata': pt.metadata},
    'required': ['metadata'],
    'additionalProperties': False,
}

update_all = copy.deepcopy(create)

_one_item = copy.deepcopy(pt.metadata)
_one_item.update({'minProperties': 1, 'maxProperties': 1})

update = {
    'type': 'object',
    'properties': {'meta': _one_item},
    'required': ['meta'],
    'additionalProperties': False,
}

# Unknown query parameters are ignored up to 2.101 and refused from 2.102.
query = {'type': 'object', 'properties': {}, 'additionalProperties': True}
query_v2102 = {'type': 'object', 'properties': {},
               'additionalProperties': False}

QUERY_SCHEMAS = [('2.1', '2.101', query), ('2.102', None, query_v2102)]
