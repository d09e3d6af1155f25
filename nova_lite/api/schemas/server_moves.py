"""Request schemas of the resize, confirmResize, revertResize, migrate,
os-migrateLive, evacuate, rescue and unrescue server actions, per
microversion (nova's bodies).

Entries are ``(min_version, max_version, schema)`` as in
``servers.ACTION_SCHEMAS``, which this module extends when imported.
"""

import copy

from nova_lite.api.schemas import parameter_types as pt
from nova_lite.api.schemas import servers


def _action(name, value_schema):
    return {'type': 'object', 'properties': {name: value_schema},
            'required': [name], 'additionalProperties': False}


def _with(base, name, drop=(), required=None, **changes):
    schema = copy.deepcopy(base)
    value = schema['properties'][name]
    for key in drop:
        value['properties'].pop(key)
    value['properties'].update(copy.deepcopy(changes))
    if required is not None:
        value['required'] = list(required)
    return schema


_host = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': '^[a-zA-Z0-9-._]*$'}
_nullable_host = {'type': ['string', 'null'], 'minLength': 1,
                  'maxLength': 255, 'pattern': '^[a-zA-Z0-9-._]*$'}

resize = _action('resize', {
    'type': 'object',
    'properties': {
        'flavorRef': pt.flavor_ref,
        'OS-DCF:diskConfig': pt.disk_config,
    },
    'required': ['flavorRef'],
    'additionalProperties': False,
})

# Any value, as nova takes them (``{}`` from tempest, ``null`` from the
# clients); before 2.56 nova does not look at the migrate body.
_any = {}
confirm_resize = _action('confirmResize', _any)
revert_resize = _action('revertResize', _any)
migrate = _action('migrate', _any)
migrate_v256 = _action('migrate', {
    'type': ['object', 'null'],
    'properties': {'host': _nullable_host},
    'additionalProperties': False,
})

migrate_live = _action('os-migrateLive', {
    'type': 'object',
    'properties': {
        'block_migration': pt.boolean,
        'disk_over_commit': pt.boolean,
        'host': _nullable_host,
    },
    'required': ['block_migration', 'disk_over_commit', 'host'],
    'additionalProperties': False,
})
migrate_live_v225 = _with(
    migrate_live, 'os-migrateLive', drop=('disk_over_commit',),
    required=('block_migration', 'host'),
    block_migration={'oneOf': [pt.boolean, {'enum': ['auto']}]})
migrate_live_v230 = _with(migrate_live_v225, 'os-migrateLive',
                          force=pt.boolean)
migrate_live_v268 = _with(migrate_live_v230, 'os-migrateLive',
                          drop=('force',))

evacuate = _action('evacuate', {
    'type': 'object',
    'properties': {
        'host': _host,
        'onSharedStorage': pt.boolean,
        'adminPass': pt.admin_password,
    },
    'required': ['onSharedStorage'],
    'additionalProperties': False,
})
evacuate_v214 = _with(evacuate, 'evacuate', drop=('onSharedStorage',),
                      required=())
evacuate_v229 = _with(evacuate_v214, 'evacuate', force=pt.boolean)
evacuate_v268 = _with(evacuate_v229, 'evacuate', drop=('force',))
evacuate_v295 = copy.deepcopy(evacuate_v268)

rescue = _action('rescue', {
    'type': ['object', 'null'],
    'properties': {
        'adminPass': pt.admin_password,
        'rescue_image_ref': pt.image_id,
    },
    'additionalProperties': False,
})
unrescue = _action('unrescue', _any)

ACTION_SCHEMAS = {
    'resize': [(None, None, resize)],
    'confirmResize': [(None, None, confirm_resize)],
    'revertResize': [(None, None, revert_resize)],
    'migrate': [('2.1', '2.55', migrate), ('2.56', None, migrate_v256)],
    'os-migrateLive': [('2.1', '2.24', migrate_live),
                       ('2.25', '2.29', migrate_live_v225),
                       ('2.30', '2.67', migrate_live_v230),
                       ('2.68', None, migrate_live_v268)],
    'evacuate': [('2.1', '2.13', evacuate), ('2.14', '2.28', evacuate_v214),
                 ('2.29', '2.67', evacuate_v229),
                 ('2.68', '2.94', evacuate_v268),
                 ('2.95', None, evacuate_v295)],
    'rescue': [(None, None, rescue)],
    'unrescue': [(None, None, unrescue)],
}

servers.ACTION_SCHEMAS.update(ACTION_SCHEMAS)
