"""``nova-lite-manage volume_attachment``: look at and repair volume
attachments, as nova-manage's command of the same name does, plus an
audit of every attachment.

    volume_attachment show <server> <volume> [--connection_info] [--json]
    volume_attachment get_connector [--json]
    volume_attachment refresh <server> <volume> <connector file>
    volume_attachment audit [--fix] [--cell NAME] [--format table|json]
                            [--older-than SECONDS]

Return codes are nova-manage's (see each command); ``audit`` answers as
``nova-manage placement audit`` does: 0 nothing found, 3 differences found
(and not all repaired), 4 differences found and all repaired.
"""

import contextlib
import json
import logging
import os

from oslo_serialization import jsonutils

from nova_lite.cmd import attachment_audit
from nova_lite.cmd import common
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import instance_action
from nova_lite import rpc
from nova_lite.virt import driver as virt_driver
from nova_lite.volume import cinder

LOG = logging.getLogger(__name__)

REFRESH_ACTION = 'refresh_volume_attachment'
UNEXPECTED = 'Unexpected error, see the nova-lite-manage log for the full ' \
    'trace: %s '


class HostConflict(Exception):
    """The connector names another host than the server's."""


def _table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in
              zip(headers, *rows)] if rows else [len(h) for h in headers]
    line = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'
    out = [line, '| ' + ' | '.join(h.ljust(w) for h, w in
                                   zip(headers, widths)) + ' |', line]
    for row in rows:
        out.append('| ' + ' | '.join(str(c).ljust(w) for c, w in
                                     zip(row, widths)) + ' |')
    out.append(line)
    return '\n'.join(out)


def format_dict(values):
    """A dict as a table of two columns, Property and Value, sorted."""
    rows = []
    for key, value in sorted(values.items()):
        if isinstance(value, (dict, list)):
            value = json.dumps(value, sort_keys=True)
        rows.append((key, '' if value is None else value))
    return _table(('Property', 'Value'), rows)


def _json_default(value):
    return value.isoformat() if hasattr(value, 'isoformat') else str(value)


def _block_storage_endpoint(conf):
    """As in nova-lite-all: with the built-in block storage and no
    ``[cinder] endpoint_template``, block storage is found where the
    built-in one listens."""
    if not conf.block_storage.enabled or conf.cinder.endpoint_template:
        return
    host = conf.osapi_volume_listen
    if host in ('', '0.0.0.0', '::'):
        host = '127.0.0.1'
    elif ':' in host:
        host = '[%s]' % host
    conf.set_default('endpoint_template', 'http://%s:%s/v3/%%(project_id)s'
                     % (host, conf.osapi_volume_listen_port), group='cinder')


def _placed(ctxt, server_id):
    """The server's cell, as a context targeted at it, and the mapping."""
    mapping = cell_mapping.get_instance_mapping(ctxt, server_id)
    if mapping.cell_mapping is None:
        raise exception.InstanceMappingNotFound(uuid=server_id)
    return nl_context.target_cell(ctxt, mapping.cell_mapping), \
        mapping.cell_mapping


# -- show ----------------------------------------------------------------------------


def show(conf):
    """Show the block device mapping of a volume of a server.

    Return codes: 0 shown; 1 unexpected error; 2 server not found; 3 the
    volume is not attached to the server.
    """
    common.configure_databases(conf)
    cmd = conf.command
    try:
        cctxt, _cell = _placed(nl_context.get_admin_context(),
                               cmd.instance_uuid)
        bdm = bdm_obj.get_by_volume_and_instance(cctxt, cmd.volume_id,
                                                 cmd.instance_uuid)
        if cmd.connection_info and cmd.json:
            print(bdm.connection_info)
        elif cmd.connection_info:
            print(format_dict(jsonutils.loads(bdm.connection_info or '{}')))
        elif cmd.json:
            print(json.dumps(bdm.to_dict(), default=_json_default,
                             sort_keys=True))
        else:
            print(format_dict(bdm.to_dict()))
        return 0
    except exception.VolumeBDMNotFound as error:
        print(error.format_message())
        return 3
    except (exception.InstanceNotFound,
            exception.InstanceMappingNotFound) as error:
        print(error.format_message())
        return 2
    except Exception as error:
        print(UNEXPECTED % error)
        LOG.exception('Unexpected error')
        return 1


# -- get_connector -------------------------------------------------------------------


def get_connector(conf):
    """Show the host connector of this host, as its virt driver
    (``[DEFAULT] compute_driver``) gives it to block storage.

    Return codes: 0 shown; 1 unexpected error.
    """
    try:
        driver = virt_driver.load_compute_driver(conf)
        connector = driver.get_volume_connector(None)
        if conf.command.json:
            print(json.dumps(connector, sort_keys=True))
        else:
            print(format_dict(connector))
        return 0
    except Exception as error:
        print(UNEXPECTED % error)
        LOG.exception('Unexpected error')
        return 1


