"""JSON schemas of the compute API's response bodies, per microversion.

They describe what the views in ``nova_lite/api/views`` and the controllers
render: every field name a body may carry (``additionalProperties`` is
false), the ones it always carries (``required``) and their types. The
OpenAPI document (``nova_lite.openapi``) publishes them, and the
functional tests validate real responses against them, so a view that
gains or loses a field fails a test until its schema follows.

Each function takes the microversion as a string ('2.60').
"""

from nova_lite.api import microversion

_STR = {'type': 'string'}
_STR_OR_NULL = {'type': ['string', 'null']}
_INT = {'type': 'integer'}
_BOOL = {'type': 'boolean'}

link = {
    'type': 'object',
    'properties': {'rel': _STR, 'href': _STR, 'type': _STR},
    'required': ['rel', 'href'],
    'additionalProperties': False,
}
links = {'type': 'array', 'items': link}

fault = {
    'type': 'object',
    'minProperties': 1,
    'maxProperties': 1,
    'additionalProperties': {
        'type': 'object',
        'properties': {'code': _INT, 'message': _STR, 'retryAfter': _STR},
        'required': ['code', 'message'],
        'additionalProperties': False,
    },
}


def _at_least(version, minimum):
    return microversion.APIVersion(version).matches(minimum)


def _obj(properties, required=None):
    return {'type': 'object', 'properties': properties,
            'required': sorted(required if required is not None
                               else properties),
            'additionalProperties': False}


# -- flavors ---------------------------------------------------------------


def flavor_basic(version):
    props = {'id': _STR, 'name': _STR, 'links': links}
    if _at_least(version, '2.55'):
        props['description'] = _STR_OR_NULL
    return _obj(props)


def flavor_full(version):
    props = {
        'id': _STR, 'name': _STR, 'ram': _INT, 'disk': _INT,
        'swap': {'type': ['integer', 'string']},
        'OS-FLV-EXT-DATA:ephemeral': _INT,
        'OS-FLV-DISABLED:disabled': _BOOL,
        'vcpus': _INT,
        'os-flavor-access:is_public': _BOOL,
        'rxtx_factor': {'type': ['number', 'string']},
        'links': links,
    }
    if _at_least(version, '2.55'):
        props['description'] = _STR_OR_NULL
    if _at_least(version, '2.75'):
        props['swap'] = _INT
    if _at_least(version, '2.102'):
        del props['OS-FLV-DISABLED:disabled']
        del props['rxtx_factor']
    required = list(props)
    if _at_least(version, '2.61'):
        # Shown to those whom the extra specs policy allows.
        props['extra_specs'] = {'type': 'object',
                                'additionalProperties': _STR}
    return _obj(props, required)


def flavors_index(version):
    return _obj({'flavors': {'type': 'array',
                             'items': flavor_basic(version)},
                 'flavors_links': links}, ['flavors'])


def flavors_detail(version):
    return _obj({'flavors': {'type': 'array',
                             'items': flavor_full(version)},
                 'flavors_links': links}, ['flavors'])


def flavor_show(version):
    return _obj({'flavor': flavor_full(version)})


# -- servers ---------------------------------------------------------------

_ANY_OBJECT = {'type': 'object'}
_server_fault = _obj({'code': _INT, 'created': _STR_OR_NULL,
                      'message': _STR, 'details': _STR},
                     ['code', 'created', 'message'])
_image = {'oneOf': [{'type': 'string', 'maxLength': 0},
                    _obj({'id': _STR, 'links': links})]}
_image_properties = {
    'type': 'object',
    'patternProperties': {'^[a-zA-Z0-9_:. ]{1,255}$': {
        'type': ['string', 'null'], 'maxLength': 255}},
    'additionalProperties': False,
}
_image_v298 = {'oneOf': [{'type': 'string', 'maxLength': 0},
                         _obj({'id': _STR, 'links': links,
                               'properties': _image_properties})]}
_scheduler_hints = {'type': 'object', 'additionalProperties': {
    'type': 'array', 'items': _STR}}


