"""/servers/{server_id}/os-volume_attachments: list, show, attach, update
(swap), detach."""

import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.expose import expose
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import volume_attachments as schemas
from nova_lite.api.views import volume_attachments as views
from nova_lite import exception
from nova_lite.objects import instance as instance_obj

POLICY = 'os_compute_api:os-volumes-attachments:%s'


def _server(ctx, server_id, action):
    instance, cell = server_common.get_server(ctx, server_id)
    ctx.can(POLICY % action, {'project_id': instance.project_id})
    return instance, cell


def _check_shelved(instance, action):
    """Before 2.20 nova refuses volume work on shelved servers."""
    if instance.vm_state in (instance_obj.SHELVED,
                             instance_obj.SHELVED_OFFLOADED) and \
            not microversion.is_supported(pecan.request, '2.20'):
        raise webob.exc.HTTPConflict(
            explanation="Cannot '%s' instance %s while it is in vm_state %s"
            % (action, instance.uuid, instance.vm_state))


def _visible(req, bdms):
    """The mappings the API shows (2.89 hides attaches in progress)."""
    if microversion.is_supported(req, '2.89'):
        return [b for b in bdms if b.attachment_id]
    return bdms


class VolumeAttachmentsController(common.RestController):

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_all(self, server_id, **kwargs):
        ctx = common.context()
        req = pecan.request
        instance, cell = _server(ctx, server_id, 'index')
        bdms = _visible(req, common.compute_api().get_volume_bdms(
            ctx, instance, cell))
        limit, _marker = common.get_limit_and_marker(
            req.GET, common.conf().api.max_limit)
        try:
            offset = int(common.last_param(req.GET, 'offset', 0) or 0)
        except ValueError:
            # More digits than int() converts: the schema let them by.
            raise webob.exc.HTTPBadRequest(
                explanation='offset param must be an integer')
        bdms = bdms[offset:offset + limit]
        return {'volumeAttachments': [
            views.attachment(req, b, instance.uuid) for b in bdms]}

    @expose()
    def get_one(self, server_id, volume_id, **kwargs):
        ctx = common.context()
        req = pecan.request
        instance, cell = _server(ctx, server_id, 'show')
        for bdm in _visible(req, common.compute_api().get_volume_bdms(
                ctx, instance, cell)):
            if bdm.volume_id == volume_id:
                return {'volumeAttachment': views.attachment(
                    req, bdm, instance.uuid)}
        raise webob.exc.HTTPNotFound(
            explanation='Instance %s is not attached to volume %s'
            % (instance.uuid, volume_id))

    @expose()
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, server_id, **kwargs):
        body = kwargs['body']['volumeAttachment']
        ctx = common.context()
        req = pecan.request
        instance, cell = _server(ctx, server_id, 'create')
        _check_shelved(instance, 'attach_volume')
        volume_id = body['volumeId']
        device = body.get('device')
        tag = body.get('tag')
        delete_on_termination = common.as_bool(
            body.get('delete_on_termination', False))
        # From 2.101 the answer does not wait for the device: 202, and the
        # attachment is listed once the compute host has made it.
        needs_device = not microversion.is_supported(req, '2.101')
        try:
            device = common.compute_api().attach_volume(
                ctx, instance, cell, volume_id, device=device, tag=tag,
                delete_on_termination=delete_on_termination,
                supports_multiattach=microversion.is_supported(req, '2.60'),
                needs_device_returned=needs_device)
        except exception.InstanceInvalidState as error:
            raise common.conflict_for_invalid_state(error, 'attach_volume',
                                                    server_id)
        if not needs_device:
            return Result(None, status=202)
        return views.created(req, volume_id, instance.uuid, device, tag,
                             delete_on_termination)

    @expose(status=202)
    @common.with_schemas(schemas.UPDATE_SCHEMAS)
    def put(self, server_id, volume_id, **kwargs):
        body = kwargs['body']['volumeAttachment']
        ctx = common.context()
        req = pecan.request
        instance, cell = server_common.get_server(ctx, server_id)
        new_volume_id = body['volumeId']
        swap = new_volume_id != volume_id or \
            not microversion.is_supported(req, '2.85')
        ctx.can(POLICY % ('swap' if swap else 'update'),
                {'project_id': instance.project_id})
        _check_shelved(instance, 'swap_volume' if swap else 'update')
        api = common.compute_api()
        if swap:
            try:
                api.swap_volume(ctx, instance, cell, volume_id,
                                new_volume_id)
            except exception.InstanceInvalidState as error:
                raise common.conflict_for_invalid_state(
                    error, 'swap_volume', server_id)
            return None
        bdm = None
        for item in api.get_volume_bdms(ctx, instance, cell):
            if item.volume_id == volume_id:
                bdm = item
        if bdm is None:
            raise webob.exc.HTTPNotFound(
                explanation='No volume Block Device Mapping with id %s.'
                % volume_id)
        for key, current in (('id', volume_id), ('serverId', instance.uuid),
                             ('device', bdm.device_name), ('tag', bdm.tag)):
            if key in body and body[key] != current:
                raise webob.exc.HTTPBadRequest(
                    explanation='The %s property is not mutable' % key)
        if 'delete_on_termination' in body:
            api.update_volume_attachment(
                ctx, instance, cell, volume_id,
                common.as_bool(body['delete_on_termination']))
        return None

    @expose(status=202)
    def delete(self, server_id, volume_id, **kwargs):
        ctx = common.context()
        instance, cell = _server(ctx, server_id, 'delete')
        _check_shelved(instance, 'detach_volume')
        try:
            common.compute_api().detach_volume(ctx, instance, cell,
                                               volume_id)
        except exception.InstanceInvalidState as error:
            raise common.conflict_for_invalid_state(error, 'detach_volume',
                                                    server_id)
        return None
