"""Single-statement reads on the driver's connection (nova_lite.db.plain),
on SQLite, MariaDB and PostgreSQL."""

import datetime
import threading
import time
from unittest import mock

import pytest
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.objects import block_device
from nova_lite.objects import instance as instance_obj
from tests.fixtures import databases

SERVERS = models.Instance.__table__
BY_UUID = sa.select(*SERVERS.c).where(SERVERS.c.uuid == sa.bindparam('uuid'))
ACTIVE_BY_NAME = sa.select(SERVERS.c.uuid, SERVERS.c.locked,
                           SERVERS.c.created_at).where(
    SERVERS.c.display_name == sa.bindparam('name'),
    SERVERS.c.deleted == 0).order_by(SERVERS.c.id)


@db_api.cell_conn_reader
def _through_sqlalchemy(context, statement, params):
    return context.connection.execute(statement, params).all()


def _server(ctx, name, **extra):
    values = {'project_id': 'p1', 'user_id': 'u1', 'display_name': name,
              'vm_state': instance_obj.ACTIVE, 'flavor': {'flavorid': '1'},
              'created_at': datetime.datetime(2026, 3, 4, 5, 6, 7),
              'launched_at': datetime.datetime(2026, 3, 4, 5, 6, 8)}
    values.update(extra)
    return instance_obj.create(ctx, values)


def _engine(ctx):
    return db_api._form(db_api.get_context_manager(ctx),
                        'reader').get_engine()


def test_rows_as_sqlalchemy_gives_them(synced):
    _conf, ctx = synced
    one = _server(ctx, 'vm1', locked=True, locked_by='owner')
    _server(ctx, 'vm2')
    got = plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    want = _through_sqlalchemy(ctx, BY_UUID, {'uuid': one.uuid})
    assert len(got) == 1
    assert got[0]._fields == tuple(want[0]._fields)
    assert tuple(got[0]) == tuple(want[0])
    # Types as SQLAlchemy's result processors make them on every backend.
    assert [type(v) for v in got[0]] == [type(v) for v in want[0]]
    assert got[0].created_at == datetime.datetime(2026, 3, 4, 5, 6, 7)
    assert got[0].locked is True and got[0].terminated_at is None
    # The statement was run on the driver's connection, not through
    # SQLAlchemy: it is prepared for this engine.
    assert plain._ENGINES[_engine(ctx)].statements[BY_UUID] is not None


def test_fixed_parameters_order_and_no_rows(synced):
    _conf, ctx = synced
    first = _server(ctx, 'same')
    second = _server(ctx, 'same', locked=False)
    gone = _server(ctx, 'same')
    instance_obj.destroy(ctx, gone.uuid)
    rows = plain.select(ctx, 'cell', ACTIVE_BY_NAME, {'name': 'same'})
    assert [r.uuid for r in rows] == [first.uuid, second.uuid]
    assert [r.locked for r in rows] == [False, False]
    assert plain.select(ctx, 'cell', ACTIVE_BY_NAME, {'name': 'other'}) == []


def test_joins_the_transaction_it_is_called_in(synced):
    _conf, ctx = synced
    seen = {}

    @db_api.cell_conn_writer
    def write_then_read(context):
        made = instance_obj.create(context, {'display_name': 'inner',
                                             'project_id': 'p1'})
        seen['rows'] = plain.select(context, 'cell', BY_UUID,
                                    {'uuid': made.uuid})
        raise RuntimeError('roll back')

    with pytest.raises(RuntimeError):
        write_then_read(ctx)
    # Read inside the writer: its own uncommitted row.
    assert [r.display_name for r in seen['rows']] == ['inner']
    assert plain.select(ctx, 'cell', ACTIVE_BY_NAME, {'name': 'inner'}) == []


def test_statements_it_cannot_run_go_through_sqlalchemy(synced):
    _conf, ctx = synced
    a, b, _c = (_server(ctx, n) for n in ('a', 'b', 'c'))
    expanding = sa.select(SERVERS.c.uuid).where(
        SERVERS.c.uuid.in_(sa.bindparam('uuids', expanding=True))
    ).order_by(SERVERS.c.id)
    rows = plain.select(ctx, 'cell', expanding, {'uuids': [a.uuid, b.uuid]})
    assert [r.uuid for r in rows] == [a.uuid, b.uuid]
    assert plain._ENGINES[_engine(ctx)].statements[expanding] is None


