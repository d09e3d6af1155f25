"""The enginefacade transaction contexts.

There is one for the API database and one for the process' own cell database
(``[database]``); requests targeted at another cell (see
:func:`nova_lite.context.target_cell`) get a context manager for that cell's
connection, created once per connection string and cached.

Query functions elsewhere use the decorators below; they never open sessions
themselves. Functions that only run plain (Core) statements use the
``*_conn_*`` decorators and ``context.connection``: a connection of the same
transaction, without an ORM session to set up and tear down. Either kind
nests in the other (the inner one joins the outer transaction).
"""

import functools
import os
import threading
import time

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import engines as oslo_engines
from sqlalchemy.engine import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy import pool as sa_pool
from sqlalchemy import event

from nova_lite import exception

api_context_manager = enginefacade.transaction_context()
main_context_manager = enginefacade.transaction_context()

_CELL_MANAGERS = {}
_CELL_LOCK = threading.Lock()
_ENGINE_KWARGS = {}
_CONFIGURED = {'api': None, 'main': None}


def _is_sqlite(dbapi_conn):
    return type(dbapi_conn).__module__.split('.')[0] == 'sqlite3'


@event.listens_for(Engine, 'connect')
def _sqlite_on_connect(dbapi_conn, record):
    if not _is_sqlite(dbapi_conn):
        return
    # Several threads (API workers, RPC executors) share one file: wait for
    # each other instead of failing with "database is locked", and take the
    # write lock when a transaction starts (BEGIN IMMEDIATE below), since a
    # deferred transaction that reads and then writes cannot wait for it.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute('PRAGMA busy_timeout = 30000')
    cursor.execute('PRAGMA journal_mode = WAL')
    # In WAL mode NORMAL keeps the database consistent across a crash and
    # only syncs at checkpoints, not at every commit.
    cursor.execute('PRAGMA synchronous = NORMAL')
    cursor.close()


# Engines that only ever serve enginefacade readers (see sqlite_args()).
_READ_ONLY_ENGINES = set()


@event.listens_for(Engine, 'begin')
def _sqlite_on_begin(conn):
    if conn.dialect.name == 'sqlite' and 'in_transaction' not in conn.info:
        # Readers take a snapshot and never block anyone (WAL); writers take
        # the write lock up front.
        statement = ('BEGIN' if id(conn.engine) in _READ_ONLY_ENGINES
                     else 'BEGIN IMMEDIATE')
        try:
            # Straight on the driver's connection: a statement through
            # SQLAlchemy costs as much again as the transaction's own
            # bookkeeping.
            conn.connection.dbapi_connection.execute(statement)
        except conn.dialect.loaded_dbapi.Error:
            # Once more through SQLAlchemy, whose error handling (and
            # oslo.db's exception filters) then sees any failure.
            conn.exec_driver_sql(statement)
        # oslo.db's own listener then knows a transaction is open.
        conn.info['in_transaction'] = True


@event.listens_for(Engine, 'commit')
@event.listens_for(Engine, 'rollback')
def _sqlite_on_end(conn):
    if conn.dialect.name == 'sqlite':
        conn.info.pop('in_transaction', None)


def _engine_kwargs(conf_group):
    kwargs = {
        'sqlite_fk': True,
        'max_retries': conf_group.max_retries,
        'connection_recycle_time': conf_group.connection_recycle_time,
        'pool_timeout': conf_group.pool_timeout,
    }
    if conf_group.max_pool_size is not None:
        kwargs['max_pool_size'] = conf_group.max_pool_size
    if conf_group.max_overflow is not None:
        kwargs['max_overflow'] = conf_group.max_overflow
    return kwargs


def pool_sqlite(mgr):
    """Tune a configured engine for native threads; pool SQLite.

    oslo.db gives file-based SQLite a NullPool, so every transaction would
    open the file, run the connect PRAGMAs and re-read the schema; the
    embedded default's request rate is bound by that. A QueuePool with the
    same listeners keeps connections open (pysqlite connections may move
    between threads; transactions are serialised by BEGIN IMMEDIATE).
    """
    engine = mgr.writer.get_engine()
    reader = mgr.reader.get_engine()
    for eng in {id(engine): engine, id(reader): reader}.values():
        _tune(eng)
    if reader is not engine:
        _READ_ONLY_ENGINES.add(id(reader))
    return engine


