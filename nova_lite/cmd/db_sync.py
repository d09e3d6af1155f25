"""Schema sync and the cells of a fresh deployment.

Shared by ``nova-lite-manage`` and by ``nova-lite-all``'s first start.
"""

import logging

import sqlalchemy as sa

from nova_lite import context as nl_context
from nova_lite.db import api as db_api
from nova_lite.db import migration
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import flavor as flavor_obj

LOG = logging.getLogger(__name__)


def sync_api_db(conf):
    migration.upgrade('api', db_api.get_api_engine())
    flavor_obj.seed_defaults(nl_context.get_admin_context())


def sync_main_db(conf):
    migration.upgrade('main', db_api.get_main_engine())


def sync_url(url):
    migration.upgrade_url('main', url)


def sync_all_cells(conf, progress=None):
    """Upgrade [database] and every mapped cell database, each once;
    ``progress(done, total, name)`` is called before each (and with
    ``done == total`` at the end)."""
    main = db_api.main_connection(conf)
    cells = cell_mapping.get_all_cells(nl_context.get_admin_context())
    names = {c.database_connection: c.name for c in cells}
    todo = [(names.get(main, '[database]'), main)]
    seen = {main}
    for cell in cells:
        if cell.database_connection not in seen:
            seen.add(cell.database_connection)
            todo.append((cell.name, cell.database_connection))
    for done, (name, url) in enumerate(todo):
        if progress is not None:
            progress(done, len(todo), name)
        if url == main:
            sync_main_db(conf)
        else:
            sync_url(url)
    if progress is not None:
        progress(len(todo), len(todo), '')
    return seen


def map_cell0(conf, database_connection=None):
    ctxt = nl_context.get_admin_context()
    try:
        return cell_mapping.get_cell(ctxt, cell_mapping.CELL0_UUID)
    except exception.CellMappingNotFound:
        pass
    url = database_connection or default_cell0_connection(conf)
    return cell_mapping.create_cell(
        ctxt, cell_mapping.CELL0_NAME, url, transport_url='none:///',
        uuid=cell_mapping.CELL0_UUID)


def default_cell0_connection(conf):
    """Nova's rule: the [database] connection with the name + _cell0."""
    main = db_api.main_connection(conf)
    if main == db_api.default_connections(conf)['main']:
        return db_api.default_connections(conf)['cell0']
    url = sa.engine.make_url(main)
    if url.get_backend_name() == 'sqlite':
        base = url.database or 'nova_lite.sqlite'
        name = base[:-7] + '_cell0.sqlite' if base.endswith('.sqlite') \
            else base + '_cell0'
    else:
        name = (url.database or 'nova_lite') + '_cell0'
    return url.set(database=name).render_as_string(hide_password=False)


def ensure_embedded_cells(conf):
    """cell0 plus cell1 on [database]: what the all-in-one needs."""
    ctxt = nl_context.get_admin_context()
    cell0 = map_cell0(conf)
    sync_url(cell0.database_connection)
    cells = [c for c in cell_mapping.get_all_cells(ctxt) if not c.is_cell0]
    if not cells:
        cell_mapping.create_cell(ctxt, 'cell1',
                                 db_api.main_connection(conf),
                                 transport_url=None)
        LOG.info('Created cell1 on the [database] connection')
