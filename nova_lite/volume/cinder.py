"""The block storage (Cinder v3) client of nova_lite.

This is the only module that imports cinderclient. It talks to any Cinder v3
API -- a real Cinder or the built-in block storage -- over a keystoneauth1
session configured from ``[cinder]``:

* endpoint: ``[cinder] endpoint_template`` (formatted with the context, a
  missing project id drops that path segment) or the service catalog entry
  ``[cinder] catalog_info`` in ``[cinder] os_region_name``;
* credentials: the user's token from the request context (plus a service
  token from ``[service_user]`` when ``send_service_user_token`` is set,
  and always with ``[api] auth_strategy = noauth2``, where it is
  ``nova:service``); contexts without a token (periodic tasks) use the
  ``[cinder]`` auth plugin, else the ``[service_user]`` one, or with
  noauth2 an administrator token;
* microversions: 3.0 by default, 3.44 for attachments (checked against the
  server's version document first), 3.48 for volume reads that need
  ``shared_targets``, 3.68 for os-reimage;
* the global request id travels with every call;
* with debug logging, requests and responses are logged with their
  ``connection_info``, passwords and tokens masked;
* errors become nova_lite exceptions with nova's wording (a refusal as
  "Invalid volume" is :class:`InvalidVolumeRequest`, still a 400 reading
  ``Invalid input received: ...``).
"""

import collections
import functools
import json
import logging
import re
import threading
import time
import urllib.parse

from cinderclient import api_versions as cinder_api_versions
from cinderclient import client as cinder_client
from cinderclient import exceptions as cinder_exception
from keystoneauth1.access import service_catalog as ks_catalog
from keystoneauth1 import exceptions as keystone_exception
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import plugin as ks_plugin
from keystoneauth1 import service_token
from oslo_utils import encodeutils
from oslo_utils import strutils

from nova_lite import exception
from nova_lite import http_settings
from nova_lite import wsgi_local

LOG = logging.getLogger(__name__)

MIN_VERSION = '3.0'
ATTACHMENT_VERSION = '3.44'
SHARED_TARGETS_VERSION = '3.48'
REIMAGE_VERSION = '3.68'
NOAUTH_ADMIN_TOKEN = 'admin:admin'
# The service token compute services send with ``[api] auth_strategy =
# noauth2`` (user ``nova`` of project ``service``, noauth2's user:project).
NOAUTH_SERVICE_TOKEN = 'nova:service'
# Calls retried on a 500 or 504, as nova does for attachment update and
# delete.
RETRIES_ON_SERVER_ERROR = 5

_LOCK = threading.Lock()
_ATTR = '_nova_lite_cinder_state'

# The loggers that write block storage requests and responses, bodies
# included, when debug logging is on ([cinder] debug, or keystoneauth's).
HTTP_LOGGERS = ('cinderclient.client', 'keystoneauth.session',
                'keystoneauth.session.request',
                'keystoneauth.session.response', 'keystoneauth.session.body')
_CONNECTION_INFO_RE = re.compile(r'"connection_info"\s*:\s*')
_JSON = json.JSONDecoder()


def mask_secrets(text):
    """``text`` with every JSON ``connection_info`` value (how a host
    reaches a volume: target addresses, CHAP credentials, keys) replaced by
    ``"***"`` and passwords and tokens masked by oslo.utils."""
    out = []
    pos = 0
    for match in _CONNECTION_INFO_RE.finditer(text):
        if match.start() < pos:
            continue
        out.append(text[pos:match.end()])
        out.append('"***"')
        try:
            _value, pos = _JSON.raw_decode(text, match.end())
        except ValueError:
            # Cut short: mask whatever follows.
            pos = len(text)
    out.append(text[pos:])
    return strutils.mask_password(''.join(out))


