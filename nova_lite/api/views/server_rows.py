"""``GET /servers/detail`` bodies straight from the servers' rows.

A server list reads its servers as rows (every column, JSON columns as
text; see :class:`nova_lite.objects.instance.Listing`) instead of records,
and this renders each row as :func:`nova_lite.api.views.servers.detail`
renders the record of the same row, key for key and in the same order:
``tests/functional/test_server_list_rows.py`` compares the two bodies byte
for byte. What is the same for every server of a request (the
microversion's answers, the link prefixes, who may see what) is worked out
once per request, and what many servers share (a flavor's text, an
image, a project's host) once per distinct value. Build requests and the
servers of a cell that does not answer are still records, rendered by
:mod:`servers` views.
"""

import json

from nova_lite.api.views import links
from nova_lite.api.views import servers as views
from nova_lite.compute import image_meta
from nova_lite.objects import instance as instance_obj
from nova_lite import serialization

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a requirement
    orjson = None

_FAULT_STATUSES = frozenset(views._FAULT_STATUSES)
_PROGRESS_STATUSES = frozenset(views._PROGRESS_STATUSES)

# Status by (vm_state, task_state), as views.status_from_state answers.
_STATUS = {}


def _status(vm_state, task_state):
    key = (vm_state, task_state)
    status = _STATUS.get(key)
    if status is None:
        status = views.status_from_state(vm_state, task_state)
        if len(_STATUS) < 1024:
            _STATUS[key] = status
    return status


def _json(raw):
    """A JSON column's text as base.Record reads it: None for an empty
    column."""
    if not raw:
        return None
    if orjson is not None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)


class _Decoded(dict):
    """JSON texts decoded once per request: ``decoded[text]``."""

    def __missing__(self, raw):
        value = self[raw] = _json(raw)
        return value


def _plan(fields):
    """The position of each column in rows with ``fields``."""
    return {name: index for index, name in enumerate(fields)}


def detail(req, items, listing, *, show_extended_attrs, show_host_status,
           host_statuses, show_extra_specs, next_marker=None, specs=None):
    """The body of ``GET /servers/detail`` for ``items``: rows of a
    :class:`nova_lite.compute.api.ListedServers` ``listing``, and records
    (build requests, servers of cells down)."""
    req = views._Resolved(req)
    host_statuses = host_statuses or {}
    specs = specs or {}
    servers = _servers(req, items, listing, show_extended_attrs,
                       show_host_status, host_statuses, show_extra_specs,
                       specs, memo=orjson is not None)
    if servers is None:
        # A server body orjson does not write (the serializer then writes
        # the whole body its other way): no written bodies.
        servers = _servers(req, items, listing, show_extended_attrs,
                           show_host_status, host_statuses, show_extra_specs,
                           specs, memo=False)
    body = {'servers': servers}
    if next_marker:
        body['servers_links'] = links.collection_next_link(
            req, 'servers/detail', next_marker)
    return body


def _servers(req, items, listing, show_extended_attrs, show_host_status,
             host_statuses, show_extra_specs, specs, memo):
    """The bodies of ``items``; with ``memo``, each row's as the JSON text
    written once for what it is made of (an ``orjson.Fragment``), or None
    where a body cannot be written so."""
    render = None
    servers = []
    for item in items:
        if isinstance(item, (instance_obj.Instance,
                             instance_obj.DownCellInstance)):
            if getattr(item, 'cell_down', False):
                server = views._down_cell(req, item, True)
            else:
                server = views._server(
                    req, item, show_extended_attrs=show_extended_attrs,
                    show_extra_specs=show_extra_specs,
                    host_status=host_statuses.get(item.uuid),
                    show_host_status=show_host_status,
                    spec=specs.get(item.uuid))
            if memo:
                # Written here too, as the rows' bodies are (never kept).
                try:
                    server = orjson.Fragment(orjson.dumps(
                        server, default=serialization.to_primitive,
                        option=serialization.OPTIONS))
                except (TypeError, ValueError):
                    return None
            servers.append(server)
            continue
        if render is None:
            render = _renderer(req, item._fields, listing,
                               show_extended_attrs=show_extended_attrs,
                               show_host_status=show_host_status,
                               host_statuses=host_statuses,
                               show_extra_specs=show_extra_specs,
                               specs=specs, memo=memo)
        server = render(item)
        if server is None:
            return None
        servers.append(server)
    return servers


