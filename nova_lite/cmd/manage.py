"""nova-lite-manage: database sync, cells, hosts and services.

    nova-lite-manage api_db sync
    nova-lite-manage db sync
    nova-lite-manage cell_v2 map_cell0 [--database_connection URL]
    nova-lite-manage cell_v2 create_cell --name N --database_connection URL
                                         [--transport-url URL]
    nova-lite-manage cell_v2 list_cells
    nova-lite-manage cell_v2 delete_cell --cell_uuid UUID
    nova-lite-manage cell_v2 discover_hosts
    nova-lite-manage service list
    nova-lite-manage api openapi [--service compute|volume]
                                 [--microversion X.Y] [--output-dir DIR]
    nova-lite-manage volume_attachment show <server> <volume>
                                 [--connection_info] [--json]
    nova-lite-manage volume_attachment get_connector [--json]
    nova-lite-manage volume_attachment refresh <server> <volume>
                                 <connector file>
    nova-lite-manage volume_attachment audit [--fix] [--cell NAME]
                                 [--format table|json] [--older-than SECONDS]
"""

import sys

from oslo_config import cfg

from nova_lite.cmd import common
from nova_lite.cmd import volume_attachment
from nova_lite import context as nl_context
from nova_lite.cmd import db_sync as sync
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import host_selection


def _print_table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in
              zip(headers, *rows)] if rows else [len(h) for h in headers]
    line = '+' + '+'.join('-' * (w + 2) for w in widths) + '+'
    print(line)
    print('| ' + ' | '.join(h.ljust(w) for h, w in zip(headers, widths))
          + ' |')
    print(line)
    for row in rows:
        print('| ' + ' | '.join(str(c).ljust(w) for c, w in
                                zip(row, widths)) + ' |')
    print(line)


def api_db_sync(conf):
    common.configure_databases(conf)
    sync.sync_api_db(conf)
    return 0


def db_sync(conf):
    common.configure_databases(conf)
    progress = common.Progress('Syncing cell databases')
    try:
        sync.sync_all_cells(conf, progress=progress.update)
    except BaseException:
        progress.finish(completed=False)
        raise
    progress.finish()
    if conf.image_service.enabled:
        # The built-in image service's database (its own alembic tree).
        from nova_lite.image_service import store as image_store
        store = image_store.Store(conf)
        try:
            store.sync()
        finally:
            store.stop()
    return 0


def map_cell0(conf):
    common.configure_databases(conf)
    cell = sync.map_cell0(conf, conf.command.database_connection)
    sync.sync_url(cell.database_connection)
    return 0


def create_cell(conf):
    common.configure_databases(conf)
    cmd = conf.command
    if not cmd.database_connection:
        print('The database connection must be given with '
              '--database_connection.')
        return 1
    try:
        cell = cell_mapping.create_cell(
            nl_context.get_admin_context(), cmd.cell_name,
            cmd.database_connection, transport_url=cmd.cell_transport_url)
    except exception.CellMappingExists as error:
        print(error.format_message())
        return 2
    print(cell.uuid)
    return 0


def list_cells(conf):
    common.configure_databases(conf)
    rows = []
    for cell in cell_mapping.get_all_cells(nl_context.get_admin_context()):
        rows.append((cell.name, cell.uuid, _mask(cell.transport_url),
                     _mask(cell.database_connection), cell.disabled))
    _print_table(('Name', 'UUID', 'Transport URL', 'Database Connection',
                  'Disabled'), rows)
    return 0


def _mask(url):
    if not url or '@' not in url or '://' not in url:
        return url
    scheme, rest = url.split('://', 1)
    creds, host = rest.rsplit('@', 1)
    user = creds.split(':', 1)[0]
    return '%s://%s:****@%s' % (scheme, user, host)


def delete_cell(conf):
    common.configure_databases(conf)
    ctxt = nl_context.get_admin_context()
    try:
        cell = cell_mapping.get_cell(ctxt, conf.command.cell_uuid)
    except exception.CellMappingNotFound:
        print('Cell with uuid %s was not found.' % conf.command.cell_uuid)
        return 1
    cctxt = nl_context.target_cell(ctxt, cell)
    hosts = [s.host for s in service_obj.get_all(cctxt, 'nova-compute')]
    if any(instance_obj.count_by_host(cctxt, h) for h in hosts):
        print('There are existing instances mapped to cell with uuid %s.'
              % cell.uuid)
        return 3
    for host in hosts:
        cell_mapping.unmap_host(ctxt, host)
    cell_mapping.delete_cell(ctxt, cell.uuid)
    return 0