class SecretMaskingFilter(logging.Filter):
    """Masks secrets in the records of the block storage HTTP loggers."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:
            return True
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def _install_log_masking():
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretMaskingFilter)
                   for f in logger.filters):
            logger.addFilter(SecretMaskingFilter())


_install_log_masking()


class _State:
    """Per-configuration session, auth plugins, checked versions and the
    clients kept for reuse."""

    def __init__(self, conf):
        self.session = ks_loading.load_session_from_conf_options(
            conf, 'cinder')
        http_settings.remember_environment(self.session.session)
        # The built-in block storage of this process, if any, is called
        # in process (``[block_storage] local_calls``).
        wsgi_local.mount(self.session.session)
        # The credentials of calls made without a user's token (periodic
        # tasks): [cinder]'s auth plugin, else the service user's.
        self.admin_auth = None
        for group in ('cinder', 'service_user'):
            if conf[group].auth_type:
                self.admin_auth = ks_loading.load_auth_from_conf_options(
                    conf, group)
                break
        self.service_auth = None
        if conf.service_user.send_service_user_token:
            self.service_auth = ks_loading.load_auth_from_conf_options(
                conf, 'service_user')
        self.max_versions = {}
        # Clients by what they are built from (see API._client), the most
        # recently used last.
        self.clients = collections.OrderedDict()
        self.clients_lock = threading.Lock()


def _state(conf):
    with _LOCK:
        state = vars(conf).get(_ATTR)
        if state is None:
            state = _State(conf)
            setattr(conf, _ATTR, state)
        return state


# The options a client is built from on each call.
_Options = collections.namedtuple('_Options', [
    'service_type', 'service_name', 'interface', 'region_name', 'retries',
    'debug', 'endpoint_template', 'auth_strategy'])


def _options(conf):
    service_type, service_name, interface = conf.cinder.catalog_info.split(
        ':', 2)
    return _Options(service_type, service_name or None, interface,
                    conf.cinder.os_region_name, conf.cinder.http_retries,
                    conf.cinder.debug, conf.cinder.endpoint_template,
                    conf.api.auth_strategy)


def _is_v2_catalog(catalog):
    return any(key.endswith('URL')
               for service in catalog
               for endpoint in service.get('endpoints', ())
               for key in endpoint)


class ContextAuth(ks_plugin.BaseAuthPlugin):
    """The request context's token, and endpoints from its catalog."""

    def __init__(self, token, catalog):
        super().__init__()
        self.token = token
        self.catalog = catalog or []
        # The catalog is the context's, read once: each endpoint found in
        # it is kept for the plugin's life (the clients that share a
        # plugin make several calls per operation, each asking again).
        self._endpoints = {}

    def get_token(self, session, **kwargs):
        return self.token

    def get_endpoint(self, session, service_type=None, interface=None,
                     region_name=None, service_name=None, **kwargs):
        if not self.catalog:
            return None
        key = (service_type, interface, region_name, service_name)
        try:
            return self._endpoints[key]
        except KeyError:
            pass
        except TypeError:   # an unhashable argument: not kept
            return self._find_endpoint(service_type, interface,
                                       region_name, service_name)
        url = self._find_endpoint(service_type, interface, region_name,
                                  service_name)
        self._endpoints[key] = url
        return url

    def _find_endpoint(self, service_type, interface, region_name,
                       service_name):
        if _is_v2_catalog(self.catalog):
            # keystonemiddleware's X-Service-Catalog: the v3 catalog of the
            # token turned into the v2 form (publicURL, internalURL, ...).
            catalog = ks_catalog.ServiceCatalogV2(self.catalog)
        else:
            if interface and interface.endswith('URL'):
                interface = interface[:-3]
            catalog = ks_catalog.ServiceCatalogV3(self.catalog)
        return catalog.url_for(service_type=service_type,
                               interface=interface or 'public',
                               region_name=region_name,
                               service_name=service_name or None)


def _endpoint_override(options, context):
    template = options.endpoint_template
    if not template:
        return None
    values = context.to_dict()
    if not values.get('project_id'):
        template = template.replace('/%(project_id)s', '').replace(
            '/%(tenant)s', '')
    return template % values


def _service_auth(options, state):
    """The service token's plugin: ``[service_user]`` when it is to be
    sent, and under noauth2 the noauth2 service token (block storage only
    lets services delete attachments that servers still use)."""
    if state.service_auth is not None:
        return state.service_auth
    if options.auth_strategy == 'noauth2':
        return ContextAuth(NOAUTH_SERVICE_TOKEN, [])
    return None


def _with_service_token(options, state, auth):
    service_auth = _service_auth(options, state)
    if service_auth is None:
        return auth
    return service_token.ServiceTokenAuthWrapper(
        user_auth=auth, service_auth=service_auth)


