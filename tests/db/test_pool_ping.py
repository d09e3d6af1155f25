"""Connections of a server database's pool are pinged only when they have
been idle a while (nova_lite.db.api._ping_idle_only), on MariaDB and
PostgreSQL; a connection lost meanwhile costs its transaction one retry."""

from unittest import mock

import pytest

from nova_lite.db import api as db_api
from tests.fixtures import databases

BACKEND_ID = {'postgresql': 'SELECT pg_backend_pid()',
              'mysql': 'SELECT CONNECTION_ID()'}


@db_api.cell_conn_reader
def _backend_id(context, sql):
    return context.connection.exec_driver_sql(sql).scalar()


def _engine(ctx):
    return db_api._form(db_api.get_context_manager(ctx),
                        'reader').get_engine()


def _kill(engine, backend_id):
    assert databases.end_sessions(engine.url, [backend_id]) == 1


@pytest.fixture
def server(synced):
    conf, ctx = synced
    engine = _engine(ctx)
    if engine.dialect.name == 'sqlite':
        pytest.skip('SQLite connections are files, not sessions to ping')
    return ctx, engine, BACKEND_ID[engine.dialect.name]


def test_recently_used_connections_are_not_pinged(server):
    ctx, engine, sql = server
    # The pool's own ping (oslo.db's pool_pre_ping) is replaced.
    assert engine.pool._pre_ping is False
    first = _backend_id(ctx, sql)
    with mock.patch.object(engine.dialect, 'do_ping',
                           wraps=engine.dialect.do_ping) as ping:
        assert [_backend_id(ctx, sql) for _ in range(3)] == [first] * 3
        assert ping.call_count == 0
        with mock.patch.object(db_api, 'PING_AFTER_IDLE', 0):
            assert _backend_id(ctx, sql) == first
        assert ping.call_count == 1


def test_lost_connection_is_retried_or_replaced_by_the_ping(server):
    ctx, engine, sql = server
    first = _backend_id(ctx, sql)
    _kill(engine, first)
    # Used just now, so not pinged: the transaction fails on the lost
    # connection and runs again on a new one.
    with mock.patch.object(engine.dialect, 'do_ping',
                           wraps=engine.dialect.do_ping) as ping, \
            mock.patch.object(db_api.oslo_db_api.time, 'sleep') as sleep:
        second = _backend_id(ctx, sql)
    assert second != first
    assert ping.call_count == 0
    assert sleep.call_count == 1
    _kill(engine, second)
    # Idle long enough to be pinged: the failed ping replaces it before
    # the transaction starts, so nothing is retried.
    with mock.patch.object(db_api, 'PING_AFTER_IDLE', 0), \
            mock.patch.object(engine.dialect, 'do_ping',
                              wraps=engine.dialect.do_ping) as ping, \
            mock.patch.object(db_api.oslo_db_api.time, 'sleep') as sleep:
        third = _backend_id(ctx, sql)
    assert third not in (first, second)
    assert ping.call_count == 1
    assert sleep.call_count == 0
