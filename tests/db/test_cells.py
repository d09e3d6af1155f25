"""Scatter-gather over cell databases and the all-cells minimum version."""

import threading
import time

from nova_lite import cells
from nova_lite import context as nl_context
from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.cmd import db_sync as sync
from nova_lite.objects import cell_mapping
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import host_selection
from tests.fixtures import databases


def _cell_with_computes(ctx, tmp_path, backend, name, versions):
    db = databases.Database(backend, tmp_path)
    url = db.create()
    sync.sync_url(url)
    cell = cell_mapping.create_cell(ctx, name, url)
    cctxt = nl_context.target_cell(ctx, cell)
    for i, version in enumerate(versions):
        service_obj.get_or_create(cctxt, '%s-host%d' % (name, i),
                                  'nova-compute', 'compute', version=version)
    return db


def test_minimum_version_all_cells(synced, backend, tmp_path):
    conf, ctx = synced
    name = backend[0]
    dbs = [_cell_with_computes(ctx, tmp_path, name, 'c1', [7, 9]),
           _cell_with_computes(ctx, tmp_path, name, 'c2', [4]),
           _cell_with_computes(ctx, tmp_path, name, 'empty', [])]
    try:
        assert service_obj.get_minimum_version_all_cells(
            ctx, ['nova-compute']) == 4
        # A cell whose database cannot be reached is skipped.
        cell_mapping.create_cell(
            ctx, 'down', 'mysql+pymysql://root@127.0.0.1:1/nowhere')
        assert service_obj.get_minimum_version_all_cells(
            ctx, ['nova-compute'], timeout=10) == 4
    finally:
        for db in dbs:
            db.drop()


def test_no_answering_cell_means_zero(synced):
    _conf, ctx = synced
    for cell in cell_mapping.get_all_cells(ctx):
        cell_mapping.delete_cell(ctx, cell.uuid)
    cell_mapping.create_cell(ctx, 'down',
                             'mysql+pymysql://root@127.0.0.1:1/nowhere')
    assert service_obj.get_minimum_version_all_cells(
        ctx, ['nova-compute'], timeout=10) == 0


def test_scatter_gather_timeout_and_errors(synced):
    _conf, ctx = synced
    ok = cell_mapping.create_cell(ctx, 'ok', 'sqlite://')
    slow = cell_mapping.create_cell(ctx, 'slow', 'sqlite://')
    bad = cell_mapping.create_cell(ctx, 'bad', 'sqlite://')

    def fn(cctxt):
        if cctxt.cell_uuid == slow.uuid:
            time.sleep(2)
        if cctxt.cell_uuid == bad.uuid:
            raise RuntimeError('boom')
        return cctxt.cell_uuid

    start = time.monotonic()
    results = cells.scatter_gather_cells(ctx, [ok, slow, bad], 0.5, fn)
    assert time.monotonic() - start < 1.5
    assert results[ok.uuid] == ok.uuid
    assert results[slow.uuid] is cells.did_not_respond_sentinel
    assert results[bad.uuid] is cells.raised_exception_sentinel


def test_scatter_gather_reads_local_cells_inline(synced):
    """With local_inline, SQLite cells are read in the calling thread (and
    one that raises is still a failure); other cells in the pool, still
    given up after the timeout."""
    _conf, ctx = synced
    local = cell_mapping.create_cell(ctx, 'local', 'sqlite://')
    broken = cell_mapping.create_cell(ctx, 'broken', 'sqlite://')
    remote = cell_mapping.create_cell(
        ctx, 'remote', 'mysql+pymysql://root@127.0.0.1:1/nowhere')
    slow = cell_mapping.create_cell(
        ctx, 'slow', 'postgresql+psycopg2://postgres@127.0.0.1:1/nowhere')
    caller = threading.get_ident()

    def fn(cctxt):
        if cctxt.cell_uuid == broken.uuid:
            raise RuntimeError('boom')
        if cctxt.cell_uuid == slow.uuid:
            time.sleep(2)
        return threading.get_ident()

    start = time.monotonic()
    results = cells.scatter_gather_cells(
        ctx, [local, broken, remote, slow], 0.5, fn, local_inline=True)
    assert time.monotonic() - start < 1.5
    assert results[local.uuid] == caller
    assert results[broken.uuid] is cells.raised_exception_sentinel
    assert results[remote.uuid] != caller
    assert results[slow.uuid] is cells.did_not_respond_sentinel
    # Without it every cell is read in the pool.
    results = cells.scatter_gather_cells(ctx, [local], 5, fn)
    assert results[local.uuid] != caller


