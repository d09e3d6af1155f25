"""The rebuild server action: 202 with the server as it is being rebuilt.

The body is nova's per microversion: before 2.75 the reduced body of a
server update (key_name from 2.54), from 2.75 the full server; adminPass
when ``[api] enable_instance_password``, user_data from 2.57.
"""

import base64
import binascii

import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.controllers.server_actions import action
from nova_lite.api.expose import Result
from nova_lite.api import microversion
from nova_lite.api.schemas import server_actions as _schemas  # noqa: F401
from nova_lite.api.views import servers as views
from nova_lite import exception
from nova_lite.objects import build_request
from nova_lite.policies import server_actions as policies

REBUILD = policies.SERVERS % 'rebuild'
REBUILD_TRUSTED_CERTS = policies.SERVERS % 'rebuild:trusted_certs'


def _view(req, instance, *, host_status, show_extended_attrs,
          show_host_status, show_extra_specs, admin_pass, with_user_data,
          spec=None):
    if microversion.is_supported(req, '2.75'):
        body = views.show(req, instance,
                          show_extended_attrs=show_extended_attrs,
                          show_host_status=show_host_status,
                          host_status=host_status,
                          show_extra_specs=show_extra_specs, spec=spec)
        body['server'].pop('OS-EXT-SRV-ATTR:user_data', None)
    else:
        body = views.update(req, instance, show_extended_attrs=False,
                            show_host_status=False, host_status=None,
                            show_extra_specs=show_extra_specs)
        if microversion.is_supported(req, '2.54'):
            body['server']['key_name'] = instance.key_name
    if admin_pass is not None:
        body['server']['adminPass'] = admin_pass
    if with_user_data:
        body['server']['user_data'] = instance.user_data
    return body


@action('rebuild', REBUILD)
def _rebuild(self, instance, cell, body=None):
    ctx = common.context()
    req = pecan.request
    conf = common.conf()
    rebuild = body['rebuild']
    image_href = rebuild['imageRef']
    password = rebuild.get('adminPass') or server_common.generate_password()
    kwargs = {}
    for field, column in (('name', 'display_name'),
                          ('description', 'display_description'),
                          ('metadata', 'metadata')):
        if field in rebuild:
            kwargs[column] = rebuild[field]
    if 'accessIPv4' in rebuild:
        kwargs['access_ip_v4'] = rebuild['accessIPv4'] or None
    if 'accessIPv6' in rebuild:
        kwargs['access_ip_v6'] = server_common.ipv6(rebuild['accessIPv6'])
    kwargs.update(server_common.disk_config_values(rebuild))
    if 'preserve_ephemeral' in rebuild:
        kwargs['preserve_ephemeral'] = common.as_bool(
            rebuild['preserve_ephemeral'])
    if microversion.is_supported(req, '2.54') and 'key_name' in rebuild:
        kwargs['key_name'] = rebuild['key_name']
    with_user_data = microversion.is_supported(req, '2.57')
    if with_user_data and 'user_data' in rebuild:
        user_data = rebuild['user_data']
        if user_data is not None:
            try:
                base64.b64decode(user_data, validate=True)
            except (TypeError, ValueError, binascii.Error):
                raise webob.exc.HTTPBadRequest(
                    explanation='Userdata content cannot be decoded')
        kwargs['user_data'] = user_data
    if microversion.is_supported(req, '2.63') and \
            'trusted_image_certificates' in rebuild:
        kwargs['trusted_certs'] = rebuild['trusted_image_certificates']
        ctx.can(REBUILD_TRUSTED_CERTS, {'project_id': instance.project_id,
                                        'user_id': instance.user_id})
    if microversion.is_supported(req, '2.90') and 'hostname' in rebuild:
        kwargs['hostname'] = rebuild['hostname']
    kwargs.update(server_common.disk_config_values(rebuild))
    try:
        instance = common.compute_api().rebuild(
            ctx, instance, cell, image_href, password,
            reimage_boot_volume=microversion.is_supported(req, '2.93'),
            **kwargs)
    except exception.ImageNotFound:
        raise webob.exc.HTTPBadRequest(
            explanation='Cannot find image for rebuild')
    except exception.KeypairNotFound:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid key_name provided.')
    except exception.InstanceNotFound:
        raise webob.exc.HTTPNotFound(
            explanation='Instance could not be found')
    admin_pass = password if conf.api.enable_instance_password else None
    opts = server_common.view_options(ctx, req)
    if not microversion.is_supported(req, '2.75'):
        opts['show_host_status'] = False
    host_status = None
    if opts['show_host_status']:
        host_status = server_common.host_status(ctx, instance, cell)
    spec = None
    if server_common.wants_spec(req):
        # The pinned zone (2.96) and scheduler hints (2.100).
        spec = build_request.get_request_spec(ctx, instance.uuid)
    return Result(_view(req, instance, host_status=host_status,
                        admin_pass=admin_pass, with_user_data=with_user_data,
                        spec=spec, **opts), status=202)
