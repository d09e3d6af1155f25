"""Client side of the compute RPC API.

History:

* 1.0 - build_and_run_instance, terminate_instance, stop_instance,
  start_instance, reboot_instance, shelve_instance,
  shelve_offload_instance, unshelve_instance
* 1.1 - build_and_run_instance takes ``alternates``
"""

from nova_lite import rpc

TOPIC = 'compute'
VERSION = '1.1'


class ComputeAPI:

    def __init__(self, conf):
        self.conf = conf

    def _client(self, host, cell=None, version='1.0'):
        url = cell.transport_url if cell is not None and \
            cell.transport_url else None
        client = rpc.get_client(self.conf, TOPIC, VERSION, url=url)
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

    def shelve_instance(self, ctxt, host, instance_uuid, cell=None):
        self._client(host, cell).cast(ctxt, 'shelve_instance',
                                      instance_uuid=instance_uuid)

    def shelve_offload_instance(self, ctxt, host, instance_uuid, cell=None):
        self._client(host, cell).cast(ctxt, 'shelve_offload_instance',
                                      instance_uuid=instance_uuid)

    def unshelve_instance(self, ctxt, host, instance_uuid, cell=None):
        self._client(host, cell).cast(ctxt, 'unshelve_instance',
                                      instance_uuid=instance_uuid)