# A server database's pooled connection is pinged when it is taken from the
# pool only after it has been idle this long (seconds).
PING_AFTER_IDLE = 1.0
_IDLE_SINCE = 'nova_lite.idle_since'


def _note_idle(dbapi_connection, record):
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(engine):
    dialect = engine.dialect

    def checkout(dbapi_connection, record, proxy):
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            # As the pool's own ping: this connection and every one
            # pooled before it are replaced.
            raise sa_exc.InvalidatePoolError(str(error)) from error
    return checkout


def _ping_idle_only(engine):
    """oslo.db pings every connection taken from a server database's pool
    (a round trip before each transaction). A connection used within
    :data:`PING_AFTER_IDLE` is taken as it is; an older one is pinged, and
    replaced with the pool's others when the ping fails. A connection
    lost since its last use within that time fails its transaction,
    which the retries on a lost connection (:data:`_RETRY`) run again on
    a new one."""
    pool = engine.pool
    if not getattr(pool, '_pre_ping', False) or \
            event.contains(pool, 'checkin', _note_idle):
        return
    event.listen(pool, 'checkin', _note_idle)
    event.listen(pool, 'checkout', _ping_if_idle(engine))
    pool._pre_ping = False


def _tune(engine):
    # oslo.db makes every connection check-in sleep(0) so that eventlet
    # greenthreads get a turn; with native threads it only costs latency.
    if event.contains(engine, 'checkin', oslo_engines._thread_yield):
        event.remove(engine, 'checkin', oslo_engines._thread_yield)
    if engine.dialect.name != 'sqlite':
        _ping_idle_only(engine)
    old = engine.pool
    if engine.dialect.name != 'sqlite' or \
            not isinstance(old, sa_pool.NullPool) or \
            engine.url.database in (None, '', ':memory:'):
        return
    engine.pool = sa_pool.QueuePool(
        old._creator, pool_size=8, max_overflow=64, timeout=60,
        recycle=-1, _dispatch=old.dispatch, dialect=old._dialect,
        reset_on_return=old._reset_on_return)
    old.dispose()


def _failure(error):
    """The reason of a failed first connection, in one line."""
    if isinstance(error, sa_exc.NoSuchModuleError):
        return 'no database driver for this URL'
    if isinstance(error, sa_exc.ArgumentError):
        return 'not a database URL'
    if isinstance(error, ImportError):
        return 'its database driver is not installed (%s)' % error
    inner = error
    while True:
        nested = getattr(inner, 'inner_exception', None) or \
            getattr(inner, 'orig', None)
        if nested is None or nested is inner:
            break
        inner = nested
    args = getattr(inner, 'args', ())
    if len(args) >= 2 and isinstance(args[0], int) and \
            isinstance(args[1], str):
        text = args[1]  # PyMySQL's (code, message)
    else:
        text = str(inner)
    lines = text.strip().splitlines() or [type(inner).__name__]
    return 'cannot connect to the database: %s' % lines[0].strip()


def start_engine(mgr, group, connection):
    """:func:`pool_sqlite` on ``mgr``, then one connection: a database
    that cannot be used raises :class:`~nova_lite.exception.
    DatabaseConnectionFailed` naming ``[group] connection``."""
    try:
        engine = pool_sqlite(mgr)
        with engine.connect():
            pass
    except (db_exc.DBError, sa_exc.SQLAlchemyError, ImportError) as error:
        raise exception.DatabaseConnectionFailed(
            group, connection, _failure(error),
            usage=isinstance(error, sa_exc.ArgumentError)) from error
    return engine


def sqlite_args(connection):
    """Extra enginefacade settings for ``connection``: SQLite readers get an
    engine of their own, whose transactions start without the write lock."""
    if connection.startswith('sqlite:///') and \
            not connection.startswith('sqlite:///:memory:'):
        return {'slave_connection': connection, 'synchronous_reader': False}
    return {}


