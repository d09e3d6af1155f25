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

# 2.102: a name filter (a regular expression); rxtx_factor is no sort key.
index_query_v2102 = copy.deepcopy(index_query_v275)
index_query_v2102['properties']['name'] = pt.multi_params({'type': 'string'})
index_query_v2102['properties']['sort_key']['items']['enum'].remove(
    'rxtx_factor')

INDEX_QUERY_SCHEMAS = [('2.1', '2.74', index_query),
                       ('2.75', '2.101', index_query_v275),
                       ('2.102', None, index_query_v2102)]

show_query = {'type': 'object', 'properties': {}, 'additionalProperties': True}
show_query_v2102 = {'type': 'object', 'properties': {},
                    'additionalProperties': False}

SHOW_QUERY_SCHEMAS = [('2.1', '2.101', show_query),
                      ('2.102', None, show_query_v2102)]

# -- flavor management ---------------------------------------------------------

_flavor_param_positive = {'type': ['integer', 'string'],
                          'pattern': '^[0-9]+$', 'minimum': 1,
                          'maximum': 0x7FFFFFFF}
_flavor_param_non_negative = dict(_flavor_param_positive, minimum=0)
_flavor_description = {'type': ['string', 'null'], 'format': 'description',
                       'minLength': 0, 'maxLength': 65535}

create = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {
                'name': pt.name,
                'id': {
                    'type': ['string', 'number', 'null'],
                    'minLength': 1, 'maxLength': 255,
                    'pattern': '^(?! )[a-zA-Z0-9. _-]+(?<! )$',
                },
                'ram': _flavor_param_positive,
                'vcpus': _flavor_param_positive,
                'disk': _flavor_param_non_negative,
                'OS-FLV-EXT-DATA:ephemeral': _flavor_param_non_negative,
                'swap': _flavor_param_non_negative,
                'rxtx_factor': {
                    'type': ['number', 'string'],
                    'pattern': r'^[0-9]+(\.[0-9]+)?$',
                    'exclusiveMinimum': 0,
                    'maximum': 3.40282e+38,
                },
                'os-flavor-access:is_public': pt.boolean,
            },
            'required': ['name', 'ram', 'vcpus', 'disk'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

create_v255 = copy.deepcopy(create)
create_v255['properties']['flavor']['properties']['description'] = \
    _flavor_description

create_v2102 = copy.deepcopy(create_v255)
del create_v2102['properties']['flavor']['properties']['rxtx_factor']

CREATE_SCHEMAS = [('2.1', '2.54', create), ('2.55', '2.101', create_v255),
                  ('2.102', None, create_v2102)]

update = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {'description': _flavor_description},
            'required': ['description'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

# Before 2.55 there is no such route (404 whatever the body).
UPDATE_SCHEMAS = [('2.1', '2.54', {}), ('2.55', None, update)]

# -- extra specs -------------------------------------------------------------------

_spec_key = '^[a-zA-Z0-9-_:. ]{1,255}$'
_specs = {
    'type': 'object',
    'patternProperties': {
        _spec_key: {'type': ['string', 'number'], 'maxLength': 255},
    },
    'additionalProperties': False,
}

extra_specs_create = {
    'type': 'object',
    'properties': {'extra_specs': _specs},
    'required': ['extra_specs'],
    'additionalProperties': False,
}

extra_specs_update = dict(copy.deepcopy(_specs), minProperties=1,
                          maxProperties=1)

# -- flavor access -----------------------------------------------------------------


def _tenant_action(name):
    return {
        'type': 'object',
        'properties': {
            name: {
                'type': 'object',
                'properties': {
                    'tenant': {'type': 'string', 'minLength': 1,
                               'maxLength': 255},
                },
                'required': ['tenant'],
                'additionalProperties': False,
            },
        },
        'required': [name],
        'additionalProperties': False,
    }


add_tenant_access = _tenant_action('addTenantAccess')
remove_tenant_access = _tenant_action('removeTenantAccess')
