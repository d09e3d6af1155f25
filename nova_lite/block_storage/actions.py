"""Volume actions and volume type access of the built-in block storage
beyond the attach and detach ones (``controllers.py`` dispatches the
volume actions here):

* ``os-retype`` (the store's :meth:`~nova_lite.block_storage.store.Store.
  retype` has Cinder's rules, multi-attach included);
* ``os-show_image_metadata``, ``os-set_image_metadata`` and
  ``os-unset_image_metadata``: the image metadata a volume made from an
  image keeps (``volume_image_metadata`` in its body);
* ``POST /types/{id}/action`` ``addProjectAccess`` and
  ``removeProjectAccess``, and ``GET /types/{id}/os-volume-type-access``:
  which projects may see and use a private volume type.
"""

from nova_lite.web import validation
from nova_lite.block_storage import exception
from nova_lite import exception as nl_exception
from nova_lite.policies import block_storage as policy

retype = {
    'type': 'object',
    'properties': {
        'os-retype': {
            'type': 'object',
            'properties': {
                'new_type': {'type': 'string'},
                'migration_policy': {'type': ['string', 'null'],
                                     'enum': ['on-demand', 'never', None]},
            },
            'required': ['new_type'],
            'additionalProperties': False,
        },
    },
    'required': ['os-retype'],
    'additionalProperties': False,
}
show_image_metadata = {
    'type': 'object',
    'properties': {'os-show_image_metadata': {'type': ['object', 'null']}},
    'required': ['os-show_image_metadata'],
    'additionalProperties': False,
}
set_image_metadata = {
    'type': 'object',
    'properties': {
        'os-set_image_metadata': {
            'type': 'object',
            'properties': {
                'metadata': {
                    'type': 'object',
                    'patternProperties': {
                        '^[a-zA-Z0-9-_:. /]{1,255}$': {
                            'type': 'string', 'maxLength': 65535}},
                    'additionalProperties': False,
                },
            },
            'required': ['metadata'],
            'additionalProperties': False,
        },
    },
    'required': ['os-set_image_metadata'],
    'additionalProperties': False,
}
unset_image_metadata = {
    'type': 'object',
    'properties': {
        'os-unset_image_metadata': {
            'type': 'object',
            'properties': {
                'key': {'type': 'string', 'minLength': 1, 'maxLength': 255},
            },
            'required': ['key'],
            'additionalProperties': False,
        },
    },
    'required': ['os-unset_image_metadata'],
    'additionalProperties': False,
}
_PROJECT = {'type': 'object',
            'properties': {'project': {'type': 'string', 'minLength': 1,
                                       'maxLength': 255}},
            'required': ['project'], 'additionalProperties': False}
add_project_access = {
    'type': 'object', 'properties': {'addProjectAccess': _PROJECT},
    'required': ['addProjectAccess'], 'additionalProperties': False}
remove_project_access = {
    'type': 'object', 'properties': {'removeProjectAccess': _PROJECT},
    'required': ['removeProjectAccess'], 'additionalProperties': False}
TYPE_ACTIONS = ('addProjectAccess', 'removeProjectAccess')


def _store(req):
    return req.environ['nova_lite.block_storage']


def _authorize(api_req, rule, project_id=None):
    api_req.ctx.can(rule, {'project_id': project_id or
                           api_req.ctx.project_id,
                           'user_id': api_req.ctx.user_id})


# ------------------------------------------------------- volume actions ---

def do_retype(req, api_req, volume_id, body):
    validation.validate(retype, body)
    params = body['os-retype']
    rules = {'retype': policy.RETYPE, 'multiattach': policy.MULTIATTACH}

    def authorize(name, volume):
        _authorize(api_req, rules[name], volume.project_id)

    _store(req).retype(api_req.ctx, volume_id, params['new_type'],
                       migration_policy=params.get('migration_policy'),
                       authorize=authorize)
    return 202, None


def do_show_image_metadata(req, api_req, volume_id, body):
    validation.validate(show_image_metadata, body)
    store = _store(req)
    volume = store.get_volume(api_req.ctx, volume_id, for_view=False)
    _authorize(api_req, policy.GET, volume.project_id)
    return 200, {'metadata': store.image_metadata(volume)}


def do_set_image_metadata(req, api_req, volume_id, body):
    validation.validate(set_image_metadata, body)
    items = body['os-set_image_metadata']['metadata']
    metadata = _store(req).set_image_metadata(
        api_req.ctx, volume_id, items=items,
        check=lambda volume: _authorize(api_req, policy.IMAGE_METADATA_SET,
                                        volume.project_id))
    return 200, {'metadata': metadata}


def do_unset_image_metadata(req, api_req, volume_id, body):
    validation.validate(unset_image_metadata, body)
    key = body['os-unset_image_metadata']['key']
    _store(req).set_image_metadata(
        api_req.ctx, volume_id, remove=key,
        check=lambda volume: _authorize(
            api_req, policy.IMAGE_METADATA_REMOVE, volume.project_id))
    return 200, None


# ---------------------------------------------------- volume type access ---

def type_action(req, api_req, type_id):
    body = validation.request_body(req)
    if not isinstance(body, dict) or len(body) != 1:
        raise nl_exception.ValidationError(detail='Malformed request body')
    action = next(iter(body))
    store = _store(req)
    if action == 'addProjectAccess':
        _authorize(api_req, policy.TYPE_ACCESS_ADD)
        validation.validate(add_project_access, body)
        store.add_type_access(api_req.ctx, type_id,
                              body[action]['project'])
    elif action == 'removeProjectAccess':
        _authorize(api_req, policy.TYPE_ACCESS_REMOVE)
        validation.validate(remove_project_access, body)
        store.remove_type_access(api_req.ctx, type_id,
                                 body[action]['project'])
    else:
        raise nl_exception.ValidationError(
            detail='There is no such action: %s' % action)
    return 202, None


def list_type_access(req, api_req, type_id):
    _authorize(api_req, policy.TYPE_ACCESS_WHO)
    vtype = _store(req).get_type(api_req.ctx, type_id)
    if vtype.is_public:
        raise exception.VolumeTypeAccessNotFound(
            message='Access list not available for public volume types.')
    return 200, {'volume_type_access': [
        {'volume_type_id': vtype.id, 'project_id': access.project_id}
        for access in vtype.projects]}


ROUTES = [
    ('POST', '/types/{type_id}/action', type_action),
    ('GET', '/types/{type_id}/os-volume-type-access', list_type_access),
]