def _auth(options, state, context):
    token = getattr(context, 'auth_token', None)
    if token:
        return _with_service_token(
            options, state, ContextAuth(token, context.service_catalog))
    if state.admin_auth is not None:
        return _with_service_token(options, state, state.admin_auth)
    if options.auth_strategy == 'noauth2':
        return _with_service_token(
            options, state, ContextAuth(NOAUTH_ADMIN_TOKEN, []))
    raise exception.Forbidden(
        'No credentials for the block storage service: the request has no '
        'token and neither [cinder] nor [service_user] configures an auth '
        'plugin.')


def cinderclient(conf, context, microversion=None, options=None,
                 endpoint_override=False):
    """A cinderclient v3 client for ``context``; ``options`` and
    ``endpoint_override`` when the caller has them already."""
    state = _state(conf)
    if options is None:
        options = _options(conf)
    if endpoint_override is False:
        endpoint_override = _endpoint_override(options, context)
    version = cinder_api_versions.APIVersion(microversion or MIN_VERSION)
    return cinder_client.Client(
        version, session=state.session, auth=_auth(options, state, context),
        endpoint_override=endpoint_override,
        service_type=options.service_type,
        service_name=options.service_name, interface=options.interface,
        region_name=options.region_name, retries=options.retries,
        connect_retries=options.retries,
        global_request_id=getattr(context, 'global_id', None),
        http_log_debug=options.debug)


# ---------------------------------------------------------- translation ---

def _reason(error):
    return encodeutils.exception_to_unicode(error)


def _translate_common(error):
    """The nova_lite exception for a cinderclient/keystoneauth error."""
    if isinstance(error, (cinder_exception.ConnectionError,
                          keystone_exception.ConnectionError,
                          keystone_exception.ConnectTimeout)):
        return exception.CinderConnectionFailed(reason=_reason(error))
    if isinstance(error, (cinder_exception.BadRequest,
                          keystone_exception.BadRequest)):
        # nova's wording: "Invalid input received: <the client's text>".
        if str(getattr(error, 'message', '')).startswith('Invalid volume'):
            return exception.InvalidVolumeRequest(reason=_reason(error))
        return exception.InvalidInput(reason=_reason(error))
    if isinstance(error, (cinder_exception.Forbidden,
                          keystone_exception.Forbidden)):
        return exception.Forbidden(_reason(error))
    if isinstance(error, cinder_exception.OverLimit):
        return exception.OverQuota(overs='volumes')
    if isinstance(error, cinder_exception.ClientException) and \
            getattr(error, 'code', 0) in (500, 502, 503, 504):
        return exception.CinderConnectionFailed(reason=_reason(error))
    if isinstance(error, keystone_exception.http.HttpError) and \
            getattr(error, 'http_status', 0) >= 500:
        return exception.CinderConnectionFailed(reason=_reason(error))
    return None


def _translate(not_found):
    """Decorator: translate errors; ``not_found(args) -> exception``."""
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, context, *args, **kwargs):
            try:
                return method(self, context, *args, **kwargs)
            except (cinder_exception.NotFound,
                    keystone_exception.NotFound) as error:
                if not_found is None:
                    raise exception.NotFound(_reason(error))
                raise not_found(*args) from error
            except (cinder_exception.ClientException,
                    keystone_exception.ClientException) as error:
                translated = _translate_common(error)
                if translated is None:
                    raise
                raise translated from error
        return wrapper
    return decorator


def _volume_not_found(volume_id, *args):
    return exception.VolumeNotFound(volume_id=volume_id)


def _quoted(resource_id):
    """An id as one URL path segment (a '#', '?' or '/' in an id the
    caller gave must not end the path)."""
    return urllib.parse.quote(str(resource_id), safe='')


def _snapshot_not_found(snapshot_id, *args):
    return exception.SnapshotNotFound(snapshot_id=snapshot_id)


def _attachment_not_found(attachment_id, *args):
    return exception.VolumeAttachmentNotFound(attachment_id=attachment_id)


