"""Block device mapping rules of server create (pure functions).

Turns ``block_device_mapping_v2`` items as the API received them into the
mapping records stored with a server, raising nova's errors for what nova
refuses.
"""

import json
import re
import string

from nova_lite import exception

_API_FIELDS = {
    'source_type', 'destination_type', 'uuid', 'image_id', 'volume_id',
    'snapshot_id', 'boot_index', 'device_name', 'volume_size',
    'delete_on_termination', 'guest_format', 'device_type', 'disk_bus',
    'no_device', 'connection_info', 'virtual_name', 'tag', 'volume_type',
}
_SOURCE_ID = {'image': 'image_id', 'volume': 'volume_id',
              'snapshot': 'snapshot_id'}


def _invalid(details):
    return exception.InvalidBDMFormat(details=details)


def _as_int(value, error):
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise error


def from_api(item, image_uuid_specified):
    """One ``block_device_mapping_v2`` item -> a mapping record dict."""
    unknown = set(item) - _API_FIELDS
    if unknown:
        raise _invalid('Following fields are invalid: %s'
                       % ', '.join(sorted(unknown)))
    source = item.get('source_type')
    if source is None:
        raise _invalid('Some required fields are missing')
    dest = item.get('destination_type') or (
        'volume' if source in ('volume', 'snapshot') else 'local')
    uuid = item.get('uuid')
    record = {'source_type': source, 'destination_type': dest}
    if source == 'blank' and uuid:
        raise _invalid('Invalid device UUID.')
    if source != 'blank':
        if not uuid:
            # Legacy spellings of the source id.
            uuid = item.get(_SOURCE_ID[source])
        if not uuid:
            raise _invalid('Missing device UUID.')
        record[_SOURCE_ID[source]] = uuid
    boot_index = _as_int(item.get('boot_index'),
                         _invalid('Boot index is invalid.'))
    if source == 'image' and dest == 'local' and \
            not (image_uuid_specified and boot_index == 0):
        raise _invalid('Mapping image to local is not supported.')
    if item.get('volume_type') is not None:
        if dest == 'local':
            raise _invalid('Specifying a volume_type with '
                           'destination_type=local is not supported.')
        if source == 'volume':
            raise _invalid('Specifying volume type to existing volume is '
                           'not supported.')
    device_name = item.get('device_name')
    if device_name is not None and ' ' in device_name:
        raise _invalid('Device name contains spaces.')
    if device_name and match_device(prepend_dev(device_name)) is None:
        # Only names a disk can have ('vdb', '/dev/sdc'): nothing that
        # walks out of /dev ('/dev/../../etc/passwd') reaches a host.
        raise exception.InvalidDevicePath(path=device_name)
    size = _as_int(item.get('volume_size'), _invalid('Invalid volume_size.'))
    if source == 'image' and dest == 'volume' and not size:
        raise exception.InvalidBDM(
            message="Images with destination_type 'volume' need to have a "
                    "non-zero size specified")
    if source == 'blank' and dest == 'volume' and not size:
        raise exception.InvalidBDM(
            message="Blank volumes (source: 'blank', dest: 'volume') need "
                    "to have non-zero size")
    record.update({
        'boot_index': boot_index if boot_index is None or boot_index >= 0
        else None,
        'device_name': device_name,
        'volume_size': size,
        'delete_on_termination': bool(item.get('delete_on_termination')),
        'guest_format': item.get('guest_format'),
        'device_type': item.get('device_type'),
        'disk_bus': item.get('disk_bus'),
        'tag': item.get('tag'),
        'volume_type': item.get('volume_type'),
    })
    return record


def image_mappings(image):
    """The ``block_device_mapping`` property of an image (an image of a
    volume-backed snapshot, ``bdm_v2``) as create items, or []."""
    properties = getattr(image, 'properties', None) or {}
    raw = properties.get('block_device_mapping')
    if not raw or str(properties.get('bdm_v2')).lower() not in (
            'true', '1', 'yes', 'on', 't', 'y'):
        return []
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        out.append({key: value for key, value in item.items()
                    if key in _API_FIELDS and value is not None})
    return out


