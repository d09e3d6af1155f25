"""os-quota-sets and os-quota-class-sets: request, query and response
schemas per microversion (2.36 drops the network quotas from quota sets,
2.50 shows server group quotas in quota classes and drops the network ones
there, 2.57 drops the personality file quotas)."""

import copy

from nova_lite.api.schemas import parameter_types as pt
from nova_lite.api.schemas import responses as r

_common_quota = {'type': ['integer', 'string'], 'pattern': '^-?[0-9]+$',
                 'minimum': -1, 'maximum': 0x7FFFFFFF}

NETWORK = ('fixed_ips', 'floating_ips', 'security_group_rules',
           'security_groups')
PERSONALITY = ('injected_files', 'injected_file_content_bytes',
               'injected_file_path_bytes')
SERVER_GROUPS = ('server_groups', 'server_group_members')
ALL = ('instances', 'cores', 'ram', 'floating_ips', 'fixed_ips',
       'metadata_items', 'key_pairs', 'security_groups',
       'security_group_rules', 'injected_files',
       'injected_file_content_bytes', 'injected_file_path_bytes',
       'server_groups', 'server_group_members')


def _body(key, names, force):
    props = {n: _common_quota for n in names}
    if force:
        props['force'] = pt.boolean
    return {'type': 'object',
            'properties': {key: {'type': 'object', 'properties': props,
                                 'additionalProperties': False}},
            'required': [key], 'additionalProperties': False}


def _without(names, *groups):
    dropped = set().union(*groups)
    return [n for n in names if n not in dropped]


UPDATE_SCHEMAS = [
    ('2.1', '2.35', _body('quota_set', ALL, True)),
    ('2.36', '2.56', _body('quota_set', _without(ALL, NETWORK), True)),
    ('2.57', None, _body('quota_set', _without(ALL, NETWORK, PERSONALITY),
                         True)),
]
CLASS_UPDATE_SCHEMAS = [
    ('2.1', '2.49', _body('quota_class_set', ALL, False)),
    ('2.50', '2.56', _body('quota_class_set', _without(ALL, NETWORK),
                           False)),
    ('2.57', None, _body('quota_class_set',
                         _without(ALL, NETWORK, PERSONALITY), False)),
]

_user_query = {'type': 'object',
               'properties': {'user_id': pt.multi_params({'type': 'string'})},
               'additionalProperties': True}
_user_query_v275 = copy.deepcopy(_user_query)
_user_query_v275['additionalProperties'] = False
USER_QUERY_SCHEMAS = [('2.1', '2.74', _user_query),
                      ('2.75', None, _user_query_v275)]
_open_query = {'type': 'object', 'properties': {},
               'additionalProperties': True}
_closed_query = dict(_open_query, additionalProperties=False)
DEFAULTS_QUERY_SCHEMAS = [('2.1', None, _open_query)]
CLASS_QUERY_SCHEMAS = [('2.1', '2.101', _open_query),
                       ('2.102', None, _closed_query)]


# -- responses -----------------------------------------------------------------

def shown(version):
    """The quota set resources shown at ``version``."""
    names = list(ALL)
    if r._at_least(version, '2.36'):
        names = _without(names, NETWORK)
    if r._at_least(version, '2.57'):
        names = _without(names, PERSONALITY)
    return names


def shown_in_class(version):
    names = _without(ALL, SERVER_GROUPS)
    if r._at_least(version, '2.50'):
        names = _without(ALL, NETWORK)
    if r._at_least(version, '2.57'):
        names = _without(names, PERSONALITY)
    return names


_LIMIT = {'type': 'integer', 'minimum': -1}
_DETAIL = r._obj({'in_use': _LIMIT, 'limit': _LIMIT, 'reserved': _LIMIT})


def _set(key, names, item, with_id):
    props = {n: item for n in names}
    if with_id:
        props['id'] = {'type': 'string'}
    return r._obj({key: r._obj(props)})


def quota_set_show(version):
    return _set('quota_set', shown(version), _LIMIT, True)


def quota_set_detail(version):
    return _set('quota_set', shown(version), _DETAIL, True)


def quota_set_update(version):
    return _set('quota_set', shown(version), _LIMIT, False)


def quota_class_set_show(version):
    return _set('quota_class_set', shown_in_class(version), _LIMIT, True)


def quota_class_set_update(version):
    return _set('quota_class_set', shown_in_class(version), _LIMIT, False)
