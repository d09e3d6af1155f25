"""Image members (``/v2/images/{image_id}/members``): sharing an image of
visibility ``shared`` with other projects, which accept or reject it."""

import webob.exc

from nova_lite.image_service import images
from nova_lite.image_service import schemas
from nova_lite.image_service import store as image_store
from nova_lite.image_service import views

MAX_MEMBERS = 128


def _target(ctx, image, member_id=None):
    return {'project_id': image['owner'], 'owner': image['owner'],
            'member_id': member_id or ctx.project_id,
            'visibility': image['visibility']}


def _shared_only(image):
    if image['visibility'] != 'shared':
        raise webob.exc.HTTPForbidden(
            explanation='Only shared images have members.')


def _member_not_found(image_id, member_id):
    return webob.exc.HTTPNotFound(
        explanation='%s is not a member of image %s' % (member_id, image_id))


def _is_owner(ctx, image):
    return ctx.is_admin or image['owner'] == ctx.project_id


def create(svc, req, ctx, image_id):
    image = images.load(svc, ctx, image_id)
    body = images.json_body(req)
    if not isinstance(body, dict) or 'member' not in body:
        raise webob.exc.HTTPBadRequest(
            explanation='Member to be added not specified')
    member_id = body['member']
    if not isinstance(member_id, str) or not member_id or \
            len(member_id) > 255:
        raise webob.exc.HTTPBadRequest(
            explanation='Member to be added not specified')
    svc.policy.enforce(ctx, 'add_member', _target(ctx, image))
    _shared_only(image)
    if member_id not in image['members'] and \
            len(image['members']) >= MAX_MEMBERS:
        raise webob.exc.HTTPRequestEntityTooLarge(
            explanation='The limit of %d image members has been exceeded'
            % MAX_MEMBERS)
    try:
        image = svc.store.add_member(image_id, member_id)
    except image_store.Conflict:
        raise webob.exc.HTTPConflict(
            explanation='Member %s is duplicated for image %s'
            % (member_id, image_id))
    return images.json_response(200, views.member(
        image_id, member_id, image['members'][member_id]))


def index(svc, req, ctx, image_id):
    image = images.load(svc, ctx, image_id)
    svc.policy.enforce(ctx, 'get_members', _target(ctx, image))
    _shared_only(image)
    members = sorted(image['members'].items())
    if not _is_owner(ctx, image):
        members = [(m, info) for m, info in members if m == ctx.project_id]
    return images.json_response(200, {
        'members': [views.member(image_id, m, info) for m, info in members],
        'schema': '/v2/schemas/members'})


def show(svc, req, ctx, image_id, member_id):
    image = images.load(svc, ctx, image_id)
    if not _is_owner(ctx, image) and member_id != ctx.project_id:
        raise _member_not_found(image_id, member_id)
    svc.policy.enforce(ctx, 'get_member', _target(ctx, image))
    if member_id not in image['members']:
        raise _member_not_found(image_id, member_id)
    return images.json_response(200, views.member(
        image_id, member_id, image['members'][member_id]))


def update(svc, req, ctx, image_id, member_id):
    image = images.load(svc, ctx, image_id)
    body = images.json_body(req)
    if not isinstance(body, dict) or 'status' not in body:
        raise webob.exc.HTTPBadRequest(
            explanation='Status not specified')
    status = body['status']
    if status not in schemas.MEMBER_STATUSES:
        raise webob.exc.HTTPBadRequest(
            explanation='Provided object does not match schema \'member\': '
                        '%r is not one of %r'
            % (status, list(schemas.MEMBER_STATUSES)))
    if member_id not in image['members']:
        raise _member_not_found(image_id, member_id)
    if not svc.policy.allowed(ctx, 'modify_member',
                              _target(ctx, image, member_id)) or \
            (member_id != ctx.project_id and not ctx.is_admin):
        raise webob.exc.HTTPForbidden(
            explanation='You are not permitted to modify \'status\' on '
                        'this image member.')
    try:
        image = svc.store.update_member(image_id, member_id, status)
    except image_store.NotFound:
        raise _member_not_found(image_id, member_id)
    return images.json_response(200, views.member(
        image_id, member_id, image['members'][member_id]))


def delete(svc, req, ctx, image_id, member_id):
    image = images.load(svc, ctx, image_id)
    if not _is_owner(ctx, image):
        raise webob.exc.HTTPForbidden(
            explanation='You are not authorized to complete delete_member '
                        'action.')
    svc.policy.enforce(ctx, 'delete_member', _target(ctx, image))
    _shared_only(image)
    try:
        svc.store.delete_member(image_id, member_id)
    except image_store.NotFound:
        raise _member_not_found(image_id, member_id)
    return images.no_content()
