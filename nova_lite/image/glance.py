"""The compute API's image look-ups: the image service found through
``[glance] api_servers`` or the request's service catalog (``[glance]
catalog_info``), with the caller's token, as nova's glance client does.

With neither (a compute API running without an image service), images come
from the static ``[image_catalog] images`` list.
"""

import logging
import os
import random
import threading

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from oslo_serialization import jsonutils
from oslo_utils import uuidutils

from nova_lite import exception
from nova_lite import http_settings
from nova_lite.image import catalog
from nova_lite.volume import cinder

LOG = logging.getLogger(__name__)


class Image:
    """An image as the compute API uses it (the Image v2 record)."""

    def __init__(self, body, conf=None):
        self.body = body
        self.id = body['id']
        self.name = body.get('name')
        self.status = body.get('status')
        self.size = body.get('size')
        self.min_disk = body.get('min_disk') or 0
        self.min_ram = body.get('min_ram') or 0
        # The data file, when the image service is the built-in one of
        # this host (its file store under state_path): read in place, as
        # nova and Cinder read a Glance file store's direct_url.
        self.path = local_path(conf, self.id) if conf is not None and \
            self.status == 'active' else None
        self.properties = {k: v for k, v in body.items()
                           if k not in BASE_ATTRIBUTES}

    def to_v2(self):
        return dict(self.body)


def local_path(conf, image_id):
    """The data file of ``image_id`` in the built-in image service's file
    store of this host, or None."""
    if not uuidutils.is_uuid_like(image_id):
        return None
    root = conf.image_service.images_path or os.path.join(
        conf.state_path, 'images')
    path = os.path.join(root, image_id)
    return path if os.path.isfile(path) else None


BASE_ATTRIBUTES = frozenset((
    'id', 'name', 'status', 'visibility', 'protected', 'os_hidden',
    'checksum', 'os_hash_algo', 'os_hash_value', 'owner', 'size',
    'virtual_size', 'container_format', 'disk_format', 'created_at',
    'updated_at', 'tags', 'direct_url', 'min_ram', 'min_disk', 'self',
    'file', 'schema', 'locations', 'stores'))


def endpoint(conf, context):
    """The image service's URL (without /v2), or None when none is known."""
    servers = conf.glance.api_servers
    if servers:
        return random.choice(servers).rstrip('/')
    service_catalog = getattr(context, 'service_catalog', None)
    if not service_catalog:
        return None
    service_type, service_name, interface = conf.glance.catalog_info.split(
        ':', 2)
    auth = cinder.ContextAuth(None, service_catalog)
    try:
        url = auth.get_endpoint(None, service_type=service_type,
                                interface=interface,
                                region_name=conf.glance.region_name,
                                service_name=service_name or None)
    except ks_exc.EndpointNotFound:
        return None
    return url.rstrip('/') if url else None


_LOCK = threading.Lock()
_ATTR = '_nova_lite_glance_session'


def _session(conf):
    """The session image calls of ``conf`` go through, kept: its
    connections to the image service stay open from call to call (a new
    session per call opened a new connection each time)."""
    session = vars(conf).get(_ATTR)
    if session is None:
        with _LOCK:
            session = vars(conf).get(_ATTR)
            if session is None:
                session = ks_session.Session()
                http_settings.remember_environment(session.session)
                setattr(conf, _ATTR, session)
    return session


def _request(conf, context, method, path, headers_extra=None, **kwargs):
    base = endpoint(conf, context)
    if base is None:
        return None
    headers = {'Accept': 'application/json'}
    headers.update(headers_extra or {})
    token = getattr(context, 'auth_token', None)
    if token:
        headers['X-Auth-Token'] = token
    roles = getattr(context, 'roles', None)
    if roles and conf.api.auth_strategy == 'noauth2':
        # Without Keystone the token names no roles: the image service
        # is told the caller's (X-Roles only narrows what noauth2 gives).
        headers['X-Roles'] = ','.join(roles)
    if getattr(context, 'global_id', None):
        headers['X-OpenStack-Request-ID'] = context.global_id
    session = _session(conf)
    try:
        return session.request(
            base + path, method, headers=headers, raise_exc=False,
            connect_retries=conf.glance.num_retries,
            timeout=conf.glance.timeout, **kwargs)
    except ks_exc.ConnectionError as error:
        LOG.warning('The image service at %s is unreachable: %s', base,
                    error)
        raise exception.ServiceUnavailable()


