"""Server bodies as nova renders them at each microversion."""

import datetime
import hashlib

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a requirement
    orjson = None

from nova_lite.api import microversion
from nova_lite.api.views import links
from nova_lite.compute import image_meta

_PROGRESS_STATUSES = ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE',
                      'VERIFY_RESIZE', 'MIGRATING')
_FAULT_STATUSES = ('ERROR', 'DELETED')
if orjson is not None:
    _SECONDS_Z = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | \
        orjson.OPT_OMIT_MICROSECONDS

_STATE_MAP = {
    'active': {
        'default': 'ACTIVE',
        'rebooting': 'REBOOT', 'reboot_pending': 'REBOOT',
        'reboot_started': 'REBOOT',
        'rebooting_hard': 'HARD_REBOOT', 'reboot_pending_hard': 'HARD_REBOOT',
        'reboot_started_hard': 'HARD_REBOOT',
        'updating_password': 'PASSWORD',
        'rebuilding': 'REBUILD', 'rebuild_block_device_mapping': 'REBUILD',
        'rebuild_spawning': 'REBUILD',
        'migrating': 'MIGRATING',
        'resize_prep': 'RESIZE', 'resize_migrating': 'RESIZE',
        'resize_migrated': 'RESIZE', 'resize_finish': 'RESIZE',
    },
    'building': {'default': 'BUILD'},
    'stopped': {
        'default': 'SHUTOFF',
        'resize_prep': 'RESIZE', 'resize_migrating': 'RESIZE',
        'resize_migrated': 'RESIZE', 'resize_finish': 'RESIZE',
        'rebuilding': 'REBUILD', 'rebuild_block_device_mapping': 'REBUILD',
        'rebuild_spawning': 'REBUILD',
    },
    'resized': {'default': 'VERIFY_RESIZE',
                'resize_reverting': 'REVERT_RESIZE'},
    'paused': {'default': 'PAUSED', 'migrating': 'MIGRATING'},
    'suspended': {'default': 'SUSPENDED'},
    'rescued': {'default': 'RESCUE'},
    'error': {'default': 'ERROR', 'rebuilding': 'REBUILD',
              'rebuild_block_device_mapping': 'REBUILD',
              'rebuild_spawning': 'REBUILD'},
    'deleted': {'default': 'DELETED'},
    'soft-delete': {'default': 'SOFT_DELETED'},
    'shelved': {'default': 'SHELVED'},
    'shelved_offloaded': {'default': 'SHELVED_OFFLOADED'},
}


def status_from_state(vm_state, task_state='default'):
    task_map = _STATE_MAP.get(vm_state, {'default': 'UNKNOWN'})
    status = task_map.get(task_state, task_map['default'])
    if status == 'UNKNOWN':
        return 'UNKNOWN'
    return status


def _status(instance):
    if getattr(instance, 'deleted', 0):
        return 'DELETED'
    return status_from_state(instance.vm_state, instance.task_state)


def _isotime(when):
    """``YYYY-MM-DDTHH:MM:SSZ`` as nova writes it: for a naive datetime of
    a year from 1000 on, orjson's RFC 3339 text of it as UTC, without
    microseconds and with Z (isoformat's text, ten times quicker; a list
    writes two or three per server), else strftime's."""
    if not when:
        return None
    if when.tzinfo is None and when.year >= 1000:
        if orjson is not None and type(when) is datetime.datetime:
            return orjson.dumps(when, option=_SECONDS_Z)[1:-1].decode()
        return when.isoformat(timespec='seconds') + 'Z'
    return when.strftime('%Y-%m-%dT%H:%M:%SZ')


def _usage_time(when):
    """``YYYY-MM-DDTHH:MM:SS.ffffff``: orjson's text of a naive datetime
    of a year from 1000 on (which leaves out microseconds of 0), else
    strftime's."""
    if not when:
        return None
    if when.tzinfo is None and when.year >= 1000:
        if orjson is not None and type(when) is datetime.datetime:
            text = orjson.dumps(when)[1:-1].decode()
            return text if when.microsecond else text + '.000000'
        return when.isoformat(timespec='microseconds')
    return when.strftime('%Y-%m-%dT%H:%M:%S.%f')


# The microversions the server views depend on.
_VERSIONS = ('2.3', '2.9', '2.16', '2.19', '2.26', '2.47', '2.63', '2.71',
             '2.73', '2.90', '2.96', '2.98', '2.100')


# Those answers by request microversion (the API answers 406 to one it
# does not support, so there are at most as many as it supports). Read
# only.
_ANSWERS = {}


def _versions(req):
    """Whether the request's microversion is each of _VERSIONS or later,
    answered once per microversion."""
    resolved = isinstance(req, _Resolved)
    answers = req.supported if resolved else None
    if answers is None:
        version = microversion.get_version(req)
        key = (version.major, version.minor)
        answers = _ANSWERS.get(key)
        if answers is None:
            answers = _ANSWERS[key] = {v: version.matches(v)
                                       for v in _VERSIONS}
        if resolved:
            req.supported = answers
    return answers


