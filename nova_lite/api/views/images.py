"""The compute API's image view (the image proxy, before 2.36): the
Image v2 record as nova shows it."""

import pecan
from oslo_utils import strutils
from oslo_utils import timeutils

from nova_lite.api.views import links
from nova_lite.image import glance

_STATUS = {'active': 'ACTIVE', 'queued': 'SAVING', 'saving': 'SAVING',
           'deleted': 'DELETED', 'pending_delete': 'DELETED',
           'killed': 'ERROR'}
_PROGRESS = {'queued': 25, 'saving': 50, 'active': 100}


def _date(value):
    if not value:
        return None
    return timeutils.parse_isotime(value).strftime('%Y-%m-%dT%H:%M:%SZ')


def _alternate_base(conf, context):
    base = glance.endpoint(conf, context)
    if base is None:
        base = pecan.request.host_url + '/image'
    return base


def image_links(req, conf, context, image_id):
    out = links.links(req, 'images', image_id)
    out.append({'rel': 'alternate',
                'type': 'application/vnd.openstack.image',
                'href': '%s/images/%s' % (_alternate_base(conf, context),
                                          image_id)})
    return out


def basic(req, conf, context, image):
    return {'id': image.id, 'name': image.name,
            'links': image_links(req, conf, context, image.id)}


def show(req, conf, context, image):
    body = image.body
    metadata = dict(image.properties)
    out = {'id': image.id, 'name': image.name,
           'minRam': int(image.min_ram or 0),
           'minDisk': int(image.min_disk or 0),
           'metadata': metadata,
           'created': _date(body.get('created_at')),
           'updated': _date(body.get('updated_at')),
           'status': _STATUS.get(image.status, 'UNKNOWN'),
           'progress': _PROGRESS.get(image.status, 0),
           'OS-EXT-IMG-SIZE:size': image.size,
           'links': image_links(req, conf, context, image.id)}
    server_id = metadata.get('instance_uuid')
    if server_id is not None:
        out['server'] = {'id': server_id,
                         'links': links.server_links(req, server_id)}
    disk_config = metadata.get('auto_disk_config')
    if disk_config is not None:
        out['OS-DCF:diskConfig'] = (
            'AUTO' if strutils.bool_from_string(disk_config) else 'MANUAL')
    return out


def listing(req, conf, context, images, view, collection, max_limit):
    body = {'images': [view(req, conf, context, i) for i in images]}
    limit = req.GET.getall('limit')
    try:
        wanted = min(int(limit[-1]), max_limit) if limit else max_limit
    except ValueError:
        wanted = max_limit
    if wanted and images and len(images) == wanted:
        body['images_links'] = links.collection_next_link(
            req, collection, images[-1].id)
    return body
