"""/os-availability-zone: the zones (everybody) and, under /detail, their
hosts and services (administrators)."""

from nova_lite.api.controllers import common
from nova_lite.api.expose import expose
from nova_lite.api.schemas import availability_zones as schemas
from nova_lite.compute import availability_zones as az

POLICY = 'os_compute_api:os-availability-zone:%s'


def _time(when):
    return when.strftime('%Y-%m-%dT%H:%M:%S.%f') if when else None


def _zone(name, available, hosts=None):
    return {'zoneName': name, 'zoneState': {'available': available},
            'hosts': hosts}


class AvailabilityZonesController(common.RestController):
    _custom_actions = {'detail': ['GET']}

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = common.context()
        conf = common.conf()
        ctx.can(POLICY % 'list', target={})
        available, unavailable = az.get_zones(
            az.all_services(ctx.elevated(), conf))
        internal = conf.internal_service_availability_zone
        return {'availabilityZoneInfo': [
            _zone(name, True) for name in available if name != internal] + [
            _zone(name, False) for name in unavailable if name != internal]}

    @expose()
    @common.with_schemas(schemas.QUERY_SCHEMAS, query=True)
    def detail(self, **kwargs):
        ctx = common.context()
        conf = common.conf()
        ctx.can(POLICY % 'detail', target={})
        services = az.all_services(ctx.elevated(), conf)
        available, unavailable = az.get_zones(services)
        hosts = {}
        for svc in services:
            if svc.disabled:
                continue
            hosts.setdefault(svc.zone, {}).setdefault(svc.host, {})[
                svc.binary] = {
                'available': svc.is_up(conf.service_down_time),
                'active': not svc.disabled,
                'updated_at': _time(svc.updated_at or svc.created_at),
            }
        return {'availabilityZoneInfo': [
            _zone(name, True, hosts.get(name, {})) for name in available] + [
            _zone(name, False) for name in unavailable]}