def _host_id(req, instance):
    host = instance.host
    if not host:
        return ''
    data = '%s%s' % (instance.project_id, host)
    # A list repeats the same few hosts: hash each once per request.
    known = getattr(req, 'host_ids', None)
    if known is None:
        return hashlib.sha224(data.encode('utf-8')).hexdigest()
    digest = known.get(data)
    if digest is None:
        digest = known[data] = hashlib.sha224(
            data.encode('utf-8')).hexdigest()
    return digest


def _image(req, instance):
    image_ref = instance.image_ref
    if not image_ref:
        return ''
    image_id = str(image_ref).rstrip('/').rsplit('/', 1)[-1]
    body = {'id': image_id,
            'links': [{'rel': 'bookmark',
                       'href': links.bookmark_link(req, 'images',
                                                   image_id)}]}
    if _versions(req)['2.98']:
        body['properties'] = image_meta.shown_properties(
            getattr(instance, 'system_metadata', None))
    return body


def _flavor(req, instance, show_extra_specs):
    flavor = instance.flavor or {}
    if not flavor:
        return {}
    if _versions(req)['2.47']:
        body = {'vcpus': flavor.get('vcpus'), 'ram': flavor.get('memory_mb'),
                'disk': flavor.get('root_gb'),
                'ephemeral': flavor.get('ephemeral_gb'),
                'swap': flavor.get('swap'),
                'original_name': flavor.get('name')}
        if show_extra_specs:
            body['extra_specs'] = dict(flavor.get('extra_specs') or {})
        return body
    flavor_id = str(flavor.get('flavorid'))
    return {'id': flavor_id,
            'links': [{'rel': 'bookmark',
                       'href': links.bookmark_link(req, 'flavors',
                                                   flavor_id)}]}


def _fault(req, instance):
    fault = instance.fault
    if not fault:
        return None
    body = {'code': fault['code'], 'created': _isotime(fault['created']),
            'message': fault['message']}
    if fault.get('details'):
        ctx = req.environ.get('nova_lite.context')
        is_admin = bool(getattr(ctx, 'is_admin', False))
        if is_admin or fault['code'] != 500:
            body['details'] = fault['details']
    return body


def _volumes_attached(req, instance):
    out = []
    for bdm in instance.bdms or []:
        if not bdm.get('volume_id'):
            continue
        item = {'id': bdm['volume_id']}
        if _versions(req)['2.3']:
            item['delete_on_termination'] = bool(
                bdm.get('delete_on_termination'))
        out.append(item)
    return out


def _server(req, instance, *, show_extended_attrs, show_extra_specs,
            host_status=None, show_host_status=False, full=True,
            server_groups=False, spec=None):
    v = _versions(req)
    status = _status(instance)
    body = {
        'accessIPv4': instance.access_ip_v4 or '',
        'accessIPv6': instance.access_ip_v6 or '',
        'addresses': {},
        'created': _isotime(instance.created_at),
        'flavor': _flavor(req, instance, show_extra_specs),
        'hostId': _host_id(req, instance),
        'id': instance.uuid,
        'image': _image(req, instance),
        'links': links.server_links(req, instance.uuid),
        'metadata': dict(instance.metadata or {}),
        'name': instance.display_name,
        'status': status,
        'tenant_id': instance.project_id or '',
        'user_id': instance.user_id or '',
        'updated': _isotime(instance.updated_at or instance.created_at),
        'OS-DCF:diskConfig': disk_config(instance.auto_disk_config),
    }
    if status in _FAULT_STATUSES:
        fault = _fault(req, instance)
        if fault:
            body['fault'] = fault
    if status in _PROGRESS_STATUSES:
        body['progress'] = instance.progress or 0
    if full:
        body['OS-EXT-AZ:availability_zone'] = instance.availability_zone or ''
        body['config_drive'] = instance.config_drive or ''
        body['key_name'] = instance.key_name
        body['OS-SRV-USG:launched_at'] = _usage_time(instance.launched_at)
        body['OS-SRV-USG:terminated_at'] = _usage_time(
            instance.terminated_at)
        if show_extended_attrs:
            body['OS-EXT-SRV-ATTR:host'] = instance.host
            body['OS-EXT-SRV-ATTR:instance_name'] = instance.name
            body['OS-EXT-SRV-ATTR:hypervisor_hostname'] = instance.node
            if v['2.3']:
                body['OS-EXT-SRV-ATTR:hostname'] = instance.hostname
                body['OS-EXT-SRV-ATTR:kernel_id'] = instance.kernel_id or ''
                body['OS-EXT-SRV-ATTR:launch_index'] = instance.launch_index
                body['OS-EXT-SRV-ATTR:ramdisk_id'] = instance.ramdisk_id or ''
                body['OS-EXT-SRV-ATTR:reservation_id'] = \
                    instance.reservation_id
                body['OS-EXT-SRV-ATTR:root_device_name'] = \
                    instance.root_device_name
                body['OS-EXT-SRV-ATTR:user_data'] = instance.user_data
        body['OS-EXT-STS:task_state'] = instance.task_state
        body['OS-EXT-STS:vm_state'] = instance.vm_state
        body['OS-EXT-STS:power_state'] = instance.power_state
        body['os-extended-volumes:volumes_attached'] = _volumes_attached(
            req, instance)
    if v['2.9']:
        body['locked'] = bool(instance.locked)
    if full and show_host_status and v['2.16'] \
            and host_status is not None:
        body['host_status'] = host_status
    if v['2.19']:
        body['description'] = instance.display_description
    if v['2.26']:
        body['tags'] = list(instance.tags or [])
    if v['2.63']:
        body['trusted_image_certificates'] = None
    if server_groups and v['2.71']:
        body['server_groups'] = []
    if v['2.73']:
        body['locked_reason'] = instance.locked_reason
    if v['2.90'] and not (full and show_extended_attrs):
        # Shown to everybody from 2.90.
        body['OS-EXT-SRV-ATTR:hostname'] = instance.hostname
    spec = spec or {}
    if full and v['2.96']:
        body['pinned_availability_zone'] = spec.get('availability_zone')
    if v['2.100']:
        body['scheduler_hints'] = dict(spec.get('scheduler_hints') or {})
    return body


