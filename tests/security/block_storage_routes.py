"""Policy matrix entries of the block storage's snapshot update, volume
and snapshot metadata, os-retype and the image metadata actions, and
volume type access."""

import uuid

from tests.security import personas as p
from tests.security import proxy_routes

BS = 'volume'
READ = frozenset(['admin', 'member', 'reader'])
WRITE = frozenset(['admin', 'member'])
ADMIN_ONLY = frozenset(['admin'])
NONE = frozenset()
V = '/volumes/{volume_id}'
S = '/snapshots/{snapshot_id}'
T = '/types/{type_id}'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _volume_with_metadata(env):
    volume_id = env.res.volume()
    resp = p.call(env.base(BS), 'POST', '/volumes/%s/metadata' % volume_id,
                  p.PERSONAS['member'], json={'metadata': {'k': 'v'}})
    assert resp.status_code == 200, resp.text
    return {'volume_id': volume_id, 'key': 'k'}


def _snapshot_with_metadata(env):
    params = proxy_routes._snapshot(env)
    resp = p.call(env.base(BS), 'POST',
                  '/snapshots/%s/metadata' % params['snapshot_id'],
                  p.PERSONAS['member'], json={'metadata': {'k': 'v'}})
    assert resp.status_code == 200, resp.text
    return dict(params, key='k')


