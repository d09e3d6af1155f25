"""Request schemas of the lock, rebuild, soft delete, console output,
reset state, pause, suspend, createImage and createBackup server actions,
per microversion.

Entries are ``(min_version, max_version, schema)`` as in
``servers.ACTION_SCHEMAS``, which this module extends when imported.
"""

import copy

from nova_lite.api.schemas import parameter_types as pt
from nova_lite.api.schemas import servers


def _action(name, value_schema):
    return {'type': 'object', 'properties': {name: value_schema},
            'required': [name], 'additionalProperties': False}


lock_v273 = _action('lock', {
    'type': ['object', 'null'],
    'properties': {
        'locked_reason': {'type': 'string', 'minLength': 1,
                          'maxLength': 255},
    },
    'additionalProperties': False,
})

get_console_output = _action('os-getConsoleOutput', {
    'type': 'object',
    'properties': {
        # -1 and null mean the whole log; numeric strings are accepted.
        'length': {'type': ['integer', 'string', 'null'],
                   'pattern': '^-?[0-9]+$', 'minimum': -1},
    },
    'additionalProperties': False,
})

reset_state = _action('os-resetState', {
    'type': 'object',
    'properties': {
        'state': {'type': 'string', 'enum': ['active', 'error']},
    },
    'required': ['state'],
    'additionalProperties': False,
})

change_password = _action('changePassword', {
    'type': 'object',
    'properties': {'adminPass': pt.admin_password},
    'required': ['adminPass'],
    'additionalProperties': False,
})

# Any value, as nova's (null is what clients send).
inject_network_info = _action('injectNetworkInfo', {})

rebuild = _action('rebuild', {
    'type': 'object',
    'properties': {
        'name': pt.name,
        'imageRef': pt.image_id,
        'adminPass': pt.admin_password,
        'metadata': pt.metadata,
        'preserve_ephemeral': pt.boolean,
        'OS-DCF:diskConfig': pt.disk_config,
        'accessIPv4': pt.accessIPv4,
        'accessIPv6': pt.accessIPv6,
        'personality': pt.personality,
    },
    'required': ['imageRef'],
    'additionalProperties': False,
})


def _rebuild_with(base, drop=(), **changes):
    schema = copy.deepcopy(base)
    props = schema['properties']['rebuild']['properties']
    for name in drop:
        props.pop(name)
    props.update(copy.deepcopy(changes))
    return schema


rebuild_v219 = _rebuild_with(rebuild, description=pt.description)
rebuild_v254 = _rebuild_with(rebuild_v219, key_name=pt.name_or_none)
rebuild_v257 = _rebuild_with(
    rebuild_v254, drop=('personality',),
    user_data={'type': ['string', 'null'], 'format': 'base64',
               'maxLength': 65535})
rebuild_v263 = _rebuild_with(rebuild_v257,
                             trusted_image_certificates=pt.trusted_certs)
rebuild_v290 = _rebuild_with(rebuild_v263, hostname=pt.hostname)
rebuild_v294 = _rebuild_with(rebuild_v290, hostname=pt.fqdn)

create_image = _action('createImage', {
    'type': 'object',
    'properties': {
        'name': pt.name,
        'metadata': pt.metadata,
    },
    'required': ['name'],
    'additionalProperties': False,
})

create_backup = _action('createBackup', {
    'type': 'object',
    'properties': {
        'name': pt.name,
        'backup_type': {'type': 'string'},
        'rotation': pt.non_negative_integer,
        'metadata': pt.metadata,
    },
    'required': ['name', 'backup_type', 'rotation'],
    'additionalProperties': False,
})

_EMPTY = {}

ACTION_SCHEMAS = {
    'lock': [('2.1', '2.72', _action('lock', _EMPTY)),
             ('2.73', None, lock_v273)],
    'unlock': [(None, None, _action('unlock', _EMPTY))],
    'pause': [(None, None, _action('pause', _EMPTY))],
    'unpause': [(None, None, _action('unpause', _EMPTY))],
    'suspend': [(None, None, _action('suspend', _EMPTY))],
    'resume': [(None, None, _action('resume', _EMPTY))],
    'restore': [(None, None, _action('restore', _EMPTY))],
    'forceDelete': [(None, None, _action('forceDelete', _EMPTY))],
    'os-resetState': [(None, None, reset_state)],
    'os-getConsoleOutput': [(None, None, get_console_output)],
    'changePassword': [(None, None, change_password)],
    'injectNetworkInfo': [(None, None, inject_network_info)],
    'createImage': [(None, None, create_image)],
    'createBackup': [(None, None, create_backup)],
    'rebuild': [('2.1', '2.18', rebuild),
                ('2.19', '2.53', rebuild_v219),
                ('2.54', '2.56', rebuild_v254),
                ('2.57', '2.62', rebuild_v257),
                ('2.63', '2.89', rebuild_v263),
                ('2.90', '2.93', rebuild_v290),
                ('2.94', None, rebuild_v294)],
}

servers.ACTION_SCHEMAS.update(ACTION_SCHEMAS)
