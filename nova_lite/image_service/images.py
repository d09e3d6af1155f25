"""Image resources: create, show, list, update (JSON patch), delete, data
upload and download, tags, the deactivate/reactivate actions and the
(empty) task list of an image."""

import struct
from urllib import parse as urlparse

from oslo_serialization import jsonutils
from oslo_utils import uuidutils
import webob
import webob.exc

from nova_lite.image_service import filestore
from nova_lite.image_service import listing
from nova_lite.image_service import policy
from nova_lite.image_service import schemas
from nova_lite.image_service import store as image_store
from nova_lite.image_service import validation
from nova_lite.image_service import views

PATCH_TYPES = ('application/openstack-images-v2.1-json-patch',
               'application/openstack-images-v2.0-json-patch')
OPS = ('add', 'remove', 'replace')


def json_response(status, body, headers=()):
    resp = webob.Response(status=status)
    resp.content_type = 'application/json'
    resp.charset = 'UTF-8'
    resp.body = jsonutils.dump_as_bytes(body)
    for key, value in headers:
        resp.headerlist.append((key, value))
    return resp


def no_content():
    resp = webob.Response(status=204)
    resp.content_type = None
    return resp


def json_body(req):
    try:
        return jsonutils.loads(req.body.decode('utf-8') or 'null')
    except (ValueError, UnicodeDecodeError):
        raise webob.exc.HTTPBadRequest(
            explanation='Malformed JSON in request body.')


def not_found(image_id):
    return webob.exc.HTTPNotFound(
        explanation='No image found with ID %s' % image_id)


def visible(ctx, image):
    if ctx.is_admin or image['owner'] == ctx.project_id:
        return True
    if image['visibility'] in ('public', 'community'):
        return True
    return image['visibility'] == 'shared' and \
        ctx.project_id in image['members']


def load(svc, ctx, image_id):
    """The image, when the caller may see it (404 otherwise, as Glance)."""
    try:
        image = svc.store.get(image_id)
    except image_store.NotFound:
        raise not_found(image_id)
    if not visible(ctx, image) or not svc.policy.allowed(
            ctx, 'get_image', policy.image_target(ctx, image)):
        raise not_found(image_id)
    return image


# ------------------------------------------------------------- create ---

def _check_visibility(svc, ctx, target, visibility):
    if visibility == 'public':
        svc.policy.enforce(ctx, 'publicize_image', target)
    elif visibility == 'community':
        svc.policy.enforce(ctx, 'communitize_image', target)


def create(svc, req, ctx):
    body = json_body(req)
    if not isinstance(body, dict):
        raise webob.exc.HTTPBadRequest(
            explanation='Body expected in request.' if body is None else
            "Provided object does not match schema 'image': %r is not of "
            "type 'object'" % (body,))
    values = {'status': 'queued', 'visibility': 'shared', 'protected': False,
              'os_hidden': False, 'min_disk': 0, 'min_ram': 0,
              'owner': ctx.project_id, 'name': None, 'disk_format': None,
              'container_format': None}
    properties = {}
    tags = []
    image_id = None
    for key, value in body.items():
        if key == 'id':
            image_id = validation.image_id(value)
            continue
        validation.check_writable(key)
        if key == 'tags':
            tags = validation.tags(value)
        elif key in schemas.SETTABLE:
            values[key] = validation.base_value(key, value)
        else:
            properties[key] = validation.property_value(key, value)
    if len(properties) > validation.MAX_PROPERTIES:
        raise webob.exc.HTTPRequestEntityTooLarge(
            explanation='Maximum number of image properties exceeded.')
    target = {'project_id': values['owner'], 'owner': values['owner'],
              'member_id': ctx.project_id,
              'visibility': values['visibility']}
    svc.policy.enforce(ctx, 'add_image', target)
    _check_visibility(svc, ctx, target, values['visibility'])
    try:
        image = svc.store.create(image_id or uuidutils.generate_uuid(),
                                 values, properties, tags)
    except image_store.Conflict:
        raise webob.exc.HTTPConflict(
            explanation='An image with identifier %s already exists'
            % image_id)
    return json_response(201, views.image(image), [
        ('Location', req.host_url + req.script_name + '/images/%s'
         % image['id'])])