def _image_volume(env):
    resp = env.stack.volume_request(
        'POST', '/v3/volumes', token=p.MEMBER,
        json={'volume': {'size': 1, 'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    volume_id = resp.json()['volume']['id']
    env.stack.wait_for_volume(volume_id, 'available', token=p.MEMBER)
    return {'volume_id': volume_id}


def _creating_snapshot(env):
    params = proxy_routes._snapshot(env)
    resp = env.stack.volume_request(
        'POST', '/v3/snapshots/%s/action' % params['snapshot_id'],
        token=p.ADMIN, json={'os-reset_status': {'status': 'creating'}})
    assert resp.status_code == 202, resp.text
    return params


def _retype(env):
    return {'volume_id': env.res.volume(),
            'new_type': env.res.volume_type()}


def _private_type(env):
    resp = env.stack.volume_request(
        'POST', '/v3/types', token=p.ADMIN, json={'volume_type': {
            'name': 'sec-%s' % uuid.uuid4().hex[:8],
            'os-volume-type-access:is_public': False}})
    assert resp.status_code == 200, resp.text
    return {'type_id': resp.json()['volume_type']['id']}


def _private_type_with_access(env):
    params = _private_type(env)
    resp = env.stack.volume_request(
        'POST', '/v3/types/%s/action' % params['type_id'], token=p.ADMIN,
        json={'addProjectAccess': {'project': p.PROJECT}})
    assert resp.status_code == 202, resp.text
    return params


def _project_body(action):
    return lambda params: {action: {'project': p.PROJECT}}


def entries(Entry):
    meta = {'metadata': {'a': 'b'}}
    return {
        ('PUT', S, None): Entry(
            BS, 200, WRITE, 'volume:update_snapshot',
            prep=proxy_routes._snapshot,
            body=lambda params: {'snapshot': {'name': 'renamed'}}),
        ('GET', V + '/metadata', None): Entry(
            BS, 200, READ, prep=_volume_with_metadata),
        ('POST', V + '/metadata', None): Entry(
            BS, 200, WRITE, 'volume:create_volume_metadata',
            prep=_volume_with_metadata, body=lambda params: meta),
        ('PUT', V + '/metadata', None): Entry(
            BS, 200, WRITE, 'volume:update_volume_metadata',
            prep=_volume_with_metadata, body=lambda params: meta),
        ('GET', V + '/metadata/{key}', None): Entry(
            BS, 200, READ, prep=_volume_with_metadata),
        ('PUT', V + '/metadata/{key}', None): Entry(
            BS, 200, WRITE, 'volume:update_volume_metadata',
            prep=_volume_with_metadata,
            body=lambda params: {'meta': {'k': 'new'}}),
        ('DELETE', V + '/metadata/{key}', None): Entry(
            BS, 200, WRITE, 'volume:delete_volume_metadata',
            prep=_volume_with_metadata, fresh=True),
        ('GET', S + '/metadata', None): Entry(
            BS, 200, READ, prep=_snapshot_with_metadata),
        ('POST', S + '/metadata', None): Entry(
            BS, 200, WRITE, 'volume:update_snapshot_metadata',
            prep=_snapshot_with_metadata, body=lambda params: meta),
        ('PUT', S + '/metadata', None): Entry(
            BS, 200, WRITE, 'volume:update_snapshot_metadata',
            prep=_snapshot_with_metadata, body=lambda params: meta),
        ('GET', S + '/metadata/{key}', None): Entry(
            BS, 200, READ, prep=_snapshot_with_metadata),
        ('PUT', S + '/metadata/{key}', None): Entry(
            BS, 200, WRITE, 'volume:update_snapshot_metadata',
            prep=_snapshot_with_metadata,
            body=lambda params: {'meta': {'k': 'new'}}),
        ('DELETE', S + '/metadata/{key}', None): Entry(
            BS, 200, WRITE, 'volume:delete_snapshot_metadata',
            prep=_snapshot_with_metadata, fresh=True),
        ('POST', S + '/action', 'os-reset_status'): Entry(
            BS, 202, ADMIN_ONLY,
            'volume_extension:snapshot_admin_actions:reset_status',
            prep=proxy_routes._snapshot,
            body=lambda params: {'os-reset_status': {'status': 'error'}}),
        ('POST', S + '/action', 'os-force_delete'): Entry(
            BS, 202, ADMIN_ONLY,
            'volume_extension:snapshot_admin_actions:force_delete',
            prep=proxy_routes._snapshot, fresh=True,
            body=lambda params: {'os-force_delete': {}}),
        ('POST', S + '/action', 'os-update_snapshot_status'): Entry(
            BS, 202, WRITE,
            'snapshot_extension:snapshot_actions:update_snapshot_status',
            prep=_creating_snapshot, fresh=True,
            body=lambda params: {'os-update_snapshot_status': {
                'status': 'available', 'progress': '100%'}}),
        ('POST', V + '/action', 'os-retype'): Entry(
            BS, 202, WRITE, 'volume:retype', prep=_retype, fresh=True,
            body=lambda params: {'os-retype': {
                'new_type': params['new_type']}}),
        ('POST', V + '/action', 'os-show_image_metadata'): Entry(
            BS, 200, READ, prep=_image_volume,
            body=lambda params: {'os-show_image_metadata': None}),
        ('POST', V + '/action', 'os-set_image_metadata'): Entry(
            BS, 200, WRITE, 'volume_extension:volume_image_metadata:set',
            prep=_image_volume, body=lambda params: {
                'os-set_image_metadata': {'metadata': {'a': 'b'}}}),
        ('POST', V + '/action', 'os-unset_image_metadata'): Entry(
            BS, 200, WRITE, 'volume_extension:volume_image_metadata:remove',
            prep=_image_volume, fresh=True, body=lambda params: {
                'os-unset_image_metadata': {'key': 'image_name'}}),
        ('POST', T + '/action', 'addProjectAccess'): Entry(
            BS, 202, ADMIN_ONLY,
            'volume_extension:volume_type_access:addProjectAccess',
            hidden=NONE, prep=_private_type, fresh=True,
            body=_project_body('addProjectAccess')),
        ('POST', T + '/action', 'removeProjectAccess'): Entry(
            BS, 202, ADMIN_ONLY,
            'volume_extension:volume_type_access:removeProjectAccess',
            hidden=NONE, prep=_private_type_with_access, fresh=True,
            body=_project_body('removeProjectAccess')),
        ('GET', T + '/os-volume-type-access', None): Entry(
            BS, 200, ADMIN_ONLY,
            'volume_extension:volume_type_access:get_all_for_type',
            hidden=NONE, prep=_private_type_with_access),
    }
