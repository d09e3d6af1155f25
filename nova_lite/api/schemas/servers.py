"""Request and query schemas of /servers and its actions, per microversion.

Each ``*_SCHEMAS`` list holds ``(min_version, max_version, schema)`` with
``None`` for an open end; the ranges follow nova's.
"""

import copy

from nova_lite.api.schemas import parameter_types as pt

_legacy_bdm = {
    'type': 'object',
    'properties': {
        'virtual_name': {'type': 'string', 'maxLength': 255},
        'volume_id': pt.volume_id,
        'snapshot_id': pt.image_id,
        'volume_size': pt.volume_size,
        'device_name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                        'pattern': '^[a-zA-Z0-9._/-]*$'},
        'delete_on_termination': pt.boolean,
        'no_device': {},
        'connection_info': {'type': 'string', 'maxLength': 16777215},
    },
    'additionalProperties': False,
}

_bdm_v2 = copy.deepcopy(_legacy_bdm)
_bdm_v2['properties'].update({
    'source_type': {'type': 'string',
                    'enum': ['volume', 'image', 'snapshot', 'blank']},
    'uuid': {'type': 'string', 'minLength': 1, 'maxLength': 255,
             'pattern': '^[a-zA-Z0-9._-]*$'},
    'image_id': pt.image_id,
    'destination_type': {'type': 'string', 'enum': ['local', 'volume']},
    'guest_format': {'type': 'string', 'maxLength': 255},
    'device_type': {'type': 'string', 'maxLength': 255},
    'disk_bus': {'type': 'string', 'maxLength': 255},
    'boot_index': {'type': ['integer', 'string', 'null'],
                   'pattern': '^-?[0-9]+$'},
})

_hints = {
    'type': 'object',
    'properties': {
        'group': {'oneOf': [{'type': 'array', 'items': pt.uuid}, pt.uuid]},
        'different_host': {'oneOf': [pt.uuid, {'type': 'array',
                                               'items': pt.server_id}]},
        'same_host': {'type': ['string', 'array'], 'items': pt.server_id},
        'query': {'type': ['string', 'object']},
        'target_cell': pt.name,
        'different_cell': {'type': ['string', 'array'],
                           'items': {'type': 'string'}},
        'build_near_host_ip': pt.ip_address,
        'cidr': {'type': 'string', 'pattern': '^/[0-9a-f.:]+$'},
    },
    'additionalProperties': True,
}

_network_item = {
    'type': 'object',
    'properties': {
        'fixed_ip': pt.ip_address,
        'port': {'type': ['string', 'null'], 'format': 'uuid'},
        'uuid': {'type': 'string'},
    },
    'additionalProperties': False,
}

create = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': pt.name,
                'imageRef': pt.image_id_or_empty_string,
                'flavorRef': pt.flavor_ref,
                'adminPass': pt.admin_password,
                'metadata': pt.metadata,
                'networks': {'type': 'array', 'items': _network_item},
                'OS-DCF:diskConfig': pt.disk_config,
                'accessIPv4': pt.accessIPv4,
                'accessIPv6': pt.accessIPv6,
                'personality': pt.personality,
                'availability_zone': pt.name,
                'block_device_mapping': {'type': 'array',
                                         'items': _legacy_bdm},
                'block_device_mapping_v2': {'type': 'array',
                                            'items': _bdm_v2},
                'config_drive': pt.boolean,
                'key_name': pt.name,
                'min_count': pt.positive_integer,
                'max_count': pt.positive_integer,
                'return_reservation_id': pt.boolean,
                'security_groups': {
                    'type': 'array',
                    'items': {'type': 'object',
                              'properties': {'name': pt.name},
                              'additionalProperties': False}},
                'user_data': {'type': 'string', 'format': 'base64',
                              'maxLength': 65535},
            },
            'required': ['name', 'flavorRef'],
            'additionalProperties': False,
        },
        'os:scheduler_hints': _hints,
        'OS-SCH-HNT:scheduler_hints': _hints,
    },
    'required': ['server'],
    'additionalProperties': False,
}


def _server(schema):
    return schema['properties']['server']['properties']


def _derive(base, **changes):
    schema = copy.deepcopy(base)
    _server(schema).update(copy.deepcopy(changes))
    return schema


create_v219 = _derive(create, description=pt.description)