# --------------------------------------------------------- show / list ---

def show(svc, req, ctx, image_id):
    return json_response(200, views.image(load(svc, ctx, image_id)))


def tasks(svc, req, ctx, image_id):
    """Glance's image tasks (API 2.12): the service runs none, so an
    image the caller sees has none (404 as for show otherwise)."""
    load(svc, ctx, image_id)
    return json_response(200, {'tasks': []})


def index(svc, req, ctx):
    svc.policy.enforce(ctx, 'get_images', policy.project_target(ctx))
    page, next_marker = listing.list_images(svc, ctx, req.GET)
    params = [(k, v) for k, v in req.GET.items() if k != 'marker']
    body = {'images': [views.image(i) for i in page],
            'first': '/v2/images', 'schema': '/v2/schemas/images'}
    if params:
        body['first'] += '?' + urlparse.urlencode(params)
    if next_marker:
        body['next'] = '/v2/images?' + urlparse.urlencode(
            params + [('marker', next_marker)])
    return json_response(200, body)


# -------------------------------------------------------------- update ---

def _decode_path(path):
    if not isinstance(path, str) or not path.startswith('/'):
        raise webob.exc.HTTPBadRequest(
            explanation='Pointer `%s` does not start with "/".' % (path,))
    parts = path[1:].split('/')
    if len(parts) != 1:
        if parts[0] == 'locations':
            raise webob.exc.HTTPForbidden(
                explanation='It\'s not allowed to update locations if '
                            'locations are invisible.')
        raise webob.exc.HTTPBadRequest(
            explanation='Nested paths are not allowed')
    key = parts[0]
    if '~' in key.replace('~0', '').replace('~1', ''):
        raise webob.exc.HTTPBadRequest(
            explanation='Pointer `%s` contains "~" not part of a '
                        'recognized escape sequence.' % path)
    return key.replace('~1', '/').replace('~0', '~')


def _parse_changes(req):
    content_type = req.content_type
    if content_type not in PATCH_TYPES:
        raise webob.exc.HTTPUnsupportedMediaType(
            explanation='Content-Type must be one of: %s'
            % ', '.join(PATCH_TYPES))
    body = json_body(req)
    if not isinstance(body, list):
        raise webob.exc.HTTPBadRequest(
            explanation='Request body must be a JSON array of operation '
                        'objects.')
    changes = []
    for raw in body:
        if not isinstance(raw, dict):
            raise webob.exc.HTTPBadRequest(
                explanation='Operations must be JSON objects.')
        if 'op' in raw:
            op = raw['op']
            if op not in OPS:
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid operation: `%s`. It must be one of '
                                'the following: `add`, `remove`, `replace`.'
                    % (op,))
            if 'path' not in raw:
                raise webob.exc.HTTPBadRequest(
                    explanation='Unable to find `path` in JSON Schema '
                                'change')
        else:
            # The older form: the operation's name holds the path.
            named = [name for name in OPS if name in raw]
            if len(named) != 1:
                raise webob.exc.HTTPBadRequest(
                    explanation='Operation objects must contain exactly one '
                                'member named "add", "remove", or '
                                '"replace".')
            op = named[0]
            raw = dict(raw, path=raw[op])
        if op != 'remove' and 'value' not in raw:
            raise webob.exc.HTTPBadRequest(
                explanation='Operation "%s" requires a member named '
                            '"value".' % op)
        changes.append((op, _decode_path(raw['path']), raw.get('value')))
    return changes


