"""Handlers of the block storage API, one function per route.

Each handler takes ``(req, api_req, **url_args)`` -- the webob request and
the :class:`nova_lite.block_storage.views.Request` -- and returns
``(status, body)``.
"""

import ast
import logging

from oslo_config import cfg
from oslo_utils import strutils

from nova_lite.web import validation
from nova_lite.block_storage import actions
from nova_lite.block_storage import compute
from nova_lite.block_storage import exception
from nova_lite.block_storage import schemas
from nova_lite.block_storage import snapshots
from nova_lite.block_storage import store as store_module
from nova_lite.block_storage import views
from nova_lite import exception as nl_exception
from nova_lite.image import glance as image_api
from nova_lite.policies import block_storage as policy

LOG = logging.getLogger(__name__)

VOLUME_FILTERS = ('name', 'status', 'metadata', 'bootable',
                  'migration_status', 'availability_zone', 'group_id',
                  'size', 'created_at', 'updated_at', 'project_id')
LIST_PARAMS = ('limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'offset',
               'with_count', 'all_tenants', 'is_public')


def _body(req, schema):
    body = validation.request_body(req)
    if body is None:
        raise nl_exception.ValidationError(
            detail='The request body is missing or empty.')
    validation.validate(schema, body)
    return body


def _require(api_req, version, method_version):
    if not api_req.at_least(method_version):
        raise exception.VersionNotFoundForAPIMethod(version=version)


def _authorize(api_req, rule, project_id=None):
    api_req.ctx.can(rule, {'project_id': project_id or
                           api_req.ctx.project_id,
                           'user_id': api_req.ctx.user_id})


def _bool(value, name='value'):
    """A strict boolean; anything else is a 400, as Cinder's
    get_bool_param answers."""
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise nl_exception.Invalid(
            "Value '%s' for '%s' is not a boolean." % (value, name))


def _integer(value, reason):
    """int(value); 400 with ``reason`` for what int() refuses (a string
    of more digits than it converts)."""
    try:
        return int(value)
    except ValueError:
        raise exception.InvalidInput(reason=reason)


# ------------------------------------------------------------- volumes ---

def _parse_sort(params):
    sort = []
    if 'sort' in params:
        for item in params['sort'].split(','):
            key, _sep, direction = item.strip().partition(':')
            sort.append((key, direction or 'desc'))
    elif 'sort_key' in params:
        sort.append((params['sort_key'], params.get('sort_dir', 'desc')))
    for key, direction in sort:
        if key not in ('created_at', 'updated_at', 'id', 'name', 'size',
                       'status', 'display_name', 'availability_zone',
                       'bootable'):
            raise exception.InvalidInput(reason='Invalid sort key')
        if direction not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason="Unknown sort direction, must be 'desc' or 'asc'")
    return sort or None


def _parse_limit(params):
    if 'limit' not in params:
        return None
    try:
        limit = int(params['limit'])
    except ValueError:
        raise exception.InvalidInput(
            reason='limit param must be an integer')
    if limit < 0:
        raise exception.InvalidInput(
            reason='limit param must be positive')
    return limit


def list_volumes(req, api_req, detail=False):
    store = req.environ['nova_lite.block_storage']
    ctx = api_req.ctx
    _authorize(api_req, policy.GET_ALL)
    params = dict(req.GET.items())
    unknown = [k for k in params if k not in VOLUME_FILTERS + LIST_PARAMS]
    if unknown and api_req.at_least('3.31'):
        raise exception.InvalidInput(
            reason='Invalid filters %s are found in query options.'
            % ','.join(sorted(unknown)))
    all_projects = ctx.is_admin and _bool(params.get('all_tenants', 'false'),
                                          'all_tenants')
    filters = {}
    for key in VOLUME_FILTERS:
        if key not in params:
            continue
        value = params[key]
        if key == 'bootable':
            value = _bool(value, key)
        elif key == 'metadata':
            try:
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                raise exception.InvalidInput(
                    reason='metadata filter must be a dictionary')
            if not isinstance(value, dict):
                raise exception.InvalidInput(
                    reason='metadata filter must be a dictionary')
        elif key == 'size':
            try:
                value = int(value)
            except ValueError:
                raise exception.InvalidInput(
                    reason='size filter must be an integer')
        elif key in ('created_at', 'updated_at', 'group_id',
                     'migration_status'):
            continue
        filters[key] = value
    if 'project_id' in filters:
        all_projects = all_projects or ctx.is_admin
    limit = _parse_limit(params)
    volumes, count = store.list_volumes(
        ctx, filters, all_projects=all_projects, limit=limit,
        marker=params.get('marker'), sort=_parse_sort(params))
    next_marker = None
    if limit is not None and len(volumes) == limit and limit and \
            count > limit:
        next_marker = volumes[-1].id
    with_count = _bool(params.get('with_count', 'false'), 'with_count')
    keep = {k: v for k, v in params.items() if k != 'marker'}
    return 200, views.volume_list(
        api_req, volumes, detail, count=count if with_count else None,
        next_marker=next_marker, params=keep)


