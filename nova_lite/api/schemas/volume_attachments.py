"""os-volume_attachments request and query schemas (nova's, per
microversion)."""

import copy

from nova_lite.api.schemas import parameter_types as pt

create = {
    'type': 'object',
    'properties': {
        'volumeAttachment': {
            'type': 'object',
            'properties': {
                'volumeId': pt.volume_id,
                'device': pt.device_path,
            },
            'required': ['volumeId'],
            'additionalProperties': False,
        },
    },
    'required': ['volumeAttachment'],
    'additionalProperties': False,
}

create_v249 = copy.deepcopy(create)
create_v249['properties']['volumeAttachment']['properties']['tag'] = pt.tag

create_v279 = copy.deepcopy(create_v249)
create_v279['properties']['volumeAttachment']['properties'][
    'delete_on_termination'] = pt.boolean

CREATE_SCHEMAS = [('2.1', '2.48', create), ('2.49', '2.78', create_v249),
                  ('2.79', None, create_v279)]

update = copy.deepcopy(create)
del update['properties']['volumeAttachment']['properties']['device']

update_v285 = copy.deepcopy(update)
update_v285['properties']['volumeAttachment']['properties'].update({
    'device': pt.device_path,
    'tag': pt.tag,
    'delete_on_termination': pt.boolean,
    'serverId': pt.server_id,
    'id': pt.uuid,
})

UPDATE_SCHEMAS = [('2.1', '2.84', update), ('2.85', None, update_v285)]

index_query = {
    'type': 'object',
    'properties': {
        'limit': pt.multi_params(pt.non_negative_integer),
        'offset': pt.multi_params(pt.non_negative_integer),
    },
    'additionalProperties': True,
}

index_query_v275 = copy.deepcopy(index_query)
index_query_v275['additionalProperties'] = False

QUERY_SCHEMAS = [('2.1', '2.74', index_query),
                 ('2.75', None, index_query_v275)]
