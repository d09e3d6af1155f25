"""os-hosts request and query schemas (the API ends at 2.42)."""

_STATE = {'type': 'string',
          'enum': ['enable', 'disable', 'Enable', 'Disable',
                   'ENABLE', 'DISABLE']}

update = {
    'type': 'object',
    'properties': {'status': _STATE, 'maintenance_mode': _STATE},
    'anyOf': [{'required': ['status']}, {'required': ['maintenance_mode']}],
    'additionalProperties': False,
}

# Unknown query parameters are ignored (the API was never tightened).
index_query = {
    'type': 'object',
    'properties': {'zone': {'type': 'array', 'items': {'type': 'string'}}},
    'additionalProperties': True,
}

UPDATE_SCHEMAS = [('2.1', '2.42', update)]
INDEX_QUERY_SCHEMAS = [('2.1', '2.42', index_query)]
