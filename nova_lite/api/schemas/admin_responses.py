"""Response schemas of flavor management, os-hypervisors,
os-simple-tenant-usage, os-migrations, server migrations, diagnostics,
server passwords and extensions, per microversion (see ``responses``)."""

from nova_lite.api.schemas import responses as r

_STR = {'type': 'string'}
_STR_OR_NULL = {'type': ['string', 'null']}
_INT = {'type': 'integer'}
_INT_OR_NULL = {'type': ['integer', 'null']}
_NUM = {'type': 'number'}
_BOOL = {'type': 'boolean'}
_obj = r._obj
_at_least = r._at_least

# -- flavors -----------------------------------------------------------------


def flavor_create(version):
    return r.flavor_show(version)


def extra_specs_index(version):
    return _obj({'extra_specs': {'type': 'object',
                                 'additionalProperties': _STR}})


def extra_specs_create(version):
    return _obj({'extra_specs': {
        'type': 'object',
        'additionalProperties': {'type': ['string', 'number']}}})


def extra_spec_one(version):
    return {'type': 'object', 'minProperties': 1, 'maxProperties': 1,
            'additionalProperties': {'type': ['string', 'number']}}


def flavor_access(version):
    return _obj({'flavor_access': {'type': 'array', 'items': _obj({
        'flavor_id': _STR, 'tenant_id': _STR})}})

# -- hypervisors -------------------------------------------------------------


def _servers():
    return {'type': 'array', 'items': _obj({'name': _STR, 'uuid': _STR})}


def hypervisor(version, detail, uptime=False):
    uuid_ids = _at_least(version, '2.53')
    props = {'id': _STR if uuid_ids else _INT,
             'hypervisor_hostname': _STR_OR_NULL,
             'state': {'enum': ['up', 'down']},
             'status': {'enum': ['enabled', 'disabled']}}
    required = list(props)
    props['servers'] = _servers()
    if uptime:
        props['uptime'] = _STR
        required.append('uptime')
    if detail:
        props.update(
            hypervisor_type=_STR, hypervisor_version=_INT,
            host_ip=_STR_OR_NULL, service=_obj({
                'id': _STR if uuid_ids else _INT, 'host': _STR,
                'disabled_reason': _STR_OR_NULL}))
        if _at_least(version, '2.88'):
            props['uptime'] = _STR_OR_NULL
        else:
            for field in ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
                          'memory_mb_used', 'local_gb_used', 'free_ram_mb',
                          'free_disk_gb', 'current_workload', 'running_vms',
                          'disk_available_least'):
                props[field] = _INT_OR_NULL
            props['cpu_info'] = {'type': 'object'} if _at_least(
                version, '2.28') else _STR_OR_NULL
        required = [k for k in props if k != 'servers']
    return _obj(props, required)


def hypervisors_index(version):
    return _obj({'hypervisors': {'type': 'array',
                                 'items': hypervisor(version, False)},
                 'hypervisors_links': r.links}, ['hypervisors'])


def hypervisors_detail(version):
    return _obj({'hypervisors': {'type': 'array',
                                 'items': hypervisor(version, True)},
                 'hypervisors_links': r.links}, ['hypervisors'])


def hypervisor_show(version):
    return _obj({'hypervisor': hypervisor(version, True)})


def hypervisor_uptime(version):
    return _obj({'hypervisor': hypervisor(version, False, uptime=True)})


def hypervisors_search(version):
    return _obj({'hypervisors': {'type': 'array',
                                 'items': hypervisor(version, False)}})


def hypervisor_statistics(version):
    return _obj({'hypervisor_statistics': _obj({
        k: _INT for k in ('count', 'vcpus', 'memory_mb', 'local_gb',
                          'vcpus_used', 'memory_mb_used', 'local_gb_used',
                          'free_ram_mb', 'free_disk_gb', 'current_workload',
                          'running_vms', 'disk_available_least')})})

# -- usage -------------------------------------------------------------------


_server_usage = _obj({
    'ended_at': _STR_OR_NULL, 'flavor': _STR, 'hours': _NUM,
    'instance_id': _STR, 'local_gb': _INT, 'memory_mb': _INT,
    'name': _STR_OR_NULL, 'started_at': _STR_OR_NULL, 'state': _STR_OR_NULL,
    'tenant_id': _STR, 'uptime': _INT, 'vcpus': _INT})


def _tenant_usage(detailed_required):
    props = {'server_usages': {'type': 'array', 'items': _server_usage},
             'start': _STR, 'stop': _STR, 'tenant_id': _STR,
             'total_hours': _NUM, 'total_local_gb_usage': _NUM,
             'total_memory_mb_usage': _NUM, 'total_vcpus_usage': _NUM}
    return _obj(props, [k for k in props if k != 'server_usages' or
                        detailed_required])