def test_driver_error_drops_the_connection_and_reads_again(synced):
    _conf, ctx = synced
    one = _server(ctx, 'vm1')
    plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    prepared = plain._ENGINES[_engine(ctx)].statements[BY_UUID]
    # A write since: on SQLite, the read is not the rows read before.
    _server(ctx, 'vm2')
    invalidated = []
    with mock.patch.object(prepared, 'sql', 'SELECT * FROM no_such_table'), \
            mock.patch.object(sa.pool.base._ConnectionFairy, 'invalidate',
                              autospec=True,
                              side_effect=lambda self, *a, **k:
                              invalidated.append(self)):
        rows = plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    assert [r.uuid for r in rows] == [one.uuid]
    assert len(invalidated) == 1
    # And on its own path again afterwards.
    assert plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})[0].uuid \
        == one.uuid


def test_server_by_uuid_with_mappings_outside_and_inside(synced):
    _conf, ctx = synced
    inst = _server(ctx, 'vm1')
    block_device.create(ctx, {'instance_uuid': inst.uuid,
                              'device_name': '/dev/vda',
                              'source_type': 'image',
                              'destination_type': 'local',
                              'boot_index': 0})
    block_device.create(ctx, {'instance_uuid': inst.uuid,
                              'device_name': '/dev/vdb',
                              'source_type': 'volume',
                              'destination_type': 'volume',
                              'volume_id': 'vol-1'})
    got = instance_obj.get_by_uuid(ctx, inst.uuid)
    assert [b['device_name'] for b in got.bdms] == ['/dev/vda', '/dev/vdb']
    assert got.created_at == datetime.datetime(2026, 3, 4, 5, 6, 7)

    @db_api.cell_conn_reader
    def inside(context):
        return instance_obj.get_by_uuid(context, inst.uuid)
    assert inside(ctx).bdms == got.bdms
    instance_obj.destroy(ctx, inst.uuid)
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.get_by_uuid(ctx, inst.uuid)
    deleted = instance_obj.get_by_uuid(ctx, inst.uuid, read_deleted='yes',
                                       with_extra=False)
    assert deleted.deleted


def test_server_list_by_values_outside_and_inside(synced):
    """A list filtered on column values is one statement on the driver's
    connection; in a transaction it joins it, with the same records."""
    _conf, ctx = synced
    servers = [_server(ctx, 'list-%d' % i, host='h1',
                       created_at=datetime.datetime(2026, 3, 4, 5, 6, i))
               for i in range(3)]
    _server(ctx, 'elsewhere', host='h2')
    block_device.create(ctx, {'instance_uuid': servers[1].uuid,
                              'source_type': 'volume',
                              'destination_type': 'volume',
                              'volume_id': 'vol-1'})
    keys, dirs = ['created_at', 'uuid'], ['desc', 'desc']
    filters = {'project_id': 'p1', 'host': 'h1'}
    got = instance_obj.get_all(ctx, filters, keys, dirs, limit=5)
    assert [i.display_name for i in got] == ['list-2', 'list-1', 'list-0']
    assert [b['volume_id'] for b in got[1].bdms] == ['vol-1']
    assert got[0].flavor == {'flavorid': '1'}
    assert got[0].launched_at == datetime.datetime(2026, 3, 4, 5, 6, 8)
    statement = instance_obj._listing(False, ('host', 'project_id'),
                                      tuple(keys), tuple(dirs), True)
    assert plain._ENGINES[_engine(ctx)].statements[statement] is not None

    @db_api.cell_reader
    def inside(context):
        return instance_obj.get_all(context, filters, keys, dirs, limit=5)
    assert [(i.uuid, i.bdms, i.flavor) for i in inside(ctx)] == [
        (i.uuid, i.bdms, i.flavor) for i in got]


def test_statements_kept_are_bounded(synced):
    """Statements built per shape of a request (sort keys chosen by the
    caller) are not kept without end."""
    _conf, ctx = synced
    server = _server(ctx, 'sorted')
    keys = list(instance_obj.SORT_KEYS)
    assert instance_obj.get_all(ctx, {'project_id': 'p1'}, keys[:1],
                                ['asc'])[0].uuid == server.uuid
    state = plain._ENGINES[_engine(ctx)]
    with mock.patch.object(plain, 'STATEMENTS_KEPT', 8):
        for first in keys[:12]:
            got = instance_obj.get_all(ctx, {'project_id': 'p1'},
                                       [first, 'uuid'], ['asc', 'asc'])
            assert [i.uuid for i in got] == [server.uuid]
            assert len(state.statements) <= 8


