"""/servers/{server_id}/tags request and query schemas (nova's, 2.26+)."""

from nova_lite.api.schemas import parameter_types as pt

update_all = {
    'type': 'object',
    'properties': {
        'tags': {'type': 'array', 'items': pt.tag,
                 'maxItems': pt.MAX_TAG_COUNT},
    },
    'required': ['tags'],
    'additionalProperties': False,
}

# PUT /servers/{server_id}/tags/{tag} takes no body.
update = {'type': 'null'}

query = {'type': 'object', 'properties': {}, 'additionalProperties': True}