def usage_index(version):
    return _obj({'tenant_usages': {'type': 'array',
                                   'items': _tenant_usage(False)},
                 'tenant_usages_links': r.links}, ['tenant_usages'])


def usage_show(version):
    usage = {'anyOf': [_tenant_usage(True), _obj({})]}
    return _obj({'tenant_usage': usage, 'tenant_usage_links': r.links},
                ['tenant_usage'])

# -- migrations --------------------------------------------------------------


_HOST_FIELDS = ('dest_compute', 'dest_host', 'dest_node', 'source_compute',
                'source_node')


def migration(version):
    props = {'created_at': _STR, 'updated_at': _STR_OR_NULL, 'id': _INT,
             'instance_uuid': _STR_OR_NULL, 'status': _STR_OR_NULL,
             'old_instance_type_id': _INT_OR_NULL,
             'new_instance_type_id': _INT_OR_NULL}
    props.update({f: _STR_OR_NULL for f in _HOST_FIELDS})
    required = list(props)
    if _at_least(version, '2.23'):
        props['migration_type'] = _STR_OR_NULL
        required.append('migration_type')
        props['links'] = r.links
    if _at_least(version, '2.59'):
        props['uuid'] = _STR_OR_NULL
        required.append('uuid')
    if _at_least(version, '2.80'):
        props.update(user_id=_STR_OR_NULL, project_id=_STR_OR_NULL)
        required += ['user_id', 'project_id']
    return _obj(props, required)


def migrations_index(version):
    return _obj({'migrations': {'type': 'array',
                                'items': migration(version)},
                 'migrations_links': r.links}, ['migrations'])


def server_migration(version):
    props = {'created_at': _STR, 'updated_at': _STR_OR_NULL, 'id': _INT,
             'server_uuid': _STR, 'status': _STR_OR_NULL}
    props.update({f: _STR_OR_NULL for f in _HOST_FIELDS})
    for field in ('disk_processed_bytes', 'disk_remaining_bytes',
                  'disk_total_bytes', 'memory_processed_bytes',
                  'memory_remaining_bytes', 'memory_total_bytes'):
        props[field] = _INT_OR_NULL
    if _at_least(version, '2.59'):
        props['uuid'] = _STR_OR_NULL
    if _at_least(version, '2.80'):
        props.update(user_id=_STR_OR_NULL, project_id=_STR_OR_NULL)
    return _obj(props)


def server_migrations_index(version):
    return _obj({'migrations': {'type': 'array',
                                'items': server_migration(version)}})


def server_migration_show(version):
    return _obj({'migration': server_migration(version)})

# -- diagnostics, password, extensions ----------------------------------------


def diagnostics(version):
    if not _at_least(version, '2.48'):
        return {'type': 'object'}
    nullable_int = _INT_OR_NULL
    return _obj({
        'state': {'enum': ['pending', 'running', 'paused', 'shutdown',
                           'crashed', 'suspended']},
        'driver': {'enum': ['libvirt', 'xenapi', 'vmwareapi', 'ironic',
                            'hyperv']},
        'hypervisor': _STR_OR_NULL,
        'hypervisor_os': _STR_OR_NULL, 'uptime': nullable_int,
        'config_drive': _BOOL, 'num_cpus': _INT, 'num_nics': _INT,
        'num_disks': _INT,
        'cpu_details': {'type': 'array', 'items': _obj({
            'id': nullable_int, 'time': nullable_int,
            'utilisation': nullable_int})},
        'nic_details': {'type': 'array', 'items': _obj({
            'mac_address': _STR_OR_NULL, 'rx_octets': nullable_int,
            'rx_errors': nullable_int, 'rx_drop': nullable_int,
            'rx_packets': nullable_int, 'rx_rate': nullable_int,
            'tx_octets': nullable_int, 'tx_errors': nullable_int,
            'tx_drop': nullable_int, 'tx_packets': nullable_int,
            'tx_rate': nullable_int})},
        'disk_details': {'type': 'array', 'items': _obj({
            'read_bytes': nullable_int, 'read_requests': nullable_int,
            'write_bytes': nullable_int, 'write_requests': nullable_int,
            'errors_count': nullable_int})},
        'memory_details': _obj({'maximum': nullable_int,
                                'used': nullable_int}),
    })


def server_password(version):
    return _obj({'password': _STR})


_extension = _obj({'alias': _STR, 'description': _STR, 'links': r.links,
                   'name': _STR, 'namespace': _STR, 'updated': _STR})


def extensions_index(version):
    return _obj({'extensions': {'type': 'array', 'items': _extension}})


def extension_show(version):
    return _obj({'extension': _extension})
