"""What the block storage asks the compute API.

Before a user (not a service) may delete an attachment that connects a
volume to a server, Cinder asks nova, with the user's token, which
attachment the server uses for the volume (``GET
/servers/{server_id}/os-volume_attachments/{volume_id}`` at 2.89). The
block storage does the same.

When a volume reserved for a server has been re-imaged (os-reimage with
``reimage_reserved``), Cinder tells nova with the ``volume-reimaged``
server external event (2.93), as its privileged service user; the block
storage sends it with the service token of the compute service that asked
for the re-image (under noauth2, the administrator's token).
"""

import logging

from oslo_config import cfg
import requests

LOG = logging.getLogger(__name__)

VERSION = '2.89'
EVENTS_VERSION = '2.93'
NOAUTH_ADMIN_TOKEN = 'admin:admin'
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


def event_credentials(conf, ctx):
    """The headers the block storage sends server external events with,
    taken from the request that started the work: the compute service's
    own token (its service token), the noauth2 administrator under
    noauth2, else the requester's token."""
    headers = {}
    service_token = getattr(ctx, 'service_token', None)
    try:
        strategy = conf.api.auth_strategy
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        strategy = None
    if strategy == 'noauth2':
        headers['X-Auth-Token'] = NOAUTH_ADMIN_TOKEN
    elif service_token:
        headers['X-Auth-Token'] = service_token
    elif getattr(ctx, 'auth_token', None):
        headers['X-Auth-Token'] = ctx.auth_token
    if service_token:
        headers['X-Service-Token'] = service_token
    if getattr(ctx, 'global_id', None):
        headers['X-OpenStack-Request-ID'] = ctx.global_id
    return headers


def send_events(conf, ctx, credentials, events, version=EVENTS_VERSION):
    """POST ``events`` to the compute API's os-server-external-events;
    True when every event was accepted (code 200)."""
    endpoint = _endpoint(conf, ctx)
    if endpoint is None:
        LOG.error('No compute endpoint to send %s to: set [block_storage] '
                  'compute_endpoint', events)
        return False
    headers = dict(credentials)
    headers.update({'OpenStack-API-Version': 'compute %s' % version,
                    'X-OpenStack-Nova-API-Version': version})
    try:
        resp = requests.post(endpoint + '/os-server-external-events',
                             json={'events': events}, headers=headers,
                             timeout=TIMEOUT)
    except requests.RequestException as error:
        LOG.error('Failed to notify the compute API of %s: %s', events,
                  error)
        return False
    if resp.status_code not in (200, 207):
        LOG.error('The compute API answered %s to events %s: %s',
                  resp.status_code, events, resp.text[:500])
        return False
    try:
        answered = resp.json()['events']
    except (ValueError, KeyError, TypeError):
        LOG.error('The compute API answered events %s with an unexpected '
                  'body', events)
        return False
    ok = True
    for event in answered:
        if event.get('code') != 200:
            LOG.warning('Compute event %s was not accepted', event)
            ok = False
    return ok


def volume_reimaged(conf, ctx, credentials, server_ids, volume_id):
    """Tell the compute API that ``volume_id`` was re-imaged for
    ``server_ids``."""
    events = [{'name': 'volume-reimaged', 'server_uuid': server_id,
               'tag': volume_id} for server_id in server_ids]
    if not events:
        return True
    return send_events(conf, ctx, credentials, events)