def test_mappings_of_many_servers_in_batches_of_any_size(synced):
    """The mappings of servers listed together, read with statements of a
    few fixed sizes, are each server's own, whatever their number."""
    _conf, ctx = synced
    servers = [_server(ctx, 'bdm-%d' % i) for i in range(3)]
    for index, server in enumerate(servers):
        for n in range(index):
            block_device.create(ctx, {'instance_uuid': server.uuid,
                                      'source_type': 'volume',
                                      'destination_type': 'volume',
                                      'volume_id': 'vol-%d-%d' % (index, n)})
    own = {s.uuid: block_device.get_dicts_by_instance(ctx, s.uuid)
           for s in servers}
    assert [len(v) for v in own.values()] == [0, 1, 2]
    others = ['%08d-0000-4000-8000-000000000000' % i for i in range(520)]
    for uuids in ([servers[2].uuid], [servers[1].uuid, servers[2].uuid],
                  [s.uuid for s in servers] + others[:2],
                  others[:16] + [servers[1].uuid],
                  others[:499] + [servers[2].uuid, servers[1].uuid]):
        got = block_device.get_dicts_by_instances(ctx, uuids)
        assert got == {u: own[u] for u in uuids if own.get(u)}
    assert block_device.get_dicts_by_instances(ctx, []) == {}


def test_concurrent_reads(synced):
    _conf, ctx = synced
    made = [_server(ctx, 'vm%d' % i) for i in range(6)]
    state = plain._engine(_engine(ctx))
    if _engine(ctx).dialect.name == 'sqlite':
        assert state.lock is not None
    else:
        # Server databases: reads wait on the network, side by side.
        assert state.lock is None
    errors, seen = [], []
    through = mock.patch.dict(plain._THROUGH, cell=mock.Mock(
        side_effect=AssertionError('read through a transaction')))

    def reader(inst):
        try:
            for _ in range(30):
                rows = plain.select(ctx, 'cell', BY_UUID,
                                    {'uuid': inst.uuid})
                seen.append(rows[0].display_name == inst.display_name)
        except Exception as error:  # reported below
            errors.append(error)
    threads = [threading.Thread(target=reader, args=(inst,))
               for inst in made * 2]
    with through:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []
    assert len(seen) == 12 * 30 and all(seen)
    if state.lock is not None:
        assert not state.lock.locked()


def test_sqlite_reads_keep_one_connection_until_reset(synced):
    _conf, ctx = synced
    one = _server(ctx, 'vm1')
    engine = _engine(ctx)
    pool = engine.pool
    state = plain._engine(engine)
    plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    if state.lock is None:
        assert state.connection is None
        return
    kept = state.connection
    assert kept is not None and pool.checkedout() >= 1
    for _ in range(5):
        plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    assert state.connection is kept
    db_api.reset()
    assert state.connection is None


def test_instance_mapping_with_its_cell_in_one_read(synced):
    _conf, ctx = synced
    from nova_lite.objects import cell_mapping
    cell = cell_mapping.create_cell(ctx, 'cellP', 'sqlite://')
    uuid = 'c' * 8 + '-cccc-cccc-cccc-' + 'c' * 12
    cell_mapping.create_instance_mapping(ctx, uuid, 'p1', 'u1')
    cell_mapping.PLACED.clear()
    unplaced = cell_mapping.get_instance_mapping(ctx, uuid)
    assert unplaced.cell_mapping is None and unplaced.cell_id is None
    assert (unplaced.instance_uuid, unplaced.project_id,
            unplaced.user_id) == (uuid, 'p1', 'u1')
    assert unplaced.queued_for_delete is False
    assert isinstance(unplaced.created_at, datetime.datetime)
    cell_mapping.set_instance_cell(ctx, uuid, cell.id)
    placed = cell_mapping.get_instance_mapping(ctx, uuid)
    want = cell_mapping.get_cell(ctx, cell.uuid)
    assert placed.cell_id == cell.id
    assert {f: getattr(placed.cell_mapping, f)
            for f in cell_mapping.CellMapping.FIELDS} == {
        f: getattr(want, f) for f in cell_mapping.CellMapping.FIELDS}
    assert placed.cell_mapping.disabled is False
    with pytest.raises(exception.InstanceMappingNotFound):
        cell_mapping.get_instance_mapping(ctx, 'd' * 36)


