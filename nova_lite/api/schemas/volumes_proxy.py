"""os-volumes and os-snapshots request and query schemas (the APIs end at
2.35)."""

_NON_NEGATIVE = {'type': ['integer', 'string'], 'pattern': '^[0-9]*$',
                 'minimum': 0, 'minLength': 1}

create = {
    'type': 'object',
    'properties': {
        'volume': {
            'type': 'object',
            'properties': {
                'volume_type': {'type': 'string'},
                'metadata': {'type': 'object', 'properties': {},
                             'additionalProperties': True},
                'snapshot_id': {'type': 'string'},
                'size': {'type': ['integer', 'string'],
                         'pattern': '^[0-9]+$', 'minimum': 1},
                'availability_zone': {'type': 'string'},
                'display_name': {'type': 'string'},
                'display_description': {'type': 'string'},
            },
            'required': ['size'],
            'additionalProperties': False,
        },
    },
    'required': ['volume'],
    'additionalProperties': False,
}

_BOOLEAN = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES',
             'Yes', 'yes', False, 'False', 'FALSE', 'false', '0', 'OFF',
             'Off', 'off', 'NO', 'No', 'no'],
}

snapshot_create = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'volume_id': {'type': 'string'},
                'force': _BOOLEAN,
                'display_name': {'type': 'string'},
                'display_description': {'type': 'string'},
            },
            'required': ['volume_id'],
            'additionalProperties': False,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': False,
}

index_query = {
    'type': 'object',
    'properties': {
        'limit': {'type': 'array', 'items': _NON_NEGATIVE},
        'offset': {'type': 'array', 'items': _NON_NEGATIVE},
    },
    'additionalProperties': True,
}

CREATE_SCHEMAS = [('2.1', '2.35', create)]
SNAPSHOT_CREATE_SCHEMAS = [('2.1', '2.35', snapshot_create)]
INDEX_QUERY_SCHEMAS = [('2.1', '2.35', index_query)]