def disk_config(auto_disk_config):
    """``OS-DCF:diskConfig`` of an instance's ``auto_disk_config``."""
    return 'AUTO' if auto_disk_config else 'MANUAL'


def show(req, instance, *, show_extended_attrs, show_host_status,
         host_status, show_extra_specs, spec=None):
    return {'server': _server(
        _Resolved(req), instance, show_extended_attrs=show_extended_attrs,
        show_extra_specs=show_extra_specs, host_status=host_status,
        show_host_status=show_host_status, server_groups=True, spec=spec)}


def update(req, instance, *, show_extended_attrs, show_host_status,
           host_status, show_extra_specs, spec=None):
    """PUT /servers/{id}: a reduced body before 2.75, the full one after."""
    if microversion.is_supported(req, '2.75'):
        return show(req, instance, show_extended_attrs=show_extended_attrs,
                    show_host_status=show_host_status,
                    host_status=host_status,
                    show_extra_specs=show_extra_specs, spec=spec)
    return {'server': _server(req, instance, show_extended_attrs=False,
                              show_extra_specs=show_extra_specs,
                              full=False, server_groups=True)}


def _down_cell(req, instance, detail):
    """The partial record of a server whose cell does not answer (2.69)."""
    body = {'id': instance.uuid, 'status': 'UNKNOWN',
            'links': links.server_links(req, instance.uuid)}
    if detail:
        body['tenant_id'] = instance.project_id
        body['created'] = _isotime(instance.created_at)
    return body


class _Resolved:
    """What the views read of a request, resolved once: controllers pass
    pecan's request proxy, whose every attribute access is a lookup."""

    __slots__ = ('environ', '_request', 'supported', 'host_ids')

    def __init__(self, req):
        self.environ = req.environ
        self._request = req
        # Microversion checks, answered once per request.
        self.supported = None
        # hostId digests by project and host.
        self.host_ids = {}

    @property
    def application_url(self):
        return self._request.application_url

    @property
    def GET(self):
        return self._request.GET


def index(req, instances, next_marker=None):
    req = _Resolved(req)
    body = {'servers': [
        _down_cell(req, i, False) if getattr(i, 'cell_down', False) else
        {'id': i.uuid, 'name': i.display_name,
         'links': links.server_links(req, i.uuid)}
        for i in instances]}
    if next_marker:
        body['servers_links'] = links.collection_next_link(
            req, 'servers', next_marker)
    return body


def detail(req, instances, *, show_extended_attrs, show_host_status,
           host_statuses, show_extra_specs, next_marker=None, specs=None):
    req = _Resolved(req)
    servers = []
    for inst in instances:
        if getattr(inst, 'cell_down', False):
            servers.append(_down_cell(req, inst, True))
            continue
        servers.append(_server(
            req, inst, show_extended_attrs=show_extended_attrs,
            show_extra_specs=show_extra_specs,
            host_status=(host_statuses or {}).get(inst.uuid),
            show_host_status=show_host_status,
            spec=(specs or {}).get(inst.uuid)))
    body = {'servers': servers}
    if next_marker:
        body['servers_links'] = links.collection_next_link(
            req, 'servers/detail', next_marker)
    return body


def create(req, instance_uuid, admin_pass=None, security_groups=None,
           auto_disk_config=False):
    body = {'server': {
        'id': instance_uuid,
        'links': links.server_links(req, instance_uuid),
        'OS-DCF:diskConfig': disk_config(auto_disk_config),
        'security_groups': security_groups or [{'name': 'default'}],
    }}
    if admin_pass is not None:
        body['server']['adminPass'] = admin_pass
    return body