def _server_flavor(version):
    if _at_least(version, '2.47'):
        embedded = _obj({
            'vcpus': _INT, 'ram': _INT, 'disk': _INT, 'ephemeral': _INT,
            'swap': _INT, 'original_name': _STR,
            'extra_specs': {'type': 'object', 'additionalProperties': _STR},
        }, ['vcpus', 'ram', 'disk', 'ephemeral', 'swap', 'original_name'])
    else:
        embedded = _obj({'id': _STR, 'links': links})
    return {'oneOf': [embedded, {'type': 'object', 'maxProperties': 0}]}


_EXTENDED_V21 = ('OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:instance_name',
                 'OS-EXT-SRV-ATTR:hypervisor_hostname')
_EXTENDED_V23 = ('OS-EXT-SRV-ATTR:hostname', 'OS-EXT-SRV-ATTR:kernel_id',
                 'OS-EXT-SRV-ATTR:launch_index',
                 'OS-EXT-SRV-ATTR:ramdisk_id',
                 'OS-EXT-SRV-ATTR:reservation_id',
                 'OS-EXT-SRV-ATTR:root_device_name',
                 'OS-EXT-SRV-ATTR:user_data')


def server(version, full=True, server_groups=False):
    """A server body (show and detail: ``full``; PUT before 2.75: not)."""
    props = {
        'accessIPv4': _STR, 'accessIPv6': _STR,
        'addresses': _ANY_OBJECT,
        'created': _STR_OR_NULL,
        'flavor': _server_flavor(version),
        'hostId': _STR, 'id': _STR,
        'image': _image_v298 if _at_least(version, '2.98') else _image,
        'links': links,
        'metadata': {'type': 'object', 'additionalProperties': _STR},
        'name': _STR, 'status': _STR, 'tenant_id': _STR, 'user_id': _STR,
        'updated': _STR_OR_NULL,
        'OS-DCF:diskConfig': {'type': 'string',
                              'enum': ['AUTO', 'MANUAL']},
    }
    optional = {'fault': _server_fault, 'progress': _INT}
    if full:
        attached = _obj({'id': _STR, 'delete_on_termination': _BOOL},
                        ['id'] + (['delete_on_termination'] if _at_least(
                            version, '2.3') else []))
        if not _at_least(version, '2.3'):
            attached['properties'].pop('delete_on_termination')
        props.update({
            'OS-EXT-AZ:availability_zone': _STR,
            'config_drive': {'type': ['string', 'boolean']},
            'key_name': _STR_OR_NULL,
            'OS-SRV-USG:launched_at': _STR_OR_NULL,
            'OS-SRV-USG:terminated_at': _STR_OR_NULL,
            'OS-EXT-STS:task_state': _STR_OR_NULL,
            'OS-EXT-STS:vm_state': _STR_OR_NULL,
            'OS-EXT-STS:power_state': {'type': ['integer', 'null']},
            'os-extended-volumes:volumes_attached': {
                'type': 'array', 'items': attached},
        })
        # Shown to those whom the extended attributes policy allows.
        extended = _EXTENDED_V21 + (
            _EXTENDED_V23 if _at_least(version, '2.3') else ())
        for name in extended:
            optional[name] = {'type': ['string', 'integer', 'null']}
        if _at_least(version, '2.16'):
            optional['host_status'] = _STR
    if _at_least(version, '2.9'):
        props['locked'] = _BOOL
    if _at_least(version, '2.19'):
        props['description'] = _STR_OR_NULL
    if _at_least(version, '2.26'):
        props['tags'] = {'type': 'array', 'items': _STR}
    if _at_least(version, '2.63'):
        props['trusted_image_certificates'] = {
            'type': ['array', 'null'], 'items': _STR}
    if server_groups and _at_least(version, '2.71'):
        props['server_groups'] = {'type': 'array', 'items': _STR}
    if _at_least(version, '2.73'):
        props['locked_reason'] = _STR_OR_NULL
    if _at_least(version, '2.90'):
        # Shown to everybody.
        optional.pop('OS-EXT-SRV-ATTR:hostname', None)
        props['OS-EXT-SRV-ATTR:hostname'] = _STR
    if full and _at_least(version, '2.96'):
        props['pinned_availability_zone'] = _STR_OR_NULL
    if _at_least(version, '2.100'):
        props['scheduler_hints'] = _scheduler_hints
    required = list(props)
    props.update(optional)
    return _obj(props, required)