def _retry_on_server_error(call):
    """Retry ``call`` on a 500 or 504, as nova does for attachments."""
    for attempt in range(RETRIES_ON_SERVER_ERROR):
        try:
            return call()
        except cinder_exception.ClientException as error:
            if getattr(error, 'code', None) not in (500, 504) or \
                    attempt == RETRIES_ON_SERVER_ERROR - 1:
                raise
            LOG.warning('Block storage answered %s; retrying (%d/%d)',
                        error.code, attempt + 1, RETRIES_ON_SERVER_ERROR)
            time.sleep(min(0.1 * 2 ** attempt, 2))


# ----------------------------------------------------------- views ---

def _untranslate_volume(vol):
    """nova's volume dict from a cinderclient Volume (§8.2)."""
    info = vol._info
    attachments = {}
    for item in info.get('attachments') or []:
        server_id = item.get('server_id')
        if server_id:
            attachments[server_id] = {
                'attachment_id': item.get('attachment_id'),
                'mountpoint': item.get('device')}
    volume = {
        'id': info.get('id'),
        'status': info.get('status'),
        'size': info.get('size'),
        'availability_zone': info.get('availability_zone'),
        'created_at': info.get('created_at'),
        'updated_at': info.get('updated_at'),
        'multiattach': bool(info.get('multiattach', False)),
        'attachments': attachments,
        'attach_status': 'attached' if attachments else 'detached',
        'display_name': info.get('name'),
        'display_description': info.get('description'),
        'volume_type_id': info.get('volume_type'),
        'snapshot_id': info.get('snapshot_id'),
        'bootable': str(info.get('bootable')).lower() == 'true',
        'volume_metadata': info.get('metadata') or {},
        'migration_status': info.get('migration_status'),
        'encrypted': bool(info.get('encrypted', False)),
    }
    if 'volume_image_metadata' in info:
        volume['volume_image_metadata'] = info['volume_image_metadata']
    if 'shared_targets' in info:
        volume['shared_targets'] = info['shared_targets']
        volume['service_uuid'] = info.get('service_uuid')
    return volume


def _untranslate_snapshot(snapshot):
    """nova's snapshot dict from a cinderclient Snapshot."""
    info = snapshot._info
    return {'id': info.get('id'), 'status': info.get('status'),
            'progress': info.get('os-extended-snapshot-attributes:progress'),
            'created_at': info.get('created_at'),
            'volume_size': info.get('size'),
            'display_name': info.get('name'),
            'display_description': info.get('description'),
            'volume_id': info.get('volume_id'),
            'project_id': info.get(
                'os-extended-snapshot-attributes:project_id')}


def _translate_attachment(attachment):
    """nova's attachment dict, with a legacy-shaped connection_info."""
    info = dict(attachment._info if hasattr(attachment, '_info')
                else attachment)
    result = {key: info.get(key) for key in
              ('id', 'status', 'instance', 'volume_id', 'attached_at',
               'detached_at', 'attach_mode')}
    raw = dict(info.get('connection_info') or {})
    if raw:
        raw.pop('attachment_id', None)
        driver_type = raw.pop('driver_volume_type', None)
        result['connection_info'] = {
            'driver_volume_type': driver_type, 'data': raw,
            'attachment_id': info.get('id'),
            'volume_id': info.get('volume_id'),
            'status': info.get('status'),
            'instance': info.get('instance'),
            'attach_mode': info.get('attach_mode'),
        }
    else:
        result['connection_info'] = {}
    return result


