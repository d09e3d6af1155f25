"""Response bodies, field for field as Cinder's v3 API renders them.

Members and readers see what Cinder shows them; the administrator-only
fields (``os-vol-host-attr:host``, ``os-vol-tenant-attr:tenant_id``, the
migration status fields, ``provider_id``, ``cluster_name``, attachment
``host_name``) appear only when the matching policy allows them.
"""

import uuid

from oslo_serialization import jsonutils

from nova_lite.web import version as microversion
from nova_lite.block_storage import store as bs_store
from nova_lite.policies import block_storage as bs_policy

MIN_VERSION = microversion.APIVersion('3.0')
MAX_VERSION = microversion.APIVersion('3.71')
UPDATED = '2023-08-31T00:00:00Z'


def v(text):
    return microversion.APIVersion(text)


def isotime(value):
    """Cinder's timestamp format (naive UTC, microseconds)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.isoformat(timespec='microseconds')
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')


def versions_document(base_url):
    return {'versions': [{
        'id': 'v3.0',
        'status': 'CURRENT',
        'version': str(MAX_VERSION),
        'min_version': str(MIN_VERSION),
        'updated': UPDATED,
        'links': [
            {'rel': 'describedby', 'type': 'text/html',
             'href': 'https://docs.openstack.org/'},
            {'rel': 'self', 'href': base_url.rstrip('/') + '/v3/'},
        ],
        'media-types': [{
            'base': 'application/json',
            'type': 'application/vnd.openstack.volume+json;version=3',
        }],
    }]}


class Request:
    """What views need to know about the request."""

    def __init__(self, ctx, version, base_url, project_in_url):
        self.ctx = ctx
        self.version = version
        self.base_url = base_url.rstrip('/')
        self.project_in_url = project_in_url

    def allowed(self, rule, project_id):
        return self.ctx.can(rule, {'project_id': project_id}, fatal=False)

    def at_least(self, text):
        return self.version >= v(text)

    def links(self, collection, item_id):
        project = self.ctx.project_id
        prefix = '%s/v3/%s' % (self.base_url, project) if \
            self.project_in_url else '%s/v3' % self.base_url
        bookmark = '%s/%s' % (self.base_url, project) if \
            self.project_in_url else self.base_url
        return [{'href': '%s/%s/%s' % (prefix, collection, item_id),
                 'rel': 'self'},
                {'href': '%s/%s/%s' % (bookmark, collection, item_id),
                 'rel': 'bookmark'}]

    def next_link(self, collection, marker, params):
        prefix = '%s/v3/%s' % (self.base_url, self.ctx.project_id) if \
            self.project_in_url else '%s/v3' % self.base_url
        query = dict(params)
        query['marker'] = marker
        text = '&'.join('%s=%s' % (k, query[k]) for k in sorted(query))
        return [{'rel': 'next',
                 'href': '%s/%s?%s' % (prefix, collection, text)}]


def service_uuid(host):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, 'nova-lite-volume:' + host))


def volume_attachments(req, volume):
    show_host = req.ctx.is_admin or 'service' in (
        getattr(req.ctx, 'service_roles', None) or [])
    out = []
    for attachment in volume.attachments:
        if attachment.attach_status != 'attached':
            continue
        out.append({
            'id': volume.id,
            'attachment_id': attachment.id,
            'volume_id': volume.id,
            'server_id': attachment.instance_uuid,
            'host_name': attachment.attached_host if show_host else None,
            'device': attachment.mountpoint,
            'attached_at': isotime(attachment.attach_time),
        })
    return out


def volume_summary(req, volume):
    return {'id': volume.id, 'name': volume.display_name,
            'links': req.links('volumes', volume.id)}


def volume_detail(req, volume, extended=True):
    """The detailed view; ``extended`` adds what Cinder's API extensions
    add to show and list responses (not to create and update ones)."""
    project = volume.project_id
    body = {
        'id': volume.id,
        'status': volume.status,
        'size': volume.size,
        'availability_zone': volume.availability_zone,
        'created_at': isotime(volume.created_at),
        'updated_at': isotime(volume.updated_at),
        'name': volume.display_name,
        'description': volume.display_description,
        'volume_type': volume.volume_type.name,
        'snapshot_id': getattr(volume, 'snapshot_id', None),
        'source_volid': volume.source_volid,
        'metadata': bs_store.Store.metadata(volume),
        'links': req.links('volumes', volume.id),
        'user_id': volume.user_id,
        'bootable': str(bool(volume.bootable)).lower(),
        'encrypted': False,
        'replication_status': None,
        'consistencygroup_id': None,
        'multiattach': bool(volume.multiattach),
        'attachments': volume_attachments(req, volume),
    }
    admin = req.ctx.is_admin
    if admin:
        body['migration_status'] = None
    if extended and req.allowed(bs_policy.HOST_ATTRIBUTE, project):
        body['os-vol-host-attr:host'] = volume.host
    if extended and req.allowed(bs_policy.TENANT_ATTRIBUTE, project):
        body['os-vol-tenant-attr:tenant_id'] = volume.project_id
    if extended and req.allowed(bs_policy.MIG_ATTRIBUTE, project):
        body['os-vol-mig-status-attr:migstat'] = None
        body['os-vol-mig-status-attr:name_id'] = None
    if extended and req.allowed(bs_policy.IMAGE_METADATA_SHOW, project):
        image_metadata = bs_store.Store.image_metadata(volume)
        if image_metadata:
            body['volume_image_metadata'] = image_metadata
    if req.at_least('3.13'):
        body['group_id'] = None
    if admin and req.at_least('3.21'):
        body['provider_id'] = None
    if req.at_least('3.48'):
        body['shared_targets'] = False
        body['service_uuid'] = service_uuid(volume.host or '')
    if admin and req.at_least('3.61'):
        body['cluster_name'] = None
    if req.at_least('3.63'):
        body['volume_type_id'] = volume.volume_type_id
    if req.at_least('3.65'):
        body['consumes_quota'] = True
    return body


def volume_list(req, volumes, detail, count=None, next_marker=None,
                params=None):
    render = volume_detail if detail else volume_summary
    body = {'volumes': [render(req, vol) for vol in volumes]}
    if next_marker is not None:
        body['volumes_links'] = req.next_link(
            'volumes/detail' if detail else 'volumes', next_marker,
            params or {})
    if count is not None and req.at_least('3.45'):
        body['count'] = count
    return body


def volume_type(req, vtype, brief=False, access=False, qos=False):
    """A volume type; with ``access`` (list, show and create, as Cinder's
    volume type access extension extends them, not update)
    ``os-volume-type-access:is_public`` for whoever its policy allows."""
    body = {
        'id': vtype.id,
        'name': vtype.name,
        'is_public': bool(vtype.is_public),
        'description': vtype.description,
    }
    if access and req.allowed(bs_policy.TYPE_ACCESS, req.ctx.project_id):
        body['os-volume-type-access:is_public'] = bool(vtype.is_public)
    if req.allowed(bs_policy.TYPES_EXTRA_SPECS, req.ctx.project_id):
        body['extra_specs'] = {s.key: s.value for s in vtype.extra_specs}
    if qos and req.allowed(bs_policy.TYPES_QOS, req.ctx.project_id):
        # Show and list answers (Cinder's v3 view): no QoS specs here.
        body['qos_specs_id'] = None
    return body if brief else {'volume_type': body}


def _connection_info(attachment):
    if not attachment.connection_info:
        return {}
    return jsonutils.loads(attachment.connection_info)


def attachment_summary(attachment):
    return {'id': attachment.id, 'status': attachment.attach_status,
            'instance': attachment.instance_uuid,
            'volume_id': attachment.volume_id}


def attachment_detail(attachment):
    body = attachment_summary(attachment)
    body.update(attached_at=isotime(attachment.attach_time) or '',
                detached_at=isotime(attachment.detach_time) or '',
                attach_mode=attachment.attach_mode or 'null',
                connection_info=_connection_info(attachment))
    return body