# -- refresh ---------------------------------------------------------------------


@contextlib.contextmanager
def _locked(cctxt, instance, reason):
    """The server locked by an administrator while the body runs, and
    unlocked after unless it was locked already."""
    from nova_lite.compute import api_actions
    if instance.locked:
        yield
        return
    instance_action.action_start(cctxt, instance.uuid, api_actions.ACTION_LOCK)
    instance_obj.update(cctxt, instance.uuid, {
        'locked': True, 'locked_by': 'admin', 'locked_reason': reason})
    try:
        yield
    finally:
        instance_action.action_start(cctxt, instance.uuid,
                                     api_actions.ACTION_UNLOCK)
        instance_obj.update(cctxt, instance.uuid, {
            'locked': False, 'locked_by': None, 'locked_reason': None})


def _refresh(conf, server_id, volume_id, connector):
    ctxt = nl_context.get_admin_context()
    cctxt, cell = _placed(ctxt, server_id)
    instance = instance_obj.get_by_uuid(cctxt, server_id)
    bdm = bdm_obj.get_by_volume_and_instance(cctxt, volume_id, server_id)
    if instance.vm_state != instance_obj.STOPPED:
        raise exception.InstanceInvalidState(
            instance_uuid=server_id, attr='vm_state',
            state=instance.vm_state,
            method='refresh connection_info (must be stopped)')
    if connector.get('host') != instance.host:
        raise HostConflict(
            "The compute host '%s' in the connector does not match the "
            "instance host '%s'." % (connector.get('host'), instance.host))
    if not rpc.reaches_services(conf):
        raise exception.NovaLiteException(attachment_audit.IN_PROCESS)
    reason = ('Refreshing connection_info for BDM %s associated with '
              'instance %s and volume %s.' % (bdm.uuid, server_id, volume_id))
    with _locked(cctxt, instance, reason):
        return _do_refresh(conf, cctxt, cell, instance, bdm, connector)


def _do_refresh(conf, cctxt, cell, instance, bdm, connector):
    volume_api = cinder.API(conf)
    compute = compute_rpcapi.ComputeAPI(conf)
    volume_id = bdm.volume_id
    instance_action.action_start(cctxt, instance.uuid, REFRESH_ACTION)
    new_id = None
    try:
        with instance_action.event(cctxt, instance.uuid,
                                   'nova_manage_' + REFRESH_ACTION):
            # A connector-less attachment keeps the volume reserved for
            # the server while the old one goes.
            new_id = volume_api.attachment_create(cctxt, volume_id,
                                                  instance.uuid)['id']
            compute.remove_volume_connection(
                cctxt, instance.host, instance.uuid, volume_id,
                delete_attachment=True, cell=cell)
            attachment = volume_api.attachment_update(
                cctxt, new_id, connector, bdm.device_name)
            info = dict(attachment['connection_info'])
            info.setdefault('serial', volume_id)
            if volume_api.get(cctxt, volume_id)['multiattach']:
                info['multiattach'] = True
            bdm_obj.update(cctxt, bdm.id, {
                'attachment_id': new_id,
                'connection_info': jsonutils.dumps(info)})
            volume_api.attachment_complete(cctxt, new_id)
            compute.connect_volume(cctxt, instance.host, instance.uuid,
                                   volume_id, cell=cell)
        return 0
    finally:
        # Whatever failed, the mapping keeps an attachment block storage
        # has, and no attachment made here is left unused.
        current = bdm_obj.get_by_volume_and_instance(cctxt, volume_id,
                                                     instance.uuid)
        if new_id and current.attachment_id != new_id:
            volume_api.attachment_delete(cctxt, new_id)
        try:
            volume_api.attachment_get(cctxt, current.attachment_id)
        except exception.VolumeAttachmentNotFound:
            bdm_obj.update(cctxt, current.id, {
                'attachment_id': volume_api.attachment_create(
                    cctxt, volume_id, instance.uuid)['id'],
                'connection_info': None})