def get(conf, context, image_id):
    """The image ``image_id``; ImageNotFound when the caller cannot see
    it."""
    resp = _request(conf, context, 'GET', '/v2/images/%s' % image_id)
    if resp is None:
        return catalog.get(conf, image_id)
    if resp.status_code == 200:
        return Image(resp.json(), conf)
    if resp.status_code in (400, 403, 404):
        raise exception.ImageNotFound(image_id=image_id)
    LOG.warning('The image service answered %s to GET image %s',
                resp.status_code, image_id)
    raise exception.ServiceUnavailable()


def list_images(conf, context, params=None):
    """Images the caller sees (every page), or those of the static catalog
    without an image service."""
    resp = _request(conf, context, 'GET', '/v2/images',
                    params=params or {})
    if resp is None:
        return list(catalog.all_images(conf))
    images = []
    while True:
        if resp.status_code != 200:
            raise exception.ServiceUnavailable()
        body = resp.json()
        images.extend(Image(b) for b in body.get('images', ()))
        following = body.get('next')
        if not following:
            return images
        resp = _request(conf, context, 'GET', following)


def delete(conf, context, image_id):
    resp = _request(conf, context, 'DELETE', '/v2/images/%s' % image_id)
    if resp is None:
        raise exception.ImageNotFound(image_id=image_id)
    if resp.status_code in (200, 204):
        return
    if resp.status_code == 404:
        raise exception.ImageNotFound(image_id=image_id)
    if resp.status_code == 403:
        raise exception.Forbidden()
    raise exception.ServiceUnavailable()


def _as_image(catalog_image):
    return Image(catalog_image.to_v2())


def _error_message(resp):
    """The text of an image service fault."""
    try:
        body = resp.json()
    except ValueError:
        return resp.text
    message = body.get('message') if isinstance(body, dict) else None
    # webob's faults end their message with HTML line breaks.
    return (message or resp.text).split('<br', 1)[0].strip()


def list_page(conf, context, filters=None, limit=None, marker=None):
    """At most ``limit`` images (every one without it) after ``marker``
    that match the Image v2 ``filters``; Invalid when the image service
    refuses the filters or the marker."""
    params = dict(filters or {})
    if marker is not None:
        params['marker'] = marker
    if limit is not None:
        params['limit'] = limit
    resp = _request(conf, context, 'GET', '/v2/images', params=params)
    if resp is None:
        images = [_as_image(i) for i in catalog.all_images(conf)]
        if marker is not None:
            ids = [i.id for i in images]
            if marker not in ids:
                raise exception.Invalid(
                    'Invalid marker. Image %s could not be found.' % marker)
            images = images[ids.index(marker) + 1:]
        return images if limit is None else images[:limit]
    images = []
    while True:
        if resp.status_code == 400:
            raise exception.Invalid(_error_message(resp))
        if resp.status_code != 200:
            LOG.warning('The image service answered %s to an image list',
                        resp.status_code)
            raise exception.ServiceUnavailable()
        body = resp.json()
        images.extend(Image(b) for b in body.get('images', ()))
        following = body.get('next')
        if not following or (limit is not None and len(images) >= limit):
            return images if limit is None else images[:limit]
        resp = _request(conf, context, 'GET', following)


def update_properties(conf, context, image, properties):
    """Make ``properties`` the custom properties of ``image`` (those it
    has and ``properties`` lacks are removed), as nova's image update with
    purge_props does; the updated image."""
    changes = []
    for key in sorted(set(image.properties) - set(properties)):
        changes.append({'op': 'remove', 'path': '/%s' % _pointer(key)})
    for key in sorted(properties):
        value = properties[key]
        if key not in image.properties:
            changes.append({'op': 'add', 'path': '/%s' % _pointer(key),
                            'value': value})
        elif image.properties[key] != value:
            changes.append({'op': 'replace', 'path': '/%s' % _pointer(key),
                            'value': value})
    if not changes:
        return image
    resp = _request(conf, context, 'PATCH', '/v2/images/%s' % image.id,
                    json=changes, headers_extra={
                        'Content-Type':
                            'application/openstack-images-v2.1-json-patch'})
    if resp is None:
        raise exception.ImageNotAuthorized(image_id=image.id)
    if resp.status_code == 200:
        return Image(resp.json(), conf)
    if resp.status_code == 404:
        raise exception.ImageNotFound(image_id=image.id)
    if resp.status_code == 403:
        raise exception.ImageNotAuthorized(image_id=image.id)
    if resp.status_code in (400, 409, 413):
        raise exception.Invalid(_error_message(resp))
    LOG.warning('The image service answered %s to an update of image %s',
                resp.status_code, image.id)
    raise exception.ServiceUnavailable()