create_v232 = copy.deepcopy(create_v219)
_server(create_v232)['networks']['items']['properties']['tag'] = pt.tag
_server(create_v232)['block_device_mapping_v2']['items'][
    'properties']['tag'] = pt.tag

create_v233 = copy.deepcopy(create_v219)
_server(create_v233)['networks']['items']['properties']['tag'] = pt.tag


def _networks_v237(with_tag):
    item = {
        'type': 'object',
        'properties': {
            'fixed_ip': pt.ip_address,
            'port': {'type': ['string', 'null'], 'format': 'uuid'},
            'uuid': {'type': 'string', 'format': 'uuid'},
        },
        'additionalProperties': False,
    }
    if with_tag:
        item['properties']['tag'] = pt.tag
    return {'oneOf': [{'type': 'array', 'items': item},
                      {'type': 'string', 'enum': ['none', 'auto']}]}


create_v237 = _derive(create_v233, networks=_networks_v237(False))
create_v237['properties']['server']['required'].append('networks')

create_v242 = _derive(create_v237, networks=_networks_v237(True))
_server(create_v242)['block_device_mapping_v2']['items'][
    'properties']['tag'] = pt.tag

create_v252 = _derive(create_v242, tags={
    'type': 'array', 'items': pt.tag, 'maxItems': pt.MAX_TAG_COUNT})

create_v257 = copy.deepcopy(create_v252)
_server(create_v257).pop('personality')

create_v263 = _derive(create_v257, trusted_image_certificates=pt.trusted_certs)

create_v267 = copy.deepcopy(create_v263)
_server(create_v267)['block_device_mapping_v2']['items'][
    'properties']['volume_type'] = pt.volume_type

create_v274 = _derive(create_v267, host=pt.fqdn, hypervisor_hostname=pt.fqdn)

# 2.90: a hostname of the guest's choosing; 2.94: a fully qualified one.
create_v290 = _derive(create_v274, hostname=pt.hostname)
create_v294 = _derive(create_v290, hostname=pt.fqdn)

CREATE_SCHEMAS = [
    ('2.1', '2.18', create),
    ('2.19', '2.31', create_v219),
    ('2.32', '2.32', create_v232),
    ('2.33', '2.36', create_v233),
    ('2.37', '2.41', create_v237),
    ('2.42', '2.51', create_v242),
    ('2.52', '2.56', create_v252),
    ('2.57', '2.62', create_v257),
    ('2.63', '2.66', create_v263),
    ('2.67', '2.73', create_v267),
    ('2.74', '2.89', create_v274),
    ('2.90', '2.93', create_v290),
    ('2.94', None, create_v294),
]

update = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': pt.name,
                'OS-DCF:diskConfig': pt.disk_config,
                'accessIPv4': pt.accessIPv4,
                'accessIPv6': pt.accessIPv6,
            },
            'additionalProperties': False,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}
update_v219 = _derive(update, description=pt.description)

update_v290 = _derive(update_v219, hostname=pt.hostname)
update_v294 = _derive(update_v290, hostname=pt.fqdn)
update_v2104 = _derive(update_v294, pinned_availability_zone=pt.name_or_none)

UPDATE_SCHEMAS = [
    ('2.1', '2.18', update),
    ('2.19', '2.89', update_v219),
    ('2.90', '2.93', update_v290),
    ('2.94', '2.103', update_v294),
    ('2.104', None, update_v2104),
]


def _action(name, value_schema):
    return {'type': 'object', 'properties': {name: value_schema},
            'required': [name], 'additionalProperties': False}


reboot = _action('reboot', {
    'type': 'object',
    'properties': {'type': {'type': 'string',
                            'enum': ['HARD', 'Hard', 'hard', 'SOFT', 'Soft',
                                     'soft']}},
    'required': ['type'],
    'additionalProperties': False,
})

unshelve_v277 = _action('unshelve', {
    'type': ['object', 'null'],
    'properties': {'availability_zone': pt.name},
    'required': ['availability_zone'],
    'additionalProperties': False,
})

# 2.91: a host to unshelve to (administrators), and a null zone to unpin.
unshelve_v291 = _action('unshelve', {
    'type': ['object', 'null'],
    'properties': {
        'availability_zone': {'type': ['string', 'null']},
        'host': {'type': 'string'},
    },
    'additionalProperties': False,
})

