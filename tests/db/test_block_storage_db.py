"""The block storage database on SQLite, MariaDB and PostgreSQL: its
migrations build its models' schema, and concurrent attachment calls on one
volume neither lose nor duplicate anything."""

import concurrent.futures
import datetime
import sqlite3
import time
from unittest import mock

import pytest
import sqlalchemy as sa

from nova_lite.block_storage import attachments
from nova_lite.block_storage import exception as bs_exception
from nova_lite.block_storage import models
from nova_lite.block_storage import store as bs_store
from nova_lite import context as nl_context
from nova_lite.db import migration
from nova_lite.db import plain
from tests.db import test_migrations
from tests.fixtures import databases
from tests.fixtures import stack as stack_fixture


@pytest.fixture(params=databases.BACKENDS)
def store(request, tmp_path):
    db = databases.Database(request.param, tmp_path)
    try:
        url = db.create()
    except Exception as error:
        pytest.fail('%s is not reachable on 127.0.0.1 (%s); start it as '
                    'doc/source/testing.rst explains' % (request.param, error))
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('block_storage', 'connection', url)])
    st = bs_store.Store(conf)
    st.sync()
    try:
        yield st
    finally:
        st.stop()
        db.drop()


def _ctx(project='demo'):
    return nl_context.RequestContext(user_id=project, project_id=project,
                                     roles=['member', 'reader'])


def _available(store, ctx, **kwargs):
    volume = store.create_volume(ctx, 1, **kwargs)
    deadline = time.monotonic() + 10
    while store.get_volume(ctx, volume.id).status != 'available':
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return volume


def test_models_match_migrations(store):
    engine = store.engine()
    assert migration.current(engine, 'block_storage') == '0003_type_access'
    url = engine.url.render_as_string(hide_password=False)
    diff = test_migrations._diff(url, 'block_storage', models.Base.metadata)
    assert [d for d in diff if not (
        d[0] == 'remove_table' and
        d[1].name == 'block_storage_alembic_version')] == []
    # The sync is idempotent and seeds the default type once.
    store.sync()
    names = [t.name for t in store.list_types(_ctx())]
    assert names == ['__DEFAULT__']


def test_concurrent_attachments(store):
    ctx = _ctx()
    store.create_type(ctx, 'multiattach',
                      extra_specs={'multiattach': '<is> True'})
    shared = _available(store, ctx, volume_type='multiattach')
    single = _available(store, ctx)
    servers = ['00000000-0000-0000-0000-%012d' % i for i in range(12)]

    def attach(volume_id, server):
        try:
            made = store.attachment_create(ctx, volume_id, server)
        except bs_exception.InvalidVolume:
            return None
        store.attachment_update(ctx, made.id, {'host': server[-4:]})
        store.attachment_complete(ctx, made.id)
        return made.id

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        shared_ids = list(pool.map(lambda s: attach(shared.id, s), servers))
        single_ids = list(pool.map(lambda s: attach(single.id, s), servers))
    assert len(set(shared_ids)) == 12 and None not in shared_ids
    volume = store.get_volume(ctx, shared.id)
    assert (volume.status, volume.attach_status) == ('in-use', 'attached')
    assert {a.instance_uuid for a in volume.attachments} == set(servers)
    assert len([i for i in single_ids if i]) == 1
    assert len(store.get_volume(ctx, single.id).attachments) == 1

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda a: store.attachment_delete(ctx, a), shared_ids))
    volume = store.get_volume(ctx, shared.id)
    assert (volume.status, volume.attachments) == ('available', [])
    with store.engine().connect() as conn:
        left = conn.execute(sa.text(
            'SELECT COUNT(*) FROM volume_attachment WHERE volume_id = :v'),
            {'v': shared.id}).scalar()
    assert left == 0


def test_projects_are_isolated(store):
    mine = _available(store, _ctx('demo'))
    with pytest.raises(bs_exception.VolumeNotFound):
        store.get_volume(_ctx('other'), mine.id)
    with pytest.raises(bs_exception.VolumeNotFound):
        store.attachment_create(_ctx('other'), mine.id, None)
    listed, count = store.list_volumes(_ctx('other'))
    assert (listed, count) == ([], 0)


