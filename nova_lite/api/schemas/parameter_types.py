"""Shared pieces of request schemas (nova's parameter types)."""

import copy


def multi_params(schema):
    """A query parameter that may repeat: a list of values."""
    return {'type': 'array', 'items': schema}


common_query_param = multi_params({'type': 'string'})
common_query_regex_param = multi_params({'type': 'string',
                                         'format': 'regex'})

boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
             'YES', 'Yes', 'yes',
             False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off',
             'NO', 'No', 'no'],
}

positive_integer = {'type': ['integer', 'string'], 'pattern': '^[0-9]*$',
                    'minimum': 1, 'minLength': 1}
non_negative_integer = {'type': ['integer', 'string'],
                        'pattern': '^[0-9]*$', 'minimum': 0,
                        'minLength': 1}

# Printable, no leading or trailing white space (checked by the 'name'
# format in validation.py).
name = {'type': 'string', 'format': 'name', 'minLength': 1,
        'maxLength': 255}
name_with_leading_trailing_spaces = {
    'type': 'string', 'format': 'name_with_leading_trailing_spaces',
    'minLength': 1, 'maxLength': 255}
az_name = {'type': 'string', 'format': 'az_name', 'minLength': 1,
           'maxLength': 255}
az_name_with_leading_trailing_spaces = {
    'type': 'string', 'format': 'az_name_with_leading_trailing_spaces',
    'minLength': 1, 'maxLength': 255}
metadata_with_null = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': ['string', 'null'],
                                      'maxLength': 255},
    },
    'additionalProperties': False,
}
name_or_none = {'oneOf': [{'type': 'string', 'minLength': 1,
                           'maxLength': 255}, {'type': 'null'}]}
description = {'type': ['string', 'null'], 'format': 'description',
               'minLength': 0, 'maxLength': 255}
fqdn = {'type': 'string', 'pattern': '^[a-zA-Z0-9-._]*$', 'minLength': 1,
        'maxLength': 255}
hostname = {'type': 'string',
            'pattern': '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$',
            'minLength': 2, 'maxLength': 63}

uuid = {'type': 'string', 'format': 'uuid'}
server_id = uuid
image_id = uuid
volume_id = uuid
image_id_or_empty_string = {'oneOf': [
    {'type': 'string', 'format': 'uuid'},
    {'type': 'string', 'maxLength': 0}]}
flavor_ref = {'type': ['string', 'integer'], 'minLength': 1}
admin_password = {'type': 'string'}
volume_type = {'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255}
volume_size = {'type': ['integer', 'string'], 'pattern': '^[0-9]+$',
               'minimum': 1, 'maximum': 0x7FFFFFFF}

metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}

ip_address = {'type': 'string', 'oneOf': [{'format': 'ipv4'},
                                          {'format': 'ipv6'}]}
accessIPv4 = {'type': 'string', 'format': 'ipv4'}
accessIPv6 = {'type': 'string', 'format': 'ipv6'}
disk_config = {'type': 'string', 'enum': ['AUTO', 'MANUAL']}

personality = {
    'type': 'array',
    'items': {
        'type': 'object',
        'properties': {'path': {'type': 'string'},
                       'contents': {'type': 'string', 'format': 'base64'}},
        'additionalProperties': False,
    },
}

MAX_TAG_LENGTH = 60
MAX_TAG_COUNT = 50
tag = {'type': 'string', 'pattern': '^[^,/]*$', 'minLength': 1,
       'maxLength': MAX_TAG_LENGTH}

trusted_certs = {'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50,
                 'uniqueItems': True,
                 'items': {'type': 'string', 'minLength': 1}}

# Attach: /dev/[x][a-z][d]<letters>[digits]
device_path = {'type': ['string', 'null'],
               'pattern': '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'}

pagination_parameters = {
    'limit': multi_params(non_negative_integer),
    'marker': multi_params({'type': 'string'}),
}


def deepcopy(schema):
    return copy.deepcopy(schema)


# GET routes that take no query parameters: any is ignored before 2.102 and
# refused (400) from 2.102, as nova's.
NO_QUERY_PARAMETERS = [
    ('2.1', '2.101', {'type': 'object', 'properties': {},
                      'additionalProperties': True}),
    ('2.102', None, {'type': 'object', 'properties': {},
                     'additionalProperties': False}),
]