def refresh(conf):
    """Refresh the connection info of a volume attachment of a stopped
    server: a new attachment with the given host connector, the old one
    deleted, the mapping updated.

    Return codes: 0 refreshed; 1 unexpected error; 2 connector file not
    found; 3 connector file unreadable or not JSON; 4 server not found;
    5 server not stopped; 6 volume not attached to the server; 7 the
    connector's host is not the server's.
    """
    common.configure_databases(conf)
    _block_storage_endpoint(conf)
    cmd = conf.command
    path = cmd.connector_path
    try:
        if not os.path.exists(path):
            raise exception.InvalidInput(
                reason='Connector file not found at %s' % path)
        with open(path, 'rb') as connector_file:
            connector = jsonutils.load(connector_file)
        if not isinstance(connector, dict):
            raise ValueError('the connector must be a JSON object')
        return _refresh(conf, cmd.instance_uuid, cmd.volume_id, connector)
    except HostConflict as error:
        print("The command 'nova-lite-manage volume_attachment "
              "get_connector' may have been run on the wrong compute host. "
              "Or the instance host may be wrong and in need of repair.\n%s"
              % error)
        return 7
    except exception.VolumeBDMNotFound as error:
        print(error.format_message())
        return 6
    except exception.InstanceInvalidState as error:
        print(error.format_message())
        return 5
    except (exception.InstanceNotFound,
            exception.InstanceMappingNotFound) as error:
        print(error.format_message())
        return 4
    except ValueError as error:
        print('Failed to open %s. Does it contain valid connector_info '
              'data?\nError: %s' % (path, error))
        return 3
    except OSError as error:
        print(str(error))
        return 3
    except exception.InvalidInput as error:
        print(error.format_message())
        return 2
    except Exception as error:
        print(UNEXPECTED % error)
        LOG.exception('Unexpected error')
        return 1


# -- audit -----------------------------------------------------------------------

AUDIT_HEADERS = ('Kind', 'Cell', 'Server', 'Volume', 'Attachment', 'Detail',
                 'Action')


def audit(conf):
    """Compare every volume mapping with block storage's attachments and
    the guests' disks; with --fix, repair what is safe
    (:mod:`nova_lite.cmd.attachment_audit`).

    Return codes: 0 no difference; 1 unexpected error; 2 no such cell; 3
    differences found (with --fix: some left); 4 differences found and all
    repaired.
    """
    common.configure_databases(conf)
    _block_storage_endpoint(conf)
    cmd = conf.command
    progress = common.Progress('Auditing volume attachments')
    try:
        differences, counts = attachment_audit.run(
            conf, nl_context.get_admin_context(), cell=cmd.cell,
            fix=cmd.fix, older_than=cmd.older_than, progress=progress.update)
    except exception.CellMappingNotFound as error:
        progress.finish(completed=False)
        print(error.format_message())
        return 2
    except Exception as error:
        progress.finish(completed=False)
        print(UNEXPECTED % error)
        LOG.exception('Unexpected error')
        return 1
    progress.finish()
    if cmd.format == 'json':
        print(json.dumps({'differences': [d.to_dict() for d in differences],
                          'checked': counts}, indent=2, sort_keys=True))
    elif differences:
        print(_table(AUDIT_HEADERS, [
            (d.kind, d.cell or '', d.server or '', d.volume or '',
             d.attachment or '', d.detail, d.action or '')
            for d in differences]))
    else:
        print('No differences: %(mappings)d mappings of %(servers)d servers '
              'in %(cells)d cells, %(attachments)d attachments and the '
              'guests of %(hosts)d compute hosts agree.' % counts)
    if not differences:
        return 0
    return 4 if cmd.fix and all(d.fixed for d in differences) else 3


def add_parsers(subparsers):
    va = subparsers.add_parser('volume_attachment').add_subparsers(
        dest='action')
    p = va.add_parser('show', help='Show the block device mapping of a '
                                   'volume attached to a server.')
    p.add_argument('instance_uuid', metavar='<instance_uuid>')
    p.add_argument('volume_id', metavar='<volume_id>')
    p.add_argument('--connection_info', '--connection-info',
                   dest='connection_info', action='store_true',
                   help='Only display the connection_info of the volume '
                        'attachment.')
    p.add_argument('--json', action='store_true',
                   help='Display output as json without a table.')
    p.set_defaults(func=show)
    p = va.add_parser('get_connector',
                      help='Show the host connector for this host.')
    p.add_argument('--json', action='store_true',
                   help='Display output as json without a table.')
    p.set_defaults(func=get_connector)
    p = va.add_parser('refresh', help='Refresh the connection info for a '
                                      'given volume attachment.')
    p.add_argument('instance_uuid', metavar='<instance_uuid>')
    p.add_argument('volume_id', metavar='<volume_id>')
    p.add_argument('connector_path', metavar='<connector_path>',
                   help='Path to file containing the host connector in '
                        'json format.')
    p.set_defaults(func=refresh)
    p = va.add_parser('audit', help='Compare every volume mapping with the '
                                    'block storage and the hypervisors.')
    p.add_argument('--fix', action='store_true',
                   help='Repair the differences that are safe to repair.')
    p.add_argument('--cell', default=None,
                   help='Only this cell (name or uuid).')
    p.add_argument('--format', choices=('table', 'json'), default='table')
    p.add_argument('--older-than', dest='older_than', type=int,
                   default=None, metavar='SECONDS',
                   help='Repair only what last changed this long ago '
                        '(default: [compute] volume_operation_timeout).')
    p.set_defaults(func=audit)
