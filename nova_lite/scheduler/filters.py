"""What a build asks of its host: an availability zone, a forced host or
node (``az:host``, ``az::node``), the policy of its server group, and,
where ``[filter_scheduler] enabled_filters`` lists SameHostFilter or
DifferentHostFilter, the hosts of the servers its ``same_host`` or
``different_host`` scheduler hint names.

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


# The filters of nova's [filter_scheduler] enabled_filters that nova_lite
# applies as listed; ComputeFilter, the availability zone and the server
# group policies are always applied, and the other filters of nova are not
# (ComputeCapabilitiesFilter and ImagePropertiesFilter, in nova's default
# list, are accepted: nothing here asks what they check).
SAME_HOST_FILTER = 'SameHostFilter'
DIFFERENT_HOST_FILTER = 'DifferentHostFilter'
KNOWN_FILTERS = frozenset((
    'ComputeFilter', 'AvailabilityZoneFilter', 'ComputeCapabilitiesFilter',
    'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter',
    'ServerGroupAffinityFilter', SAME_HOST_FILTER, DIFFERENT_HOST_FILTER))


def unknown_filters(conf):
    """The names of ``[filter_scheduler] enabled_filters`` nova_lite does
    not know (the conductor logs them when it starts)."""
    return [name for name in conf.filter_scheduler.enabled_filters
            if name not in KNOWN_FILTERS]


def member_hosts(context, group, exclude=()):
    """``{host: number of the group's members on it}`` of its placed,
    live members (``exclude``: server uuids not to count)."""
    return collections.Counter(
        _placed_hosts(context, group.members, exclude))


def _placed_hosts(context, uuids, exclude=()):
    """The host of each live, placed server of ``uuids``."""
    for uuid in uuids:
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
            yield inst.host


def _hinted_hosts(context, hints, name):
    """The hosts of the servers the ``name`` hint names, or None without
    the hint."""
    uuids = hints.get(name)
    if not uuids:
        return None
    if isinstance(uuids, str):
        uuids = [uuids]
    return set(_placed_hosts(context.elevated(), uuids))


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
        enabled = set(conf.filter_scheduler.enabled_filters)
        hints = spec.get('scheduler_hints') or {}
        # Hosts a server must (same_host) or must not (different_host) be
        # put on; None where the hint or its filter is absent.
        self.same_hosts = _hinted_hosts(context, hints, 'same_host') \
            if SAME_HOST_FILTER in enabled else None
        self.different_hosts = _hinted_hosts(
            context, hints, 'different_host') \
            if DIFFERENT_HOST_FILTER in enabled else None
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
        if self.same_hosts is not None and host not in self.same_hosts:
            return False
        if self.different_hosts and host in self.different_hosts:
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
