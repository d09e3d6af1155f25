"""Client side of the conductor RPC API.

History:

* 1.0 - schedule_and_build_instances, unshelve_instance
* 1.1 - get_minimum_service_version
* 1.2 - reschedule_build_instance
* 1.3 - attach_volume
* 1.4 - select_move_destination (a call), live_migrate_instance,
  evacuate_instance
"""

from nova_lite import rpc

TOPIC = 'conductor'
VERSION = '1.4'


class ConductorAPI:

    def __init__(self, conf):
        self.conf = conf
        self.client = rpc.get_client(conf, TOPIC, VERSION)

    def schedule_and_build_instances(self, ctxt, instance_uuids):
        cctxt = self.client.prepare(version='1.0')
        cctxt.cast(ctxt, 'schedule_and_build_instances',
                   instance_uuids=instance_uuids)

    def unshelve_instance(self, ctxt, instance_uuid):
        cctxt = self.client.prepare(version='1.0')
        cctxt.cast(ctxt, 'unshelve_instance', instance_uuid=instance_uuid)

    def get_minimum_service_version(self, ctxt, binary):
        """The minimum version of ``binary`` over all cells (a call)."""
        cctxt = self.client.prepare(version='1.1')
        return cctxt.call(ctxt, 'get_minimum_service_version', binary=binary)

    def reschedule_build_instance(self, ctxt, instance_uuid, alternates,
                                  reason):
        """Ask the conductor of the cell to retry a failed build."""
        cctxt = self.client.prepare(version='1.2')
        cctxt.cast(ctxt, 'reschedule_build_instance',
                   instance_uuid=instance_uuid, alternates=alternates,
                   reason=reason)

    def attach_volume(self, ctxt, instance_uuid, volume_id, device=None,
                      tag=None, delete_on_termination=False,
                      supports_multiattach=False):
        """Reserve a device for the volume on the server's host and have
        the host attach it (a cast: 2.101's asynchronous attach)."""
        cctxt = self.client.prepare(version='1.3')
        cctxt.cast(ctxt, 'attach_volume', instance_uuid=instance_uuid,
                   volume_id=volume_id, device=device, tag=tag,
                   delete_on_termination=delete_on_termination,
                   supports_multiattach=supports_multiattach)

    # -- 1.4: moving servers ---------------------------------------------------

    def select_move_destination(self, ctxt, instance_uuid, kind, host=None,
                                force=False):
        """The destination of a move (a call): ``kind`` is 'resize', 'cold
        migrate' or 'live migrate'; NoValidHost (or UnableToMigrateToSelf)
        reaches the caller."""
        cctxt = self.client.prepare(version='1.4')
        return cctxt.call(ctxt, 'select_move_destination',
                          instance_uuid=instance_uuid, kind=kind, host=host,
                          force=force)

    def live_migrate_instance(self, ctxt, instance_uuid, migration_id,
                              host=None, force=False):
        """Choose the destination of a live migration and start it (a
        cast: a failure is the migration's status)."""
        cctxt = self.client.prepare(version='1.4')
        cctxt.cast(ctxt, 'live_migrate_instance',
                   instance_uuid=instance_uuid, migration_id=migration_id,
                   host=host, force=force)

    def evacuate_instance(self, ctxt, instance_uuid, migration_id,
                          host=None, force=False):
        cctxt = self.client.prepare(version='1.4')
        cctxt.cast(ctxt, 'evacuate_instance', instance_uuid=instance_uuid,
                   migration_id=migration_id, host=host, force=force)