def service_database(conf, group, connection):
    """The transaction context of a service's own database (the block
    storage's, the image service's) at ``connection``, started as
    :func:`start_engine` starts one; SQLite files go under state_path."""
    if connection.startswith('sqlite:///'):
        os.makedirs(conf.state_path, exist_ok=True)
    mgr = enginefacade.transaction_context()
    mgr.configure(connection=connection, **_engine_kwargs(conf.database),
                  **sqlite_args(connection))
    start_engine(mgr, group, connection)
    return mgr


def default_connections(conf):
    """Connection strings of the embedded default (SQLite under state_path)."""
    state = conf.state_path
    return {
        'api': 'sqlite:///%s' % os.path.join(state, 'nova_lite_api.sqlite'),
        'main': 'sqlite:///%s' % os.path.join(state, 'nova_lite.sqlite'),
        'cell0': 'sqlite:///%s' % os.path.join(state,
                                               'nova_lite_cell0.sqlite'),
    }


def api_connection(conf):
    return conf.api_database.connection or default_connections(conf)['api']


def main_connection(conf):
    return conf.database.connection or default_connections(conf)['main']


def _ensure_state_path(conf, *connections):
    if any(c.startswith('sqlite:///') for c in connections):
        os.makedirs(conf.state_path, exist_ok=True)


def configure(conf, api=True, main=True):
    """Point the transaction contexts at the configured databases.

    May be called once per process; later calls with the same connections
    are no-ops (tests use :func:`reset` between configurations).
    """
    _ENGINE_KWARGS.update(_engine_kwargs(conf.database))
    if api:
        conn = api_connection(conf)
        _ensure_state_path(conf, conn)
        if _CONFIGURED['api'] is None:
            api_context_manager.configure(
                connection=conn, **_engine_kwargs(conf.api_database),
                **sqlite_args(conn))
            start_engine(api_context_manager, 'api_database', conn)
            _CONFIGURED['api'] = conn
    if main:
        conn = main_connection(conf)
        _ensure_state_path(conf, conn)
        if _CONFIGURED['main'] is None:
            main_context_manager.configure(
                connection=conn, **_engine_kwargs(conf.database),
                **sqlite_args(conn))
            start_engine(main_context_manager, 'database', conn)
            _CONFIGURED['main'] = conn


_RESET_HOOKS = []


def on_reset(hook):
    """Call ``hook()`` first thing in every :func:`reset` (modules that keep
    connections of these engines give them back)."""
    _RESET_HOOKS.append(hook)


def reset():
    """Forget all engines (tests)."""
    global api_context_manager, main_context_manager
    for hook in _RESET_HOOKS:
        hook()
    for mgr in [api_context_manager, main_context_manager] + list(
            _CELL_MANAGERS.values()):
        try:
            mgr.dispose_pool()
        except Exception:
            pass
    api_context_manager = enginefacade.transaction_context()
    main_context_manager = enginefacade.transaction_context()
    _CELL_MANAGERS.clear()
    _DERIVED.clear()
    _CONFIGURED.update(api=None, main=None)


def get_cell_context_manager(connection):
    """The transaction context for a cell database, created once."""
    if connection == _CONFIGURED['main']:
        return main_context_manager
    with _CELL_LOCK:
        mgr = _CELL_MANAGERS.get(connection)
        if mgr is None:
            mgr = enginefacade.transaction_context()
            mgr.configure(connection=connection, **_ENGINE_KWARGS,
                          **sqlite_args(connection))
            pool_sqlite(mgr)
            _CELL_MANAGERS[connection] = mgr
        return mgr


def get_context_manager(context):
    return context.db_connection or main_context_manager


def get_api_engine():
    return api_context_manager.writer.get_engine()


def get_main_engine(context=None):
    mgr = get_context_manager(context) if context else main_context_manager
    return mgr.writer.get_engine()


