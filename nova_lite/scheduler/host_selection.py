"""Pick a compute host for a build: a small scheduler, no placement.

Candidates are the enabled, up ``nova-compute`` services of every enabled
cell whose host is mapped to that cell, that pass the build's filters
(availability zone, forced host, hard server group policies; see
``filters``). The best weighed (soft server group policies), then least
loaded candidate (fewest live servers) wins; ties go to the host name
order so that results are stable.
"""

import logging

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import compute_node as compute_node_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import filters

LOG = logging.getLogger(__name__)


def _computes_by_cell(context, skip_disabled_cells=False, cell_uuid=None,
                      progress=None):
    """Yield ``(cell, cell_context, compute services)`` of answering cells;
    ``progress(done, total, cell name)`` is called before each cell."""
    cells = [cell for cell in cell_mapping.get_all_cells(context)
             if not (cell.is_cell0 or (skip_disabled_cells and
                                       cell.disabled))
             and (cell_uuid is None or cell.uuid == cell_uuid)]
    for done, cell in enumerate(cells):
        if progress is not None:
            progress(done, len(cells), cell.name)
        cctxt = nl_context.target_cell(context, cell)
        try:
            services = service_obj.get_all(cctxt, binary='nova-compute')
        except Exception:
            LOG.warning('Cell %s is not answering; skipping its hosts',
                        cell.name, exc_info=True)
            continue
        yield cell, cctxt, services


def discover_hosts(context, progress=None):
    """Map unmapped compute hosts of every cell; return the new host names.
    ``progress(done, total, cell name)`` is called before each cell."""
    mapped = cell_mapping.get_mapped_hosts(context)
    added = []
    for cell, _cctxt, services in _computes_by_cell(context,
                                                    progress=progress):
        for svc in services:
            if svc.host not in mapped and \
                    cell_mapping.map_host(context, svc.host, cell.id):
                added.append(svc.host)
                mapped[svc.host] = cell.id
                LOG.info('Mapped compute host %s to cell %s', svc.host,
                         cell.name)
    return added


def _node_traits(cctxt):
    """``{host: set of traits}`` of a cell's compute node records."""
    out = {}
    for node in compute_node_obj.get_all(cctxt):
        out.setdefault(node.host, set()).update(
            compute_node_obj.traits_of(node))
    return out


def host_has_trait(cctxt, host, trait):
    """Whether the compute node records of ``host`` (in the cell of
    ``cctxt``) carry ``trait``."""
    return trait in _node_traits(cctxt).get(host, ())


def multiattach_capable_hosts(context, conf):
    """The enabled, up compute hosts of every enabled cell that can
    attach a multiattach volume (service version and driver trait)."""
    out = []
    for _cell, cctxt, services in _computes_by_cell(
            context, skip_disabled_cells=True):
        traits = _node_traits(cctxt)
        out.extend(svc.host for svc in services
                   if not svc.disabled and
                   svc.is_up(conf.service_down_time) and
                   filters.multiattach_capable(
                       svc, traits.get(svc.host, ())))
    return sorted(out)


def _candidates(context, conf, exclude, cell_uuid=None, host_filter=None):
    mapped = cell_mapping.get_mapped_hosts(context)
    out = []
    for cell, cctxt, services in _computes_by_cell(
            context, skip_disabled_cells=True, cell_uuid=cell_uuid):
        traits = _node_traits(cctxt) if host_filter is not None and \
            host_filter.multiattach else None
        for svc in services:
            if svc.host in exclude or mapped.get(svc.host) != cell.id:
                continue
            if svc.disabled or not svc.is_up(conf.service_down_time):
                continue
            if traits is not None and not filters.multiattach_capable(
                    svc, traits.get(svc.host, ())):
                continue
            weight = 0
            if host_filter is not None:
                if not host_filter.passes(svc.host):
                    continue
                weight = host_filter.weight(svc.host)
            load = instance_obj.count_by_host(cctxt, svc.host)
            out.append((weight, load, svc.host, cell))
    return out


def select_destinations(context, conf, exclude=(), cell_uuid=None,
                        spec=None):
    """Return ``(host, cell_mapping, alternates)`` or raise NoValidHost.

    ``alternates`` are up to ``[scheduler] max_attempts - 1`` other hosts
    of the same cell, in order, for the cell conductor to retry a failed
    build on. ``cell_uuid`` restricts the choice to one cell (servers do
    not move between cells). ``spec`` is the build's request spec (zone,
    forced host or node, server group).
    """
    host_filter = filters.HostFilter(context, conf, spec)
    candidates = _candidates(context, conf, set(exclude), cell_uuid,
                             host_filter)
    if not candidates:
        # Look again after mapping new hosts, whoever maps them: another
        # conductor (or this one's periodic discovery) may have mapped a
        # new host between the read above and this discovery, which then
        # finds nothing left to map.
        discover_hosts(context)
        candidates = _candidates(context, conf, set(exclude), cell_uuid,
                                 host_filter)
    if not candidates:
        raise exception.NoValidHost(
            reason='There are not enough hosts available.')
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    _weight, _load, host, cell = candidates[0]
    alternates = [h for _w, _l, h, c in candidates[1:]
                  if c.uuid == cell.uuid]
    return host, cell, alternates[:conf.scheduler.max_attempts - 1]


def select_destination(context, conf, exclude=(), cell_uuid=None,
                       spec=None):
    """Return ``(host, cell_mapping)`` or raise NoValidHost."""
    host, cell, _alternates = select_destinations(context, conf, exclude,
                                                  cell_uuid, spec)
    return host, cell
