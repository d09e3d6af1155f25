"""JSON schemas of the block storage's response bodies (``views.py``).

They name the fields every body carries and their types; fields shown
only to some callers or from some microversion on are allowed besides
(``additionalProperties`` stays open, as in tempest's Cinder schemas).
The OpenAPI document publishes them and the fuzz tests validate real
responses against them.
"""

_STR = {'type': 'string'}
_STR_OR_NULL = {'type': ['string', 'null']}


def _obj(properties, required=None, closed=False):
    return {'type': 'object', 'properties': properties,
            'required': sorted(required if required is not None
                               else properties),
            'additionalProperties': not closed}


links = {'type': 'array', 'items': _obj({'rel': _STR, 'href': _STR})}

volume_summary = _obj({'id': _STR, 'name': _STR_OR_NULL, 'links': links})

volume_attachment = _obj({
    'id': _STR, 'attachment_id': _STR, 'volume_id': _STR,
    'server_id': _STR_OR_NULL, 'host_name': _STR_OR_NULL,
    'device': _STR_OR_NULL, 'attached_at': _STR_OR_NULL})

volume_detail = _obj({
    'id': _STR, 'status': _STR, 'size': {'type': 'integer'},
    'availability_zone': _STR_OR_NULL, 'created_at': _STR_OR_NULL,
    'updated_at': _STR_OR_NULL, 'name': _STR_OR_NULL,
    'description': _STR_OR_NULL, 'volume_type': _STR_OR_NULL,
    'metadata': {'type': 'object', 'additionalProperties': _STR},
    'links': links, 'user_id': _STR_OR_NULL,
    'bootable': {'enum': ['true', 'false']},
    'encrypted': {'type': 'boolean'}, 'multiattach': {'type': 'boolean'},
    'attachments': {'type': 'array', 'items': volume_attachment},
})

volumes_index = _obj({'volumes': {'type': 'array', 'items': volume_summary},
                      'volumes_links': links,
                      'count': {'type': 'integer'}}, ['volumes'])
volumes_detail = _obj({'volumes': {'type': 'array', 'items': volume_detail},
                       'volumes_links': links,
                       'count': {'type': 'integer'}}, ['volumes'])
volume_show = _obj({'volume': volume_detail})

extra_specs = {'type': 'object', 'additionalProperties': _STR}
volume_type = _obj({'id': _STR, 'name': _STR, 'is_public': {
    'type': 'boolean'}, 'description': _STR_OR_NULL,
    'extra_specs': extra_specs}, ['id', 'name', 'is_public', 'description'])
volume_types_index = _obj({'volume_types': {'type': 'array',
                                            'items': volume_type}})
volume_type_show = _obj({'volume_type': volume_type})
extra_specs_show = _obj({'extra_specs': extra_specs})
extra_spec_key = {'type': 'object', 'minProperties': 1, 'maxProperties': 1,
                  'additionalProperties': _STR}

attachment_summary = _obj({'id': _STR, 'status': _STR,
                           'instance': _STR_OR_NULL, 'volume_id': _STR})
attachment_detail = _obj(dict(
    attachment_summary['properties'], attached_at=_STR, detached_at=_STR,
    attach_mode=_STR, connection_info={'type': 'object'}))
attachments_index = _obj({'attachments': {
    'type': 'array', 'items': attachment_summary}})
attachments_detail = _obj({'attachments': {
    'type': 'array', 'items': attachment_detail}})
attachment_show = _obj({'attachment': attachment_detail})

_INT = {'type': 'integer'}
limits_show = _obj({'limits': _obj({
    'rate': {'type': 'array', 'maxItems': 0},
    'absolute': _obj(
        {key: _INT for key in (
            'maxTotalVolumes', 'maxTotalSnapshots', 'maxTotalVolumeGigabytes',
            'maxTotalBackups', 'maxTotalBackupGigabytes', 'totalVolumesUsed',
            'totalGigabytesUsed', 'totalSnapshotsUsed', 'totalBackupsUsed',
            'totalBackupGigabytesUsed')},
        required=('maxTotalVolumes', 'maxTotalSnapshots',
                  'maxTotalVolumeGigabytes', 'maxTotalBackups',
                  'maxTotalBackupGigabytes'), closed=True)}, closed=True)},
    closed=True)

_METADATA = {'type': 'object', 'additionalProperties': _STR}
metadata_show = _obj({'metadata': _METADATA}, closed=True)
meta_show = _obj({'meta': dict(_METADATA, minProperties=1,
                               maxProperties=1)}, closed=True)
_ACCESS = _obj({'volume_type_id': _STR, 'project_id': _STR}, closed=True)
type_access_index = _obj({'volume_type_access': {
    'type': 'array', 'items': _ACCESS}}, closed=True)

snapshot = _obj({'id': _STR, 'created_at': _STR,
                 'updated_at': _STR_OR_NULL, 'name': _STR_OR_NULL,
                 'description': _STR_OR_NULL, 'volume_id': _STR,
                 'status': _STR, 'size': {'type': 'integer'},
                 'metadata': {'type': 'object',
                              'additionalProperties': _STR}})
snapshots_index = _obj({'snapshots': {'type': 'array', 'items': snapshot}})
snapshot_show = _obj({'snapshot': snapshot})
