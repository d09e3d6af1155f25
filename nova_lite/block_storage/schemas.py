"""JSON schemas of the block storage request bodies (Cinder's rules)."""

_name = {'type': ['string', 'null'], 'maxLength': 255}
_uuid_or_null = {'type': ['string', 'null'], 'format': 'uuid'}
_metadata = {
    'type': ['object', 'null'],
    'patternProperties': {
        '^[a-zA-Z0-9-_:. /]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}
_size = {'type': ['integer', 'string', 'null'], 'pattern': '^[0-9]+$',
         'minimum': 1, 'maximum': 2147483647}
_image = {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255}
_boolean = {'type': ['boolean', 'string'],
            'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
                     'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE',
                     'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no',
                     'n', 'f']}

create_volume = {
    'type': 'object',
    'properties': {
        'volume': {
            'type': 'object',
            'properties': {
                'name': _name,
                'description': _name,
                'display_name': _name,
                'display_description': _name,
                'volume_type': _name,
                'metadata': _metadata,
                'snapshot_id': _uuid_or_null,
                'source_volid': _uuid_or_null,
                'consistencygroup_id': _uuid_or_null,
                'backup_id': _uuid_or_null,
                'group_id': _uuid_or_null,
                'size': _size,
                'availability_zone': _name,
                'multiattach': {'type': ['boolean', 'null']},
                'image_id': _image,
                'imageRef': _image,
            },
            'additionalProperties': True,
        },
        'OS-SCH-HNT:scheduler_hints': {'type': ['object', 'null']},
    },
    'required': ['volume'],
    'additionalProperties': False,
}

update_volume = {
    'type': 'object',
    'properties': {
        'volume': {
            'type': 'object',
            'properties': {
                'name': _name,
                'description': _name,
                'display_name': _name,
                'display_description': _name,
                'metadata': _metadata,
            },
            'additionalProperties': False,
        },
    },
    'required': ['volume'],
    'additionalProperties': False,
}

_type_name = {'type': 'string', 'minLength': 1, 'maxLength': 255,
              'pattern': r'^(?! )[\x20-\x7F]*(?<! )$'}
_extra_specs = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. /]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}

create_type = {
    'type': 'object',
    'properties': {
        'volume_type': {
            'type': 'object',
            'properties': {
                'name': _type_name,
                'description': _name,
                'os-volume-type-access:is_public': _boolean,
                'extra_specs': _extra_specs,
            },
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['volume_type'],
    'additionalProperties': False,
}

update_type = {
    'type': 'object',
    'properties': {
        'volume_type': {
            'type': 'object',
            'properties': {
                'name': _type_name,
                'description': _name,
                'is_public': _boolean,
            },
            'additionalProperties': False,
        },
    },
    'required': ['volume_type'],
    'additionalProperties': False,
}

set_extra_specs = {
    'type': 'object',
    'properties': {'extra_specs': _extra_specs},
    'required': ['extra_specs'],
    'additionalProperties': False,
}

_connector = {'type': ['object', 'null']}

create_attachment = {
    'type': 'object',
    'properties': {
        'attachment': {
            'type': 'object',
            'properties': {
                'instance_uuid': {'type': ['string', 'null'],
                                  'format': 'uuid'},
                'connector': _connector,
                'volume_uuid': {'type': 'string', 'format': 'uuid'},
                'mode': {'type': ['string', 'null'],
                         'enum': ['rw', 'ro', 'null', None]},
            },
            'required': ['volume_uuid'],
            'additionalProperties': False,
        },
    },
    'required': ['attachment'],
    'additionalProperties': False,
}

update_attachment = {
    'type': 'object',
    'properties': {
        'attachment': {
            'type': 'object',
            'properties': {'connector': {'type': 'object'}},
            'required': ['connector'],
            'additionalProperties': False,
        },
    },
    'required': ['attachment'],
    'additionalProperties': False,
}

complete_attachment = {
    'type': 'object',
    'properties': {'os-complete': {'type': ['object', 'null']}},
    'required': ['os-complete'],
    'additionalProperties': False,
}

set_bootable = {
    'type': 'object',
    'properties': {
        'os-set_bootable': {
            'type': 'object',
            'properties': {'bootable': _boolean},
            'required': ['bootable'],
            'additionalProperties': False,
        },
    },
}

extend = {
    'type': 'object',
    'properties': {
        'os-extend': {
            'type': 'object',
            'properties': {'new_size': dict(_size,
                                            type=['integer', 'string'])},
            'required': ['new_size'],
            'additionalProperties': False,
        },
    },
}

reimage = {
    'type': 'object',
    'properties': {
        'os-reimage': {
            'type': 'object',
            'properties': {
                'image_id': {'type': 'string', 'format': 'uuid'},
                'reimage_reserved': _boolean,
            },
            'required': ['image_id'],
            'additionalProperties': False,
        },
    },
    'required': ['os-reimage'],
    'additionalProperties': False,
}

reset_status = {
    'type': 'object',
    'properties': {
        'os-reset_status': {
            'type': 'object',
            'properties': {
                'status': {'type': 'string',
                           'enum': ['available', 'in-use', 'error',
                                    'error_deleting', 'reserved',
                                    'attaching', 'detaching', 'creating',
                                    'deleting', 'maintenance']},
                'attach_status': {'type': 'string',
                                  'enum': ['attached', 'detached']},
                'migration_status': {'type': ['string', 'null']},
            },
            'additionalProperties': False,
        },
    },
}
