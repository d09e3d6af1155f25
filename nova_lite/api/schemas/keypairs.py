"""os-keypairs: request, query and response schemas per microversion
(nova's ranges: type from 2.2, user_id from 2.10, paging from 2.35, more
name characters and a required public key from 2.92)."""

import copy

from nova_lite.api.schemas import parameter_types as pt
from nova_lite.api.schemas import responses as r

name = {'allOf': [pt.name, {'type': 'string',
                            'pattern': r'^[_\- a-zA-Z0-9]+$',
                            'minLength': 1, 'maxLength': 255}]}
name_v292 = {'allOf': [pt.name, {'type': 'string',
                                 'pattern': r'^[_\-\@\. a-zA-Z0-9]+$',
                                 'minLength': 1, 'maxLength': 255}]}
_TYPE = {'type': 'string', 'enum': ['ssh', 'x509']}


def _create(**properties):
    return {
        'type': 'object',
        'properties': {'keypair': {
            'type': 'object', 'properties': properties,
            'required': ['name'], 'additionalProperties': False}},
        'required': ['keypair'],
        'additionalProperties': False,
    }


create = _create(name=name, public_key={'type': 'string'})
create_v22 = _create(name=name, type=_TYPE, public_key={'type': 'string'})
create_v210 = _create(name=name, type=_TYPE, public_key={'type': 'string'},
                      user_id={'type': 'string'})
create_v292 = copy.deepcopy(create_v210)
create_v292['properties']['keypair']['properties']['name'] = name_v292
create_v292['properties']['keypair']['required'] = ['name', 'public_key']

CREATE_SCHEMAS = [
    ('2.1', '2.1', create),
    ('2.2', '2.9', create_v22),
    ('2.10', '2.91', create_v210),
    ('2.92', None, create_v292),
]

_query = {'type': 'object', 'properties': {}, 'additionalProperties': True}
_query_v210 = {'type': 'object',
               'properties': {'user_id': pt.multi_params({'type': 'string'})},
               'additionalProperties': True}
_query_v235 = copy.deepcopy(_query_v210)
_query_v235['properties'].update(pt.pagination_parameters)
_index_v275 = copy.deepcopy(_query_v235)
_index_v275['additionalProperties'] = False
_member_v275 = copy.deepcopy(_query_v210)
_member_v275['additionalProperties'] = False

INDEX_QUERY_SCHEMAS = [
    ('2.1', '2.9', _query),
    ('2.10', '2.34', _query_v210),
    ('2.35', '2.74', _query_v235),
    ('2.75', None, _index_v275),
]
MEMBER_QUERY_SCHEMAS = [
    ('2.1', '2.9', _query),
    ('2.10', '2.74', _query_v210),
    ('2.75', None, _member_v275),
]


# -- responses -----------------------------------------------------------------

def _at_least(version, minimum):
    return r._at_least(version, minimum)


def _keypair_props(version, fields):
    types = {
        'name': {'type': 'string'}, 'public_key': {'type': 'string'},
        'fingerprint': {'type': 'string'}, 'user_id': {'type': 'string'},
        'private_key': {'type': 'string'}, 'type': _TYPE,
        'created_at': {'type': 'string', 'format': 'date-time'},
        'deleted': {'type': 'boolean', 'const': False},
        'deleted_at': {'type': 'null'}, 'updated_at': {'type': 'null'},
        'id': {'type': 'integer'},
    }
    props = {f: types[f] for f in fields}
    if _at_least(version, '2.2'):
        props['type'] = _TYPE
    return props


def keypair_create(version):
    fields = ['fingerprint', 'name', 'public_key', 'user_id']
    if not _at_least(version, '2.92'):
        fields.append('private_key')
    props = _keypair_props(version, fields)
    required = [f for f in props if f != 'private_key']
    return r._obj({'keypair': r._obj(props, required)})


def keypair_show(version):
    props = _keypair_props(version, [
        'created_at', 'deleted', 'deleted_at', 'fingerprint', 'id', 'name',
        'public_key', 'updated_at', 'user_id'])
    return r._obj({'keypair': r._obj(props)})


def keypairs_index(version):
    item = r._obj({'keypair': r._obj(_keypair_props(
        version, ['fingerprint', 'name', 'public_key']))})
    props = {'keypairs': {'type': 'array', 'items': item}}
    required = ['keypairs']
    if _at_least(version, '2.35'):
        props['keypairs_links'] = r.links
    return r._obj(props, required)
