"""The statements of a transaction run on the driver's connection on
SQLite (nova_lite.db.plain.execute), and through SQLAlchemy elsewhere, on
SQLite, MariaDB and PostgreSQL."""

import datetime

from oslo_db import exception as db_exc
from oslo_utils import uuidutils
import pytest
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.objects import block_device
from nova_lite.objects import instance as instance_obj

BDMS = models.BlockDeviceMapping.__table__
BDM_BY_ID = sa.select(BDMS).where(BDMS.c.id == sa.bindparam('b_id'))
INSERT_BDM = BDMS.insert()
UPDATE_BDM = BDMS.update().where(BDMS.c.id == sa.bindparam('b_id'))
SERVERS = models.Instance.__table__
INSERT_SERVER = SERVERS.insert()


def _server(ctx, name='vm1'):
    return instance_obj.create(ctx, {
        'project_id': 'p1', 'user_id': 'u1', 'display_name': name,
        'vm_state': instance_obj.ACTIVE, 'flavor': {'flavorid': '1'}})


def _insert_bdm(conn, server_uuid, volume_id, uuid=None, **extra):
    values = {'uuid': uuid or uuidutils.generate_uuid(),
              'instance_uuid': server_uuid, 'volume_id': volume_id,
              'source_type': 'volume', 'destination_type': 'volume'}
    values.update(extra)
    return plain.execute(conn, INSERT_BDM, values).inserted_primary_key[0]


class _Statements:
    """Counts what SQLAlchemy itself executes on an engine."""

    def __init__(self, engine):
        self.engine = engine
        self.seen = []

    def __enter__(self):
        sa.event.listen(self.engine, 'before_cursor_execute', self._seen)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, 'before_cursor_execute', self._seen)

    def _seen(self, conn, cursor, statement, *args):
        self.seen.append(statement.split()[0].upper())


def _writer_engine(ctx):
    return db_api.get_main_engine(ctx)


def test_writes_and_reads_in_one_transaction(synced, backend):
    _conf, ctx = synced
    server = _server(ctx)
    got = {}

    @db_api.cell_conn_writer
    def work(context):
        conn = context.connection
        got['id'] = _insert_bdm(
            conn, server.uuid, 'v1', device_name='/dev/vdb',
            created_at=datetime.datetime(2026, 1, 2, 3, 4, 5))
        got['updated'] = plain.execute(conn, UPDATE_BDM, {
            'b_id': got['id'], 'attachment_id': 'a1'}).rowcount
        got['missing'] = plain.execute(conn, UPDATE_BDM, {
            'b_id': got['id'] + 1000, 'attachment_id': 'a2'}).rowcount
        result = plain.execute(conn, BDM_BY_ID, {'b_id': got['id']})
        got['keys'] = tuple(result.keys())
        got['row'] = result.first()

    with _Statements(_writer_engine(ctx)) as statements:
        work(ctx)
    row = got['row']
    assert isinstance(got['id'], int)
    assert (got['updated'], got['missing']) == (1, 0)
    assert got['keys'] == tuple(c.key for c in BDMS.c)
    # Values and types as SQLAlchemy's result gives them: dates parsed,
    # booleans from the column's default, onupdate's updated_at set.
    assert row.created_at == datetime.datetime(2026, 1, 2, 3, 4, 5)
    assert row.delete_on_termination is False
    assert isinstance(row.updated_at, datetime.datetime)
    assert row.attachment_id == 'a1'
    if backend[0] == 'sqlite':
        # None of the statements went through SQLAlchemy's execution.
        assert statements.seen == []
    else:
        assert statements.seen == ['INSERT', 'UPDATE', 'UPDATE', 'SELECT']
    # What was written is what SQLAlchemy reads back after the commit.
    bdm = block_device.get_by_volume_and_instance(ctx, 'v1', server.uuid)
    assert (bdm.id, bdm.attachment_id, bdm.device_name) == (
        got['id'], 'a1', '/dev/vdb')


def test_refused_statement_gives_oslo_db_error(synced, backend):
    _conf, ctx = synced
    first = _server(ctx)

    @db_api.cell_conn_writer
    def work(context):
        conn = context.connection
        with pytest.raises(db_exc.DBDuplicateEntry):
            # The same uuid again: the unique constraint refuses it.
            plain.execute(conn, INSERT_SERVER, {
                'uuid': first.uuid, 'project_id': 'p1', 'user_id': 'u1',
                'deleted': 0})
        if backend[0] == 'postgresql':
            # PostgreSQL ends the transaction at the first error.
            return None
        # Elsewhere the transaction goes on.
        return _insert_bdm(conn, first.uuid, 'v9',
                           delete_on_termination=True)

    bdm_id = work(ctx)
    if bdm_id is not None:
        bdm = block_device.get_by_volume_and_instance(ctx, 'v9', first.uuid)
        assert bdm.id == bdm_id and bdm.delete_on_termination is True


def test_rolled_back_with_the_transaction(synced):
    _conf, ctx = synced
    server = _server(ctx)

    @db_api.cell_conn_writer
    def work(context):
        _insert_bdm(context.connection, server.uuid, 'v2')
        raise exception.InvalidVolume(reason='no')

    with pytest.raises(exception.InvalidVolume):
        work(ctx)
    with pytest.raises(exception.VolumeBDMNotFound):
        block_device.get_by_volume_and_instance(ctx, 'v2', server.uuid)