def _pointer(key):
    return key.replace('~', '~0').replace('/', '~1')


# ------------------------------------------------------ snapshots ---

def _raise_for(resp, image_id=None, what='request'):
    """nova's exception for an image service fault answer."""
    if resp.status_code == 404:
        raise exception.ImageNotFound(image_id=image_id)
    if resp.status_code == 403:
        raise exception.ImageNotAuthorized(image_id=image_id)
    if resp.status_code in (400, 409, 413):
        raise exception.Invalid(_error_message(resp))
    LOG.warning('The image service answered %s to the %s of image %s',
                resp.status_code, what, image_id)
    raise exception.ServiceUnavailable()


def _v2_body(image_meta):
    """An image of nova's form (``properties`` apart) as an Image v2
    create body: property values are strings (lists and dicts as JSON),
    ``size`` is not sent."""
    body = {}
    for name, value in image_meta.items():
        if name == 'properties':
            for key, prop in value.items():
                if key in ('kernel_id', 'ramdisk_id') and prop is not None \
                        and str(prop).strip().lower() in ('none', ''):
                    continue
                if prop is None or isinstance(prop, str):
                    body[key] = prop
                elif isinstance(prop, (list, dict)):
                    body[key] = jsonutils.dumps(prop)
                else:
                    body[key] = str(prop)
        elif name in ('min_ram', 'min_disk'):
            body[name] = int(value)
        elif name in ('size', 'deleted', 'id'):
            continue
        else:
            body[name] = value
    return body


def create(conf, context, image_meta):
    """A new image of ``image_meta`` (nova's form: ``name``,
    ``visibility``, ``min_ram``, ``min_disk``, ``properties``...): queued
    for an upload, or active and empty when its ``size`` is 0 (the image
    of a volume-backed snapshot). A property ``instance_owner`` makes
    that project a member of the image. Returns the Image."""
    meta = dict(image_meta)
    properties = dict(meta.get('properties') or {})
    member = properties.pop('instance_owner', None)
    meta['properties'] = properties
    activate = meta.get('size') == 0
    resp = _request(conf, context, 'POST', '/v2/images',
                    json=_v2_body(meta),
                    headers_extra={'Content-Type': 'application/json'})
    if resp is None:
        raise exception.ImageNotAuthorized(image_id=None)
    if resp.status_code != 201:
        _raise_for(resp, None, 'create')
    image = Image(resp.json(), conf)
    if member:
        resp = _request(conf, context, 'POST',
                        '/v2/images/%s/members' % image.id,
                        json={'member': member},
                        headers_extra={'Content-Type': 'application/json'})
        if resp.status_code not in (200, 409):
            _raise_for(resp, image.id, 'sharing')
    if activate:
        return upload(conf, context, image.id, b'')
    return image


def upload(conf, context, image_id, data, disk_format=None,
           container_format=None):
    """Give the queued image ``image_id`` its formats and its data (bytes
    or a binary file object); the active Image."""
    changes = []
    if disk_format:
        changes.append({'op': 'replace', 'path': '/disk_format',
                        'value': disk_format})
    if container_format:
        changes.append({'op': 'replace', 'path': '/container_format',
                        'value': container_format})
    if changes:
        resp = _request(conf, context, 'PATCH', '/v2/images/%s' % image_id,
                        json=changes, headers_extra={
                            'Content-Type':
                                'application/openstack-images-v2.1-json-patch'})
        if resp is None or resp.status_code != 200:
            _raise_for(resp, image_id, 'update')
    resp = _request(conf, context, 'PUT', '/v2/images/%s/file' % image_id,
                    data=data, headers_extra={
                        'Content-Type': 'application/octet-stream'})
    if resp is None:
        raise exception.ImageNotFound(image_id=image_id)
    if resp.status_code not in (201, 204):
        _raise_for(resp, image_id, 'upload')
    return get(conf, context, image_id)


def list_by_properties(conf, context, properties, sort_key='created_at',
                       sort_dir='desc'):
    """Every image the caller sees whose properties have the values of
    ``properties``, sorted."""
    params = dict(properties)
    params.update(sort_key=sort_key, sort_dir=sort_dir)
    return list_images(conf, context, params)
