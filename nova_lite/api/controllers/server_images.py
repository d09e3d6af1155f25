"""The createImage and createBackup server actions.

Both answer 202: before 2.45 with no body and a ``Location`` header (the
image in the image service for createImage; ``<compute endpoint>/images/
<id>`` for createBackup, and only with a rotation above 0), from 2.45 with
``{"image_id": ...}``. Before 2.39 the image metadata counts against the
metadata items quota (403 "Image metadata limit exceeded").

Registered into ``server_actions`` (POST /servers/{id}/action), which looks
the server up and checks the action's policy before the handler runs.
"""

import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers.server_actions import action
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import server_actions as _schemas  # noqa: F401
from nova_lite.compute import image_meta
from nova_lite import exception
from nova_lite.image import glance
from nova_lite import quota
from nova_lite.policies import server_actions as policies


def _check_metadata_quota(req, ctx, metadata):
    if microversion.is_supported(req, '2.39'):
        return
    try:
        quota.check_metadata_items(ctx, metadata)
    except exception.MetadataLimitExceeded:
        raise webob.exc.HTTPForbidden(
            explanation='Image metadata limit exceeded')


def _answer(req, image_id, location):
    if microversion.is_supported(req, '2.45'):
        return Result({'image_id': image_id}, status=202)
    return Result(None, status=202,
                  headers={'Location': location} if location else None)


@action('createImage', policies.CREATE_IMAGE)
def _create_image(self, instance, cell, body=None):
    ctx = common.context()
    req = common.request()
    entity = body['createImage']
    name = entity['name'].strip()
    metadata = entity.get('metadata', {})
    _check_metadata_quota(req, ctx, metadata)
    api = common.compute_api()
    target = {'project_id': instance.project_id}
    try:
        if image_meta.is_volume_backed(instance):
            ctx.can(policies.CREATE_IMAGE_VOLUME_BACKED, target)
            image = api.snapshot_volume_backed(ctx, instance, cell, name,
                                               extra_properties=metadata)
        else:
            image = api.snapshot(ctx, instance, cell, name,
                                 extra_properties=metadata)
    except exception.InstanceInvalidState as error:
        raise common.conflict_for_invalid_state(error, 'createImage',
                                                instance.uuid)
    except exception.Invalid as error:
        raise webob.exc.HTTPBadRequest(explanation=error.format_message())
    except exception.OverQuota as error:
        raise webob.exc.HTTPForbidden(explanation=error.format_message())
    base = glance.endpoint(common.conf(), ctx)
    location = '%s/images/%s' % (base, image.id) if base else None
    return _answer(req, image.id, location)


@action('createBackup', policies.CREATE_BACKUP)
def _create_backup(self, instance, cell, body=None):
    ctx = common.context()
    req = common.request()
    entity = body['createBackup']
    name = entity['name'].strip()
    rotation = int(entity['rotation'])
    metadata = entity.get('metadata', {})
    _check_metadata_quota(req, ctx, metadata)
    try:
        image = common.compute_api().backup(
            ctx, instance, cell, name, entity['backup_type'], rotation,
            extra_properties=metadata)
    except exception.InstanceInvalidState as error:
        raise common.conflict_for_invalid_state(error, 'createBackup',
                                                instance.uuid)
    except exception.InvalidRequest as error:
        raise webob.exc.HTTPBadRequest(explanation=error.format_message())
    location = None
    if rotation > 0:
        location = '%s/images/%s' % (req.application_url.rstrip('/'),
                                     image.id)
    return _answer(req, image.id, location)
