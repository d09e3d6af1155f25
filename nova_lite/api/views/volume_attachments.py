"""os-volume_attachments bodies, per microversion (nova's fields)."""

from nova_lite.api import microversion


def attachment(req, bdm, server_id, for_create=False):
    """One attachment object from a block device mapping.

    ``device`` is left out of list and show objects when the mapping has no
    device name (a shelved-offloaded server); create answers always carry
    it from 2.70.
    """
    body = {}
    if not microversion.is_supported(req, '2.89'):
        body['id'] = bdm.volume_id
    body['volumeId'] = bdm.volume_id
    body['serverId'] = server_id
    if bdm.device_name or for_create:
        body['device'] = bdm.device_name
    if microversion.is_supported(req, '2.70'):
        body['tag'] = bdm.tag
    if microversion.is_supported(req, '2.79'):
        body['delete_on_termination'] = bool(bdm.delete_on_termination)
    if microversion.is_supported(req, '2.89'):
        body['attachment_id'] = bdm.attachment_id
        body['bdm_uuid'] = bdm.uuid
    return body


def created(req, volume_id, server_id, device, tag,
            delete_on_termination):
    body = {'id': volume_id, 'serverId': server_id, 'volumeId': volume_id,
            'device': device}
    if microversion.is_supported(req, '2.70'):
        body['tag'] = tag
    if microversion.is_supported(req, '2.79'):
        body['delete_on_termination'] = bool(delete_on_termination)
    return {'volumeAttachment': body}
