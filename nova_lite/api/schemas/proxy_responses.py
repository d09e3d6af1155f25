"""Response schemas of os-volumes, os-snapshots, os-hosts and
os-instance_usage_audit_log (see ``responses``)."""

from nova_lite.api.schemas import responses as r

_STR = {'type': 'string'}
_STR_OR_NULL = {'type': ['string', 'null']}
_INT = {'type': 'integer'}
_obj = r._obj

_ATTACHMENT = {'type': 'object', 'properties': {
    'id': _STR, 'volumeId': _STR, 'serverId': _STR, 'device': _STR},
    'additionalProperties': False}
_VOLUME = _obj({
    'id': _STR, 'status': _STR, 'displayName': _STR_OR_NULL,
    'availabilityZone': _STR_OR_NULL, 'createdAt': _STR,
    'displayDescription': _STR_OR_NULL, 'volumeType': _STR_OR_NULL,
    'snapshotId': _STR_OR_NULL,
    'metadata': {'type': 'object', 'additionalProperties': _STR},
    'size': _INT, 'attachments': {'type': 'array', 'items': _ATTACHMENT}})
_SNAPSHOT = _obj({
    'id': _STR, 'volumeId': _STR, 'status': _STR, 'size': _INT,
    'createdAt': _STR, 'displayName': _STR_OR_NULL,
    'displayDescription': _STR_OR_NULL})


def volume_show(version):
    return _obj({'volume': _VOLUME})


def volumes_index(version):
    return _obj({'volumes': {'type': 'array', 'items': _VOLUME}})


def snapshot_show(version):
    return _obj({'snapshot': _SNAPSHOT})


def snapshots_index(version):
    return _obj({'snapshots': {'type': 'array', 'items': _SNAPSHOT}})


def hosts_index(version):
    return _obj({'hosts': {'type': 'array', 'items': _obj({
        'host_name': _STR, 'service': _STR, 'zone': _STR})}})


def host_show(version):
    return _obj({'host': {'type': 'array', 'items': _obj({
        'resource': _obj({'host': _STR, 'project': _STR, 'cpu': _INT,
                          'memory_mb': _INT, 'disk_gb': _INT})})}})


def host_update(version):
    return {'type': 'object', 'properties': {
        'host': _STR,
        'status': {'enum': ['enabled', 'disabled']},
        'maintenance_mode': {'enum': ['on_maintenance', 'off_maintenance']}},
        'required': ['host'], 'additionalProperties': False}


def host_power_action(version):
    return _obj({'host': _STR, 'power_action': _STR})


_AUDIT_LOG = _obj({
    'hosts_not_run': {'type': 'array', 'items': _STR},
    'log': {'type': 'object', 'additionalProperties': _obj({
        'instances': _INT, 'errors': _INT, 'message': _STR,
        'state': {'enum': ['RUNNING', 'DONE']}})},
    'num_hosts': _INT, 'num_hosts_done': _INT, 'num_hosts_not_run': _INT,
    'num_hosts_running': _INT, 'overall_status': _STR,
    'period_beginning': _STR, 'period_ending': _STR,
    'total_errors': _INT, 'total_instances': _INT})


def audit_logs_index(version):
    return _obj({'instance_usage_audit_logs': _AUDIT_LOG})


def audit_log_show(version):
    return _obj({'instance_usage_audit_log': _AUDIT_LOG})


# -- images (the image proxy) -------------------------------------------------

_IMAGE_LINKS = {'type': 'array', 'items': r.link, 'minItems': 3,
                'maxItems': 3}
_ANY = {'type': ['array', 'boolean', 'integer', 'number', 'object',
                 'string', 'null']}
_IMAGE = _obj({
    'id': _STR, 'name': _STR_OR_NULL, 'links': _IMAGE_LINKS,
    'created': _STR_OR_NULL, 'updated': _STR_OR_NULL,
    'status': {'type': 'string',
               'enum': ['ACTIVE', 'SAVING', 'DELETED', 'ERROR', 'UNKNOWN']},
    'progress': {'type': 'integer', 'enum': [0, 25, 50, 100]},
    'minRam': {'type': 'integer', 'minimum': 0},
    'minDisk': {'type': 'integer', 'minimum': 0},
    'metadata': {'type': 'object', 'additionalProperties': _ANY},
    'OS-EXT-IMG-SIZE:size': {'type': ['integer', 'null']},
    'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
    'server': _obj({'id': _STR, 'links': r.links}),
}, ['created', 'id', 'links', 'metadata', 'minDisk', 'minRam', 'name',
    'progress', 'status', 'updated', 'OS-EXT-IMG-SIZE:size'])
_IMAGE_BRIEF = _obj({'id': _STR, 'name': _STR_OR_NULL,
                     'links': _IMAGE_LINKS})
_IMAGE_METADATA = {'type': 'object', 'additionalProperties': _ANY}


def image_show(version):
    return _obj({'image': _IMAGE})


def images_index(version):
    return _obj({'images': {'type': 'array', 'items': _IMAGE_BRIEF},
                 'images_links': r.links}, ['images'])


def images_detail(version):
    return _obj({'images': {'type': 'array', 'items': _IMAGE},
                 'images_links': r.links}, ['images'])


def image_metadata_index(version):
    return _obj({'metadata': _IMAGE_METADATA})


def image_metadata_item(version):
    return _obj({'meta': {'type': 'object', 'minProperties': 1,
                          'maxProperties': 1,
                          'additionalProperties': _ANY}})
