"""/servers: create, list, show, update, delete."""

import base64
import binascii
import logging

from oslo_utils import uuidutils
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import instance_actions
from nova_lite.api.controllers import ips
from nova_lite.api.controllers import server_actions
from nova_lite.api.controllers import server_common
from nova_lite.api.controllers import server_filters
from nova_lite.api.controllers import server_metadata
# The actions of these modules register on import.
from nova_lite.api.controllers import server_moves  # noqa: F401
from nova_lite.api.controllers import server_images  # noqa: F401
from nova_lite.api.controllers import server_rebuild  # noqa: F401
from nova_lite.api.controllers import server_state_actions  # noqa: F401
from nova_lite.api.controllers import server_tags
from nova_lite.api.controllers import volume_attachments
from nova_lite.api.expose import expose
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import servers as schemas
from nova_lite.api.views import links
from nova_lite.api.views import server_rows
from nova_lite.api.views import servers as views
from nova_lite import block_device
from nova_lite.compute import api as compute_api
from nova_lite.compute import availability_zones
from nova_lite.compute import keypairs as keypair_api
from nova_lite import exception
from nova_lite.image import glance as image_api
from nova_lite.objects import build_request
from nova_lite.objects import cell_mapping
from nova_lite.objects import flavor as flavor_obj

LOG = logging.getLogger(__name__)

SERVERS = server_common.SERVERS
# Detailed lists rendered from the servers' rows (False: from records, as
# every other server body; the two are the same bytes).
LIST_FROM_ROWS = True
REQUESTED_DESTINATION = 'compute:servers:create:requested_destination'


def _id_from_href(value):
    value = str(value)
    return value.rstrip('/').rsplit('/', 1)[-1] if '/' in value else value


def _check_flavor_fits_image(flavor, image, volume_backed=False):
    """nova's checks of the flavor against the image's ``min_ram``,
    ``min_disk`` and size (the disk ones only for a server booted from
    the flavor's root disk, when the flavor has one)."""
    if int(getattr(image, 'min_ram', 0) or 0) > flavor.memory_mb:
        raise webob.exc.HTTPBadRequest(
            explanation="Flavor's memory is too small for requested image.")
    root_bytes = flavor.root_gb * 1024 ** 3
    if volume_backed or not root_bytes:
        return
    min_disk = int(getattr(image, 'min_disk', 0) or 0) * 1024 ** 3
    if min_disk > root_bytes:
        raise webob.exc.HTTPBadRequest(
            explanation="Flavor's disk is too small for requested image. "
                        "Flavor disk is %d bytes, minimum size is %d bytes."
                        % (root_bytes, min_disk))
    size = int(getattr(image, 'size', 0) or 0)
    if size > root_bytes:
        raise webob.exc.HTTPBadRequest(
            explanation="Flavor's disk is too small for requested image. "
                        "Flavor disk is %d bytes, image is %d bytes."
                        % (root_bytes, size))


def _check_requested_networks(networks):
    """The checks nova makes of a ``networks`` list before it asks the
    network service (which nova_lite does not run) about it."""
    ports = []
    for network in networks:
        try:
            port = network.get('port')
            if port:
                if port in ports:
                    raise webob.exc.HTTPBadRequest(
                        explanation="Port ID '%s' was specified twice: you "
                                    "cannot attach a port multiple times."
                                    % port)
                if network.get('fixed_ip') is not None:
                    raise webob.exc.HTTPBadRequest(
                        explanation="Specified Fixed IP '%s' cannot be used "
                                    "with port '%s': the two cannot be "
                                    "specified together."
                                    % (network['fixed_ip'], port))
                ports.append(port)
            elif not uuidutils.is_uuid_like(network['uuid']):
                raise webob.exc.HTTPBadRequest(
                    explanation='Bad networks format: network uuid is not '
                                'in proper format (%s)' % network['uuid'])
        except KeyError as key:
            raise webob.exc.HTTPBadRequest(
                explanation='Bad network format: missing %s' % key)
        except (TypeError, AttributeError):
            raise webob.exc.HTTPBadRequest(explanation='Bad networks format')