def test_statements_it_cannot_run_go_through_sqlalchemy(synced, backend):
    _conf, ctx = synced
    server = _server(ctx)
    listed = sa.select(BDMS.c.id).where(
        BDMS.c.volume_id.in_(sa.bindparam('ids', expanding=True)))
    returning = UPDATE_BDM.returning(BDMS.c.id)
    got = {}

    @db_api.cell_conn_writer
    def work(context):
        conn = context.connection
        bdm_id = _insert_bdm(conn, server.uuid, 'v3')
        got['listed'] = [r.id for r in plain.execute(
            conn, listed, {'ids': ['v3', 'v4']})]
        if backend[0] != 'mysql':
            got['returned'] = plain.execute(conn, returning, {
                'b_id': bdm_id, 'device_name': '/dev/vdc'}).all()
        return bdm_id

    bdm_id = work(ctx)
    assert got['listed'] == [bdm_id]
    if backend[0] != 'mysql':
        assert [tuple(r) for r in got['returned']] == [(bdm_id,)]
    state = plain._ENGINES.get(_writer_engine(ctx))
    if backend[0] == 'sqlite':
        # Known as statements for SQLAlchemy, not prepared here.
        assert state.written[(listed, None)] is None
        assert any(key[0] is returning and prepared is None
                   for key, prepared in state.written.items())


def test_outside_a_transaction_sqlalchemy_runs_it(synced):
    _conf, ctx = synced
    engine = _writer_engine(ctx)
    with _Statements(engine) as statements, engine.connect() as conn:
        result = plain.execute(conn, sa.select(sa.literal(7)))
        assert result.scalar() == 7
    # No transaction of its own to join: SQLAlchemy ran it, on every
    # backend.
    assert statements.seen == ['SELECT']


# -- plain transactions ------------------------------------------------------


def _bdm_volumes(ctx, server_uuid):
    return sorted(b.volume_id for b in
                  block_device.get_by_instance(ctx, server_uuid))


def test_plain_transaction_commits(synced, backend):
    _conf, ctx = synced
    server = _server(ctx)
    engine = _writer_engine(ctx)

    def work(conn):
        bdm_id = _insert_bdm(conn, server.uuid, 'v1')
        # As on a SQLAlchemy connection.
        conn.execute(UPDATE_BDM, {'b_id': bdm_id, 'device_name': '/dev/vdb'})
        return bdm_id, plain.execute(conn, BDM_BY_ID,
                                     {'b_id': bdm_id}).first()

    if backend[0] != 'sqlite':
        with pytest.raises(plain.NotPlain):
            plain.transaction(engine, work)
        assert _bdm_volumes(ctx, server.uuid) == []
        return
    with _Statements(engine) as statements:
        bdm_id, row = plain.transaction(engine, work)
    assert statements.seen == []
    assert (row.id, row.device_name, row.volume_id) == (
        bdm_id, '/dev/vdb', 'v1')
    assert isinstance(row.updated_at, datetime.datetime)
    bdm = block_device.get_by_volume_and_instance(ctx, 'v1', server.uuid)
    assert (bdm.id, bdm.device_name) == (bdm_id, '/dev/vdb')
    # The next one runs on the same kept connection.
    writer = plain._ENGINES[engine].writer
    plain.transaction(engine, lambda conn: _insert_bdm(conn, server.uuid,
                                                       'v2'))
    assert plain._ENGINES[engine].writer is writer
    assert _bdm_volumes(ctx, server.uuid) == ['v1', 'v2']


def test_plain_transaction_not_for_a_database_in_memory():
    engine = sa.create_engine('sqlite://')
    with pytest.raises(plain.NotPlain):
        plain.transaction(engine, lambda conn: None)
    engine.dispose()


def test_plain_transaction_rolled_back_on_any_error(synced, backend):
    if backend[0] != 'sqlite':
        pytest.skip('plain transactions are for SQLite')
    _conf, ctx = synced
    server = _server(ctx)
    engine = _writer_engine(ctx)
    taken = uuidutils.generate_uuid()
    plain.transaction(engine, lambda conn: _insert_bdm(
        conn, server.uuid, 'v0', uuid=taken))
    listed = sa.select(BDMS.c.id).where(
        BDMS.c.volume_id.in_(sa.bindparam('ids', expanding=True)))

    def refused_by_the_caller(conn):
        _insert_bdm(conn, server.uuid, 'v1')
        raise exception.InvalidVolume(reason='no')

    def not_preparable(conn):
        _insert_bdm(conn, server.uuid, 'v2')
        return plain.execute(conn, listed, {'ids': ['v2']}).all()

    def refused_by_sqlite(conn):
        _insert_bdm(conn, server.uuid, 'v3')
        _insert_bdm(conn, server.uuid, 'v4', uuid=taken)

    # The caller's own error passes through; the others ask for the
    # ordinary way. Nothing of any of them is written.
    with pytest.raises(exception.InvalidVolume):
        plain.transaction(engine, refused_by_the_caller)
    with pytest.raises(plain.NotPlain):
        plain.transaction(engine, not_preparable)
    with pytest.raises(plain.NotPlain):
        plain.transaction(engine, refused_by_sqlite)
    assert _bdm_volumes(ctx, server.uuid) == ['v0']
    # And the connection still works.
    plain.transaction(engine, lambda conn: _insert_bdm(conn, server.uuid,
                                                       'v5'))
    assert _bdm_volumes(ctx, server.uuid) == ['v0', 'v5']