ACTION_SCHEMAS = {
    'os-stop': [(None, None, _action('os-stop', {}))],
    'os-start': [(None, None, _action('os-start', {}))],
    'reboot': [(None, None, reboot)],
    'shelve': [(None, None, _action('shelve', {}))],
    'shelveOffload': [(None, None, _action('shelveOffload', {}))],
    'unshelve': [('2.1', '2.76', _action('unshelve', {})),
                 ('2.77', '2.90', unshelve_v277),
                 ('2.91', None, unshelve_v291)],
}

_SORT_KEYS = [
    'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone',
    'config_drive', 'created_at', 'display_description', 'display_name',
    'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id',
    'key_name', 'launch_index', 'launched_at', 'locked_by', 'node',
    'power_state', 'progress', 'project_id', 'ramdisk_id',
    'root_device_name', 'task_state', 'terminated_at', 'updated_at',
    'user_id', 'uuid', 'vm_state', 'architecture', 'cell_name', 'cleaned',
    'default_ephemeral_device', 'default_swap_device', 'deleted',
    'deleted_at', 'disable_terminate', 'ephemeral_gb', 'ephemeral_key_uuid',
    'id', 'key_data', 'launched_on', 'locked', 'memory_mb', 'os_type',
    'reservation_id', 'root_gb', 'shutdown_terminate', 'user_data', 'vcpus',
    'vm_mode',
]
_SORT_KEYS_V275 = [k for k in _SORT_KEYS if k not in (
    'architecture', 'cell_name', 'cleaned', 'default_ephemeral_device',
    'default_swap_device', 'deleted', 'deleted_at', 'disable_terminate',
    'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on',
    'memory_mb', 'os_type', 'reservation_id', 'root_gb',
    'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode')]

_q = pt.common_query_param
_qr = pt.common_query_regex_param

index_query = {
    'type': 'object',
    'properties': dict(
        {name: _q for name in (
            'user_id', 'project_id', 'tenant_id', 'launch_index',
            'image_ref', 'image', 'vm_state', 'task_state', 'host', 'uuid',
            'sort_dir', 'all_tenants', 'soft_deleted', 'deleted', 'status',
            'block_device_mapping', 'services', 'metadata',
            'system_metadata', 'info_cache', 'security_groups',
            'pci_devices')},
        **{name: _qr for name in (
            'kernel_id', 'ramdisk_id', 'hostname', 'key_name', 'power_state',
            'node', 'flavor', 'reservation_id', 'launched_at',
            'terminated_at', 'availability_zone', 'name', 'display_name',
            'description', 'display_description', 'locked_by',
            'root_device_name', 'config_drive', 'access_ip_v4',
            'access_ip_v6', 'auto_disk_config', 'progress', 'ip', 'ip6',
            'created_at')},
        **pt.pagination_parameters,
        **{'sort_key': pt.multi_params({'type': 'string',
                                        'enum': _SORT_KEYS}),
           'changes-since': pt.multi_params({'type': 'string',
                                             'format': 'date-time'})}),
    'additionalProperties': True,
    'patternProperties': {'^_': _q},
}

index_query_v226 = copy.deepcopy(index_query)
index_query_v226['properties'].update({
    'tags': _qr, 'tags-any': _qr, 'not-tags': _qr, 'not-tags-any': _qr})

index_query_v266 = copy.deepcopy(index_query_v226)
index_query_v266['properties']['changes-before'] = pt.multi_params(
    {'type': 'string', 'format': 'date-time'})

index_query_v273 = copy.deepcopy(index_query_v266)
index_query_v273['properties']['locked'] = _q

index_query_v275 = copy.deepcopy(index_query_v273)
index_query_v275['properties']['sort_key'] = pt.multi_params(
    {'type': 'string', 'enum': _SORT_KEYS_V275})
index_query_v275['additionalProperties'] = False

QUERY_SCHEMAS = [
    ('2.1', '2.25', index_query),
    ('2.26', '2.65', index_query_v226),
    ('2.66', '2.72', index_query_v266),
    ('2.73', '2.74', index_query_v273),
    ('2.75', None, index_query_v275),
]

# GET /servers/{server_id} (and its addresses): any query string before
# 2.102, none from 2.102.
SHOW_QUERY_SCHEMAS = pt.NO_QUERY_PARAMETERS
