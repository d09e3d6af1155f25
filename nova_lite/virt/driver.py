"""The virt driver interface compute workers drive."""

import importlib

from nova_lite import block_device
from nova_lite import exception

# nova's power states besides those of the instance records.
POWER_PAUSED = 3
POWER_SUSPENDED = 7


# Driver capabilities and the traits nova reports for them.
CAPABILITY_TRAITS = (
    ('supports_multiattach', 'COMPUTE_VOLUME_MULTI_ATTACH'),
    ('supports_tagged_attach_volume', 'COMPUTE_VOLUME_ATTACH_WITH_TAG'),
    ('supports_migrate_to_same_host', 'COMPUTE_SAME_HOST_COLD_MIGRATE'),
    ('supports_bfv_rescue', 'COMPUTE_RESCUE_BFV'),
)


class ComputeDriver:
    """Base class of virt drivers.

    ``capabilities`` is static per driver class; a driver may refine it in
    :meth:`init_host` (libvirt does, from its library and QEMU versions).
    """

    capabilities = {
        'supports_multiattach': False,
        'supports_tagged_attach_volume': False,
        # Resize, migrations and evacuation carry the guest's disks over.
        'supports_moves': False,
        # A cold migration may land on the host it leaves.
        'supports_migrate_to_same_host': False,
        # A volume-backed server may be rescued (2.87).
        'supports_bfv_rescue': False,
    }

    def __init__(self, conf):
        self.conf = conf
        self.host = conf.host
        self.capabilities = dict(type(self).capabilities)

    def capability_traits(self):
        """The capabilities as nova's placement traits, sorted: what the
        compute node record carries for the scheduler."""
        return sorted(trait for capability, trait in CAPABILITY_TRAITS
                      if self.capabilities.get(capability))

    def init_host(self, host):
        """Called once when the compute service starts."""
        self.host = host

    def cleanup_host(self, host):
        """Called when the compute service stops."""

    def list_instance_uuids(self):
        raise NotImplementedError()

    def spawn(self, instance, block_device_info):
        """Create and start the guest of ``instance``.

        ``block_device_info`` is a list of block device mapping dicts with
        their ``connection_info`` decoded.
        """
        raise NotImplementedError()

    def destroy(self, instance, block_device_info=None):
        """Stop and remove the guest; unknown guests are not an error.

        Volumes whose item says ``disconnect_host`` are disconnected from
        this host; the others are still used by another server here.
        """
        raise NotImplementedError()

    def power_off(self, instance):
        raise NotImplementedError()

    def power_on(self, instance, block_device_info=None):
        raise NotImplementedError()

    def reboot(self, instance, reboot_type, block_device_info=None):
        raise NotImplementedError()

    def get_power_state(self, instance):
        raise NotImplementedError()

    def pause(self, instance):
        raise NotImplementedError()

    def set_admin_password(self, instance, new_pass):
        """Set the root/admin password in the running guest."""
        raise NotImplementedError()

    def unpause(self, instance):
        raise NotImplementedError()

    def suspend(self, instance):
        raise NotImplementedError()

    def resume(self, instance, block_device_info=None):
        raise NotImplementedError()

    def soft_delete(self, instance):
        """Keep the guest for a possible restore; drivers without it are
        powered off instead."""
        raise NotImplementedError()

    def restore(self, instance):
        """Bring back a soft-deleted guest; drivers without it are
        powered on instead."""
        raise NotImplementedError()

    def get_console_output(self, instance):
        """The guest's console log (bytes or str); ConsoleNotAvailable
        when it has none."""
        raise NotImplementedError()

    def rebuild(self, instance, block_device_info, preserve_ephemeral=False):
        """Replace the guest by a new one from the server's image, with
        the same volumes: by default the guest is destroyed (disconnecting
        only what ``block_device_info`` allows) and spawned again."""
        self.destroy(instance, block_device_info)
        self.spawn(instance, block_device_info)

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload the guest's root disk into the queued image
        ``image_id`` (with the caller's ``context``), calling
        ``update_task_state('image_pending_upload')`` once the disk is
        captured and ``update_task_state('image_uploading',
        expected_state='image_pending_upload')`` before the upload, as
        nova's drivers do."""
        raise NotImplementedError()

    def flatten_root_disk(self, instance):
        """Make the root disk independent of the image it was made from
        (that image is about to be deleted: an unshelve's); nothing for
        drivers whose disks do not refer to their image."""

    def get_guest_volumes(self, instance):
        """``{device name in the guest: volume id}`` of the volumes
        plugged into the guest, or None when the guest does not exist;
        compared with the block device mappings when the compute service
        starts."""
        raise NotImplementedError()

    def rescue(self, instance, rescue_image_ref):
        """Boot the guest from ``rescue_image_ref``, its disks (volumes
        included) kept as they are."""
        raise NotImplementedError()

    def unrescue(self, instance):
        raise NotImplementedError()

    # -- moves (resize, cold migration, evacuation, live migration) ---------

    def migrate_disk_and_power_off(self, instance, dest, flavor,
                                   block_device_info):
        """On the source of a resize or cold migration: power the guest
        off and let go of it, keeping its disks for a revert. Volumes whose
        item says ``disconnect_host`` are disconnected. Returns what the
        destination's :meth:`finish_migration` needs (a dict);
        InstanceFaultRollback when nothing changed."""
        try:
            self.power_off(instance)
        except Exception as error:
            # The guest runs as it did.
            raise exception.InstanceFaultRollback(error)
        self.destroy(instance, block_device_info)
        return {}

    def finish_migration(self, instance, disk_info, block_device_info,
                         resize_instance):
        """On the destination: the guest of the moved server, with its
        (new) flavor; ``disk_info`` is what the source returned."""
        self.spawn(instance, block_device_info)

    def confirm_migration(self, instance, disk_info):
        """On the source, once the move is confirmed: what was kept for a
        revert goes."""

    def finish_revert_migration(self, instance, disk_info,
                                block_device_info):
        """On the source of a reverted (or failed) move: the guest back
        with what :meth:`migrate_disk_and_power_off` kept."""
        self.spawn(instance, block_device_info)

    def check_can_live_migrate_destination(self, instance):
        """On the destination of a live migration: what the source's
        check needs; MigrationPreCheckError when it cannot take it."""
        return {}

    def check_can_live_migrate_source(self, instance, dest_check_data):
        """On the source, with the destination's answer;
        MigrationPreCheckError when the guest cannot go there."""
        return dest_check_data

    def spawn_evacuated(self, instance, block_device_info):
        """The guest of a server evacuated to this host from a host that
        is down."""
        self.spawn(instance, block_device_info)

    def get_evacuated_guest_volumes(self, instance):
        """Like :meth:`get_guest_volumes`, for the guest a server evacuated
        from this host left behind (cleaned up when the compute service
        starts again)."""
        return self.get_guest_volumes(instance)

    def get_volume_connector(self, instance):
        """The host connector given to block storage."""
        return {'host': self.host, 'ip': self.conf.my_ip,
                'initiator': None, 'multipath': False,
                'platform': 'x86_64', 'os_type': 'linux'}

    def get_device_name_for_instance(self, instance, used_names,
                                     requested=None):
        """The device name of a disk being attached (nova's rules: a
        requested name is honoured when free)."""
        return block_device.next_device_name(
            instance.root_device_name, used_names, requested,
            maximum=self.conf.compute.max_disk_devices_to_attach)

    def attach_volume(self, instance, connection_info, mountpoint,
                      disk_bus=None, device_type=None):
        """Connect the volume to this host and plug it into the guest."""
        raise NotImplementedError()

    def detach_volume(self, instance, connection_info, mountpoint,
                      disconnect_host=True):
        """Unplug the volume from the guest; disconnect it from this host
        unless another server here still uses it (``disconnect_host``)."""
        raise NotImplementedError()

    def swap_volume(self, instance, old_connection_info,
                    new_connection_info, mountpoint):
        raise NotImplementedError()

    # -- the host and its guests as administrators see them -------------------

    def volume_snapshot_create(self, instance, volume_id, create_info):
        """Snapshot a volume whose file the hypervisor writes itself
        (assisted volume snapshots): ``create_info`` has ``snapshot_id``,
        ``type`` (qcow2) and ``new_file``, the overlay to write to from now
        on."""
        raise NotImplementedError()

    def volume_snapshot_delete(self, instance, volume_id, snapshot_id,
                               delete_info):
        """Remove such a snapshot, merging its file into its neighbours as
        ``delete_info`` says (``file_to_merge``, ``merge_target_file``)."""
        raise NotImplementedError()

    def get_available_resource(self):
        """The hypervisor's resources: ``vcpus``, ``memory_mb``,
        ``local_gb``, ``hypervisor_type``, ``hypervisor_version``,
        ``hypervisor_hostname``, ``cpu_info`` (a JSON text) and
        ``disk_available_least``; the compute manager adds what its
        servers use."""
        raise NotImplementedError()

    def get_host_uptime(self):
        """The host's ``uptime`` line."""
        raise NotImplementedError()

    def set_host_enabled(self, enabled):
        """Whether the host takes new servers: 'enabled' or 'disabled'."""
        raise NotImplementedError()

    def host_maintenance_mode(self, host, mode):
        """'on_maintenance' or 'off_maintenance'."""
        raise NotImplementedError()

    def host_power_action(self, action):
        """Start up, shut down or reboot the host itself."""
        raise NotImplementedError()

    def get_diagnostics(self, instance):
        """The driver's own dict of guest statistics (before 2.48)."""
        raise NotImplementedError()

    def get_instance_diagnostics(self, instance):
        """The standard diagnostics (2.48): a dict with ``state``,
        ``driver``, ``hypervisor``, ``hypervisor_os``, ``uptime``,
        ``config_drive``, ``cpu_details``, ``nic_details``,
        ``disk_details`` and ``memory_details``."""
        raise NotImplementedError()


def load_compute_driver(conf, name=None):
    name = name or conf.compute_driver
    module_name, _, class_name = name.rpartition('.')
    try:
        module = importlib.import_module('nova_lite.virt.%s' % module_name)
        cls = getattr(module, class_name)
    except (ImportError, AttributeError, ValueError):
        raise exception.VirtDriverNotFound(name=name)
    return cls(conf)
