"""os-services request and query schemas."""

import copy

_REASON = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_BOOLEAN = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES',
             'Yes', 'yes', False, 'False', 'FALSE', 'false', '0', 'OFF',
             'Off', 'off', 'NO', 'No', 'no'],
}
_HOST = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': '^[a-zA-Z0-9-._]*$'}

update = {
    'type': 'object',
    'properties': {
        'host': _HOST,
        'binary': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'disabled_reason': _REASON,
    },
    'required': ['host', 'binary'],
    'additionalProperties': False,
}

update_v211 = copy.deepcopy(update)
update_v211['properties']['forced_down'] = _BOOLEAN

update_v253 = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': _REASON,
        'forced_down': _BOOLEAN,
    },
    'additionalProperties': False,
}

UPDATE_SCHEMAS = [('2.1', '2.10', update), ('2.11', '2.52', update_v211),
                  ('2.53', None, update_v253)]

_QUERY_PARAM = {'type': 'array', 'minItems': 1,
                'items': {'type': 'string'}}

index_query = {
    'type': 'object',
    'properties': {'host': _QUERY_PARAM, 'binary': _QUERY_PARAM},
    'additionalProperties': True,
}
index_query_v275 = copy.deepcopy(index_query)
index_query_v275['additionalProperties'] = False

QUERY_SCHEMAS = [('2.1', '2.74', index_query),
                 ('2.75', None, index_query_v275)]