def update(svc, req, ctx, image_id):
    changes = _parse_changes(req)
    image = load(svc, ctx, image_id)
    target = policy.image_target(ctx, image)
    svc.policy.enforce(ctx, 'modify_image', target)
    values, props, removed = {}, dict(image['properties']), set()
    tags = None
    for op, key, value in changes:
        validation.check_writable(key)
        if key == 'tags':
            if op == 'remove':
                raise webob.exc.HTTPForbidden(
                    explanation="Attribute 'tags' can't be removed.")
            tags = validation.tags(value)
        elif key in schemas.SETTABLE or key in ('locations',):
            if key == 'locations':
                raise webob.exc.HTTPForbidden(
                    explanation='It\'s not allowed to update locations if '
                                'locations are invisible.')
            if op == 'remove':
                raise webob.exc.HTTPForbidden(
                    explanation="Properties %s must be set, they can't be "
                                "removed." % key)
            value = validation.base_value(key, value)
            if key in ('disk_format', 'container_format') and \
                    image['status'] != 'queued' and value != image[key]:
                raise webob.exc.HTTPForbidden(
                    explanation='Attribute %s can be only replaced for a '
                                'queued image.' % key)
            if key == 'visibility' and value != image['visibility']:
                _check_visibility(svc, ctx, target, value)
            if key == 'owner' and value != image['owner'] and \
                    not ctx.is_admin:
                raise webob.exc.HTTPForbidden(
                    explanation='Owner can\'t be updated by non admin.')
            values[key] = value
        elif op == 'remove':
            if key not in props:
                raise webob.exc.HTTPConflict(
                    explanation='Property %s does not exist.' % key)
            del props[key]
            removed.add(key)
        else:
            if op == 'add' and key in props and \
                    key in image['properties'] and key not in removed:
                raise webob.exc.HTTPConflict(
                    explanation='Property %s already present.' % key)
            if op == 'replace' and key not in props:
                raise webob.exc.HTTPConflict(
                    explanation='Property %s does not exist.' % key)
            props[key] = validation.property_value(key, value)
            removed.discard(key)
    if len(props) > validation.MAX_PROPERTIES:
        raise webob.exc.HTTPRequestEntityTooLarge(
            explanation='Maximum number of image properties exceeded.')
    changed = {k: v for k, v in props.items()
               if image['properties'].get(k, object()) != v}
    try:
        image = svc.store.update(image_id, values, changed, removed, tags)
    except image_store.NotFound:
        raise not_found(image_id)
    return json_response(200, views.image(image))


# -------------------------------------------------------------- delete ---

def delete(svc, req, ctx, image_id):
    image = load(svc, ctx, image_id)
    svc.policy.enforce(ctx, 'delete_image', policy.image_target(ctx, image))
    if image['protected']:
        raise webob.exc.HTTPForbidden(
            explanation='Image %s is protected and cannot be deleted.'
            % image_id)
    try:
        svc.store.delete(image_id)
    except image_store.NotFound:
        raise not_found(image_id)
    return no_content()


# ---------------------------------------------------------------- data ---

def _virtual_size(disk_format, path, size):
    if disk_format == 'raw':
        return size
    if disk_format == 'qcow2':
        with open(path, 'rb') as data:
            header = data.read(32)
        if len(header) == 32 and header[:4] == b'QFI\xfb':
            return struct.unpack('>Q', header[24:32])[0]
    return None


class _Input:
    def __init__(self, environ):
        self.stream = environ['wsgi.input']
        length = environ.get('CONTENT_LENGTH')
        self.left = int(length) if length else None

    def read(self, size):
        if self.left is not None:
            if self.left <= 0:
                return b''
            size = min(size, self.left)
        data = self.stream.read(size)
        if self.left is not None:
            self.left -= len(data)
        return data


