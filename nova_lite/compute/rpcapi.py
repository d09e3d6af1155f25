"""Client side of the compute RPC API.

History:

* 1.0 - build_and_run_instance, terminate_instance, stop_instance,
  start_instance, reboot_instance, shelve_instance,
  shelve_offload_instance, unshelve_instance
* 1.1 - build_and_run_instance takes ``alternates``
* 1.2 - reserve_block_device_name (a call, with ``multiattach``),
  attach_volume, detach_volume, swap_volume
* 1.3 - pause_instance, unpause_instance, suspend_instance,
  resume_instance, soft_delete_instance, restore_instance,
  get_console_output (a call), rebuild_instance,
  external_instance_event
* 1.4 - volume_snapshot_create, volume_snapshot_delete (assisted volume
  snapshots)
* 1.5 - get_guest_volumes, reconcile_volumes, remove_volume_connection,
  connect_volume (calls, for ``nova-lite-manage volume_attachment``)
* 1.6 - resize_instance, finish_resize, confirm_resize, revert_resize,
  finish_revert_resize, evacuate_instance, live_migration,
  pre_live_migration, post_live_migration_at_destination,
  rollback_live_migration_at_destination (calls),
  live_migration_force_complete, live_migration_abort, rescue_instance,
  unrescue_instance
* 1.7 - check_can_live_migrate_destination,
  check_can_live_migrate_source (calls)
* 1.8 - set_admin_password (a call), inject_network_info
* 1.9 - snapshot_instance, backup_instance; shelve_instance takes
  ``image_id`` (the image to store the server's disk in), and
  unshelve_instance ``image_id`` (the image to boot from)
"""

from nova_lite import rpc

TOPIC = 'compute'
VERSION = '1.9'