def test_volume_read_with_its_type_and_attachments(store):
    ctx = _ctx()
    made = store.create_type(ctx, 'multiattach',
                             extra_specs={'multiattach': '<is> True'})
    shared = _available(store, ctx, volume_type='multiattach', name='v1')
    single = _available(store, ctx)
    attachment = store.attachment_create(ctx, shared.id, '0' * 36)
    volume = store.get_volume(ctx, shared.id)
    assert (volume.id, volume.display_name, volume.multiattach) == (
        shared.id, 'v1', True)
    assert (volume.volume_type.id, volume.volume_type.name) == (
        made.id, 'multiattach')
    assert not hasattr(volume, 'type_id')
    assert [(a.id, a.instance_uuid) for a in volume.attachments] == [
        (attachment.id, '0' * 36)]
    other = store.get_volume(ctx, single.id)
    assert other.attachments == []
    # Without a type asked for, the default type.
    assert other.volume_type.id == other.volume_type_id != made.id
    # Without the view's parts, the volume alone.
    bare = store.get_volume(ctx, shared.id, for_view=False)
    assert bare.id == shared.id and not hasattr(bare, 'attachments')


def test_volume_read_outside_a_transaction_matches_one_inside(store):
    """A volume read for its view is run on its own (one statement, or on
    SQLite two in one snapshot); it gives what the joined read gives
    inside a reader transaction: the attachments in the order they were
    made, times and flags converted."""
    ctx = _ctx()
    store.create_type(ctx, 'multiattach',
                      extra_specs={'multiattach': '<is> True'})
    shared = _available(store, ctx, volume_type='multiattach', name='v1')
    servers = ['%036d' % index for index in range(3)]
    made = []
    # MariaDB's DATETIME keeps whole seconds.
    pause = 1.05 if store.engine().dialect.name == 'mysql' else 0.01
    for server in servers:
        made.append(store.attachment_create(ctx, shared.id, server).id)
        time.sleep(pause)
    store.attachment_update(ctx, made[1], {'host': 'h1'})
    store.attachment_complete(ctx, made[1])

    def as_dict(volume):
        values = dict(vars(volume))
        values['volume_type'] = dict(vars(values['volume_type']))
        values['attachments'] = [dict(vars(a))
                                 for a in values['attachments']]
        return values

    volume = store.get_volume(ctx, shared.id)
    with store._conn_reader() as conn:
        inside = attachments.volume_for_view(ctx, shared.id, conn.execute(
            attachments.VOLUME_FOR_VIEW, {'id': shared.id}).all())
    assert as_dict(volume) == as_dict(inside)
    assert [a.id for a in volume.attachments] == made
    assert [a.attach_status for a in volume.attachments] == [
        'reserved', 'attached', 'reserved']
    assert isinstance(volume.attachments[1].attach_time, datetime.datetime)
    assert volume.attachments[0].attach_time is None
    assert volume.multiattach is True
    assert isinstance(volume.created_at, datetime.datetime)
    bare = store.get_volume(ctx, shared.id, for_view=False)
    with store._conn_reader() as conn:
        assert vars(bare) == vars(attachments.volume_record(
            ctx, shared.id, conn.execute(
                attachments.VOLUME, {'id': shared.id}).all()))
    with pytest.raises(bs_exception.VolumeNotFound):
        store.get_volume(_ctx('other'), shared.id)
    with pytest.raises(bs_exception.VolumeNotFound):
        store.get_volume(ctx, '%036d' % 9, for_view=False)