def _root(item):
    return str(item.get('boot_index')) == '0'


def merge_image_mappings(image_items, request_items):
    """nova's merge of an image's mappings with a create's: with a root
    mapping in the image, the request's image root goes; a request
    mapping replaces the image's of the same device name."""
    if any(_root(i) for i in image_items):
        request_items = [i for i in request_items
                         if not (_root(i) and i.get('source_type') == 'image')]
    names = {strip_dev(i['device_name']) for i in request_items
             if i.get('device_name')}
    kept = [i for i in image_items
            if not i.get('device_name') or
            strip_dev(i['device_name']) not in names]
    return list(request_items) + kept


def image_root_mapping(image_ref):
    """The implicit root disk of a server booted from an image."""
    return {'source_type': 'image', 'destination_type': 'local',
            'image_id': image_ref, 'boot_index': 0, 'device_name': None,
            'delete_on_termination': True, 'device_type': 'disk',
            'volume_size': None, 'guest_format': None, 'disk_bus': None,
            'tag': None, 'volume_type': None}


def transform(items, image_ref, min_count, max_count):
    """All create-time rules; returns the mapping records to store."""
    records = [from_api(item, bool(image_ref)) for item in items]
    if (min_count > 1 or max_count > 1) and any(
            r['source_type'] == 'volume' for r in records):
        raise exception.InvalidRequest(
            message='Cannot attach one or more volumes to multiple '
                    'instances')
    if image_ref and not any(r.get('boot_index') == 0 for r in records):
        records.insert(0, image_root_mapping(image_ref))
    if not image_ref and not records:
        raise exception.InvalidRequest(message='Missing imageRef attribute')
    indexes = sorted(r['boot_index'] for r in records
                     if r.get('boot_index') is not None)
    if not indexes or indexes != list(range(len(indexes))):
        raise exception.InvalidBDMBootSequence()
    return records


# ---------------------------------------------------------- device names ---

_DEVICE_RE = re.compile(r'(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$')
DEFAULT_ROOT_DEV_NAME = '/dev/sda1'


def strip_dev(name):
    return name[len('/dev/'):] if name and name.startswith('/dev/') else name


def prepend_dev(name):
    return name if name.startswith('/dev/') else '/dev/' + name


def match_device(device):
    """``(prefix, letters)`` of a device name, or None."""
    match = _DEVICE_RE.match(device)
    return match.groups() if match else None


def _letter(device):
    matched = match_device(prepend_dev(device))
    return matched[1] if matched else None


def _unused_letter(used):
    # a..z, then aa..zz, as nova numbers disks.
    letters = string.ascii_lowercase
    candidates = list(letters) + [a + b for a in letters for b in letters]
    for candidate in candidates:
        if candidate not in used:
            return candidate
    raise exception.TooManyDiskDevices(maximum=len(candidates))


def next_device_name(root_device_name, used_names, requested=None,
                     honour_requested=True, maximum=-1):
    """The device name for a new disk of a server (nova's rules).

    ``requested`` must parse as a device path (400 otherwise); its letter is
    kept when ``honour_requested`` (the fake driver does; libvirt picks the
    next free name itself) and must not be in use (409). The prefix is
    always the root device's.
    """
    req_letter = None
    if requested:
        matched = match_device(requested)
        if matched is None:
            raise exception.InvalidDevicePath(path=requested)
        if honour_requested:
            req_letter = matched[1]
    root = match_device(prepend_dev(root_device_name or
                                    DEFAULT_ROOT_DEV_NAME))
    if root is None:
        raise exception.InvalidDevicePath(path=root_device_name)
    used = {_letter(name) for name in used_names if name}
    if root[1]:
        used.add(root[1])
    if maximum >= 0 and len(used) >= maximum:
        raise exception.TooManyDiskDevices(maximum=maximum)
    if req_letter is None:
        req_letter = _unused_letter(used)
    elif req_letter in used:
        raise exception.DevicePathInUse(path=requested)
    return root[0] + req_letter