class ComputeAPI:

    def __init__(self, conf):
        self.conf = conf
        # A client per transport URL, made again when the transport it was
        # made on is no longer the one in use.
        self._clients = {}

    def _client(self, host, cell=None, version='1.0'):
        url = cell.transport_url if cell is not None and \
            cell.transport_url else None
        transport = rpc.get_transport(self.conf, url)
        client = self._clients.get(url)
        if client is None or client.transport is not transport:
            client = self._clients[url] = rpc.get_client(
                self.conf, TOPIC, VERSION, url=url)
        return client.prepare(server=host, version=version)

    def build_and_run_instance(self, ctxt, host, instance_uuid, cell=None,
                               alternates=None):
        self._client(host, cell, version='1.1').cast(
            ctxt, 'build_and_run_instance', instance_uuid=instance_uuid,
            alternates=list(alternates or []))

    def terminate_instance(self, ctxt, host, instance_uuid, cell=None):
        self._client(host, cell).cast(ctxt, 'terminate_instance',
                                      instance_uuid=instance_uuid)

    def stop_instance(self, ctxt, host, instance_uuid, cell=None):
        self._client(host, cell).cast(ctxt, 'stop_instance',
                                      instance_uuid=instance_uuid)

    def start_instance(self, ctxt, host, instance_uuid, cell=None):
        self._client(host, cell).cast(ctxt, 'start_instance',
                                      instance_uuid=instance_uuid)

    def reboot_instance(self, ctxt, host, instance_uuid, reboot_type,
                        cell=None):
        self._client(host, cell).cast(ctxt, 'reboot_instance',
                                      instance_uuid=instance_uuid,
                                      reboot_type=reboot_type)

    def shelve_instance(self, ctxt, host, instance_uuid, cell=None,
                        image_id=None):
        if image_id is None:
            self._client(host, cell).cast(ctxt, 'shelve_instance',
                                          instance_uuid=instance_uuid)
            return
        self._client(host, cell, version='1.9').cast(
            ctxt, 'shelve_instance', instance_uuid=instance_uuid,
            image_id=image_id)

    def snapshot_instance(self, ctxt, host, instance_uuid, image_id,
                          cell=None):
        self._client(host, cell, version='1.9').cast(
            ctxt, 'snapshot_instance', instance_uuid=instance_uuid,
            image_id=image_id)

    def backup_instance(self, ctxt, host, instance_uuid, image_id,
                        backup_type, rotation, cell=None):
        self._client(host, cell, version='1.9').cast(
            ctxt, 'backup_instance', instance_uuid=instance_uuid,
            image_id=image_id, backup_type=backup_type, rotation=rotation)

    def shelve_offload_instance(self, ctxt, host, instance_uuid, cell=None):
        self._client(host, cell).cast(ctxt, 'shelve_offload_instance',
                                      instance_uuid=instance_uuid)

    def unshelve_instance(self, ctxt, host, instance_uuid, cell=None,
                          image_id=None):
        if image_id is None:
            self._client(host, cell).cast(ctxt, 'unshelve_instance',
                                          instance_uuid=instance_uuid)
            return
        self._client(host, cell, version='1.9').cast(
            ctxt, 'unshelve_instance', instance_uuid=instance_uuid,
            image_id=image_id)

    def reserve_block_device_name(self, ctxt, host, instance_uuid, device,
                                  volume_id, disk_bus=None, device_type=None,
                                  tag=None, multiattach=False,
                                  delete_on_termination=False, cell=None):
        """Reserve a device name on the server's host (a call); returns
        the new block device mapping as a dict."""
        return self._client(host, cell, version='1.2').call(
            ctxt, 'reserve_block_device_name', instance_uuid=instance_uuid,
            device=device, volume_id=volume_id, disk_bus=disk_bus,
            device_type=device_type, tag=tag, multiattach=multiattach,
            delete_on_termination=delete_on_termination)

    def attach_volume(self, ctxt, host, instance_uuid, bdm_uuid,
                      multiattach=None, cell=None):
        """``multiattach``: the volume's flag as the API read it, sparing
        the compute host another read from block storage."""
        self._client(host, cell, version='1.2').cast(
            ctxt, 'attach_volume', instance_uuid=instance_uuid,
            bdm_uuid=bdm_uuid, multiattach=multiattach)

    def detach_volume(self, ctxt, host, instance_uuid, volume_id,
                      attachment_id=None, cell=None):
        self._client(host, cell, version='1.2').cast(
            ctxt, 'detach_volume', instance_uuid=instance_uuid,
            volume_id=volume_id, attachment_id=attachment_id)

    def swap_volume(self, ctxt, host, instance_uuid, old_volume_id,
                    new_volume_id, new_attachment_id, cell=None):
        self._client(host, cell, version='1.2').cast(
            ctxt, 'swap_volume', instance_uuid=instance_uuid,
            old_volume_id=old_volume_id, new_volume_id=new_volume_id,
            new_attachment_id=new_attachment_id)

    # -- 1.3: the host as administrators see it (calls) -----------------------

    def get_host_uptime(self, ctxt, host, cell=None):
        return self._client(host, cell, version='1.3').call(
            ctxt, 'get_host_uptime')

    def set_host_enabled(self, ctxt, host, enabled, cell=None):
        return self._client(host, cell, version='1.3').call(
            ctxt, 'set_host_enabled', enabled=enabled)

    def host_maintenance_mode(self, ctxt, host, mode, cell=None):
        return self._client(host, cell, version='1.3').call(
            ctxt, 'host_maintenance_mode', host_param=host, mode=mode)

    def host_power_action(self, ctxt, host, action, cell=None):
        return self._client(host, cell, version='1.3').call(
            ctxt, 'host_power_action', action=action)

    def get_diagnostics(self, ctxt, host, instance_uuid, cell=None):
        return self._client(host, cell, version='1.3').call(
            ctxt, 'get_diagnostics', instance_uuid=instance_uuid)

    def get_instance_diagnostics(self, ctxt, host, instance_uuid, cell=None):
        return self._client(host, cell, version='1.3').call(
            ctxt, 'get_instance_diagnostics', instance_uuid=instance_uuid)

    # -- 1.3: pause, suspend, soft delete, console output, rebuild -----------

    def _cast_13(self, ctxt, host, method, instance_uuid, cell, **kwargs):
        self._client(host, cell, version='1.3').cast(
            ctxt, method, instance_uuid=instance_uuid, **kwargs)

    def set_admin_password(self, ctxt, host, instance_uuid, new_pass,
                           cell=None):
        return self._client(host, cell, version='1.8').call(
            ctxt, 'set_admin_password', instance_uuid=instance_uuid,
            new_pass=new_pass)

    def inject_network_info(self, ctxt, host, instance_uuid, cell=None):
        self._client(host, cell, version='1.8').cast(
            ctxt, 'inject_network_info', instance_uuid=instance_uuid)

    def pause_instance(self, ctxt, host, instance_uuid, cell=None):
        self._cast_13(ctxt, host, 'pause_instance', instance_uuid, cell)

    def unpause_instance(self, ctxt, host, instance_uuid, cell=None):
        self._cast_13(ctxt, host, 'unpause_instance', instance_uuid, cell)

    def suspend_instance(self, ctxt, host, instance_uuid, cell=None):
        self._cast_13(ctxt, host, 'suspend_instance', instance_uuid, cell)

    def resume_instance(self, ctxt, host, instance_uuid, cell=None):
        self._cast_13(ctxt, host, 'resume_instance', instance_uuid, cell)

    def soft_delete_instance(self, ctxt, host, instance_uuid, cell=None):
        self._cast_13(ctxt, host, 'soft_delete_instance', instance_uuid,
                      cell)

    def restore_instance(self, ctxt, host, instance_uuid, cell=None):
        self._cast_13(ctxt, host, 'restore_instance', instance_uuid, cell)

    def rebuild_instance(self, ctxt, host, instance_uuid, image_ref,
                         admin_password=None, preserve_ephemeral=False,
                         reimage_boot_volume=False, cell=None):
        self._cast_13(ctxt, host, 'rebuild_instance', instance_uuid, cell,
                      image_ref=image_ref, admin_password=admin_password,
                      preserve_ephemeral=preserve_ephemeral,
                      reimage_boot_volume=reimage_boot_volume)

    def external_instance_event(self, ctxt, host, events, cell=None):
        """Hand accepted server external events (dicts with
        instance_uuid, name, status and tag) to the servers' host."""
        self._client(host, cell, version='1.3').cast(
            ctxt, 'external_instance_event', events=list(events))

    def get_console_output(self, ctxt, host, instance_uuid, tail_length,
                           cell=None):
        """The guest's console log (a call), its last ``tail_length``
        lines when given."""
        return self._client(host, cell, version='1.3').call(
            ctxt, 'get_console_output', instance_uuid=instance_uuid,
            tail_length=tail_length)

    def volume_snapshot_create(self, ctxt, host, instance_uuid, volume_id,
                               create_info, cell=None):
        """Snapshot a volume the server's hypervisor writes itself."""
        self._client(host, cell, version='1.4').cast(
            ctxt, 'volume_snapshot_create', instance_uuid=instance_uuid,
            volume_id=volume_id, create_info=dict(create_info))

    def volume_snapshot_delete(self, ctxt, host, instance_uuid, volume_id,
                               snapshot_id, delete_info, cell=None):
        """Remove such a snapshot (merging it into its neighbours)."""
        self._client(host, cell, version='1.4').cast(
            ctxt, 'volume_snapshot_delete', instance_uuid=instance_uuid,
            volume_id=volume_id, snapshot_id=snapshot_id,
            delete_info=dict(delete_info))

    # -- 1.5: attachment repairs (calls, from nova-lite-manage) ---------------

    def _call_15(self, ctxt, host, cell, method, timeout=None, **kwargs):
        client = self._client(host, cell, version='1.5')
        if timeout:
            client = client.prepare(timeout=timeout)
        return client.call(ctxt, method, **kwargs)

    def get_guest_volumes(self, ctxt, host, cell=None, timeout=None):
        """``{server uuid: {device: volume id}}`` of every guest the
        host's hypervisor has."""
        return self._call_15(ctxt, host, cell, 'get_guest_volumes',
                             timeout=timeout)

    def reconcile_volumes(self, ctxt, host, instance_uuid, before,
                          cell=None, timeout=None):
        """Bring the server's mappings, attachments and guest disks back in
        line, as the compute service does on start, touching only what
        last changed before ``before`` (an ISO 8601 time); returns what was
        done (counts by kind)."""
        return self._call_15(ctxt, host, cell, 'reconcile_volumes',
                             timeout=timeout, instance_uuid=instance_uuid,
                             before=before)

    def remove_volume_connection(self, ctxt, host, instance_uuid, volume_id,
                                 delete_attachment=False, cell=None):
        """Unplug the volume from the guest and disconnect it from the
        host (unless another server there uses it); with
        ``delete_attachment`` its attachment is deleted and the mapping
        keeps no connection info."""
        return self._call_15(ctxt, host, cell, 'remove_volume_connection',
                             instance_uuid=instance_uuid, volume_id=volume_id,
                             delete_attachment=delete_attachment)

    def connect_volume(self, ctxt, host, instance_uuid, volume_id,
                       cell=None):
        """Connect the volume to the host and plug it into the guest with
        the connection info its mapping holds."""
        return self._call_15(ctxt, host, cell, 'connect_volume',
                             instance_uuid=instance_uuid, volume_id=volume_id)

    # -- 1.6: moving servers ---------------------------------------------------

    def _cast_16(self, ctxt, host, method, cell=None, **kwargs):
        self._client(host, cell, version='1.6').cast(ctxt, method, **kwargs)

    def _call_16(self, ctxt, host, method, cell=None, **kwargs):
        return self._client(host, cell, version='1.6').call(
            ctxt, method, **kwargs)

    def resize_instance(self, ctxt, host, instance_uuid, migration_id,
                        cell=None):
        """On the source of a resize or cold migration."""
        self._cast_16(ctxt, host, 'resize_instance', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def finish_resize(self, ctxt, host, instance_uuid, migration_id,
                      cell=None):
        """On the destination."""
        self._cast_16(ctxt, host, 'finish_resize', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def confirm_resize(self, ctxt, host, instance_uuid, migration_id,
                       cell=None):
        """On the source."""
        self._cast_16(ctxt, host, 'confirm_resize', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def revert_resize(self, ctxt, host, instance_uuid, migration_id,
                      cell=None):
        """On the destination."""
        self._cast_16(ctxt, host, 'revert_resize', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def finish_revert_resize(self, ctxt, host, instance_uuid, migration_id,
                             cell=None):
        """On the source: the server back there."""
        self._cast_16(ctxt, host, 'finish_revert_resize', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def evacuate_instance(self, ctxt, host, instance_uuid, migration_id,
                          cell=None):
        """On the destination of an evacuation."""
        self._cast_16(ctxt, host, 'evacuate_instance', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def live_migration(self, ctxt, host, instance_uuid, migration_id,
                       cell=None):
        """On the source of a live migration."""
        self._cast_16(ctxt, host, 'live_migration', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def pre_live_migration(self, ctxt, host, instance_uuid, migration_id,
                           multiattach, cell=None):
        return self._call_16(ctxt, host, 'pre_live_migration', cell,
                             instance_uuid=instance_uuid,
                             migration_id=migration_id,
                             multiattach=dict(multiattach))

    def post_live_migration_at_destination(self, ctxt, host, instance_uuid,
                                           migration_id, made, cell=None):
        return self._call_16(ctxt, host,
                             'post_live_migration_at_destination', cell,
                             instance_uuid=instance_uuid,
                             migration_id=migration_id, made=made)

    def rollback_live_migration_at_destination(self, ctxt, host,
                                               instance_uuid, made,
                                               cell=None):
        return self._call_16(ctxt, host,
                             'rollback_live_migration_at_destination', cell,
                             instance_uuid=instance_uuid, made=made)

    def live_migration_force_complete(self, ctxt, host, instance_uuid,
                                      migration_id, cell=None):
        self._cast_16(ctxt, host, 'live_migration_force_complete', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def live_migration_abort(self, ctxt, host, instance_uuid, migration_id,
                             cell=None):
        self._cast_16(ctxt, host, 'live_migration_abort', cell,
                      instance_uuid=instance_uuid, migration_id=migration_id)

    def rescue_instance(self, ctxt, host, instance_uuid,
                        rescue_image_ref=None, cell=None):
        self._cast_16(ctxt, host, 'rescue_instance', cell,
                      instance_uuid=instance_uuid,
                      rescue_image_ref=rescue_image_ref)

    def unrescue_instance(self, ctxt, host, instance_uuid, cell=None):
        self._cast_16(ctxt, host, 'unrescue_instance', cell,
                      instance_uuid=instance_uuid)

    # -- 1.7: live migration checks ----------------------------------------

    def check_can_live_migrate_destination(self, ctxt, host, instance_uuid,
                                           source, cell=None):
        """On the destination (a call): its checks, then the source's;
        MigrationPreCheckError when the server cannot go there."""
        return self._client(host, cell, version='1.7').call(
            ctxt, 'check_can_live_migrate_destination',
            instance_uuid=instance_uuid, source=source)

    def check_can_live_migrate_source(self, ctxt, host, instance_uuid,
                                      dest_check_data, cell=None):
        return self._client(host, cell, version='1.7').call(
            ctxt, 'check_can_live_migrate_source',
            instance_uuid=instance_uuid, dest_check_data=dest_check_data)