def list_volumes_detail(req, api_req):
    return list_volumes(req, api_req, detail=True)


def show_volume(req, api_req, volume_id):
    store = req.environ['nova_lite.block_storage']
    volume = store.get_volume(api_req.ctx, volume_id)
    _authorize(api_req, policy.GET, volume.project_id)
    return 200, {'volume': views.volume_detail(api_req, volume)}


def create_volume(req, api_req):
    store = req.environ['nova_lite.block_storage']
    conf = req.environ['nova_lite.conf']
    _authorize(api_req, policy.CREATE)
    body = _body(req, schemas.create_volume)['volume']
    snapshot = None
    if body.get('snapshot_id'):
        snapshot = snapshots.get(store, api_req.ctx, body['snapshot_id'])
    if body.get('backup_id'):
        raise nl_exception.NotFound(
            'Backup %s could not be found.' % body['backup_id'])
    if body.get('group_id'):
        raise nl_exception.NotFound(
            'Group %s could not be found.' % body['group_id'])
    if body.get('consistencygroup_id'):
        raise nl_exception.NotFound(
            'ConsistencyGroup %s could not be found.'
            % body['consistencygroup_id'])
    size = body.get('size')
    source = body.get('source_volid')
    if size is None and source:
        size = store.get_volume(api_req.ctx, source).size
    if size is None and snapshot is not None:
        size = snapshot.volume_size
    reason = "Volume size '%s' must be an integer and greater than 0" % size
    if size is None or _integer(size, reason) < 1:
        raise exception.InvalidInput(reason=reason)
    if snapshot is not None:
        snapshots.check_size(snapshot, int(size))
    image = None
    image_ref = body.get('imageRef') or body.get('image_id')
    if image_ref:
        _authorize(api_req, policy.CREATE_FROM_IMAGE)
        try:
            image = image_api.get(conf, api_req.ctx,
                                  image_ref.rsplit('/', 1)[-1])
        except nl_exception.ImageNotFound:
            raise exception.ImageNotAccessible()
    volume = store.create_volume(
        api_req.ctx, int(size),
        name=body.get('name', body.get('display_name')),
        description=body.get('description',
                             body.get('display_description')),
        volume_type=body.get('volume_type'),
        metadata=body.get('metadata'), image=image,
        availability_zone=body.get('availability_zone'),
        source_volid=source,
        snapshot_id=snapshot.id if snapshot is not None else None,
        image_metadata=store_module.image_metadata_of(image) if image
        else None)
    return 202, {'volume': views.volume_detail(api_req, volume,
                                               extended=False)}


def update_volume(req, api_req, volume_id):
    store = req.environ['nova_lite.block_storage']
    body = _body(req, schemas.update_volume)['volume']
    volume = store.get_volume(api_req.ctx, volume_id)
    _authorize(api_req, policy.UPDATE, volume.project_id)
    values = {}
    for key, column in (('name', 'display_name'),
                        ('display_name', 'display_name'),
                        ('description', 'display_description'),
                        ('display_description', 'display_description')):
        if key in body:
            values[column] = body[key]
    if 'metadata' in body:
        values['metadata'] = body['metadata'] or {}
    volume = store.update_volume(api_req.ctx, volume_id, values)
    return 200, {'volume': views.volume_detail(api_req, volume,
                                               extended=False)}


def delete_volume(req, api_req, volume_id):
    store = req.environ['nova_lite.block_storage']
    volume = store.get_volume(api_req.ctx, volume_id)
    force = _bool(req.GET.get('force', 'false'), 'force')
    cascade = _bool(req.GET.get('cascade', 'false'), 'cascade')
    if force:
        _require(api_req, api_req.version, '3.23')
        _authorize(api_req, policy.FORCE_DELETE, volume.project_id)
    else:
        _authorize(api_req, policy.DELETE, volume.project_id)
    store.delete_volume(api_req.ctx, volume_id, force=force,
                        cascade=cascade)
    return 202, None


