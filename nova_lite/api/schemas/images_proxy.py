"""/images and /images/{image_id}/metadata request and query schemas
(nova's; the image list ends at 2.35, the image metadata at 2.38)."""

import copy

from nova_lite.api.schemas import parameter_types as pt

# The filters nova passes through are not validated (as in nova).
index_query = {
    'type': 'object',
    'properties': {
        'name': {}, 'status': {}, 'changes-since': {}, 'server': {},
        'type': {}, 'minRam': {}, 'minDisk': {},
        'limit': pt.multi_params(pt.positive_integer),
        'page_size': pt.multi_params(pt.positive_integer),
        'marker': {},
        'offset': pt.multi_params(pt.positive_integer),
    },
    'patternProperties': {'^property-.*$': {}},
    'additionalProperties': True,
}

metadata_create = {
    'type': 'object',
    'properties': {'metadata': pt.metadata},
    'required': ['metadata'],
    'additionalProperties': False,
}

metadata_update_all = copy.deepcopy(metadata_create)

_one_item = copy.deepcopy(pt.metadata)
_one_item.update({'minProperties': 1, 'maxProperties': 1})

metadata_update = {
    'type': 'object',
    'properties': {'meta': _one_item},
    'required': ['meta'],
    'additionalProperties': False,
}

INDEX_QUERY_SCHEMAS = [('2.1', '2.35', index_query)]
METADATA_CREATE_SCHEMAS = [('2.1', '2.38', metadata_create)]
