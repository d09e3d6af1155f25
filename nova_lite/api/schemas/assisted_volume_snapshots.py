"""Request and response schemas of /os-assisted-volume-snapshots."""

import copy

from nova_lite.api.schemas import parameter_types as pt

_string = {'type': 'string', 'minLength': 1}

create = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'volume_id': _string,
                'create_info': {
                    'type': 'object',
                    'properties': {
                        'snapshot_id': _string,
                        'type': {'type': 'string', 'enum': ['qcow2']},
                        'new_file': _string,
                        'id': _string,
                    },
                    'required': ['snapshot_id', 'type', 'new_file'],
                    'additionalProperties': False,
                },
            },
            'required': ['volume_id', 'create_info'],
            'additionalProperties': False,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': False,
}

CREATE_SCHEMAS = [('2.1', None, create)]

# Unknown query parameters are ignored up to 2.74, refused from 2.75.
delete_query = {
    'type': 'object',
    'properties': {'delete_info': pt.multi_params({'type': 'string'})},
    'additionalProperties': True,
}
delete_query_v275 = copy.deepcopy(delete_query)
delete_query_v275['additionalProperties'] = False

DELETE_QUERY_SCHEMAS = [('2.1', '2.74', delete_query),
                        ('2.75', None, delete_query_v275)]

create_response = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'id': {'type': ['null', 'string']},
                'volumeId': {'type': 'string'},
            },
            'required': ['id', 'volumeId'],
            'additionalProperties': False,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': False,
}