def _server_database(ctx):
    engine = _engine(ctx)
    if engine.dialect.name == 'sqlite':
        pytest.skip('SQLite reads use their one kept connection')
    return engine, plain._engine(engine)


def _autocommit(dbapi):
    """Whether a driver connection is in autocommit (PyMySQL, mysqlclient,
    psycopg2, psycopg); a closed one is not."""
    if hasattr(dbapi, 'get_autocommit'):
        if not dbapi.open:
            return False
        return bool(dbapi.get_autocommit())
    return dbapi.autocommit


def _backend_id(engine, connection):
    dbapi = connection.dbapi_connection
    if engine.dialect.name == 'postgresql':
        info = getattr(dbapi, 'info', None)  # psycopg 3
        return info.backend_pid if info is not None else \
            dbapi.get_backend_pid()
    return dbapi.thread_id()


def test_server_database_reads_keep_autocommit_connections(synced):
    """Reads on MariaDB and PostgreSQL reuse free connections kept in
    autocommit, see what others committed since their last read, and give
    them back to the pool out of autocommit."""
    _conf, ctx = synced
    engine, state = _server_database(ctx)
    one = _server(ctx, 'vm1')
    plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    assert len(state.idle) == 1
    kept = state.idle[0][0]
    assert _autocommit(kept.dbapi_connection) is True
    for name in ('vm2', 'vm3'):
        instance_obj.update(ctx, one.uuid, {'display_name': name})
        rows = plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
        assert rows[0].display_name == name
        assert [c for c, _born in state.idle] == [kept]
    # Several readers at once: no more than KEPT stay free afterwards.
    barrier = threading.Barrier(plain.KEPT + 4)

    def reader():
        barrier.wait(30)
        for _ in range(5):
            plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    threads = [threading.Thread(target=reader)
               for _ in range(plain.KEPT + 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert 1 <= len(state.idle) <= plain.KEPT
    held = [c.dbapi_connection for c, _born in state.idle]
    plain.release(engine)
    assert state.idle == []
    assert [_autocommit(c) for c in held] == [False] * len(held)


def test_server_database_read_on_a_dropped_connection(synced):
    """A kept connection the server dropped fails its next read once: the
    read goes through a transaction and the connection is not kept."""
    _conf, ctx = synced
    engine, state = _server_database(ctx)
    one = _server(ctx, 'vm1')
    plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    kept = state.idle[0][0]
    victim = _backend_id(engine, kept)
    databases.end_sessions(engine.url, [victim])
    time.sleep(0.2)
    rows = plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    assert rows[0].uuid == one.uuid
    assert kept not in [c for c, _born in state.idle]
    rows = plain.select(ctx, 'cell', BY_UUID, {'uuid': one.uuid})
    assert rows[0].uuid == one.uuid and len(state.idle) == 1


def test_places_fill_a_batch_statement():
    assert plain.places(['a', 'b'], 4) == {'u0': 'a', 'u1': 'b', 'u2': 'b',
                                           'u3': 'b'}
    assert plain.places(('a',), 1) == {'u0': 'a'}


def test_batches_fill_the_smallest_statement_that_holds_them():
    got = list(plain.batches(['a', 'b', 'c', 'd', 'e', 'f'], (1, 4)))
    assert got == [(4, {'u0': 'a', 'u1': 'b', 'u2': 'c', 'u3': 'd'}),
                   (4, {'u0': 'e', 'u1': 'f', 'u2': 'f', 'u3': 'f'})]
    assert list(plain.batches(['a'], (1, 4))) == [(1, {'u0': 'a'})]
    assert list(plain.batches([], (1, 4))) == []


def test_sqlite_reads_give_the_rows_read_while_nothing_was_written(synced):
    """On a SQLite file a read is answered with the rows it gave before
    while no connection, of this process or another, has committed
    since; any commit makes it read again."""
    import sqlite3
    _conf, ctx = synced
    engine = _engine(ctx)
    if engine.dialect.name != 'sqlite':
        pytest.skip('a SQLite file only')
    first = _server(ctx, 'same')
    fetched = []
    real_fetch = plain._fetch

    def counting(connection, prepared, params):
        fetched.append(prepared.sql)
        return real_fetch(connection, prepared, params)

    def names():
        return [r.uuid for r in
                plain.select(ctx, 'cell', ACTIVE_BY_NAME, {'name': 'same'})]

    with mock.patch.object(plain, '_fetch', counting):
        assert names() == [first.uuid]
        assert names() == [first.uuid]
        assert len(fetched) == 1
        # Other parameters are another read.
        assert plain.select(ctx, 'cell', ACTIVE_BY_NAME,
                            {'name': 'other'}) == []
        assert len(fetched) == 2
        # A commit of this process, through its other connections.
        second = _server(ctx, 'same')
        assert names() == [first.uuid, second.uuid]
        assert len(fetched) == 3
        # A commit of another process's connection.
        with sqlite3.connect(engine.url.database) as other:
            other.execute('UPDATE instances SET display_name = ? '
                          'WHERE uuid = ?', ('renamed', first.uuid))
        other.close()
        assert names() == [second.uuid]
        assert len(fetched) == 4
        assert names() == [second.uuid]
        assert len(fetched) == 4
        # Rows whose values could be changed in place are never given
        # twice.
        as_json = sa.select(sa.type_coerce(SERVERS.c.display_name,
                                           sa.JSON).label('name'))
        assert not plain._prepared(plain._engine(engine), engine,
                                   as_json).shareable


def test_postgresql_reads_of_many_rows_kept_while_the_snapshot_holds(
        synced, monkeypatch):
    """On PostgreSQL a read that gave many rows is answered with them
    while the server's snapshot is the one they were read at; a commit of
    any connection makes it read again."""
    _conf, ctx = synced
    engine = _engine(ctx)
    if engine.dialect.name != 'postgresql':
        pytest.skip('PostgreSQL only')
    monkeypatch.setattr(plain, 'REMEMBER_ROWS', 2)
    made = [_server(ctx, 'same').uuid for _ in range(2)]
    fetched = []
    real_fetch = plain._fetch

    def counting(connection, prepared, params):
        fetched.append(prepared.sql)
        return real_fetch(connection, prepared, params)

    def names(name='same'):
        return [r.uuid for r in
                plain.select(ctx, 'cell', ACTIVE_BY_NAME, {'name': name})]

    with mock.patch.object(plain, '_fetch', counting):
        # Read twice before it is kept: once to see it is many rows, once
        # after the snapshot.
        assert names() == made
        assert names() == made
        assert names() == made
        assert names() == made
        assert len(fetched) == 2
        # A read of few rows is always read.
        assert names('other') == [] and names('other') == []
        assert len(fetched) == 4
        made.append(_server(ctx, 'same').uuid)
        assert names() == made
        assert len(fetched) == 5
        # A commit of another connection, to another database of the
        # server.
        with db_api.get_api_engine().begin() as conn:
            conn.execute(sa.text('CREATE TEMPORARY TABLE t (i int) '
                                 'ON COMMIT DROP'))
            conn.execute(sa.text('INSERT INTO t VALUES (1)'))
        assert names() == made
        assert len(fetched) == 6
        with engine.connect() as conn:
            conn.execute(SERVERS.update().where(
                SERVERS.c.uuid == made[0]).values(display_name='renamed'))
            conn.commit()
        assert names() == made[1:]
        assert len(fetched) == 7
        assert names() == made[1:]
        assert len(fetched) == 7


def test_reads_kept_are_bounded_by_their_rows(synced, monkeypatch):
    """The rows kept per database are at most ROWS_KEPT: past it, those
    kept are forgotten, and reads still give the rows of the database."""
    _conf, ctx = synced
    engine = _engine(ctx)
    if engine.dialect.name == 'mysql':
        pytest.skip('no read is kept on MariaDB')
    monkeypatch.setattr(plain, 'REMEMBER_ROWS', 1)
    monkeypatch.setattr(plain, 'ROWS_KEPT', 5)
    made = {name: [_server(ctx, name).uuid for _ in range(3)]
            for name in ('a', 'b', 'c')}
    state = plain._engine(engine)
    for _ in range(3):
        for name, uuids in made.items():
            rows = plain.select(ctx, 'cell', ACTIVE_BY_NAME, {'name': name})
            assert [r.uuid for r in rows] == uuids
            assert state.results_rows <= 5
            assert sum(len(rows) for _v, rows in state.results.values()) \
                == state.results_rows
