"""Query schemas of os-hypervisors, os-simple-tenant-usage and
os-migrations."""

import copy

from nova_lite.api.schemas import parameter_types as pt


def single_param(schema):
    """A query parameter given at most once."""
    out = pt.multi_params(schema)
    out['maxItems'] = 1
    return out


_ANY = {'type': 'object', 'properties': {}, 'additionalProperties': True}
_NONE = {'type': 'object', 'properties': {}, 'additionalProperties': False}

# Routes taking no query parameters: unknown ones ignored up to 2.101 and
# refused from 2.102.
NO_QUERY = [('2.1', '2.101', _ANY), ('2.102', None, _NONE)]

hypervisors_index = copy.deepcopy(_ANY)
hypervisors_index_v233 = {
    'type': 'object',
    'properties': copy.deepcopy(pt.pagination_parameters),
    'additionalProperties': True,
}
hypervisors_index_v253 = {
    'type': 'object',
    'properties': {
        'limit': single_param(pt.non_negative_integer),
        'marker': single_param({'type': 'string'}),
        'hypervisor_hostname_pattern': single_param(pt.fqdn),
        'with_servers': single_param(pt.boolean),
    },
    'additionalProperties': False,
}
HYPERVISORS_INDEX = [('2.1', '2.32', hypervisors_index),
                     ('2.33', '2.52', hypervisors_index_v233),
                     ('2.53', None, hypervisors_index_v253)]

hypervisors_show_v253 = {
    'type': 'object',
    'properties': {'with_servers': single_param(pt.boolean)},
    'additionalProperties': False,
}
HYPERVISORS_SHOW = [('2.1', '2.52', copy.deepcopy(_ANY)),
                    ('2.53', None, hypervisors_show_v253)]

usage_index = {
    'type': 'object',
    'properties': {
        'start': pt.multi_params({'type': 'string'}),
        'end': pt.multi_params({'type': 'string'}),
        'detailed': pt.multi_params({'type': 'string'}),
    },
    'additionalProperties': True,
}
usage_show = copy.deepcopy(usage_index)
del usage_show['properties']['detailed']
usage_index_v240 = copy.deepcopy(usage_index)
usage_index_v240['properties'].update(
    copy.deepcopy(pt.pagination_parameters))
usage_show_v240 = copy.deepcopy(usage_show)
usage_show_v240['properties'].update(copy.deepcopy(pt.pagination_parameters))
usage_index_v275 = dict(copy.deepcopy(usage_index_v240),
                        additionalProperties=False)
usage_show_v275 = dict(copy.deepcopy(usage_show_v240),
                       additionalProperties=False)
USAGE_INDEX = [('2.1', '2.39', usage_index),
               ('2.40', '2.74', usage_index_v240),
               ('2.75', None, usage_index_v275)]
USAGE_SHOW = [('2.1', '2.39', usage_show),
              ('2.40', '2.74', usage_show_v240),
              ('2.75', None, usage_show_v275)]

migrations_index = {
    'type': 'object',
    'properties': {
        'hidden': pt.common_query_param,
        'host': pt.common_query_param,
        'instance_uuid': pt.common_query_param,
        'source_compute': pt.common_query_param,
        'status': pt.common_query_param,
        'migration_type': pt.common_query_param,
    },
    'additionalProperties': True,
}
migrations_index_v259 = copy.deepcopy(migrations_index)
migrations_index_v259['properties'].update({
    'limit': single_param(pt.non_negative_integer),
    'marker': single_param({'type': 'string'}),
    'changes-since': single_param({'type': 'string',
                                   'format': 'date-time'}),
})
migrations_index_v259['additionalProperties'] = False
migrations_index_v266 = copy.deepcopy(migrations_index_v259)
migrations_index_v266['properties']['changes-before'] = single_param(
    {'type': 'string', 'format': 'date-time'})
migrations_index_v280 = copy.deepcopy(migrations_index_v266)
migrations_index_v280['properties'].update({
    'user_id': single_param({'type': 'string'}),
    'project_id': single_param({'type': 'string'}),
})
MIGRATIONS_INDEX = [('2.1', '2.58', migrations_index),
                    ('2.59', '2.65', migrations_index_v259),
                    ('2.66', '2.79', migrations_index_v266),
                    ('2.80', None, migrations_index_v280)]

# POST /servers/{id}/migrations/{migration_id}/action (2.22).
FORCE_COMPLETE = {
    'type': 'object',
    'properties': {'force_complete': {'type': 'null'}},
    'required': ['force_complete'],
    'additionalProperties': False,
}
