"""What the block storage asks the compute API.

Before a user (not a service) may delete an attachment that connects a
volume to a server, Cinder asks nova, with the user's token, which
attachment the server uses for the volume (``GET
/servers/{server_id}/os-volume_attachments/{volume_id}`` at 2.89). The
block storage does the same.
"""

import logging

import requests

LOG = logging.getLogger(__name__)

VERSION = '2.89'
TIMEOUT = 30


def _endpoint(conf, ctx):
    if conf.block_storage.compute_endpoint:
        return conf.block_storage.compute_endpoint.rstrip('/')
    for service in getattr(ctx, 'service_catalog', None) or []:
        if service.get('type') != 'compute':
            continue
        for endpoint in service.get('endpoints', []):
            # keystonemiddleware's X-Service-Catalog has the v2 form.
            url = endpoint.get('publicURL')
            if url is None and \
                    endpoint.get('interface', 'public') == 'public':
                url = endpoint.get('url')
            if url:
                return url.rstrip('/')
    return None


def server_attachment_id(conf, ctx, server_id, volume_id):
    """The attachment id the compute API has for ``volume_id`` on
    ``server_id``: ``None`` when it has none (the server or the mapping is
    unknown to it). Raises :class:`LookupError` when the compute API cannot
    be asked or does not answer plainly."""
    endpoint = _endpoint(conf, ctx)
    if endpoint is None:
        raise LookupError('no compute endpoint: set [block_storage] '
                          'compute_endpoint')
    headers = {'OpenStack-API-Version': 'compute %s' % VERSION,
               'X-OpenStack-Nova-API-Version': VERSION}
    if getattr(ctx, 'auth_token', None):
        headers['X-Auth-Token'] = ctx.auth_token
    if getattr(ctx, 'global_id', None):
        headers['X-OpenStack-Request-ID'] = ctx.global_id
    url = '%s/servers/%s/os-volume_attachments/%s' % (
        endpoint, server_id, volume_id)
    try:
        resp = requests.get(url, headers=headers, timeout=TIMEOUT)
    except requests.RequestException as error:
        raise LookupError('compute API unreachable: %s' % error)
    if resp.status_code == 404:
        return None
    if resp.status_code != 200:
        raise LookupError('compute API answered %s' % resp.status_code)
    try:
        return resp.json()['volumeAttachment'].get('attachment_id')
    except (ValueError, KeyError, TypeError, AttributeError):
        raise LookupError('compute API answered an unexpected body')
