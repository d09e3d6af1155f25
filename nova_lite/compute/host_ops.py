"""The compute host as administrators see it: the resources it reports in
its compute node record, its uptime, and its servers' diagnostics."""

import json
import logging
import time

import oslo_messaging as messaging

from nova_lite import exception
from nova_lite.compute import power_state
from nova_lite.objects import compute_node as compute_node_obj
from nova_lite.objects import instance as instance_obj

LOG = logging.getLogger(__name__)

# nova's [DEFAULT] reserved_host_memory_mb default: memory kept for the
# host itself, counted as used.
RESERVED_HOST_MEMORY_MB = 512
# How often the periodic task refreshes the compute node record.
RESOURCE_REFRESH_SECONDS = 60.0

# Power states by nova's names (diagnostics refuse a guest not running).
POWER_STATE_NAMES = {0: 'pending', 1: 'running', 3: 'paused',
                     4: 'shutdown', 6: 'crashed', 7: 'suspended'}


def usage_of(instances):
    """What ``instances`` take of a host, as nova's resource tracker
    counts it."""
    used = {'vcpus_used': 0, 'memory_mb_used': RESERVED_HOST_MEMORY_MB,
            'local_gb_used': 0, 'running_vms': len(instances),
            'current_workload': 0}
    for inst in instances:
        flavor = inst.flavor or {}
        used['vcpus_used'] += int(flavor.get('vcpus') or 0)
        used['memory_mb_used'] += int(flavor.get('memory_mb') or 0)
        used['local_gb_used'] += int(flavor.get('root_gb') or 0) + int(
            flavor.get('ephemeral_gb') or 0)
        if inst.task_state is not None:
            used['current_workload'] += 1
    return used


class HostOperations:
    """Mixed into the compute manager (``self.driver``, ``self.host``,
    ``self.conf``, ``self.service_ref``)."""

    _last_resource_update = None

    def update_available_resource(self, context):
        """Write this host's compute node record from the driver's view
        and the servers on the host."""
        try:
            values = dict(self.driver.get_available_resource())
        except NotImplementedError:
            return None
        values.update(usage_of(instance_obj.get_by_host(context, self.host)))
        values['free_ram_mb'] = values['memory_mb'] - values['memory_mb_used']
        values['free_disk_gb'] = values['local_gb'] - values['local_gb_used']
        values['host_ip'] = self.conf.my_ip
        values['traits'] = json.dumps(self.driver.capability_traits())
        service_id = self.service_ref.id if self.service_ref else None
        self._last_resource_update = time.monotonic()
        return compute_node_obj.report(context, self.host, service_id, values)

    def refresh_resources_if_due(self, context):
        last = self._last_resource_update
        if last is None or \
                time.monotonic() - last >= RESOURCE_REFRESH_SECONDS:
            try:
                self.update_available_resource(context)
            except Exception:
                LOG.exception('Could not refresh the compute node record '
                              'of %s', self.host)

    # -- RPC (calls) -------------------------------------------------------------

    def get_host_uptime(self, context):
        return self.driver.get_host_uptime()

    def set_host_enabled(self, context, enabled):
        return self.driver.set_host_enabled(enabled)

    def host_maintenance_mode(self, context, host_param, mode):
        return self.driver.host_maintenance_mode(host_param, mode)

    def host_power_action(self, context, action):
        return self.driver.host_power_action(action)

    def _running_instance(self, context, instance_uuid):
        instance = instance_obj.get_by_uuid(context, instance_uuid)
        state = self.driver.get_power_state(instance)
        if state != power_state.RUNNING:
            raise exception.InstanceInvalidState(
                attr='power state', instance_uuid=instance_uuid,
                state=POWER_STATE_NAMES.get(state, 'pending'),
                method='get_diagnostics')
        return instance

    @messaging.expected_exceptions(exception.InstanceInvalidState,
                                   exception.InstanceNotFound)
    def get_diagnostics(self, context, instance_uuid):
        instance = self._running_instance(context, instance_uuid)
        return self.driver.get_diagnostics(instance)

    @messaging.expected_exceptions(exception.InstanceInvalidState,
                                   exception.InstanceNotFound)
    def get_instance_diagnostics(self, context, instance_uuid):
        instance = self._running_instance(context, instance_uuid)
        return self.driver.get_instance_diagnostics(instance)
