"""What a build asks of its host: an availability zone, a forced host or
node (``az:host``, ``az::node``), the policy of its server group.

Hard policies (and the zone) refuse hosts; soft policies only order the
hosts that are left: soft-affinity prefers hosts holding more members of
the group, soft-anti-affinity fewer.
"""

import collections
import logging

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import aggregate as aggregate_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_group as group_obj
from nova_lite.objects import service as service_obj

LOG = logging.getLogger(__name__)


def member_hosts(context, group, exclude=()):
    """``{host: number of the group's members on it}`` of its placed,
    live members (``exclude``: server uuids not to count)."""
    counts = collections.Counter()
    for uuid in group.members:
        if uuid in exclude:
            continue
        try:
            mapping = cell_mapping.get_instance_mapping(context, uuid)
        except exception.InstanceMappingNotFound:
            continue
        cell = mapping.cell_mapping
        if cell is None or cell.is_cell0:
            continue
        cctxt = nl_context.target_cell(context, cell)
        try:
            inst = instance_obj.get_by_uuid(cctxt, uuid, read_deleted='no',
                                            with_extra=False)
        except exception.InstanceNotFound:
            continue
        if inst.host:
            counts[inst.host] += 1
    return counts


MULTIATTACH_TRAIT = 'COMPUTE_VOLUME_MULTI_ATTACH'


def multiattach_capable(service, node_traits):
    """Whether a compute service (and the traits of its node record) can
    attach a multiattach volume."""
    return service.version >= service_obj.MIN_COMPUTE_MULTIATTACH and \
        MULTIATTACH_TRAIT in node_traits


class HostFilter:
    """Built once per build from its request spec (a dict)."""

    def __init__(self, context, conf, spec=None):
        spec = spec or {}
        self.zone = spec.get('availability_zone')
        self.forced_host = spec.get('forced_host')
        self.forced_node = spec.get('forced_node')
        self.requested = spec.get('requested_host') or \
            spec.get('requested_node')
        # Hosts must be able to attach the build's multiattach volume
        # ([scheduler] multiattach_capability_placement).
        self.multiattach = bool(spec.get('multiattach')) and \
            conf.scheduler.multiattach_capability_placement
        self.group = None
        self.members = collections.Counter()
        self.host_zones = {}
        self.conf = conf
        if self.zone:
            self.host_zones = aggregate_obj.host_zones(context)
        group_uuid = spec.get('group')
        if group_uuid:
            try:
                self.group = group_obj.get_by_uuid(context.elevated(),
                                                   group_uuid)
            except exception.InstanceGroupNotFound:
                LOG.warning('Server group %s of a build is gone; its policy '
                            'is not applied', group_uuid)
            else:
                self.members = member_hosts(
                    context, self.group,
                    exclude=(spec.get('instance_uuid'),))

    @property
    def forced(self):
        return self.forced_host or self.forced_node

    def passes(self, host):
        if self.forced:
            # A forced host (or node: one node per host here) skips the
            # filters, as in nova.
            return host == (self.forced_host or self.forced_node)
        if self.requested and host != self.requested:
            return False
        if self.zone:
            zones = self.host_zones.get(host) or {
                self.conf.default_availability_zone}
            if self.zone not in zones:
                return False
        if self.group is None:
            return True
        policy = self.group.policy
        if policy == 'affinity':
            return not self.members or host in self.members
        if policy == 'anti-affinity':
            return self.members.get(host, 0) < \
                self.group.max_server_per_host
        return True

    def weight(self, host):
        """Lower is better."""
        if self.group is None:
            return 0
        if self.group.policy == 'soft-affinity':
            return -self.members.get(host, 0)
        if self.group.policy == 'soft-anti-affinity':
            return self.members.get(host, 0)
        return 0