_LOCAL = threading.local()
# As nova's wrap_db_retry on its database API, with short waits: the
# outermost transaction of a thread is run again when the connection was
# lost or the database chose it as a deadlock victim.
_RETRY = oslo_db_api.wrap_db_retry(
    max_retries=5, retry_interval=0.1, inc_retry_interval=True,
    max_retry_interval=2, retry_on_disconnect=True, retry_on_deadlock=True)


def _once(transaction, f, context, args, kwargs):
    with transaction.using(context):
        return f(context, *args, **kwargs)


# Decorated once, not on every transaction.
_once_with_retries = _RETRY(_once)


def _run(transaction, f, context, args, kwargs):
    if getattr(_LOCAL, 'depth', 0):
        return _once(transaction, f, context, args, kwargs)
    _LOCAL.depth = 1
    try:
        return _once_with_retries(transaction, f, context, args, kwargs)
    finally:
        _LOCAL.depth = 0


class NotPlain(Exception):
    """A transaction could not run as a plain one (see
    :mod:`nova_lite.db.plain`) and was rolled back: run it the ordinary
    way."""


class PlainContext:
    """The context a function run in a plain SQLite write transaction
    (:func:`nova_lite.db.plain.writer`) is given: the caller's context,
    whose attributes it reads through, with ``connection`` the plain
    transaction's. ``manager`` is the enginefacade context manager of the
    database that transaction is on."""

    __slots__ = ('context', 'connection', 'manager')

    def __init__(self, context, connection, manager):
        self.context = context
        self.connection = connection
        self.manager = manager

    def __getattr__(self, name):
        return getattr(self.context, name)


def _join(context, manager_of, form, f, args, kwargs):
    """A decorated function called inside a plain transaction: on the same
    database, a function of plain statements joins it and one of the ORM
    ends it (the caller runs the whole transaction again the ordinary
    way); on another database it runs in its own transaction."""
    mgr = manager_of(context.context)
    if mgr is not context.manager:
        return _run(_form(mgr, form), f, context.context, args, kwargs)
    if form in ('conn_reader', 'conn_writer'):
        return f(context, *args, **kwargs)
    raise NotPlain()


def _in_transaction(manager_of, form):
    """A decorator running ``f(context, ...)`` in the ``form`` transaction
    (see _FORMS) of the context manager ``manager_of(context)``."""
    def decorator(f):
        @functools.wraps(f)
        def wrapper(context, *args, **kwargs):
            if type(context) is PlainContext:
                return _join(context, manager_of, form, f, args, kwargs)
            return _run(_form(manager_of(context), form), f, context, args,
                        kwargs)
        return wrapper
    return decorator


def _cell(context):
    return get_context_manager(context)


def _api(context):
    # Read at call time: reset() replaces the API context manager.
    return api_context_manager


# The reader/writer (and plain connection) forms of each context manager,
# derived once: enginefacade builds a new manager object for every
# ``.reader``, ``.writer`` and ``.connection``, and these forms are used
# as decorators are, for every call.
_DERIVED = {}
_FORMS = {
    'reader': lambda mgr: mgr.reader,
    'writer': lambda mgr: mgr.writer,
    'conn_reader': lambda mgr: mgr.reader.connection,
    'conn_writer': lambda mgr: mgr.writer.connection,
}


def _form(mgr, form):
    # By identity (the manager is kept with its form, so its id is not
    # reused while the entry lives).
    entry = _DERIVED.get((id(mgr), form))
    if entry is None or entry[0] is not mgr:
        entry = _DERIVED[(id(mgr), form)] = (mgr, _FORMS[form](mgr))
    return entry[1]


# Reader and writer transactions on the context's cell and on the API
# database, with ``context.session``.
cell_reader = _in_transaction(_cell, 'reader')
cell_writer = _in_transaction(_cell, 'writer')
api_reader = _in_transaction(_api, 'reader')
api_writer = _in_transaction(_api, 'writer')
# The same with ``context.connection`` (no ORM session), for functions
# that run plain statements only.
cell_conn_reader = _in_transaction(_cell, 'conn_reader')
cell_conn_writer = _in_transaction(_cell, 'conn_writer')
api_conn_reader = _in_transaction(_api, 'conn_reader')
api_conn_writer = _in_transaction(_api, 'conn_writer')
