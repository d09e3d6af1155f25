"""/os-instance_usage_audit_log: the state of the instance usage audit of
every compute host for the last completed audit period (administrators).

No audit task runs here, so every compute host is reported as not run,
as nova reports it with ``[DEFAULT] instance_usage_audit`` off."""

import datetime

import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers.hosts import no_empty_id
from nova_lite.api.expose import expose
from nova_lite import cells
from nova_lite.objects import cell_mapping
from nova_lite.objects import service as service_obj

POLICY = 'os_compute_api:os-instance-usage-audit-log:%s'
_ANY_QUERY = {'type': 'object', 'properties': {},
              'additionalProperties': True}
_STRICT_QUERY = {'type': 'object', 'properties': {},
                 'additionalProperties': False}
QUERY_SCHEMAS = [('2.1', '2.101', _ANY_QUERY), ('2.102', None, _STRICT_QUERY)]


def last_completed_month(before=None):
    """``(beginning, ending)`` of the last whole month before ``before``
    (nova's default ``instance_usage_audit_period``)."""
    before = before or datetime.datetime.utcnow()
    ending = datetime.datetime(before.year, before.month, 1)
    if ending.month == 1:
        beginning = datetime.datetime(ending.year - 1, 12, 1)
    else:
        beginning = datetime.datetime(ending.year, ending.month - 1, 1)
    return beginning, ending


def _compute_hosts(ctx):
    cell_list = [c for c in cell_mapping.get_all_cells(ctx)
                 if not c.is_cell0]
    results = cells.scatter_gather_cells(
        ctx, cell_list, common.conf().conductor.cell_timeout,
        lambda cctxt: service_obj.get_all(cctxt, binary='nova-compute'))
    hosts = set()
    for services in results.values():
        if not cells.is_failure(services):
            hosts.update(svc.host for svc in services)
    return hosts


def audit_log(ctx, before=None):
    beginning, ending = last_completed_month(before)
    hosts = _compute_hosts(ctx)
    # No task log entries: no host done, running or with errors.
    done = 'ALL' if not hosts else '0 of %d' % len(hosts)
    return {'period_beginning': str(beginning),
            'period_ending': str(ending),
            'num_hosts': len(hosts),
            'num_hosts_done': 0,
            'num_hosts_running': 0,
            'num_hosts_not_run': len(hosts),
            'hosts_not_run': sorted(hosts),
            'total_instances': 0,
            'total_errors': 0,
            'overall_status': '%s hosts done. 0 errors.' % done,
            'log': {}}


def _parse_before(value):
    fmt = '%Y-%m-%d %H:%M:%S.%f' if '.' in value else '%Y-%m-%d %H:%M:%S'
    try:
        return datetime.datetime.strptime(value, fmt)
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid timestamp for date %s' % value)


class InstanceUsageAuditLogController(common.RestController):

    @expose()
    @no_empty_id
    @common.with_schemas(QUERY_SCHEMAS, query=True)
    def get_all(self, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'list', target={})
        return {'instance_usage_audit_logs': audit_log(ctx)}

    @expose()
    @common.with_schemas(QUERY_SCHEMAS, query=True)
    def get_one(self, before_timestamp, **kwargs):
        ctx = common.context()
        ctx.can(POLICY % 'show', target={})
        before = _parse_before(before_timestamp)
        return {'instance_usage_audit_log': audit_log(ctx, before)}
