"""Request and response schemas of POST /os-server-external-events: the
event names accepted grow with the microversion."""

import copy

from nova_lite.api import microversion

# The names, and the microversion each was added in.
NAMES = [('2.1', ['network-changed', 'network-vif-plugged',
                  'network-vif-unplugged', 'network-vif-deleted']),
         ('2.51', ['volume-extended']),
         ('2.76', ['power-update']),
         ('2.82', ['accelerator-request-bound']),
         ('2.93', ['volume-reimaged'])]
STATUSES = ['failed', 'completed', 'in-progress']

_event = {
    'type': 'object',
    'properties': {
        'name': {'type': 'string', 'enum': []},
        'server_uuid': {'type': 'string', 'format': 'uuid'},
        'status': {'type': 'string', 'enum': STATUSES},
        'tag': {'type': 'string', 'maxLength': 255},
    },
    'required': ['name', 'server_uuid'],
    'additionalProperties': False,
}

_create = {
    'type': 'object',
    'properties': {
        'events': {'type': 'array', 'minItems': 1, 'items': _event},
    },
    'required': ['events'],
    'additionalProperties': False,
}

_response_event = copy.deepcopy(_event)
_response_event['properties']['code'] = {'type': 'integer',
                                         'enum': [200, 400, 404, 422]}
_response_event['required'] = ['code', 'name', 'server_uuid', 'status']

_response = {
    'type': 'object',
    'properties': {
        'events': {'type': 'array', 'items': _response_event},
    },
    'required': ['events'],
    'additionalProperties': False,
}


def _with_names(schema, names):
    schema = copy.deepcopy(schema)
    schema['properties']['events']['items']['properties']['name'][
        'enum'] = list(names)
    return schema


def _per_version(schema):
    entries = []
    names = []
    for i, (min_v, added) in enumerate(NAMES):
        names = names + added
        max_v = None
        if i + 1 < len(NAMES):
            major, minor = NAMES[i + 1][0].split('.')
            max_v = '%s.%d' % (major, int(minor) - 1)
        entries.append((min_v, max_v, _with_names(schema, names)))
    return entries


CREATE_SCHEMAS = _per_version(_create)
RESPONSE_SCHEMAS = _per_version(_response)


def create_response(version):
    """The response schema in force at ``version`` (a version string)."""
    v = microversion.APIVersion(version)
    for min_v, max_v, schema in RESPONSE_SCHEMAS:
        if v.matches(min_v, max_v):
            return schema
    return RESPONSE_SCHEMAS[-1][2]