def volume_action(req, api_req, volume_id):
    store = req.environ['nova_lite.block_storage']
    body = validation.request_body(req)
    if not isinstance(body, dict) or len(body) != 1:
        raise nl_exception.ValidationError(
            detail='Malformed request body')
    action = next(iter(body))
    volume = store.get_volume(api_req.ctx, volume_id, for_view=False)
    project = volume.project_id
    ctx = api_req.ctx
    if action == 'os-reserve':
        _authorize(api_req, policy.RESERVE, project)
        store.reserve(ctx, volume_id)
    elif action == 'os-unreserve':
        _authorize(api_req, policy.UNRESERVE, project)
        store.unreserve(ctx, volume_id)
    elif action == 'os-begin_detaching':
        _authorize(api_req, policy.BEGIN_DETACHING, project)
        store.begin_detaching(ctx, volume_id)
    elif action == 'os-roll_detaching':
        _authorize(api_req, policy.ROLL_DETACHING, project)
        store.roll_detaching(ctx, volume_id)
    elif action == 'os-set_bootable':
        validation.validate(schemas.set_bootable, body)
        _authorize(api_req, policy.SET_BOOTABLE, project)
        store.set_bootable(ctx, volume_id,
                           _bool(str(body[action]['bootable'])))
        return 200, None
    elif action == 'os-extend':
        validation.validate(schemas.extend, body)
        _authorize(api_req, policy.EXTEND, project)
        if volume.status == 'in-use':
            _require(api_req, api_req.version, '3.42')
        store.extend(ctx, volume_id, _integer(
            body[action]['new_size'], 'new_size must be an integer'))
    elif action == 'os-reset_status':
        validation.validate(schemas.reset_status, body)
        _authorize(api_req, policy.RESET_STATUS, project)
        store.reset_status(ctx, volume_id, dict(body[action] or {}))
    elif action == 'os-reimage':
        _reimage(req, api_req, volume_id, body)
    elif action == 'os-force_delete':
        _authorize(api_req, policy.FORCE_DELETE, project)
        store.delete_volume(ctx, volume_id, force=True)
    elif action == 'os-retype':
        return actions.do_retype(req, api_req, volume_id, body)
    elif action == 'os-show_image_metadata':
        return actions.do_show_image_metadata(req, api_req, volume_id, body)
    elif action == 'os-set_image_metadata':
        return actions.do_set_image_metadata(req, api_req, volume_id, body)
    elif action == 'os-unset_image_metadata':
        return actions.do_unset_image_metadata(req, api_req, volume_id,
                                               body)
    else:
        raise nl_exception.ValidationError(
            detail='There is no such action: %s' % action)
    return 202, None


def _reimage(req, api_req, volume_id, body):
    """os-reimage (3.68): write an image over the volume; when the volume
    was reserved for a server, the compute API is told once done."""
    _require(api_req, api_req.version, '3.68')
    store = req.environ['nova_lite.block_storage']
    conf = req.environ['nova_lite.conf']
    validation.validate(schemas.reimage, body)
    params = body['os-reimage']
    reserved = _bool(str(params.get('reimage_reserved', False)),
                     'reimage_reserved')
    ctx = api_req.ctx
    try:
        image = image_api.get(conf, ctx, params['image_id'])
    except nl_exception.ImageNotFound:
        raise exception.ImageNotFound(image_id=params['image_id'])

    def check(volume):
        rule = policy.REIMAGE_RESERVED if volume.status == 'reserved' \
            else policy.REIMAGE
        _authorize(api_req, rule, volume.project_id)

    credentials = compute.event_credentials(conf, ctx)

    def done(volume_id, servers, status):
        compute.volume_reimaged(conf, ctx, credentials, servers, volume_id)

    store.reimage(ctx, volume_id, image, reimage_reserved=reserved,
                  check=check, done=done)


# --------------------------------------------------------------- types ---

def list_types(req, api_req):
    store = req.environ['nova_lite.block_storage']
    is_public = True
    if api_req.ctx.is_admin:
        value = req.GET.get('is_public')
        if value is None:
            is_public = True
        elif value.lower() == 'none':
            is_public = None
        else:
            is_public = _bool(value, 'is_public')
    types = store.list_types(api_req.ctx, is_public=is_public)
    return 200, {'volume_types': [
        views.volume_type(api_req, t, brief=True, access=True,
                          qos=True)
        for t in types]}


def show_type(req, api_req, type_id):
    store = req.environ['nova_lite.block_storage']
    vtype = store.get_type(api_req.ctx, type_id)
    return 200, views.volume_type(api_req, vtype, access=True, qos=True)


