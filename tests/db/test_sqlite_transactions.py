"""How transactions start on SQLite (the embedded default): writers take
the write lock at BEGIN, readers read a snapshot without it, and a BEGIN
that fails reaches callers as SQLAlchemy's error, filtered by oslo.db,
never as the driver's."""

import sqlite3
import threading

from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from nova_lite import context as nl_context
from nova_lite.db import api as db_api
from tests.fixtures import stack as stack_fixture


@pytest.fixture
def cell(tmp_path):
    path = tmp_path / 'cell.sqlite'
    conf = stack_fixture.make_conf(tmp_path)
    db_api.reset()
    db_api.configure(conf, api=False, main=False)
    url = 'sqlite:///%s' % path
    ctx = nl_context.get_admin_context()
    ctx.db_connection = db_api.get_cell_context_manager(url)

    @db_api.cell_conn_writer
    def setup(context):
        context.connection.exec_driver_sql(
            'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
        context.connection.exec_driver_sql("INSERT INTO t VALUES (1, 'a')")
    setup(ctx)
    yield ctx, str(path)
    db_api.reset()


def _other(path, timeout_ms=0):
    raw = sqlite3.connect(path, isolation_level=None, timeout=0,
                          check_same_thread=False)
    raw.execute('PRAGMA busy_timeout = %d' % timeout_ms)
    return raw


def _hold_open(transaction, ctx, entered, release):
    def body(context):
        entered.set()
        assert release.wait(10)
    thread = threading.Thread(target=transaction(body), args=(ctx,))
    thread.start()
    assert entered.wait(10)
    return thread


def test_writer_holds_the_write_lock_from_begin(cell):
    ctx, path = cell
    entered, release = threading.Event(), threading.Event()
    thread = _hold_open(db_api.cell_conn_writer, ctx, entered, release)
    other = _other(path)
    try:
        # The writer has written nothing yet, but holds the lock.
        with pytest.raises(sqlite3.OperationalError, match='locked'):
            other.execute('BEGIN IMMEDIATE')
        # Readers are not blocked (WAL).
        assert other.execute('SELECT v FROM t').fetchone() == ('a',)
    finally:
        release.set()
        thread.join()
    other.execute('BEGIN IMMEDIATE')
    other.execute('ROLLBACK')
    other.close()


def test_reader_leaves_the_write_lock_free(cell):
    ctx, path = cell
    entered, release = threading.Event(), threading.Event()
    thread = _hold_open(db_api.cell_conn_reader, ctx, entered, release)
    other = _other(path)
    try:
        other.execute('BEGIN IMMEDIATE')
        other.execute("UPDATE t SET v = 'b'")
        other.execute('COMMIT')
    finally:
        release.set()
        thread.join()
        other.close()


def test_reader_sees_one_snapshot(cell):
    ctx, path = cell
    other = _other(path)
    seen = []

    @db_api.cell_conn_reader
    def read_twice(context):
        q = sa.text('SELECT v FROM t WHERE id = 1')
        seen.append(context.connection.execute(q).scalar())
        other.execute("UPDATE t SET v = 'changed'")
        seen.append(context.connection.execute(q).scalar())
    read_twice(ctx)
    other.close()
    assert seen == ['a', 'a']


def _short_busy_timeout(ctx):
    engine = ctx.db_connection.writer.get_engine()
    engine.pool.dispose()

    def on_connect(dbapi_conn, record):
        dbapi_conn.execute('PRAGMA busy_timeout = 50')
    event.listen(engine, 'connect', on_connect)
    return engine, on_connect


def test_failed_begin_is_sqlalchemy_error_and_nothing_is_written(cell):
    ctx, path = cell
    engine, listener = _short_busy_timeout(ctx)
    other = _other(path)
    other.execute('BEGIN IMMEDIATE')
    ran = []

    @db_api.cell_conn_writer
    def write(context):
        ran.append(True)
        context.connection.exec_driver_sql("UPDATE t SET v = 'w'")
    try:
        # oslo.db passes operational errors on as SQLAlchemy raised them
        # (and wraps the rest in its DBError).
        with pytest.raises(sa.exc.OperationalError) as info:
            write(ctx)
        assert not isinstance(info.value, sqlite3.Error)
        assert not isinstance(info.value, db_exc.DBDeadlock)
        assert 'locked' in str(info.value)
        assert ran == []
    finally:
        other.execute('ROLLBACK')
        other.close()
        event.remove(engine, 'connect', listener)
    write(ctx)
    assert ran == [True]


def test_begin_succeeds_when_the_lock_frees_in_time(cell):
    ctx, path = cell
    engine, listener = _short_busy_timeout(ctx)
    other = _other(path)
    other.execute('BEGIN IMMEDIATE')
    timer = threading.Timer(0.02, lambda: other.execute('ROLLBACK'))

    @db_api.cell_conn_writer
    def write(context):
        context.connection.exec_driver_sql("UPDATE t SET v = 'w'")

    @db_api.cell_conn_reader
    def read(context):
        return context.connection.exec_driver_sql(
            'SELECT v FROM t').scalar()
    timer.start()
    try:
        write(ctx)
    finally:
        timer.join()
        other.close()
        event.remove(engine, 'connect', listener)
    assert read(ctx) == 'w'


def test_transaction_forms_derived_once_per_manager(cell):
    ctx, _path = cell
    mgr = ctx.db_connection

    @db_api.cell_conn_reader
    def read(context):
        return context.connection.exec_driver_sql(
            'SELECT v FROM t').scalar()

    @db_api.cell_reader
    def read_in_session(context):
        # A plain-statement reader joins the session's transaction.
        context.session.execute(sa.text("UPDATE t SET v = 'b'"))
        return read(context)

    assert read(ctx) == 'a'
    assert read_in_session(ctx) == 'b'
    # The reader's session was rolled back.
    assert read(ctx) == 'a'
    assert db_api._form(mgr, 'conn_reader') is \
        db_api._form(mgr, 'conn_reader')
    assert db_api._form(mgr, 'reader') is not db_api._form(mgr, 'writer')
    assert {form for (m, form) in db_api._DERIVED if m == id(mgr)} == {
        'conn_writer', 'conn_reader', 'reader', 'writer'}
    db_api.reset()
    assert db_api._DERIVED == {}