def test_volume_view_read_on_sqlite_is_one_snapshot(store):
    """On SQLite the volume and its attachments are read by two
    statements in one snapshot: a write committed between them is seen
    by neither. Elsewhere the read stays one statement."""
    ctx = _ctx()
    store.create_type(ctx, 'multiattach',
                      extra_specs={'multiattach': '<is> True'})
    shared = _available(store, ctx, volume_type='multiattach')
    made = store.attachment_create(ctx, shared.id, '0' * 36)
    engine = store.engine()
    together = plain.select_together_on(
        engine, [(attachments.VOLUME_WITH_TYPE, {'id': shared.id}),
                 (attachments.VIEW_ATTACHMENTS, {'id': shared.id})])
    if engine.dialect.name != 'sqlite':
        assert together is None
        return
    assert [len(rows) for rows in together] == [1, 1]
    writer = sqlite3.connect(engine.url.database, isolation_level=None)
    original = plain._fetch
    calls = []

    def fetch_then_write(connection, prepared, params):
        raw = original(connection, prepared, params)
        calls.append(prepared.sql)
        if len(calls) == 1:
            writer.execute("UPDATE volume_attachment SET attach_status = "
                           "'attached' WHERE id = ?", (made.id,))
        return raw

    try:
        with mock.patch.object(plain, '_fetch', fetch_then_write):
            volume = store.get_volume(ctx, shared.id)
    finally:
        writer.close()
    assert len(calls) == 2
    assert [a.attach_status for a in volume.attachments] == ['reserved']
    after = store.get_volume(ctx, shared.id)
    assert [a.attach_status for a in after.attachments] == ['attached']
    # The snapshot was let go: the kept connection reads on, outside any
    # transaction.
    state = plain._ENGINES[store._tc.reader.get_engine()]
    assert not state.connection.dbapi_connection.in_transaction
    # A driver error drops the kept connection; the joined read answers.
    kept = state.connection
    failures = [sqlite3.OperationalError('disk I/O error')]

    def fail_once(connection, prepared, params):
        if failures:
            raise failures.pop()
        return original(connection, prepared, params)

    with mock.patch.object(plain, '_fetch', fail_once):
        with mock.patch.object(store, '_rows',
                               wraps=store._rows) as rows:
            again = store.get_volume(ctx, shared.id)
    assert rows.call_args.args[0] is attachments.VOLUME_FOR_VIEW
    assert [a.attach_status for a in again.attachments] == ['attached']
    assert state.connection is not kept


def test_write_on_a_lost_connection_runs_again(store):
    """A server database's connection used within the last second is
    taken from the pool without a ping; when it was lost meanwhile, the
    attachment call's transaction runs again on a new one."""
    engine = store.engine()
    if engine.dialect.name == 'sqlite':
        pytest.skip('SQLite connections are files, not sessions')
    ctx = _ctx()
    volume = _available(store, ctx)
    killed = databases.end_sessions(engine.url)
    assert killed >= 1
    with mock.patch.object(bs_store.oslo_db_api.time, 'sleep') as sleep:
        made = store.attachment_create(ctx, volume.id, '0' * 36)
    assert sleep.call_count == 1
    assert store.get_attachment(ctx, made.id).volume_id == volume.id
    # A read whose connection for plain reads was lost is read through a
    # transaction, which runs again when its pooled connection was lost
    # too.
    assert databases.end_sessions(engine.url) >= 1
    with mock.patch.object(bs_store.oslo_db_api.time, 'sleep') as sleep:
        shown = store.get_volume(ctx, volume.id)
    assert [a.id for a in shown.attachments] == [made.id]
    assert sleep.call_count == 1