def _down_cell_server(detail):
    props = {'id': _STR, 'status': {'enum': ['UNKNOWN']}, 'links': links}
    if detail:
        props.update(tenant_id=_STR_OR_NULL, created=_STR_OR_NULL)
    return _obj(props)


def _listed(version, item, detail):
    if _at_least(version, '2.69'):
        return {'anyOf': [item, _down_cell_server(detail)]}
    return item


def servers_index(version):
    item = _obj({'id': _STR, 'name': _STR, 'links': links})
    return _obj({'servers': {'type': 'array',
                             'items': _listed(version, item, False)},
                 'servers_links': links}, ['servers'])


def servers_detail(version):
    return _obj({'servers': {'type': 'array', 'items': _listed(
        version, server(version), True)}, 'servers_links': links},
        ['servers'])


def server_show(version):
    return _obj({'server': server(version, server_groups=True)})


def server_update(version):
    if _at_least(version, '2.75'):
        return server_show(version)
    return _obj({'server': server(version, full=False, server_groups=True)})


def server_create(version):
    created = _obj({'id': _STR, 'links': links,
                    'OS-DCF:diskConfig': {'enum': ['AUTO', 'MANUAL']},
                    'security_groups': {'type': 'array', 'items': _obj(
                        {'name': _STR})},
                    'adminPass': _STR},
                   ['id', 'links', 'OS-DCF:diskConfig', 'security_groups'])
    return {'oneOf': [_obj({'server': created}),
                      _obj({'reservation_id': _STR})]}


# -- os-volume_attachments -------------------------------------------------


def volume_attachment(version, for_create=False):
    props = {'volumeId': _STR, 'serverId': _STR,
             'device': _STR_OR_NULL}
    required = ['volumeId', 'serverId']
    if for_create or not _at_least(version, '2.89'):
        props['id'] = _STR
        required.append('id')
    if for_create:
        required.append('device')
    if _at_least(version, '2.70'):
        props['tag'] = _STR_OR_NULL
        required.append('tag')
    if _at_least(version, '2.79'):
        props['delete_on_termination'] = _BOOL
        required.append('delete_on_termination')
    if _at_least(version, '2.89') and not for_create:
        props.update(attachment_id=_STR_OR_NULL, bdm_uuid=_STR_OR_NULL)
        required += ['attachment_id', 'bdm_uuid']
    return _obj(props, required)


_ADDRESS_LIST = {'type': 'array', 'items': _obj(
    {'version': {'enum': [4, 6]}, 'addr': _STR})}


def server_ips_index(version):
    return _obj({'addresses': {'type': 'object',
                               'additionalProperties': _ADDRESS_LIST}})


def server_ips_show(version):
    return {'type': 'object', 'additionalProperties': _ADDRESS_LIST,
            'minProperties': 1, 'maxProperties': 1}


def volume_attachments_index(version):
    return _obj({'volumeAttachments': {
        'type': 'array', 'items': volume_attachment(version)}})


def volume_attachment_show(version):
    return _obj({'volumeAttachment': volume_attachment(version)})


def volume_attachment_create(version):
    if _at_least(version, '2.101'):
        # 202 Accepted, no body.
        return None
    return _obj({'volumeAttachment': volume_attachment(version, True)})


# -- os-services -----------------------------------------------------------


def service(version):
    props = {
        'binary': _STR, 'host': _STR,
        'id': _STR if _at_least(version, '2.53') else _INT,
        'zone': _STR, 'status': {'enum': ['enabled', 'disabled']},
        'state': {'enum': ['up', 'down']}, 'updated_at': _STR_OR_NULL,
        'disabled_reason': _STR_OR_NULL,
    }
    if _at_least(version, '2.11'):
        props['forced_down'] = _BOOL
    return _obj(props)