def create_type(req, api_req):
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.TYPES_MANAGE)
    body = _body(req, schemas.create_type)['volume_type']
    store_module.check_extra_specs(body.get('extra_specs'))
    is_public = _bool(str(body.get('os-volume-type-access:is_public',
                                   True)))
    vtype = store.create_type(api_req.ctx, body['name'],
                              description=body.get('description'),
                              is_public=is_public,
                              extra_specs=body.get('extra_specs'))
    return 200, views.volume_type(api_req, vtype, access=True)


def update_type(req, api_req, type_id):
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.TYPES_MANAGE)
    body = _body(req, schemas.update_type)['volume_type']
    if not body:
        raise exception.InvalidInput(
            reason='Specify volume type name, description, is_public or a '
                   'combination thereof.')
    values = {}
    if 'name' in body:
        values['name'] = body['name']
    if 'description' in body:
        values['description'] = body['description']
    if 'is_public' in body:
        values['is_public'] = _bool(str(body['is_public']))
    vtype = store.update_type(api_req.ctx, type_id, values)
    return 200, views.volume_type(api_req, vtype)


def delete_type(req, api_req, type_id):
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.TYPES_MANAGE)
    store.delete_type(api_req.ctx, type_id)
    return 202, None


def list_extra_specs(req, api_req, type_id):
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.TYPES_EXTRA_SPECS)
    vtype = store.get_type(api_req.ctx, type_id)
    return 200, {'extra_specs': {s.key: s.value for s in vtype.extra_specs}}


def create_extra_specs(req, api_req, type_id):
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.TYPES_MANAGE)
    specs = _body(req, schemas.set_extra_specs)['extra_specs']
    store_module.check_extra_specs(specs)
    store.set_extra_specs(api_req.ctx, type_id, specs)
    return 200, {'extra_specs': specs}


def show_extra_spec(req, api_req, type_id, key):
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.TYPES_EXTRA_SPECS)
    vtype = store.get_type(api_req.ctx, type_id)
    for spec in vtype.extra_specs:
        if spec.key == key:
            return 200, {key: spec.value}
    raise exception.VolumeTypeExtraSpecsNotFound(
        volume_type_id=type_id, extra_specs_key=key)


def update_extra_spec(req, api_req, type_id, key):
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.TYPES_MANAGE)
    body = validation.request_body(req)
    if not isinstance(body, dict) or key not in body:
        raise exception.InvalidInput(reason='Request body and URI mismatch')
    if len(body) > 1:
        raise exception.InvalidInput(
            reason='Request body contains too many items')
    validation.validate(schemas.set_extra_specs, {'extra_specs': body})
    store_module.check_extra_specs(body)
    store.set_extra_specs(api_req.ctx, type_id, body)
    return 200, body


def delete_extra_spec(req, api_req, type_id, key):
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.TYPES_MANAGE)
    store.delete_extra_spec(api_req.ctx, type_id, key)
    return 202, None


# --------------------------------------------------------- attachments ---

ATTACHMENT_FILTERS = {'volume_id': 'volume_id', 'status': 'attach_status',
                      'attach_status': 'attach_status',
                      'instance_id': 'instance_uuid'}


def _attachments(req, api_req, detail):
    _require(api_req, api_req.version, '3.27')
    store = req.environ['nova_lite.block_storage']
    _authorize(api_req, policy.ATTACHMENT_GET)
    params = dict(req.GET.items())
    all_projects = api_req.ctx.is_admin and _bool(
        params.get('all_tenants', 'false'), 'all_tenants')
    filters = {column: params[key]
               for key, column in ATTACHMENT_FILTERS.items()
               if key in params}
    attachments = store.list_attachments(api_req.ctx, filters,
                                         all_projects=all_projects)
    render = views.attachment_detail if detail else \
        views.attachment_summary
    return 200, {'attachments': [render(a) for a in attachments]}


def list_attachments(req, api_req):
    return _attachments(req, api_req, detail=False)


def list_attachments_detail(req, api_req):
    return _attachments(req, api_req, detail=True)


def show_attachment(req, api_req, attachment_id):
    _require(api_req, api_req.version, '3.27')
    store = req.environ['nova_lite.block_storage']
    attachment = store.get_attachment(api_req.ctx, attachment_id)
    _authorize(api_req, policy.ATTACHMENT_GET, attachment.project_id)
    return 200, {'attachment': views.attachment_detail(attachment)}


