"""Image metadata of servers, as nova keeps and derives it (pure functions).

At boot a server's system metadata records its image: each image property
as ``image_<name>``, the image's ``min_ram``, ``min_disk`` (at least the
flavor's root disk), ``disk_format`` and ``container_format``, and
``image_base_image_ref``. A snapshot (createImage, createBackup, shelve)
inherits all of it back as image properties, except what nova never
passes on.
"""

PREFIX = 'image_'
# Image attributes (not properties) kept in system metadata.
INHERITABLE_KEYS = ('min_ram', 'min_disk', 'disk_format',
                    'container_format')
# Too large to keep: never copied into system metadata.
SKIP_KEYS = ('mappings', 'block_device_mapping', 'img_mappings',
             'img_block_device_mapping')
# Never copied into a snapshot.
NON_INHERITABLE_PROPERTIES = frozenset((
    'cinder_encryption_key_id', 'cinder_encryption_key_deletion_policy',
    'img_signature', 'img_signature_hash_method', 'img_signature_key_type',
    'img_signature_certificate_uuid'))
NON_INHERITABLE_NAMESPACES = ('os_glance',)
# The image properties nova knows (its image metadata fields and their
# legacy names): the only ones a server shows of its image (2.98).
STANDARD_PROPERTIES = frozenset((
    'architecture', 'auto_disk_config', 'bdm_v2', 'bittorrent',
    'block_device_mapping', 'cache_in_nova', 'hw_architecture',
    'hw_auto_disk_config', 'hw_boot_menu', 'hw_cdrom_bus', 'hw_cpu_cores',
    'hw_cpu_max_cores', 'hw_cpu_max_sockets', 'hw_cpu_max_threads',
    'hw_cpu_policy', 'hw_cpu_realtime_mask', 'hw_cpu_sockets',
    'hw_cpu_thread_policy', 'hw_cpu_threads', 'hw_device_id', 'hw_disk_bus',
    'hw_disk_type', 'hw_emulation_architecture', 'hw_ephemeral_encryption',
    'hw_ephemeral_encryption_format', 'hw_ephemeral_encryption_secret_uuid',
    'hw_firmware_stateless', 'hw_firmware_type', 'hw_floppy_bus',
    'hw_input_bus', 'hw_ipxe_boot', 'hw_locked_memory', 'hw_machine_type',
    'hw_maxphysaddr_bits', 'hw_maxphysaddr_mode', 'hw_mem_encryption',
    'hw_mem_encryption_model', 'hw_mem_page_size', 'hw_numa_cpus',
    'hw_numa_mem', 'hw_numa_nodes', 'hw_pci_numa_affinity_policy', 'hw_pmu',
    'hw_pointer_model', 'hw_qemu_guest_agent', 'hw_redirected_usb_ports',
    'hw_rescue_bus', 'hw_rescue_device', 'hw_rng_model', 'hw_scsi_model',
    'hw_serial_port_count', 'hw_sound_model', 'hw_time_hpet', 'hw_tpm_model',
    'hw_tpm_version', 'hw_usb_model', 'hw_video_model', 'hw_video_ram',
    'hw_vif_model', 'hw_vif_multiqueue_enabled', 'hw_viommu_model',
    'hw_virtio_packed_ring', 'hw_vm_mode', 'hw_watchdog_action',
    'hypervisor_type', 'hypervisor_version_requires', 'img_bdm_v2',
    'img_bittorrent', 'img_block_device_mapping', 'img_cache_in_nova',
    'img_compression_level', 'img_config_drive', 'img_hide_hypervisor_id',
    'img_hv_requested_version', 'img_hv_type', 'img_linked_clone',
    'img_mappings', 'img_owner_id', 'img_root_device_name', 'img_signature',
    'img_signature_certificate_uuid', 'img_signature_hash_method',
    'img_signature_key_type', 'img_use_agent', 'img_version', 'ipxe_boot',
    'mappings', 'os_admin_user', 'os_command_line', 'os_distro',
    'os_require_quiesce', 'os_secure_boot',
    'os_skip_agent_inject_files_at_boot', 'os_skip_agent_inject_ssh',
    'os_type', 'owner_id', 'root_device_name', 'traits_required', 'vm_mode',
    'vmware_disktype', 'vmware_image_version', 'vmware_linked_clone',
    'vmware_ostype', 'xenapi_device_id', 'xenapi_image_compression_level',
    'xenapi_skip_agent_inject_files_at_boot', 'xenapi_skip_agent_inject_ssh',
    'xenapi_use_agent',
))