def services_index(version):
    item = service(version)
    if _at_least(version, '2.69'):
        item = {'anyOf': [item, _obj({'binary': _STR, 'host': _STR,
                                      'status': {'enum': ['UNKNOWN']}})]}
    return _obj({'services': {'type': 'array', 'items': item}})


def service_update(version):
    if _at_least(version, '2.53'):
        return _obj({'service': service(version)})
    # Before 2.53 the answer echoes the host, binary and what changed.
    return _obj({'service': _obj({
        'host': _STR, 'binary': _STR,
        'status': {'enum': ['enabled', 'disabled']},
        'disabled_reason': _STR, 'forced_down': _BOOL},
        ['host', 'binary'])})


# -- version documents -----------------------------------------------------

_version = _obj({
    'id': _STR, 'status': _STR, 'version': _STR, 'min_version': _STR,
    'updated': _STR, 'links': links,
    'media-types': {'type': 'array', 'items': _obj({'base': _STR,
                                                    'type': _STR})},
}, ['id', 'status', 'version', 'min_version', 'updated', 'links'])


def version_show(version):
    return _obj({'version': _version})


# -- os-server-groups ------------------------------------------------------

# A group shows its policy whatever the version asked for (the soft
# policies of 2.15 and later included), as nova shows it.
_POLICIES = ['affinity', 'anti-affinity', 'soft-affinity',
             'soft-anti-affinity']


def server_group(version):
    props = {'id': _STR, 'name': _STR,
             'members': {'type': 'array', 'items': _STR}}
    if _at_least(version, '2.64'):
        props['policy'] = {'enum': _POLICIES}
        props['rules'] = _obj({'max_server_per_host': _INT}, [])
    else:
        props['policies'] = {'type': 'array', 'items': {'enum': _POLICIES},
                             'maxItems': 1}
        props['metadata'] = _obj({}, [])
    if _at_least(version, '2.13'):
        props['project_id'] = _STR
        props['user_id'] = _STR
    return _obj(props)


def server_group_show(version):
    return _obj({'server_group': server_group(version)})


def server_groups_index(version):
    return _obj({'server_groups': {'type': 'array',
                                   'items': server_group(version)}})


# -- os-availability-zone --------------------------------------------------

def _zone_info(hosts):
    return _obj({'zoneName': _STR,
                 'zoneState': _obj({'available': _BOOL}),
                 'hosts': hosts})


def availability_zones_index(version):
    return _obj({'availabilityZoneInfo': {
        'type': 'array', 'items': _zone_info({'type': 'null'})}})


def availability_zones_detail(version):
    service = _obj({'available': _BOOL, 'active': _BOOL,
                    'updated_at': _STR_OR_NULL})
    hosts = {'type': ['object', 'null'],
             'additionalProperties': {'type': 'object',
                                      'additionalProperties': service}}
    return _obj({'availabilityZoneInfo': {
        'type': 'array', 'items': _zone_info(hosts)}})


# -- os-aggregates ---------------------------------------------------------

def aggregate(version, with_members=True):
    props = {'availability_zone': _STR_OR_NULL, 'created_at': _STR,
             'deleted': _BOOL, 'deleted_at': {'type': 'null'}, 'id': _INT,
             'name': _STR, 'updated_at': _STR_OR_NULL}
    if with_members:
        props['hosts'] = {'type': 'array', 'items': _STR}
        props['metadata'] = {'type': 'object',
                             'additionalProperties': _STR}
    if _at_least(version, '2.41'):
        props['uuid'] = _STR
    return _obj(props)


def aggregate_show(version):
    return _obj({'aggregate': aggregate(version)})


def aggregate_create(version):
    return _obj({'aggregate': aggregate(version, with_members=False)})


def aggregates_index(version):
    return _obj({'aggregates': {'type': 'array',
                                'items': aggregate(version)}})