class ServersController(common.RestController):
    _custom_actions = {'detail': ['GET']}

    action = server_actions.ServerActionsController()

    # -- list --------------------------------------------------------------------

    def _list(self, is_detail):
        ctx = common.context()
        req = pecan.request
        ctx.can(SERVERS % ('detail' if is_detail else 'index'),
                {'project_id': ctx.project_id, 'user_id': ctx.user_id})
        can_all = bool(ctx.can(SERVERS % 'allow_all_filters', fatal=False))
        built = server_filters.build(req, ctx, can_all, ctx.is_admin)
        if built is None:
            return {'servers': []}
        filters, all_tenants = built
        list_ctx = ctx
        if all_tenants:
            ctx.can(SERVERS % ('%s:get_all_tenants' %
                               ('detail' if is_detail else 'index')))
            list_ctx = ctx.elevated()
        limit, marker = common.get_limit_and_marker(
            {k: req.GET.getall(k)[-1] for k in ('limit', 'marker')
             if k in req.GET}, common.conf().api.max_limit)
        sort_keys, sort_dirs = server_filters.sort_params(req)
        # A detailed list reads its servers as rows and renders them
        # straight from those (views.server_rows).
        opts = listing = None
        if is_detail:
            opts = server_common.view_options(ctx, req)
            if LIST_FROM_ROWS:
                listing = compute_api.ListedServers(
                    extended=opts['show_extended_attrs'])
        try:
            instances = common.compute_api().get_all(
                list_ctx, filters, sort_keys, sort_dirs, limit=limit,
                marker=marker,
                cell_down_support=microversion.is_supported(req, '2.69'),
                listing=listing)
        except exception.MarkerNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='marker [%s] not found' % marker)
        next_marker = None
        if limit and len(instances) == limit:
            next_marker = instances[-1].uuid
        if not is_detail:
            return views.index(req, instances, next_marker=next_marker)
        host_statuses = {}
        if opts['show_host_status']:
            cell_uuids = listing.cell_uuids if listing is not None else {}
            host_statuses = {
                i.uuid: server_common.host_status(ctx, i, _cell_of(
                    ctx, i, cell_uuids.get(i.uuid)))
                for i in instances if not getattr(i, 'cell_down', False)}
        specs = None
        if server_common.wants_spec(req):
            specs = build_request.get_request_specs(
                ctx, [i.uuid for i in instances
                      if not getattr(i, 'cell_down', False)])
        if listing is not None:
            return server_rows.detail(
                req, instances, listing, host_statuses=host_statuses,
                next_marker=next_marker, specs=specs, **opts)
        return views.detail(req, instances, host_statuses=host_statuses,
                            next_marker=next_marker, specs=specs, **opts)

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        return self._list(is_detail=False)

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def detail(self, **kwargs):
        return self._list(is_detail=True)

    # -- show ----------------------------------------------------------------------

    @expose()
    @common.with_schemas(schemas.SHOW_QUERY_SCHEMAS, query=True)
    def get_one(self, server_id, **kwargs):
        ctx = common.context()
        req = pecan.request
        instance, cell = server_common.get_server(ctx, server_id)
        ctx.can(SERVERS % 'show', {'project_id': instance.project_id})
        return server_common.render(views.show, ctx, req, instance, cell)

    # -- create --------------------------------------------------------------------

    @expose(status=202)
    @common.with_schemas(schemas.CREATE_SCHEMAS)
    def post(self, **kwargs):
        body = kwargs['body']
        ctx = common.context()
        req = pecan.request
        conf = common.conf()
        server = body['server']
        target = {'project_id': ctx.project_id, 'user_id': ctx.user_id,
                  'availability_zone': server.get('availability_zone')}
        ctx.can(SERVERS % 'create', target)
        bdm_v2 = server.get('block_device_mapping_v2') or []
        legacy = server.get('block_device_mapping') or []
        if bdm_v2 and legacy:
            raise webob.exc.HTTPBadRequest(
                explanation='Using different block_device_mapping syntaxes '
                            'is not allowed in the same request.')
        if bdm_v2 or legacy:
            ctx.can(SERVERS % 'create:attach_volume', target)
        if server.get('networks') not in (None, 'none', 'auto'):
            ctx.can(SERVERS % 'create:attach_network', target)
            _check_requested_networks(server['networks'])
        try:
            zone, forced_host, forced_node = availability_zones.parse(
                conf, server.get('availability_zone'))
        except exception.InvalidInput as error:
            raise common.bad_request(error)
        if forced_host or forced_node:
            ctx.can(SERVERS % 'create:forced_host', target)
            zone = availability_zones.zone_for_forced_host(
                ctx, conf, zone, forced_host)
        requested = _requested_destination(ctx, req, server, target,
                                           forced_host or forced_node)
        hints = body.get('os:scheduler_hints') or \
            body.get('OS-SCH-HNT:scheduler_hints') or {}
        image_ref = _id_from_href(server.get('imageRef') or '') or ''
        try:
            min_count = int(server.get('min_count', 1))
            max_count = int(server.get('max_count', min_count))
        except ValueError:
            # Digit strings longer than int() converts pass the schema.
            raise webob.exc.HTTPBadRequest(
                explanation='min_count and max_count must be integers')
        if min_count > max_count:
            raise webob.exc.HTTPBadRequest(
                explanation='min_count must be <= max_count')
        image = None
        if image_ref:
            try:
                image = image_api.get(conf, ctx, image_ref)
            except exception.ImageNotFound as error:
                raise common.bad_request(error)
            if getattr(image, 'status', 'active') != 'active':
                raise webob.exc.HTTPBadRequest(
                    explanation='Image %s is not active.' % image_ref)
        flavor_id = _id_from_href(server['flavorRef'])
        try:
            flavor = flavor_obj.get_by_flavor_id(ctx, flavor_id)
        except exception.FlavorNotFound:
            raise webob.exc.HTTPBadRequest(
                explanation='Flavor %s could not be found.' % flavor_id)
        image_mappings = block_device.image_mappings(image)
        if image is not None:
            _check_flavor_fits_image(flavor, image, volume_backed=any(
                str(b.get('boot_index')) == '0' and
                b.get('destination_type') == 'volume'
                for b in list(bdm_v2) + image_mappings))
        key_name = server.get('key_name')
        key_data = None
        if key_name is not None:
            try:
                key_data = keypair_api.get_key_pair(
                    ctx, ctx.user_id, key_name).public_key
            except exception.KeypairNotFound:
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid key_name provided.')
        user_data = server.get('user_data')
        if user_data is not None:
            try:
                base64.b64decode(user_data, validate=True)
            except (TypeError, ValueError, binascii.Error):
                raise webob.exc.HTTPBadRequest(
                    explanation='Userdata content cannot be decoded')
        items = list(bdm_v2) + [_legacy_bdm(b) for b in legacy]
        if image_mappings:
            # An image of a volume-backed snapshot: its mappings, which
            # the request's override by device name.
            items = block_device.merge_image_mappings(image_mappings, items)
        try:
            bdms = block_device.transform(items, image_ref, min_count,
                                          max_count)
        except exception.Invalid as error:
            raise common.bad_request(error)
        if not image_ref and not bdms:
            raise webob.exc.HTTPBadRequest(
                explanation='Missing imageRef attribute')
        try:
            uuids, reservation_id = self._create(
                ctx, req, server, flavor, image_ref, bdms, min_count,
                max_count, user_data, hints, zone, forced_host, forced_node,
                key_data, requested, image=image)
        except (exception.VolumeNotFound, exception.InstanceGroupNotFound,
                exception.ComputeHostNotFound) as error:
            # A volume to boot with that does not exist: 400, as nova.
            raise common.bad_request(error)
        if server.get('return_reservation_id'):
            return Result({'reservation_id': reservation_id}, status=202)
        admin_pass = None
        if conf.api.enable_instance_password:
            admin_pass = server.get('adminPass') or \
                server_common.generate_password()
        resp = views.create(
            req, uuids[0], admin_pass,
            auto_disk_config=server_common.disk_config_values(server).get(
                'auto_disk_config'))
        location = links.server_links(req, uuids[0])[0]['href']
        return Result(resp, status=202, headers={'Location': location})

    @staticmethod
    def _create(ctx, req, server, flavor, image_ref, bdms, min_count,
                max_count, user_data, hints, zone, forced_host, forced_node,
                key_data=None, requested=None, image=None):
        return common.compute_api().create(
            ctx, flavor, server['name'], image_ref, bdms, image=image,
            hostname=server.get('hostname') if
            microversion.is_supported(req, '2.90') else None,
            auto_disk_config=server_common.disk_config_values(server).get(
                'auto_disk_config'),
            scheduler_hints=hints or {},
            min_count=min_count, max_count=max_count,
            description=server.get('description'),
            metadata=server.get('metadata'), tags=server.get('tags'),
            availability_zone=zone, forced_host=forced_host,
            forced_node=forced_node, **(requested or {}),
            user_data=user_data, config_drive=server.get('config_drive'),
            access_ip_v4=server.get('accessIPv4'),
            access_ip_v6=server_common.ipv6(server.get('accessIPv6')),
            key_name=server.get('key_name'), key_data=key_data,
            injected_files=[(f.get('path') or '', f.get('contents') or '')
                            for f in server.get('personality') or []],
            supports_multiattach=microversion.is_supported(req, '2.60'))

    # -- update --------------------------------------------------------------------

    @expose()
    @common.with_schemas(schemas.UPDATE_SCHEMAS)
    def put(self, server_id, **kwargs):
        body = kwargs['body']
        ctx = common.context()
        req = pecan.request
        instance, cell = server_common.get_server(ctx, server_id)
        ctx.can(SERVERS % 'update', {'project_id': instance.project_id,
                                     'user_id': instance.user_id})
        server = body['server']
        values = {}
        if 'name' in server:
            values['display_name'] = server['name']
        if 'description' in server:
            values['display_description'] = server['description']
        if 'accessIPv4' in server:
            values['access_ip_v4'] = server['accessIPv4'] or None
        if 'accessIPv6' in server:
            values['access_ip_v6'] = server_common.ipv6(server['accessIPv6'])
        if 'hostname' in server:
            values['hostname'] = server['hostname']
        values.update(server_common.disk_config_values(server))
        if 'pinned_availability_zone' in server and \
                microversion.is_supported(req, '2.104'):
            try:
                common.compute_api().pin_availability_zone(
                    ctx, instance, server['pinned_availability_zone'])
            except exception.Conflict as error:
                raise webob.exc.HTTPConflict(
                    explanation=error.format_message())
        try:
            instance = common.compute_api().update(ctx, instance, cell,
                                                   values)
        except exception.InstanceInvalidState as error:
            raise common.conflict_for_invalid_state(error, 'update',
                                                    server_id)
        return server_common.render(views.update, ctx, req, instance, cell)

    # -- delete --------------------------------------------------------------------

    @expose(status=204)
    def delete(self, server_id, **kwargs):
        ctx = common.context()
        instance, cell = server_common.get_server(ctx, server_id)
        ctx.can(SERVERS % 'delete', {'project_id': instance.project_id,
                                     'user_id': instance.user_id})
        api = common.compute_api()
        try:
            if common.conf().reclaim_instance_interval > 0:
                try:
                    api.soft_delete(ctx, instance, cell)
                except exception.InstanceInvalidState:
                    # Never ran (or locked): deleted for good, as nova does.
                    api.delete(ctx, instance, cell)
            else:
                api.delete(ctx, instance, cell)
        except exception.InstanceNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Instance could not be found')
        return None