def test_minimum_version_cache(synced):
    _conf, ctx = synced
    service_obj.MIN_VERSION_CACHE.clear()
    cell = cell_mapping.get_all_cells(ctx)[0] if cell_mapping.get_all_cells(
        ctx) else cell_mapping.create_cell(ctx, 'c', db_api.main_connection(
            _conf))
    cctxt = nl_context.target_cell(ctx, cell)
    service_obj.get_or_create(cctxt, 'h', 'nova-compute', 'compute',
                              version=2)
    assert service_obj.get_minimum_version_all_cells(
        ctx, ['nova-compute'], cache_ttl=60) == 2
    svc = service_obj.get_by_host_and_binary(cctxt, 'h', 'nova-compute')
    service_obj.update(cctxt, svc.id, {'version': 1})
    assert service_obj.get_minimum_version_all_cells(
        ctx, ['nova-compute'], cache_ttl=60) == 2
    service_obj.MIN_VERSION_CACHE.clear()
    assert service_obj.get_minimum_version_all_cells(
        ctx, ['nova-compute'], cache_ttl=60) == 1


def test_build_finds_a_host_mapped_by_another_discovery(synced, monkeypatch):
    conf, ctx = synced
    cell = cell_mapping.create_cell(ctx, 'cell1',
                                    conf.database.connection)
    service_obj.get_or_create(nl_context.target_cell(ctx, cell), 'new-host',
                              'nova-compute', 'compute')
    # Another conductor's discovery maps the new host just after this
    # build read the host mappings and found it unmapped: this build's own
    # discovery then has nothing left to map.
    assert host_selection.discover_hosts(ctx) == ['new-host']
    real = cell_mapping.get_mapped_hosts
    reads = []

    def mapped_hosts(context):
        reads.append(1)
        return {} if len(reads) == 1 else real(context)

    monkeypatch.setattr(cell_mapping, 'get_mapped_hosts', mapped_hosts)
    host, chosen, _alternates = host_selection.select_destinations(ctx, conf)
    assert (host, chosen.uuid) == ('new-host', cell.uuid)
    assert len(reads) == 3


def test_server_lists_read_the_cells_once(synced):
    """The cells a server list reads are kept, as nova-api keeps them: a
    cell mapped by another process is seen after forget_cells (SIGHUP);
    one this process creates or deletes, at once."""
    _conf, ctx = synced
    cell_mapping.forget_cells()
    first = cell_mapping.create_cell(ctx, 'first', 'sqlite://')
    assert [c.uuid for c in cell_mapping.get_all_cells_cached(ctx)] == [
        first.uuid]
    # Another process maps a cell: not seen yet.
    with db_api.get_api_engine().begin() as conn:
        conn.execute(models.CellMapping.__table__.insert().values(
            uuid='b' * 36, name='elsewhere', database_connection='sqlite://',
            transport_url=None, disabled=False))
    assert [c.uuid for c in cell_mapping.get_all_cells_cached(ctx)] == [
        first.uuid]
    cell_mapping.forget_cells()
    assert [c.uuid for c in cell_mapping.get_all_cells_cached(ctx)] == [
        first.uuid, 'b' * 36]
    second = cell_mapping.create_cell(ctx, 'second', 'sqlite://')
    assert second.uuid in [
        c.uuid for c in cell_mapping.get_all_cells_cached(ctx)]
    cell_mapping.delete_cell(ctx, first.uuid)
    assert [c.uuid for c in cell_mapping.get_all_cells_cached(ctx)] == [
        'b' * 36, second.uuid]