class API:
    """What compute services ask of block storage."""

    # How many clients are kept for reuse in a process.
    CLIENTS_KEPT = 64

    def __init__(self, conf):
        self.conf = conf
        self._options = None

    def _client(self, context, microversion=None):
        """A client for ``context``, reused while the calls of one request
        go on.

        A client depends on the context only through its token, catalog,
        global request id and (with ``[cinder] endpoint_template``) the
        values of the endpoint, so it is kept by those: the calls an attach
        makes in the API and then in the compute service, each with its
        own copy of the request's context, share one client per
        microversion. ``[cinder]`` is read when the first client is made.
        """
        options = self._options
        if options is None:
            options = self._options = _options(self.conf)
        endpoint = _endpoint_override(options, context)
        global_id = getattr(context, 'global_id', None)
        if global_id is None:
            # A client with no global request id takes the first answer's
            # request id as its own: not one to share.
            return cinderclient(self.conf, context, microversion, options,
                                endpoint)
        state = _state(self.conf)
        catalog = getattr(context, 'service_catalog', None)
        key = (microversion, getattr(context, 'auth_token', None), global_id,
               endpoint,
               json.dumps(catalog, sort_keys=True) if catalog else None,
               options)
        with state.clients_lock:
            client = state.clients.get(key)
            if client is not None:
                state.clients.move_to_end(key)
                return client
        client = cinderclient(self.conf, context, microversion, options,
                              endpoint)
        with state.clients_lock:
            state.clients[key] = client
            while len(state.clients) > self.CLIENTS_KEPT:
                state.clients.popitem(last=False)
        return client

    # ------------------------------------------------------------ checks ---

    def _check_microversion(self, context, wanted):
        """Raise CinderAPIVersionNotAvailable if the server lacks it."""
        client = self._client(context)
        base = client.client._get_base_url()
        state = _state(self.conf)
        maximum = state.max_versions.get(base)
        if maximum is None:
            try:
                versions = client.services.server_api_version()
            except (cinder_exception.ClientException,
                    keystone_exception.ClientException) as error:
                translated = _translate_common(error)
                if translated is None:
                    raise
                raise translated from error
            found = [v for v in versions if v.id.startswith('v3')]
            if not found:
                raise exception.UnsupportedCinderAPIVersion(
                    version=','.join(v.id for v in versions))
            maximum = cinder_api_versions.APIVersion(found[0].version)
            state.max_versions[base] = maximum
        if maximum < cinder_api_versions.APIVersion(wanted):
            raise exception.CinderAPIVersionNotAvailable(version=wanted)

    # ----------------------------------------------------------- volumes ---

    @_translate(_volume_not_found)
    def get(self, context, volume_id, microversion=None):
        if not volume_id:
            raise exception.VolumeNotFound(volume_id=volume_id)
        client = self._client(context, microversion)
        return _untranslate_volume(client.volumes.get(_quoted(volume_id)))

    @_translate(None)
    def get_all(self, context, search_opts=None):
        """Volumes matching ``search_opts`` (cinder's list filters)."""
        client = self._client(context)
        return [_untranslate_volume(v) for v in client.volumes.list(
            detailed=True, search_opts=dict(search_opts or {}))]

    @_translate(None)
    def create(self, context, size, name, description, image_id=None,
               volume_type=None, availability_zone=None, metadata=None,
               snapshot_id=None):
        client = self._client(context)
        vol = client.volumes.create(
            size, name=name, description=description, imageRef=image_id,
            volume_type=volume_type, availability_zone=availability_zone,
            metadata=metadata, snapshot_id=snapshot_id)
        return _untranslate_volume(vol)

    @_translate(_volume_not_found)
    def delete(self, context, volume_id):
        if not volume_id:
            raise exception.VolumeNotFound(volume_id=volume_id)
        self._client(context).volumes.delete(_quoted(volume_id))

    # --------------------------------------------------------- snapshots ---

    @_translate(_snapshot_not_found)
    def get_snapshot(self, context, snapshot_id):
        if not snapshot_id:
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        client = self._client(context)
        return _untranslate_snapshot(
            client.volume_snapshots.get(_quoted(snapshot_id)))

    @_translate(None)
    def get_all_snapshots(self, context):
        client = self._client(context)
        return [_untranslate_snapshot(s)
                for s in client.volume_snapshots.list(detailed=True)]

    @_translate(_volume_not_found)
    def create_snapshot(self, context, volume_id, name, description,
                        force=False):
        client = self._client(context)
        return _untranslate_snapshot(client.volume_snapshots.create(
            volume_id, force=force, name=name, description=description))

    @_translate(None)
    def get_absolute_limits(self, context):
        """The caller's absolute block storage limits and usage
        (``maxTotalSnapshots``, ``totalSnapshotsUsed``...)."""
        limits = self._client(context).limits.get()
        return {item.name: item.value for item in limits.absolute}

    @_translate(_snapshot_not_found)
    def delete_snapshot(self, context, snapshot_id):
        if not snapshot_id:
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        self._client(context).volume_snapshots.delete(_quoted(snapshot_id))

    @_translate(_volume_not_found)
    def reserve_volume(self, context, volume_id):
        self._client(context).volumes.reserve(volume_id)

    @_translate(_volume_not_found)
    def unreserve_volume(self, context, volume_id):
        self._client(context).volumes.unreserve(volume_id)

    @_translate(_volume_not_found)
    def begin_detaching(self, context, volume_id):
        self._client(context).volumes.begin_detaching(volume_id)

    @_translate(_volume_not_found)
    def roll_detaching(self, context, volume_id):
        self._client(context).volumes.roll_detaching(volume_id)

    @_translate(_volume_not_found)
    def reset_volume_status(self, context, volume_id, status,
                            attach_status=None):
        """An administrator's os-reset_status: the volume's status (and
        attach status) set as given, nothing else changed."""
        self._client(context).volumes.reset_state(
            _quoted(volume_id), status, attach_status=attach_status)

    @_translate(_volume_not_found)
    def reimage_volume(self, context, volume_id, image_id,
                       reimage_reserved=False):
        """Write ``image_id`` over the volume (os-reimage, 3.68); with
        ``reimage_reserved`` a volume reserved for a server is accepted and
        the server is told with the ``volume-reimaged`` event once done."""
        self._check_microversion(context, REIMAGE_VERSION)
        client = self._client(context, REIMAGE_VERSION)
        client.volumes.reimage(volume_id, image_id, reimage_reserved)

    # ------------------------------------------------------- attachments ---

    @_translate(_volume_not_found)
    def attachment_create(self, context, volume_id, instance_id,
                          connector=None, mountpoint=None):
        """Reserve (no connector) or create a connected attachment."""
        self._check_microversion(context, ATTACHMENT_VERSION)
        if connector is not None and mountpoint:
            connector = dict(connector, mountpoint=mountpoint)
        client = self._client(context, ATTACHMENT_VERSION)
        attachment = client.attachments.create(volume_id, connector,
                                               instance_id)
        return _translate_attachment(attachment)

    @_translate(_attachment_not_found)
    def attachment_get(self, context, attachment_id):
        client = self._client(context, ATTACHMENT_VERSION)
        return _translate_attachment(client.attachments.show(attachment_id))

    @_translate(_volume_not_found)
    def attachment_list(self, context, volume_id=None, instance_id=None,
                        all_tenants=False):
        client = self._client(context, ATTACHMENT_VERSION)
        search = {'all_tenants': 1} if all_tenants else {}
        if volume_id:
            search['volume_id'] = volume_id
        if instance_id:
            search['instance_id'] = instance_id
        return [_translate_attachment(a) for a in
                client.attachments.list(detailed=True, search_opts=search)]

    @_translate(_attachment_not_found)
    def attachment_update(self, context, attachment_id, connector,
                          mountpoint=None):
        """Give the attachment its host connector; its connection_info."""
        if mountpoint:
            connector = dict(connector, mountpoint=mountpoint)
        client = self._client(context, ATTACHMENT_VERSION)
        attachment = _retry_on_server_error(
            lambda: client.attachments.update(attachment_id, connector))
        return _translate_attachment(attachment)

    @_translate(_attachment_not_found)
    def attachment_complete(self, context, attachment_id):
        client = self._client(context, ATTACHMENT_VERSION)
        client.attachments.complete(attachment_id)

    def attachment_delete(self, context, attachment_id):
        """Delete an attachment; one already gone counts as deleted."""
        client = self._client(context, ATTACHMENT_VERSION)
        try:
            _retry_on_server_error(
                lambda: client.attachments.delete(attachment_id))
        except (cinder_exception.NotFound, keystone_exception.NotFound):
            LOG.info('Attachment %s was already deleted', attachment_id)
        except (cinder_exception.ClientException,
                keystone_exception.ClientException) as error:
            translated = _translate_common(error)
            if translated is None:
                raise
            raise translated from error

    def attachment_delete_logged(self, context, attachment_id):
        """attachment_delete for rollbacks and cleanups: a failure is
        logged, not raised."""
        if not attachment_id:
            return
        try:
            self.attachment_delete(context, attachment_id)
        except Exception:
            LOG.exception('Deleting attachment %s failed', attachment_id)
