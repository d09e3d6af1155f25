"""/servers/{server_id}/diagnostics and /servers/{server_id}/os-server-password,
registered on the servers controller with /servers/{server_id}/migrations."""

import oslo_messaging as messaging
import pecan
import webob.exc

from nova_lite.api.controllers import common
from nova_lite.api.controllers import server_common
from nova_lite.api.controllers import migrations
from nova_lite.api.expose import expose
from nova_lite.api import microversion
from nova_lite.api.controllers import servers
from nova_lite.api.schemas import admin_views
from nova_lite import exception

DIAGNOSTICS = 'os_compute_api:os-server-diagnostics'
PASSWORD = 'os_compute_api:os-server-password:%s'
_DIAGNOSTICS_FIELDS = ('state', 'driver', 'hypervisor', 'hypervisor_os',
                       'uptime', 'config_drive', 'num_cpus', 'num_nics',
                       'num_disks')
_DIAGNOSTICS_LISTS = {
    'cpu_details': ('id', 'time', 'utilisation'),
    'nic_details': ('mac_address', 'rx_octets', 'rx_errors', 'rx_drop',
                    'rx_packets', 'rx_rate', 'tx_octets', 'tx_errors',
                    'tx_drop', 'tx_packets', 'tx_rate'),
    'disk_details': ('read_bytes', 'read_requests', 'write_bytes',
                     'write_requests', 'errors_count'),
}


def standard_diagnostics(raw):
    """The 2.48 body: every field present, None where the driver has
    nothing."""
    body = {f: raw.get(f) for f in _DIAGNOSTICS_FIELDS}
    for name, fields in _DIAGNOSTICS_LISTS.items():
        body[name] = [{f: item.get(f) for f in fields}
                      for item in raw.get(name) or []]
    memory = raw.get('memory_details') or {}
    body['memory_details'] = {'maximum': memory.get('maximum'),
                              'used': memory.get('used')}
    return body


class DiagnosticsController(common.RestController):

    @expose()
    @common.with_schemas(admin_views.NO_QUERY, query=True)
    def get_all(self, server_id, **kwargs):
        req = pecan.request
        ctx = common.context()
        instance, cell = server_common.get_server(ctx, server_id)
        ctx.can(DIAGNOSTICS, target={'project_id': instance.project_id})
        if not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        rpc = common.compute_api().compute
        try:
            if microversion.is_supported(req, '2.48'):
                return standard_diagnostics(rpc.get_instance_diagnostics(
                    ctx, instance.host, instance.uuid, cell=cell))
            return rpc.get_diagnostics(ctx, instance.host, instance.uuid,
                                       cell=cell)
        except exception.InstanceInvalidState as error:
            raise common.conflict_for_invalid_state(
                error, 'get_diagnostics', server_id)
        except NotImplementedError:
            raise webob.exc.HTTPNotImplemented(
                explanation='The requested functionality is not supported.')
        except messaging.MessagingTimeout:
            raise exception.ComputeServiceUnavailable(host=instance.host)


class ServerPasswordController(common.RestController):
    """The encrypted password a guest posted to the metadata service; none
    is kept until a metadata service sets one."""

    @expose()
    @common.with_schemas(admin_views.NO_QUERY, query=True)
    def get_all(self, server_id, **kwargs):
        ctx = common.context()
        instance, _cell = server_common.get_server(ctx, server_id)
        ctx.can(PASSWORD % 'show', target={'project_id': instance.project_id})
        return {'password': ''}

    @expose(status=204)
    def delete(self, server_id, **kwargs):
        ctx = common.context()
        instance, _cell = server_common.get_server(ctx, server_id)
        ctx.can(PASSWORD % 'clear',
                target={'project_id': instance.project_id})
        return None


pecan.route(servers.ServersController, 'diagnostics',
            DiagnosticsController())
pecan.route(servers.ServersController, 'os-server-password',
            ServerPasswordController())
pecan.route(servers.ServersController, 'migrations',
            migrations.ServerMigrationsController())