def create_attachment(req, api_req):
    _require(api_req, api_req.version, '3.27')
    store = req.environ['nova_lite.block_storage']
    body = _body(req, schemas.create_attachment)['attachment']

    def check(volume):
        _authorize(api_req, policy.ATTACHMENT_CREATE, volume.project_id)
        if volume.multiattach and volume.bootable and \
                volume.status == 'in-use':
            _authorize(api_req, policy.MULTIATTACH_BOOTABLE,
                       volume.project_id)

    mode = 'null'
    if api_req.at_least('3.54'):
        mode = body.get('mode') or 'null'
    attachment = store.attachment_create(
        api_req.ctx, body['volume_uuid'], body.get('instance_uuid'),
        connector=body.get('connector'), mode=mode, check=check)
    return 200, {'attachment': views.attachment_detail(attachment)}


def update_attachment(req, api_req, attachment_id):
    _require(api_req, api_req.version, '3.27')
    store = req.environ['nova_lite.block_storage']
    body = _body(req, schemas.update_attachment)['attachment']
    attachment = store.attachment_update(
        api_req.ctx, attachment_id, body['connector'],
        check=lambda attachment: _authorize(
            api_req, policy.ATTACHMENT_UPDATE, attachment.project_id))
    return 200, {'attachment': views.attachment_detail(attachment)}


def is_service_request(conf, ctx):
    """Whether the request carries a service token with one of the roles
    of ``[keystone_authtoken] service_token_roles`` (``service`` when
    keystonemiddleware is not in use), as Cinder decides it."""
    try:
        wanted = conf.keystone_authtoken.service_token_roles
    except cfg.NoSuchOptError:
        wanted = ['service']
    roles = getattr(ctx, 'service_roles', None) or []
    return bool(set(roles) & set(wanted or ()))


def _check_attachment_deletion_allowed(req, api_req, attachment):
    """Only services (nova, with its service token) may delete an
    attachment that connects a volume to a server: a user deleting it
    would leave the volume connected to the compute host. As in Cinder,
    users may delete attachments without a server or not connected yet,
    and those the compute API does not use (it knows no such server or
    mapping, or maps the volume with another attachment). When the compute
    API cannot be asked, the delete is refused. Cinder's answer: 409."""
    conf = req.environ['nova_lite.conf']
    if is_service_request(conf, api_req.ctx):
        return
    if not attachment.instance_uuid or not attachment.connection_info:
        return
    try:
        used = compute.server_attachment_id(
            conf, api_req.ctx, attachment.instance_uuid,
            attachment.volume_id)
    except LookupError as error:
        LOG.warning('Could not ask the compute API whether server %s uses '
                    'attachment %s: %s', attachment.instance_uuid,
                    attachment.id, error)
    else:
        if used is None:
            LOG.warning('Server %s or its mapping of volume %s is unknown '
                        'to the compute API; deleting attachment %s, which '
                        'may leave the volume connected on a compute host',
                        attachment.instance_uuid, attachment.volume_id,
                        attachment.id)
            return
        if used != attachment.id:
            LOG.warning('The compute API maps volume %s of server %s with '
                        'attachment %s; deleting attachment %s',
                        attachment.volume_id, attachment.instance_uuid,
                        used, attachment.id)
            return
    LOG.error('Refused a user request to delete attachment %s of volume %s '
              'in use by server %s: the request must come from the '
              'compute service with its service token.', attachment.id,
              attachment.volume_id, attachment.instance_uuid)
    raise exception.ConflictNovaUsingAttachment(
        instance_id=attachment.instance_uuid)


def delete_attachment(req, api_req, attachment_id):
    _require(api_req, api_req.version, '3.27')
    store = req.environ['nova_lite.block_storage']

    def check(attachment):
        _authorize(api_req, policy.ATTACHMENT_DELETE, attachment.project_id)

    if not is_service_request(req.environ['nova_lite.conf'], api_req.ctx):
        # A user's delete may have to ask the compute API first: not while
        # the write transaction holds the volume.
        attachment = store.get_attachment(api_req.ctx, attachment_id)
        check(attachment)
        _check_attachment_deletion_allowed(req, api_req, attachment)
        check = None
    left = store.attachment_delete(api_req.ctx, attachment_id, check=check)
    return 200, {'attachments': [views.attachment_summary(a) for a in left]}


def attachment_action(req, api_req, attachment_id):
    _require(api_req, api_req.version, '3.44')
    store = req.environ['nova_lite.block_storage']
    _body(req, schemas.complete_attachment)
    store.attachment_complete(
        api_req.ctx, attachment_id,
        check=lambda attachment: _authorize(
            api_req, policy.ATTACHMENT_COMPLETE, attachment.project_id))
    return 204, None