def test_attachment_listing(store):
    """Attachments by volume, server and status, of the caller's project
    unless an administrator asks for all, oldest first."""
    ctx, other = _ctx(), _ctx('other')
    store.create_type(ctx, 'multiattach',
                      extra_specs={'multiattach': '<is> True'})
    shared = _available(store, ctx, volume_type='multiattach')
    theirs = _available(store, other)
    pause = 1.05 if store.engine().dialect.name == 'mysql' else 0.01
    made = []
    for server in ('%036d' % 1, '%036d' % 2, '%036d' % 1):
        volume = shared if len(made) < 2 else theirs
        owner = ctx if volume is shared else other
        made.append(store.attachment_create(owner, volume.id, server).id)
        time.sleep(pause)
    store.attachment_update(ctx, made[1], {'host': 'h1'})
    store.attachment_complete(ctx, made[1])

    def ids(who, filters=None, **kwargs):
        return [a.id for a in store.list_attachments(who, filters, **kwargs)]

    assert ids(ctx) == made[:2]
    assert ids(other) == made[2:]
    assert ids(ctx, {'volume_id': shared.id}) == made[:2]
    assert ids(ctx, {'volume_id': theirs.id}) == []
    assert ids(ctx, {'instance_uuid': '%036d' % 1}) == made[:1]
    assert ids(ctx, {'attach_status': 'attached'}) == made[1:2]
    assert ids(ctx, {'volume_id': shared.id,
                     'instance_uuid': '%036d' % 2}) == made[1:2]
    admin = nl_context.get_admin_context()
    assert ids(admin, all_projects=True) == made
    assert ids(admin, {'instance_uuid': '%036d' % 1},
               all_projects=True) == [made[0], made[2]]
    # An administrator sees its own project's unless it asks for all.
    assert ids(ctx, all_projects=True) == made[:2]
    listed = store.list_attachments(ctx, {'attach_status': 'attached'})[0]
    assert (listed.volume_id, listed.instance_uuid, listed.attach_mode) == (
        shared.id, '%036d' % 2, 'rw')
    assert isinstance(listed.attach_time, datetime.datetime)
    assert '"driver_volume_type"' in listed.connection_info


def test_reads_through_a_transaction_where_they_cannot_run_alone(store):
    """Where a read's statement cannot run on its own (a driver error),
    the same statement is read in a reader transaction."""
    ctx = _ctx()
    volume = _available(store, ctx, name='v1')
    made = store.attachment_create(ctx, volume.id, '%036d' % 1).id
    alone = store.get_volume(ctx, volume.id)
    with mock.patch.object(bs_store.plain, 'select_on',
                           return_value=None) as select_on, \
            mock.patch.object(bs_store.plain, 'select_together_on',
                              return_value=None):
        through = store.get_volume(ctx, volume.id)
        bare = store.get_volume(ctx, volume.id, for_view=False)
        listed = store.list_attachments(ctx, {'volume_id': volume.id})
        with pytest.raises(bs_exception.VolumeNotFound):
            store.get_volume(_ctx('other'), volume.id)
    assert select_on.call_count == 4
    assert vars(through)['attachments'][0].id == made
    assert vars(through)['display_name'] == vars(alone)['display_name']
    assert [(a.id, a.attach_status) for a in through.attachments] == [
        (a.id, a.attach_status) for a in alone.attachments]
    assert bare.id == volume.id and not hasattr(bare, 'attachments')
    assert [a.id for a in listed] == [made]


def test_write_runs_plain_or_the_ordinary_way(store):
    """A write transaction the plain way can not run (here a statement
    with an expanding parameter) runs again through enginefacade, and
    what the plain attempt wrote is not kept."""
    ctx = _ctx()
    volume = _available(store, ctx)
    table = models.Volume.__table__
    listed = sa.select(table.c.id).where(
        table.c.id.in_(sa.bindparam('ids', expanding=True)))
    update = table.update().where(table.c.id == sa.bindparam('v_id'))
    calls = []

    def work(conn):
        calls.append(type(conn).__name__)
        attachments.plain.execute(conn, update, {
            'v_id': volume.id, 'display_name': 'run-%d' % len(calls)})
        return [r.id for r in attachments.plain.execute(
            conn, listed, {'ids': [volume.id]})]

    assert store._write(work) == [volume.id]
    # SQLite tried the plain way first.
    expected = 2 if store.connection.startswith('sqlite') else 1
    assert len(calls) == expected
    assert store.get_volume(ctx, volume.id).display_name == \
        'run-%d' % expected
    # Plain where it can be: the attachment calls on SQLite.
    attachment = store.attachment_create(ctx, volume.id, 'server-1')
    assert store.get_attachment(ctx, attachment.id).attach_status == \
        'reserved'
