"""Request and query schemas of /os-aggregates, per microversion."""

import copy

from nova_lite.api.schemas import parameter_types as pt

_zone = {'oneOf': [pt.az_name, {'type': 'null'}]}

create = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {'name': pt.name, 'availability_zone': _zone},
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {
                'name': pt.name_with_leading_trailing_spaces,
                'availability_zone': _zone,
            },
            'additionalProperties': False,
            'anyOf': [{'required': ['name']},
                      {'required': ['availability_zone']}],
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}


def _host_action(name):
    return {
        'type': 'object',
        'properties': {
            name: {
                'type': 'object',
                'properties': {'host': pt.fqdn},
                'required': ['host'],
                'additionalProperties': False,
            },
        },
        'required': [name],
        'additionalProperties': False,
    }


add_host = _host_action('add_host')
remove_host = _host_action('remove_host')

set_metadata = {
    'type': 'object',
    'properties': {
        'set_metadata': {
            'type': 'object',
            'properties': {'metadata': pt.metadata_with_null},
            'required': ['metadata'],
            'additionalProperties': False,
        },
    },
    'required': ['set_metadata'],
    'additionalProperties': False,
}

CREATE_SCHEMAS = [('2.1', None, create)]
UPDATE_SCHEMAS = [('2.1', None, update)]
ACTION_SCHEMAS = {
    'add_host': [('2.1', None, add_host)],
    'remove_host': [('2.1', None, remove_host)],
    'set_metadata': [('2.1', None, set_metadata)],
}

_query = {'type': 'object', 'properties': {}, 'additionalProperties': True}
_query_v2102 = copy.deepcopy(_query)
_query_v2102['additionalProperties'] = False

QUERY_SCHEMAS = [('2.1', '2.101', _query), ('2.102', None, _query_v2102)]