def discover_hosts(conf):
    common.configure_databases(conf)
    progress = common.Progress('Discovering hosts in cells')
    try:
        added = host_selection.discover_hosts(
            nl_context.get_admin_context(), progress=progress.update)
    except BaseException:
        progress.finish(completed=False)
        raise
    progress.finish()
    for host in added:
        print('Mapped host %s' % host)
    return 0


def service_list(conf):
    common.configure_databases(conf)
    ctxt = nl_context.get_admin_context()
    rows = []
    for cell in cell_mapping.get_all_cells(ctxt):
        if cell.is_cell0:
            continue
        cctxt = nl_context.target_cell(ctxt, cell)
        for svc in service_obj.get_all(cctxt):
            rows.append((svc.uuid, svc.binary, svc.host, cell.name,
                         'disabled' if svc.disabled else 'enabled',
                         'up' if svc.is_up(conf.service_down_time)
                         else 'down', svc.version, svc.updated_at or ''))
    _print_table(('Id', 'Binary', 'Host', 'Cell', 'Status', 'State',
                  'Version', 'Updated At'), rows)
    return 0


def api_openapi(conf):
    """Write the OpenAPI documents of the compute API (or, with --service
    volume, of the built-in block storage): one microversion's to stdout,
    or one file per range of microversions with the same document
    (compute-<first>[-<last>].json) into --output-dir."""
    import json
    import os

    from nova_lite.api import microversion
    from nova_lite.openapi import compute as compute_openapi
    from nova_lite.openapi import volume as volume_openapi
    cmd = conf.command
    volume = cmd.service == 'volume'
    openapi, known = (volume_openapi, volume_openapi.VERSIONS) if volume \
        else (compute_openapi, microversion.VERSIONS)
    if cmd.microversion:
        try:
            version = str(microversion.APIVersion(cmd.microversion))
        except exception.InvalidAPIVersionString as error:
            print(error.format_message())
            return 1
        if version not in known:
            print('Version %s is not supported by the API. Minimum is %s '
                  'and maximum is %s.' % (version, known[0], known[-1]))
            return 1
        documents = [(version, version, openapi.build(version))]
    else:
        documents = openapi.ranges()
    if not cmd.output_dir:
        if len(documents) != 1:
            documents = documents[-1:]
        print(json.dumps(documents[0][2], indent=2, sort_keys=True))
        return 0
    os.makedirs(cmd.output_dir, exist_ok=True)
    for first, last, doc in documents:
        span = first if first == last else '%s-%s' % (first, last)
        name = '%s-%s.json' % ('block-storage' if volume else 'compute',
                               span)
        with open(os.path.join(cmd.output_dir, name), 'w') as out:
            json.dump(doc, out, indent=2, sort_keys=True)
            out.write('\n')
        print('Wrote %s' % name)
    return 0


def _add_parsers(subparsers):
    api_db = subparsers.add_parser('api_db').add_subparsers(dest='action')
    api_db.add_parser('sync').set_defaults(func=api_db_sync)
    db = subparsers.add_parser('db').add_subparsers(dest='action')
    db.add_parser('sync').set_defaults(func=db_sync)
    cells = subparsers.add_parser('cell_v2').add_subparsers(dest='action')
    p = cells.add_parser('map_cell0')
    p.add_argument('--database_connection', default=None)
    p.set_defaults(func=map_cell0)
    p = cells.add_parser('create_cell')
    p.add_argument('--name', dest='cell_name', required=True)
    p.add_argument('--database_connection', default=None)
    p.add_argument('--transport-url', dest='cell_transport_url',
                   default=None)
    p.set_defaults(func=create_cell)
    cells.add_parser('list_cells').set_defaults(func=list_cells)
    p = cells.add_parser('delete_cell')
    p.add_argument('--cell_uuid', required=True)
    p.set_defaults(func=delete_cell)
    cells.add_parser('discover_hosts').set_defaults(func=discover_hosts)
    svc = subparsers.add_parser('service').add_subparsers(dest='action')
    svc.add_parser('list').set_defaults(func=service_list)
    api = subparsers.add_parser('api').add_subparsers(dest='action')
    p = api.add_parser('openapi')
    p.add_argument('--service', choices=('compute', 'volume'),
                   default='compute')
    p.add_argument('--microversion', default=None)
    p.add_argument('--output-dir', dest='output_dir', default=None)
    p.set_defaults(func=api_openapi)
    volume_attachment.add_parsers(subparsers)


def main(argv=None):
    common_opts = [cfg.SubCommandOpt('command', handler=_add_parsers,
                                     title='Commands')]
    return common.run('nova-lite-manage', argv, _command,
                      cli_opts=common_opts)


def _command(conf):
    func = getattr(conf.command, 'func', None)
    if func is None:
        print(__doc__)
        return 1
    return func(conf)


if __name__ == '__main__':
    sys.exit(main())
