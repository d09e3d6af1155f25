"""Availability zones: names given to compute hosts through the
``availability_zone`` metadata of the aggregates holding them.

A compute host in no zoned aggregate is in ``[DEFAULT]
default_availability_zone``; every other service is in ``[DEFAULT]
internal_service_availability_zone``. A zone is available while one of its
services is enabled.
"""

import logging

from nova_lite import cells
from nova_lite import exception
from nova_lite.objects import aggregate as aggregate_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import service as service_obj

LOG = logging.getLogger(__name__)

HIDDEN_BINARIES = ('nova-osapi_compute', 'nova-metadata')


def zone_of(conf, host, host_zones):
    """The zone of compute ``host`` given ``{host: zones}``."""
    zones = host_zones.get(host)
    if zones:
        return ','.join(sorted(zones))
    return conf.default_availability_zone


def host_zone(context, conf, host):
    """The zone of one compute host, read from the aggregates."""
    return zone_of(conf, host,
                   {host: aggregate_obj.zones_of_host(context, host)})


def service_zone(conf, svc, host_zones):
    if svc.binary == 'nova-compute':
        return zone_of(conf, svc.host, host_zones)
    return conf.internal_service_availability_zone


def all_services(context, conf):
    """Every service of every cell that answers, with its ``zone``
    attribute set (cells that fail or time out are left out)."""
    cell_list = [c for c in cell_mapping.get_all_cells(context)
                 if not c.is_cell0]
    answers = cells.scatter_gather_cells(
        context, cell_list, conf.conductor.cell_timeout,
        lambda cctxt: service_obj.get_all(cctxt))
    host_zones = aggregate_obj.host_zones(context)
    out = []
    for cell in cell_list:
        services = answers.get(cell.uuid)
        if services is None or cells.is_failure(services):
            continue
        for svc in services:
            if svc.binary in HIDDEN_BINARIES:
                continue
            svc.zone = service_zone(conf, svc, host_zones)
            out.append(svc)
    return out


def get_zones(services):
    """``(available, unavailable)`` zone names, sorted: a zone with an
    enabled service is available; one whose services are all disabled is
    not."""
    available = {s.zone for s in services if not s.disabled}
    unavailable = {s.zone for s in services
                   if s.disabled and s.zone not in available}
    return sorted(available), sorted(unavailable)


def available_zones(context, conf):
    return get_zones(all_services(context, conf))[0]


# -- server create ---------------------------------------------------------------

def parse(conf, value):
    """``(zone, forced host, forced node)`` of a create request's
    ``availability_zone``: ``zone``, ``zone:host``, ``zone:host:node`` or
    ``zone::node``; no zone means ``[DEFAULT] default_schedule_zone``."""
    host = node = None
    zone = value
    if value and ':' in value:
        colons = value.count(':')
        if colons == 1:
            zone, host = value.split(':')
        elif colons == 2 and '::' in value:
            zone, node = value.split('::')
        elif colons == 2:
            zone, host, node = value.split(':')
        else:
            raise exception.InvalidInput(
                reason='Unable to parse availability_zone')
    if not zone:
        zone = conf.default_schedule_zone
    return zone, host or None, node or None


def zone_for_forced_host(context, conf, zone, host):
    """The zone to record for a build forced onto ``host``: the requested
    one if the host is in it, else none (the host's own zone applies)."""
    aggregates = aggregate_obj.get_by_host(context, host) if host else []
    if not aggregates:
        if zone == conf.default_availability_zone:
            return zone
        LOG.warning("Requested availability zone '%s' but forced host '%s' "
                    "is in no availability zone; the zone is ignored",
                    zone, host)
        return None
    host_zone = next((a.availability_zone for a in aggregates
                      if a.availability_zone), None)
    if zone == host_zone or (zone == conf.default_availability_zone and
                             host_zone is None):
        return zone
    LOG.warning("Requested availability zone '%s' but forced host '%s' is "
                "not in it; the zone is ignored", zone, host)
    return None


def check_requested(context, conf, zone, forced_host):
    """A zone asked for must be available, unless a host is forced."""
    if zone and forced_host is None and \
            zone not in available_zones(context.elevated(), conf):
        raise exception.InvalidRequest(
            'The requested availability zone is not available')


def check_requested_destination(context, host, node):
    """2.74: a requested host must be a mapped compute host, and a
    requested node one of its nodes (here: the host itself);
    ComputeHostNotFound otherwise."""
    name = host or node
    if not name:
        return
    try:
        cell_mapping.get_host_cell(context, name)
    except exception.HostMappingNotFound:
        raise exception.ComputeHostNotFound(host=name)
    if host and node and node != host:
        raise exception.ComputeHostNotFound(host=host)


def zone_for_volumes(conf, instance_zone, volumes):
    """With ``[cinder] cross_az_attach`` False: the server's volumes must
    all be in one zone, the server's if it has one. Returns the volumes'
    zone when the server names none and theirs is not the default (the
    server is then scheduled to it), else None."""
    if conf.cinder.cross_az_attach or not volumes:
        return None
    zones = [v.get('availability_zone') for v in volumes]
    if len(set(zones)) > 1:
        raise exception.MismatchVolumeAZException(
            reason='Volumes are in different availability zones: %s'
            % ','.join(str(z) for z in zones))
    volume_zone = zones[0]
    if instance_zone is None:
        if volume_zone != conf.default_availability_zone:
            return volume_zone
        return None
    if instance_zone != volume_zone:
        raise exception.MismatchVolumeAZException(
            reason='Server and volumes are not in the same availability '
                   'zone. Server is in: %s. Volumes are in: %s'
                   % (instance_zone, volume_zone))
    return None
