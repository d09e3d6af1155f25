"""JSON schemas of the bodies of server metadata, server tags and
os-instance-actions responses, per microversion (see ``responses``)."""

from nova_lite.api.schemas import responses as r

_STR = {'type': 'string'}
_STR_OR_NULL = {'type': ['string', 'null']}
_METADATA = {'type': 'object', 'additionalProperties': _STR}
_ONE_ITEM = {'type': 'object', 'additionalProperties': _STR,
             'minProperties': 1, 'maxProperties': 1}
_TAGS = {'type': 'array', 'items': {'type': 'string', 'minLength': 1,
                                    'maxLength': 60}}


def metadata_index(version):
    return r._obj({'metadata': _METADATA})


def metadata_item(version):
    return r._obj({'meta': _ONE_ITEM})


def tags_index(version):
    return r._obj({'tags': _TAGS})


def _action(version):
    props = {'action': _STR, 'instance_uuid': _STR, 'request_id': _STR,
             'user_id': _STR_OR_NULL, 'project_id': _STR_OR_NULL,
             'start_time': _STR, 'message': _STR_OR_NULL}
    if r._at_least(version, '2.58'):
        props['updated_at'] = _STR_OR_NULL
    return props


def instance_actions_index(version):
    props = {'instanceActions': {'type': 'array',
                                 'items': r._obj(_action(version))}}
    required = ['instanceActions']
    if r._at_least(version, '2.58'):
        props['links'] = r.links
    return r._obj(props, required)


def _event(version):
    props = {'event': _STR, 'start_time': _STR, 'finish_time': _STR_OR_NULL,
             'result': _STR_OR_NULL, 'traceback': _STR_OR_NULL}
    required = ['event', 'start_time', 'finish_time', 'result']
    if r._at_least(version, '2.62'):
        props.update(host=_STR_OR_NULL, hostId=_STR)
        required.append('hostId')
    if r._at_least(version, '2.84'):
        props['details'] = _STR_OR_NULL
    return r._obj(props, required)


def instance_action_show(version):
    props = _action(version)
    props['events'] = {'type': 'array', 'items': _event(version)}
    required = [k for k in props if k != 'events']
    return r._obj({'instanceAction': r._obj(props, required)})