# Servers' bodies as JSON text, written once for what each is made of (see
# _renderer): what a list of unchanged servers renders again is not
# written again. By what the request's microversion, links and caller
# change (its "shape"), then by server uuid: every input of the body (the
# row's every value, its volumes, fault, request spec and host status)
# and the text those inputs give. A body is reused only when its inputs
# are equal to the kept ones, so a changed server, whichever process
# changed it, is written again. Comparing the inputs is cheaper than
# hashing them: a row's text columns are new strings at every read.
# Bounded: emptied when MEMO_SIZE bodies are kept.
_MEMO = {}
MEMO_SIZE = 10000
_MEMO_KEPT = [0]


def _renderer(req, fields, listing, *, show_extended_attrs,
              show_host_status, host_statuses, show_extra_specs, specs,
              memo=False):
    """A function of a row answering its server's body, for this request
    and rows with ``fields``; with ``memo``, the body's JSON text (an
    ``orjson.Fragment``), or None where orjson does not write it."""
    v = views._versions(req)
    at = _plan(fields)
    # The extended attributes' columns are in the rows only for those who
    # are shown them.
    i_uuid = at['uuid']
    i_project = at['project_id']
    i_user = at['user_id']
    i_host = at['host']
    i_vm_state = at['vm_state']
    i_task_state = at['task_state']
    i_deleted = at['deleted']
    i_created = at['created_at']
    i_updated = at['updated_at']
    i_flavor = at['flavor']
    i_image = at['image_ref']
    i_system_metadata = at.get('system_metadata')
    i_metadata = at['server_metadata']
    i_tags = at['tags']
    i_ipv4 = at['access_ip_v4']
    i_ipv6 = at['access_ip_v6']
    i_name = at['display_name']
    i_auto_disk = at['auto_disk_config']
    i_progress = at['progress']
    i_az = at['availability_zone']
    i_config_drive = at['config_drive']
    i_key_name = at['key_name']
    i_launched = at['launched_at']
    i_terminated = at['terminated_at']
    i_node = at.get('node')
    i_hostname = at['hostname']
    i_kernel = at.get('kernel_id')
    i_launch_index = at.get('launch_index')
    i_ramdisk = at.get('ramdisk_id')
    i_reservation = at.get('reservation_id')
    i_root_device = at.get('root_device_name')
    i_user_data = at.get('user_data')
    i_power_state = at['power_state']
    i_locked = at['locked']
    i_description = at['display_description']
    i_locked_reason = at['locked_reason']

    isotime = views._isotime
    usage_time = views._usage_time
    server_prefix, server_bookmark = links._prefixes(req, 'servers')
    decoded = _Decoded()
    flavors = {}
    images = {}
    host_ids = {}
    volumes_of = listing.volumes
    faults_of = listing.faults
    ctx = req.environ.get('nova_lite.context')
    fault_details_for_all = bool(getattr(ctx, 'is_admin', False))
    v2_3 = v['2.3']
    v2_9 = v['2.9']
    v2_16 = v['2.16']
    v2_19 = v['2.19']
    v2_26 = v['2.26']
    v2_47 = v['2.47']
    v2_63 = v['2.63']
    v2_73 = v['2.73']
    v2_90 = v['2.90']
    v2_96 = v['2.96']
    v2_98 = v['2.98']
    v2_100 = v['2.100']
    host_status_shown = show_host_status and v2_16
    hostname_for_all = v2_90 and not show_extended_attrs
    empty_spec = {}

    def flavor_of(raw):
        body = flavors.get(raw)
        if body is None:
            flavor = decoded[raw] if raw else None
            if not flavor:
                body = {}
            elif v2_47:
                body = {'vcpus': flavor.get('vcpus'),
                        'ram': flavor.get('memory_mb'),
                        'disk': flavor.get('root_gb'),
                        'ephemeral': flavor.get('ephemeral_gb'),
                        'swap': flavor.get('swap'),
                        'original_name': flavor.get('name')}
                if show_extra_specs:
                    body['extra_specs'] = dict(
                        flavor.get('extra_specs') or {})
            else:
                flavor_id = str(flavor.get('flavorid'))
                body = {'id': flavor_id, 'links': [{
                    'rel': 'bookmark',
                    'href': links.bookmark_link(req, 'flavors',
                                                flavor_id)}]}
            flavors[raw] = body
        return body

    def image_of(image_ref, system_metadata=None):
        key = (image_ref, system_metadata) if v2_98 else image_ref
        body = images.get(key)
        if body is None:
            if not image_ref:
                body = ''
            else:
                image_id = str(image_ref).rstrip('/').rsplit('/', 1)[-1]
                body = {'id': image_id,
                        'links': [{'rel': 'bookmark',
                                   'href': links.bookmark_link(
                                       req, 'images', image_id)}]}
                if v2_98:
                    body['properties'] = image_meta.shown_properties(
                        decoded[system_metadata] if system_metadata
                        else None)
            images[key] = body
        return body

    def host_id_of(project_id, host):
        if not host:
            return ''
        key = (project_id, host)
        digest = host_ids.get(key)
        if digest is None:
            digest = host_ids[key] = views._host_id(
                req, _HostOf(project_id, host))
        return digest

    def fault_of(uuid):
        fault = faults_of.get(uuid)
        if not fault:
            return None
        body = {'code': fault['code'], 'created': isotime(fault['created']),
                'message': fault['message']}
        if fault.get('details'):
            if fault_details_for_all or fault['code'] != 500:
                body['details'] = fault['details']
        return body

    def render(row):
        uuid = row[i_uuid]
        project_id = row[i_project]
        host = row[i_host]
        vm_state = row[i_vm_state]
        task_state = row[i_task_state]
        created = row[i_created]
        status = 'DELETED' if row[i_deleted] else \
            _status(vm_state, task_state)
        raw = row[i_metadata]
        metadata = decoded[raw] if raw else None
        body = {
            'accessIPv4': row[i_ipv4] or '',
            'accessIPv6': row[i_ipv6] or '',
            'addresses': {},
            'created': isotime(created),
            'flavor': flavor_of(row[i_flavor]),
            'hostId': host_id_of(project_id, host),
            'id': uuid,
            'image': image_of(row[i_image], row[i_system_metadata]
                              if v2_98 else None),
            'links': [{'rel': 'self', 'href': server_prefix + uuid},
                      {'rel': 'bookmark', 'href': server_bookmark + uuid}],
            'metadata': dict(metadata) if metadata else {},
            'name': row[i_name],
            'status': status,
            'tenant_id': project_id or '',
            'user_id': row[i_user] or '',
            'updated': isotime(row[i_updated] or created),
            'OS-DCF:diskConfig': 'AUTO' if row[i_auto_disk] else 'MANUAL',
        }
        if status in _FAULT_STATUSES:
            fault = fault_of(uuid)
            if fault:
                body['fault'] = fault
        if status in _PROGRESS_STATUSES:
            body['progress'] = row[i_progress] or 0
        body['OS-EXT-AZ:availability_zone'] = row[i_az] or ''
        body['config_drive'] = row[i_config_drive] or ''
        body['key_name'] = row[i_key_name]
        body['OS-SRV-USG:launched_at'] = usage_time(row[i_launched])
        body['OS-SRV-USG:terminated_at'] = usage_time(row[i_terminated])
        if show_extended_attrs:
            body['OS-EXT-SRV-ATTR:host'] = host
            body['OS-EXT-SRV-ATTR:instance_name'] = \
                instance_obj.instance_name(row)
            body['OS-EXT-SRV-ATTR:hypervisor_hostname'] = row[i_node]
            if v2_3:
                body['OS-EXT-SRV-ATTR:hostname'] = row[i_hostname]
                body['OS-EXT-SRV-ATTR:kernel_id'] = row[i_kernel] or ''
                body['OS-EXT-SRV-ATTR:launch_index'] = row[i_launch_index]
                body['OS-EXT-SRV-ATTR:ramdisk_id'] = row[i_ramdisk] or ''
                body['OS-EXT-SRV-ATTR:reservation_id'] = \
                    row[i_reservation]
                body['OS-EXT-SRV-ATTR:root_device_name'] = \
                    row[i_root_device]
                body['OS-EXT-SRV-ATTR:user_data'] = row[i_user_data]
        body['OS-EXT-STS:task_state'] = task_state
        body['OS-EXT-STS:vm_state'] = vm_state
        body['OS-EXT-STS:power_state'] = row[i_power_state]
        volumes = volumes_of.get(uuid)
        if volumes:
            if v2_3:
                body['os-extended-volumes:volumes_attached'] = [
                    {'id': volume_id,
                     'delete_on_termination': bool(delete)}
                    for volume_id, delete in volumes]
            else:
                body['os-extended-volumes:volumes_attached'] = [
                    {'id': volume_id} for volume_id, _delete in volumes]
        else:
            body['os-extended-volumes:volumes_attached'] = []
        if v2_9:
            body['locked'] = bool(row[i_locked])
        if host_status_shown:
            host_status = host_statuses.get(uuid)
            if host_status is not None:
                body['host_status'] = host_status
        if v2_19:
            body['description'] = row[i_description]
        if v2_26:
            raw = row[i_tags]
            tags = decoded[raw] if raw else None
            body['tags'] = list(tags) if tags else []
        if v2_63:
            body['trusted_image_certificates'] = None
        if v2_73:
            body['locked_reason'] = row[i_locked_reason]
        if hostname_for_all:
            body['OS-EXT-SRV-ATTR:hostname'] = row[i_hostname]
        if v2_96 or v2_100:
            spec = specs.get(uuid) or empty_spec
            if v2_96:
                body['pinned_availability_zone'] = spec.get(
                    'availability_zone')
            if v2_100:
                body['scheduler_hints'] = dict(
                    spec.get('scheduler_hints') or {})
        return body

    if not memo:
        return render
    # What the request changes in a body.
    shape = (tuple(fields), tuple(sorted(v.items())), server_prefix,
             server_bookmark, links._prefixes(req, 'flavors'),
             links._prefixes(req, 'images'), show_extended_attrs,
             show_extra_specs, host_status_shown, fault_details_for_all,
             instance_obj._name_template[0])
    dumps = orjson.dumps
    options = serialization.OPTIONS
    to_primitive = serialization.to_primitive
    kept = _MEMO.get(shape)
    if kept is None:
        kept = _MEMO.setdefault(shape, {})

    def written(row):
        uuid = row[i_uuid]
        fault = faults_of.get(uuid)
        volumes = volumes_of.get(uuid)
        inputs = [row if isinstance(row, tuple) else tuple(row),
                  tuple(volumes) if volumes else None,
                  (fault['code'], fault['message'], fault['details'],
                   fault['created'], fault['host']) if fault else None,
                  host_statuses.get(uuid) if host_status_shown else None]
        try:
            if v2_96 or v2_100:
                spec = specs.get(uuid) or empty_spec
                inputs.append(dumps((spec.get('availability_zone'),
                                     spec.get('scheduler_hints'))))
            inputs = tuple(inputs)
            entry = kept.get(uuid)
            if entry is not None and entry[0] == inputs:
                return entry[1]
            fragment = orjson.Fragment(dumps(
                render(row), default=to_primitive, option=options))
        except (TypeError, ValueError):
            return None
        if _MEMO_KEPT[0] >= MEMO_SIZE:
            _forget_bodies()
            _MEMO[shape] = kept
            entry = None
        if entry is None:
            _MEMO_KEPT[0] += 1
        kept[uuid] = (inputs, fragment)
        return fragment

    return written


def _forget_bodies():
    """Empty the memory of written bodies (each request's renderer keeps
    the dict of its shape: emptied in place)."""
    for bodies in list(_MEMO.values()):
        bodies.clear()
    _MEMO.clear()
    _MEMO_KEPT[0] = 0


class _HostOf:
    """What views._host_id reads of a server."""

    __slots__ = ('project_id', 'host')

    def __init__(self, project_id, host):
        self.project_id = project_id
        self.host = host