def upload(svc, req, ctx, image_id):
    if req.content_type != 'application/octet-stream':
        raise webob.exc.HTTPUnsupportedMediaType(
            explanation='Content-Type must be application/octet-stream')
    image = load(svc, ctx, image_id)
    svc.policy.enforce(ctx, 'upload_image', policy.image_target(ctx, image))
    if not svc.store.set_status(image_id, ('queued',), 'saving'):
        current = svc.store.get(image_id)['status']
        raise webob.exc.HTTPConflict(
            explanation='Image status transition from %s to saving is not '
                        'allowed' % current)
    try:
        size, md5, sha = svc.store.files.write(
            image_id, _Input(req.environ),
            svc.conf.image_service.image_size_cap)
    except filestore.ImageTooLarge:
        svc.store.set_status(image_id, ('saving',), 'queued')
        raise webob.exc.HTTPRequestEntityTooLarge(
            explanation='Image exceeds the storage quota: the image size '
                        'cap is %d bytes.'
            % svc.conf.image_service.image_size_cap)
    except BaseException:
        svc.store.set_status(image_id, ('saving',), 'queued')
        raise
    virtual = _virtual_size(image['disk_format'],
                            svc.store.files.path_for(image_id), size)
    if not svc.store.set_status(
            image_id, ('saving',), 'active', size=size, checksum=md5,
            os_hash_algo=filestore.HASH_ALGO, os_hash_value=sha,
            virtual_size=virtual):
        svc.store.files.delete(image_id)
        raise webob.exc.HTTPGone(
            explanation='Image %s could not be found after upload. The '
                        'image may have been deleted during the upload.'
            % image_id)
    return no_content()


def download(svc, req, ctx, image_id):
    image = load(svc, ctx, image_id)
    svc.policy.enforce(ctx, 'download_image',
                       policy.image_target(ctx, image))
    if image['status'] == 'deactivated' and not ctx.is_admin:
        raise webob.exc.HTTPForbidden(
            explanation='The requested image has been deactivated. Image '
                        'data download is forbidden.')
    if image['status'] not in ('active', 'deactivated') or \
            not svc.store.files.exists(image_id):
        return no_content()
    resp = webob.Response(status=200)
    resp.content_type = 'application/octet-stream'
    resp.app_iter = filestore.iter_file(svc.store.files.open(image_id))
    resp.content_length = image['size']
    if image['checksum']:
        resp.headers['Content-MD5'] = image['checksum']
    return resp


# ---------------------------------------------------------------- tags ---

def add_tag(svc, req, ctx, image_id, tag):
    image = load(svc, ctx, image_id)
    svc.policy.enforce(ctx, 'modify_image', policy.image_target(ctx, image))
    if len(tag) > 255:
        raise webob.exc.HTTPBadRequest(
            explanation="Provided object does not match schema 'image': %r "
                        "is too long" % tag)
    if tag not in image['tags'] and \
            len(image['tags']) >= validation.MAX_TAGS:
        raise webob.exc.HTTPRequestEntityTooLarge(
            explanation='Maximum number of tags exceeded (%d)'
            % validation.MAX_TAGS)
    svc.store.add_tag(image_id, tag)
    return no_content()


def delete_tag(svc, req, ctx, image_id, tag):
    image = load(svc, ctx, image_id)
    svc.policy.enforce(ctx, 'modify_image', policy.image_target(ctx, image))
    if tag not in image['tags']:
        raise webob.exc.HTTPNotFound(explanation='Tag %s not found' % tag)
    svc.store.update(image_id, tags=[t for t in image['tags'] if t != tag])
    return no_content()


# ------------------------------------------------------------- actions ---

def _action(svc, ctx, image_id, action, source, dest):
    image = load(svc, ctx, image_id)
    svc.policy.enforce(ctx, action, policy.image_target(ctx, image))
    if image['status'] == dest:
        return no_content()
    if image['status'] != source or not svc.store.set_status(
            image_id, (source,), dest):
        raise webob.exc.HTTPForbidden(
            explanation='Not allowed to %s image in status \'%s\''
            % (action, image['status']))
    return no_content()


def deactivate(svc, req, ctx, image_id):
    return _action(svc, ctx, image_id, 'deactivate', 'active', 'deactivated')


def reactivate(svc, req, ctx, image_id):
    return _action(svc, ctx, image_id, 'reactivate', 'deactivated', 'active')