def _requested_destination(ctx, req, server, target, forced):
    """2.74: the host and/or node a create asks for (administrators); the
    scheduler filters still apply to it."""
    host, node = server.get('host'), server.get('hypervisor_hostname')
    if not microversion.is_supported(req, '2.74') or not (host or node):
        return {}
    ctx.can(REQUESTED_DESTINATION, target)
    if forced:
        raise webob.exc.HTTPBadRequest(
            explanation='One mechanism with host and/or hypervisor_hostname '
                        'and another mechanism with zone:host:node are '
                        'mutually exclusive.')
    return {'requested_host': host, 'requested_node': node}


def _cell_of(ctx, instance, cell_uuid=None):
    """The cell mapping a listed instance was read from (or None): the
    record's, or ``cell_uuid`` for a row."""
    cell_uuid = cell_uuid or getattr(instance, 'cell_uuid', None)
    if not cell_uuid:
        return None
    try:
        return cell_mapping.get_cell(ctx, cell_uuid)
    except exception.CellMappingNotFound:
        return None


def _legacy_bdm(item):
    """A legacy ``block_device_mapping`` item as a v2 item."""
    out = {'source_type': 'volume', 'destination_type': 'volume',
           'device_name': item.get('device_name'),
           'delete_on_termination': item.get('delete_on_termination',
                                             False)}
    if item.get('snapshot_id'):
        out.update(source_type='snapshot', uuid=item['snapshot_id'])
    elif item.get('volume_id'):
        out['uuid'] = item['volume_id']
    if item.get('volume_size'):
        out['volume_size'] = item['volume_size']
    if item.get('device_name') in ('/dev/vda', 'vda'):
        out['boot_index'] = 0
    return out


pecan.route(ServersController, 'ips', ips.IPsController())
pecan.route(ServersController, 'os-volume_attachments',
            volume_attachments.VolumeAttachmentsController())
pecan.route(ServersController, 'metadata',
            server_metadata.ServerMetadataController())
pecan.route(ServersController, 'tags', server_tags.ServerTagsController())
pecan.route(ServersController, 'os-instance-actions',
            instance_actions.InstanceActionsController())