# What a server's system metadata says of its shelve.
SHELVED_KEYS = ('shelved_at', 'shelved_image_id', 'shelved_host')


def system_metadata_from_image(image, flavor_root_gb=0):
    """The ``image_*`` system metadata of a server booted from ``image``
    (an Image record of the image client, or None)."""
    out = {}
    if image is None:
        return out
    for key, value in (getattr(image, 'properties', None) or {}).items():
        if key in SKIP_KEYS:
            continue
        out[PREFIX + key] = str(value)[:255]
    body = image.to_v2() if hasattr(image, 'to_v2') else {}
    for key in INHERITABLE_KEYS:
        value = body.get(key)
        if key == 'min_disk':
            value = flavor_root_gb if body.get('disk_format') == 'vhd' \
                else max(value or 0, flavor_root_gb or 0)
        if value is None:
            continue
        out[PREFIX + key] = value
    return out


def rebuilt_system_metadata(system_metadata, image, image_ref,
                            flavor_root_gb=0):
    """A server's system metadata once rebuilt from ``image``: the old
    ``image_*`` entries replaced by the new image's."""
    out = {key: value for key, value in (system_metadata or {}).items()
           if not key.startswith(PREFIX)}
    out.update(system_metadata_from_image(image, flavor_root_gb))
    out['image_base_image_ref'] = image_ref
    return out


def image_from_system_metadata(system_metadata):
    """``{min_ram, min_disk, ..., 'properties': {...}}`` of every system
    metadata entry, the ``image_`` prefix removed."""
    image = {}
    properties = {}
    for key, value in (system_metadata or {}).items():
        if value is None:
            continue
        if key.startswith(PREFIX):
            key = key[len(PREFIX):]
        if key in SKIP_KEYS:
            continue
        if key in INHERITABLE_KEYS:
            image[key] = value
        else:
            properties[key] = value
    image['properties'] = properties
    return image


def snapshot_metadata(context, instance, name, extra_properties=None,
                      non_inheritable=()):
    """The new image of a snapshot of ``instance``: what its system
    metadata says of its image, ``name``, private to the server's
    project (shared with it when someone of another project asks, with
    ``instance_owner``), without the properties nova does not pass on;
    ``extra_properties`` last."""
    system_metadata = dict(instance.system_metadata or {})
    if instance.image_ref:
        # A server recorded before it kept system metadata.
        system_metadata.setdefault('image_base_image_ref',
                                   instance.image_ref)
    image = image_from_system_metadata(system_metadata)
    image['name'] = name
    extra = dict(extra_properties or {})
    if context.project_id != instance.project_id:
        image['visibility'] = 'shared'
        extra['instance_owner'] = instance.project_id
    else:
        image['visibility'] = 'private'
    properties = image['properties']
    drop = set(non_inheritable) | NON_INHERITABLE_PROPERTIES
    for namespace in NON_INHERITABLE_NAMESPACES:
        drop |= {key for key in properties if key.startswith(namespace)}
    for key in drop:
        properties.pop(key, None)
    properties.update(extra)
    return image


def image_metadata(context, instance, name, image_type,
                   extra_properties=None, non_inheritable=()):
    """The new image of a snapshot or backup (``image_type``) as nova's
    createImage, createBackup and shelve make it before the upload."""
    properties = {'instance_uuid': instance.uuid,
                  'user_id': str(context.user_id),
                  'image_type': image_type}
    properties.update(extra_properties or {})
    image = snapshot_metadata(context, instance, name, properties,
                              non_inheritable)
    if image_type == 'snapshot':
        # The driver tells the format of what it uploads.
        image.pop('disk_format', None)
        image.pop('container_format', None)
    return image


def is_volume_backed(instance, bdms=None):
    """Whether the server boots from a volume (nova's rule: no image, or
    a root mapping of destination volume)."""
    bdms = instance.bdms if bdms is None else bdms
    if not instance.image_ref:
        return True
    for bdm in bdms:
        get = bdm.get if isinstance(bdm, dict) else \
            (lambda key, b=bdm: getattr(b, key, None))
        if get('boot_index') == 0:
            return get('destination_type') == 'volume'
    return False


def without_shelved_keys(system_metadata):
    return {k: v for k, v in (system_metadata or {}).items()
            if k not in SHELVED_KEYS}


def shown_properties(system_metadata):
    """2.98: the properties of a server's image as its system metadata
    kept them at boot, those nova knows only."""
    prefix = len(PREFIX)
    return {key[prefix:]: value
            for key, value in (system_metadata or {}).items()
            if key.startswith(PREFIX) and value is not None and
            key[prefix:] in STANDARD_PROPERTIES}
