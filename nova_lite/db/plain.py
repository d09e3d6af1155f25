"""One SELECT, read outside any transaction, on the driver's connection.

A read of one statement needs no transaction of its own: the statement sees
one consistent state of the database. Through enginefacade it would still
get a transaction scope, a SQLAlchemy Connection, BEGIN and ROLLBACK, and
SQLAlchemy's execution and result machinery, which together cost several
times the statement itself; the hottest reads (a server by uuid for every
``GET /servers/{id}``) are run here instead:

* the statement is compiled once per engine, with its fixed parameters, the
  names of its columns and the result processors of their types (a SQLite
  DATETIME string becomes a datetime, as SQLAlchemy's own result gives it);
* on MariaDB and PostgreSQL it runs on a connection of the reader engine's
  pool kept out of it in autocommit for these reads while it is free (one
  round trip per read instead of the pool's ping, the statement and the
  rollback on return); its rows come back as named tuples with
  ``_fields``, as SQLAlchemy's rows do;
* on SQLite, one such read at a time per database file, on one connection
  kept for them: threads that run SQLite calls side by side (each call
  releases the interpreter lock) contend on SQLite's own mutexes, and the
  thread switches that costs outweigh the wait.

A read whose values cannot be changed in place (no JSON column) is given
the rows it gave before while the data it was made at has not changed: on
SQLite while the database's data version holds, on PostgreSQL, for reads
of many rows, while the server's snapshot does (see :func:`_result_key`).

Inside a transaction of the context (a decorated function calling another)
the statement joins that transaction instead. Statements this cannot run as
they are (expanding or processed parameters) and any driver error go
through the ordinary reader transaction, with oslo.db's error translation
and retries; a connection that failed is dropped from the pool.

:func:`execute` runs the statements of a SQLite transaction (reads, and
writes whose values need no more than their types' conversions and the
columns' defaults) on the transaction's driver connection in the same way;
SQLAlchemy's execution of each costs more than SQLite's. A statement
SQLite refuses is run once more through SQLAlchemy in the same
transaction (SQLite undoes only the failed statement), so the error that
comes out is oslo.db's, as before.

:func:`transaction` goes one step further for SQLite write transactions
made of such statements only: the transaction itself runs on one driver
connection kept for it (``BEGIN IMMEDIATE``, the statements, ``COMMIT``),
one at a time per database, without enginefacade's transaction scope,
SQLAlchemy's connection and transaction objects and the pool's checkout and
return. Anything it cannot run that way (a statement it cannot prepare, or
any error of the driver) rolls it back and raises :class:`NotPlain`; the
caller then runs the whole transaction again the ordinary way, where
oslo.db translates and retries errors as it does everywhere else.
"""

import collections
import contextlib
import functools
import threading
import time
import weakref

import sqlalchemy as sa

from nova_lite.db import api as db_api

# Column types whose values, once converted, cannot be changed in place.
_IMMUTABLE_TYPES = (sa.DateTime, sa.Date, sa.Time, sa.Interval, sa.Boolean,
                    sa.Integer, sa.Numeric, sa.String, sa.Enum)

# engine -> _Engine
_ENGINES = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


class _Engine:
    """What is kept per engine: its prepared statements (None for one that
    cannot be run here); for SQLite, the lock its reads take and the one
    connection they use; for a server database, the connections its reads
    use, in autocommit, while they are free."""

    __slots__ = ('statements', 'written', 'lock', 'connection', 'idle',
                 'dialect', 'recycle', 'write_lock', 'writer', 'results',
                 'results_rows')

    def __init__(self, engine):
        self.statements = {}
        # Statements run by execute(), by statement and parameter names.
        self.written = {}
        # Threads reading the same SQLite file at once contend on SQLite's
        # own mutexes while the interpreter lock is released around each
        # call; one read at a time makes fewer thread switches (measured:
        # 48 to 30 per request with 16 concurrent clients), and one read
        # at a time needs one connection, kept checked out of the pool
        # (a checkout and return cost as much as the read). Not for server
        # databases, whose reads wait on the network side by side.
        self.lock = threading.Lock() \
            if engine.dialect.name == 'sqlite' else None
        self.connection = None
        # SQLite database files and PostgreSQL: the rows of reads, by
        # statement and parameters, with the version of the data they were
        # read at (see _result_key); None where not kept (MariaDB, a SQLite
        # database in memory, which every connection shares).
        self.results = {} if (self.lock is not None and _own_file(engine)) \
            or engine.dialect.name == 'postgresql' else None
        self.results_rows = 0
        # SQLite: the connection plain write transactions run on (see
        # transaction()), one at a time.
        self.write_lock = threading.Lock()
        self.writer = None
        # A server database's reads run on connections kept out of the
        # pool, in autocommit: through the pool each read was three round
        # trips (the pool's ping on checkout, the statement, the rollback
        # on return), here it is one. A connection the server dropped
        # fails its next read, is thrown away, and that read goes through
        # a transaction (which pings); none is kept longer than the pool
        # keeps its own (``[database] connection_recycle_time``).
        self.idle = []
        self.dialect = engine.dialect
        self.recycle = engine.pool._recycle

    def release(self):
        with self.lock or contextlib.nullcontext():
            connection, self.connection = self.connection, None
            if self.results is not None:
                self.results.clear()
        if connection is not None:
            connection.close()
        with self.write_lock:
            writer, self.writer = self.writer, None
        if writer is not None:
            writer.close()
        idle, self.idle = self.idle, []
        for connection, _born in idle:
            self.give_back(connection)

    def give_back(self, connection):
        """Return a kept connection to the pool, out of autocommit."""
        try:
            self.dialect.reset_isolation_level(connection.dbapi_connection)
        except Exception:
            connection.invalidate()
            return
        connection.close()


class _Prepared:
    __slots__ = ('sql', 'positions', 'defaults', 'row', 'processors',
                 'converters', 'generated', 'is_dml', 'primary_key',
                 'shareable')

    def __init__(self, engine, statement, column_keys=None, convert=False):
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect,
                                     column_keys=column_keys)
        self.is_dml = statement.is_dml
        converters = {}
        for bind in compiled.binds.values():
            if bind.expanding or bind.literal_execute:
                raise ValueError('parameter %s cannot be passed as it is'
                                 % bind.key)
            processor = bind.type.dialect_impl(dialect).bind_processor(
                dialect)
            if processor is not None:
                if not convert:
                    raise ValueError('parameter %s cannot be passed as it '
                                     'is' % bind.key)
                converters[bind.key] = processor
        # Python-side column defaults (insert) and onupdate values (update)
        # of the columns the parameters do not set.
        generated = []
        if self.is_dml:
            # Judged on the statement and on its SQL (a statement's
            # returning_column_descriptions may be one memoized for the
            # statement it was copied from).
            if getattr(statement, '_returning', ()) or \
                    getattr(statement, '_return_defaults', False) or \
                    ' RETURNING ' in compiled.string.upper():
                raise ValueError('a statement with values to fetch back')
            for column in list(compiled.insert_prefetch) + list(
                    compiled.update_prefetch):
                default = column.default if compiled.isinsert \
                    else column.onupdate
                if default is None or not (default.is_scalar or
                                           default.is_callable):
                    raise ValueError('column %s has a default this cannot '
                                     'make' % column.key)
                generated.append((column.key, default))
        self.generated = tuple(generated)
        self.converters = converters
        # An insert's primary key columns, for inserted_primary_key.
        self.primary_key = tuple(
            c.key for c in statement.table.primary_key) \
            if self.is_dml and compiled.isinsert else None
        self.sql = compiled.string
        self.positions = compiled.positiontup if compiled.positional \
            else None
        required = {b.key: None for b in compiled.binds.values()
                    if b.required}
        self.defaults = compiled.construct_params(required)
        columns = [] if self.is_dml else list(statement.selected_columns)
        self.row = collections.namedtuple(
            'Row', [c.key for c in columns], rename=True)
        processors = [c.type.dialect_impl(dialect).result_processor(
            dialect, None) for c in columns]
        # Only the columns whose type converts what the driver returns
        # (dates on SQLite, booleans, JSON), by position: a row of many
        # plain strings is not walked column by column.
        self.processors = tuple(
            (index, processor) for index, processor in enumerate(processors)
            if processor is not None) or None
        # Whether its rows may be handed to several callers: every value
        # is immutable (what the driver gives, and what dates, numbers and
        # booleans become; a JSON column's value would be a dict).
        self.shareable = not self.is_dml and all(
            processor is None or
            isinstance(column.type, _IMMUTABLE_TYPES)
            for column, processor in zip(columns, processors))

    def parameters(self, params):
        values = self.defaults
        if params or self.generated or self.converters:
            values = dict(values)
            if params:
                values.update(params)
            for key, default in self.generated:
                values[key] = default.arg(None) if default.is_callable \
                    else default.arg
            for key, convert in self.converters.items():
                value = values.get(key)
                if value is not None:
                    values[key] = convert(value)
        if self.positions is not None:
            return [values[k] for k in self.positions]
        return values

    def rows(self, raw):
        make = self.row._make
        processors = self.processors
        if processors is None:
            return [make(r) for r in raw]
        rows = []
        for r in raw:
            values = list(r)
            for index, processor in processors:
                value = values[index]
                if value is not None:
                    values[index] = processor(value)
            rows.append(make(values))
        return rows


@functools.lru_cache(maxsize=None)
def _place_names(size):
    return tuple('u%d' % i for i in range(size))


def places(values, size):
    """The parameters of a statement with ``size`` places named ``u0``,
    ``u1``, ... for ``values`` (at most ``size`` of them; the last value
    fills the places left)."""
    values = list(values)
    values.extend([values[-1]] * (size - len(values)))
    return dict(zip(_place_names(size), values))


def batches(values, sizes):
    """``(size, parameters)`` for each batch of ``values`` read by a
    statement with one of ``sizes`` places (ascending; the last is the
    most a batch holds): the smallest that holds the batch, filled by
    :func:`places`."""
    values = list(values)
    most = sizes[-1]
    for start in range(0, len(values), most):
        batch = values[start:start + most]
        size = next(n for n in sizes if n >= len(batch))
        yield size, places(batch, size)


def _engine(engine):
    state = _ENGINES.get(engine)
    if state is None:
        with _LOCK:
            state = _ENGINES.get(engine)
            if state is None:
                state = _ENGINES[engine] = _Engine(engine)
    return state


# Read statements kept prepared per engine: those built once in modules,
# and a bounded number of those built per shape of a request (a server
# list's filters and sort keys).
STATEMENTS_KEPT = 1024


def _prepared(state, engine, statement):
    try:
        return state.statements[statement]
    except KeyError:
        pass
    try:
        prepared = _Prepared(engine, statement)
    except ValueError:
        prepared = None
    if len(state.statements) >= STATEMENTS_KEPT:
        # Prepared again as they come: shapes made by requests would each
        # stay otherwise.
        state.statements.clear()
    state.statements[statement] = prepared
    return prepared


def _in_transaction(context):
    if type(context) is db_api.PlainContext:
        return True
    local = context.__dict__.get('_enginefacade_context')
    return local is not None and \
        getattr(local, 'current', None) is not None


@db_api.cell_conn_reader
def _cell_rows(context, statement, params):
    return execute(context.connection, statement, params).all()


@db_api.api_conn_reader
def _api_rows(context, statement, params):
    return execute(context.connection, statement, params).all()


_THROUGH = {'cell': _cell_rows, 'api': _api_rows}
_MANAGER = {'cell': db_api._cell, 'api': db_api._api}


def select(context, database, statement, params=None):
    """The rows of ``statement`` on ``database`` (``'cell'``, the
    context's cell, or ``'api'``)."""
    if not _in_transaction(context):
        rows = select_on(db_api._form(_MANAGER[database](context),
                                      'reader').get_engine(),
                         statement, params)
        if rows is not None:
            return rows
    return _THROUGH[database](context, statement, params)


def dialect_name(context, database):
    """The name of the dialect of ``database`` (as :func:`select`) for
    ``context``: ``sqlite``, ``mysql`` or ``postgresql``."""
    return db_api._form(_MANAGER[database](context),
                        'reader').get_engine().dialect.name


def select_on(engine, statement, params=None):
    """The rows of ``statement`` run here on ``engine``, or None where it
    cannot be (see the module's documentation): the caller then reads
    through a transaction of its own."""
    state = _engine(engine)
    prepared = _prepared(state, engine, statement)
    if prepared is None:
        return None
    return _run(engine, state, prepared, params)


def _fetch(connection, prepared, params):
    cursor = connection.dbapi_connection.cursor()
    try:
        cursor.execute(prepared.sql, prepared.parameters(params))
        return cursor.fetchall()
    finally:
        cursor.close()


def _kept(engine, state):
    """The SQLite connection kept for plain reads (``state.lock`` held)."""
    if state.connection is None:
        state.connection = engine.raw_connection()
    return state.connection


def _drop_kept(state):
    """Not this connection again (``state.lock`` held): the caller reads
    through a transaction, which translates and retries the error."""
    connection, state.connection = state.connection, None
    if state.results is not None:
        state.results.clear()
    connection.invalidate()
    connection.close()


def _run(engine, state, prepared, params):
    if state.lock is None:
        return _run_pooled(engine, state, prepared, params)
    key = _result_key(state, prepared, params)
    with state.lock:
        connection = _kept(engine, state)
        try:
            if key is not None:
                version = _data_version(state, connection)
                rows = _remembered(state, key, version)
                if rows is not None:
                    return list(rows)
            raw = _fetch(connection, prepared, params)
        except engine.dialect.loaded_dbapi.Error:
            _drop_kept(state)
            return None
    rows = prepared.rows(raw)
    if key is not None:
        _remember(state, key, version, rows)
    return rows


# Reads remembered per database, and their rows (emptied when either is
# full).
RESULTS_KEPT = 256
ROWS_KEPT = 20000


def _own_file(engine):
    """Whether ``engine`` is a SQLite database file each connection opens
    for itself (not a database in memory, one connection for all)."""
    database = engine.url.database
    return bool(database) and database != ':memory:' and \
        'mode=memory' not in database and \
        not isinstance(engine.pool, (sa.pool.StaticPool,
                                     sa.pool.SingletonThreadPool))


def _result_key(state, prepared, params):
    """The key of a read's remembered rows, or None where its rows are
    not remembered.

    A read gives the rows it gave before, without reading them again,
    while the version of the data it was made at holds; the version is
    taken before the read, so rows read after a later commit are never
    given for an earlier version. On SQLite the version is ``PRAGMA
    data_version``, a number that changes on one connection whenever
    another connection has committed to the database since it last asked
    (the kept connection only ever reads; writes go through other
    connections); on PostgreSQL, the snapshot (see :func:`_data_version`),
    looked at only for reads that gave many rows (``REMEMBER_ROWS``)."""
    if state.results is None or not prepared.shareable:
        return None
    try:
        key = (prepared, tuple(sorted(params.items())) if params else ())
        hash(key)
    except TypeError:
        return None
    return key


# PostgreSQL: the reads whose rows are remembered are those that gave at
# least this many rows once (a look at the snapshot is a round trip of its
# own; for a read of a few rows it costs as much as the read).
REMEMBER_ROWS = 20


def _data_version(state, connection):
    """The version of the data a read on ``connection`` sees now (see
    :func:`_result_key`). On SQLite, ``PRAGMA data_version``. On
    PostgreSQL, the snapshot a statement run now would take: the
    transactions in progress and the next to start. Two equal snapshots
    see the same committed transactions, so the same data; any commit in
    between, to any database of the server, changes it."""
    sql = 'PRAGMA data_version' if state.dialect.name == 'sqlite' else \
        'SELECT txid_current_snapshot()::text'
    cursor = connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchone()[0]
    finally:
        cursor.close()


def _remembered(state, key, version):
    entry = state.results.get(key)
    if entry is not None and entry[0] is not None and entry[0] == version:
        return entry[1]
    return None


def _remember(state, key, version, rows):
    results = state.results
    if len(results) >= RESULTS_KEPT or \
            state.results_rows + len(rows) > ROWS_KEPT:
        results.clear()
        state.results_rows = 0
    # Tagged with its version: a read of an older version stored after a
    # newer one was seen is never given for the newer.
    results[key] = (version, tuple(rows))
    state.results_rows += len(rows)


def select_together_on(engine, reads):
    """The rows of each ``(statement, params)`` of ``reads``, all read as
    of one moment, or None where they cannot be run here: the caller then
    reads them another way (one statement, or a transaction of its own).

    Only on SQLite, where the reads run on the connection kept for plain
    reads inside one deferred transaction (``BEGIN``, the reads,
    ``ROLLBACK``): in WAL mode it is a snapshot taken at its first read,
    which costs no more than the reads. A server database's default
    isolation (PostgreSQL's read committed) would give each statement its
    own moment."""
    state = _engine(engine)
    if state.lock is None:
        return None
    prepared = [_prepared(state, engine, statement)
                for statement, _params in reads]
    if any(p is None for p in prepared):
        return None
    with state.lock:
        connection = _kept(engine, state)
        raws = []
        try:
            driver = connection.dbapi_connection
            driver.execute('BEGIN')
            try:
                for p, (_statement, params) in zip(prepared, reads):
                    raws.append(_fetch(connection, p, params))
            finally:
                driver.execute('ROLLBACK')
        except engine.dialect.loaded_dbapi.Error:
            _drop_kept(state)
            return None
    return [p.rows(raw) for p, raw in zip(prepared, raws)]


# Free connections kept per server database (more in use at once go back
# to the pool after their read).
KEPT = 8


def _run_pooled(engine, state, prepared, params):
    try:
        connection, born = state.idle.pop()
    except IndexError:
        connection = None
    now = time.monotonic()
    if connection is not None and 0 <= state.recycle < now - born:
        state.give_back(connection)
        connection = None
    if connection is None:
        connection = engine.raw_connection()
        born = now
        try:
            state.dialect.set_isolation_level(connection.dbapi_connection,
                                              'AUTOCOMMIT')
        except engine.dialect.loaded_dbapi.Error:
            connection.invalidate()
            return None
    key = _result_key(state, prepared, params)
    version = rows = None
    try:
        if key is not None and key in state.results:
            version = _data_version(state, connection)
            rows = _remembered(state, key, version)
        if rows is None:
            raw = _fetch(connection, prepared, params)
    except engine.dialect.loaded_dbapi.Error:
        connection.invalidate()
        return None
    if len(state.idle) < KEPT:
        state.idle.append((connection, born))
    else:
        state.give_back(connection)
    if rows is not None:
        return list(rows)
    rows = prepared.rows(raw)
    if key is not None:
        if version is not None:
            _remember(state, key, version, rows)
        elif len(rows) >= REMEMBER_ROWS:
            # Worth a look at the snapshot before it from now on.
            _remember(state, key, None, ())
    return rows


class _Result:
    """What :func:`execute` returns: the rows of a read, as
    SQLAlchemy's result gives them to the callers here, or the count and
    the new row id of a write."""

    __slots__ = ('_rows', '_fields', 'rowcount', '_primary_key')

    def __init__(self, rows, fields, rowcount, primary_key=None):
        self._rows = rows
        self._fields = fields
        self.rowcount = rowcount
        self._primary_key = primary_key

    def __iter__(self):
        return iter(self._rows)

    def keys(self):
        return self._fields

    def all(self):
        return list(self._rows)

    def first(self):
        return self._rows[0] if self._rows else None

    def scalar(self):
        return self._rows[0][0] if self._rows else None

    @property
    def inserted_primary_key(self):
        if self._primary_key is None:
            raise AttributeError('not the result of an insert')
        return self._primary_key


# Statements kept prepared for execute() per engine.
WRITTEN_KEPT = 1024


def _prepared_for(state, engine, statement, params):
    """The statement prepared for these parameters' names (a write's SQL
    depends on the columns it sets), or None where it cannot be run here."""
    if statement.is_dml:
        key = (statement, frozenset(params or ()))
        column_keys = sorted(params or ())
    else:
        key = (statement, None)
        column_keys = None
    try:
        return state.written[key]
    except KeyError:
        pass
    try:
        prepared = _Prepared(engine, statement, column_keys, convert=True)
    except (ValueError, AttributeError):
        prepared = None
    if len(state.written) >= WRITTEN_KEPT:
        # Statements built per call would each stay otherwise.
        state.written.clear()
    state.written[key] = prepared
    return prepared


def _run_prepared(dbapi_connection, prepared, params):
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(prepared.sql, prepared.parameters(params))
        if prepared.is_dml:
            primary_key = None
            if prepared.primary_key is not None:
                # As SQLAlchemy gives it: the values passed, else the new
                # row's id.
                primary_key = tuple(
                    params[k] if params and params.get(k) is not None
                    else cursor.lastrowid for k in prepared.primary_key)
            return _Result((), (), cursor.rowcount, primary_key)
        return _Result(prepared.rows(cursor.fetchall()),
                       prepared.row._fields, -1, None)
    finally:
        cursor.close()


def execute(connection, statement, params=None):
    """``connection.execute(statement, params)`` for a connection of a
    SQLite transaction, run on its driver connection where it can be (see
    the module's documentation); anywhere else, SQLAlchemy's own."""
    if type(connection) is _Connection:
        return _execute_plain(connection, statement, params)
    if connection.dialect.name != 'sqlite' or \
            not isinstance(params, (dict, type(None))) or \
            not connection.in_transaction():
        return connection.execute(statement, params)
    engine = connection.engine
    state = _engine(engine)
    prepared = _prepared_for(state, engine, statement, params)
    if prepared is None:
        return connection.execute(statement, params)
    try:
        return _run_prepared(connection.connection.dbapi_connection,
                             prepared, params)
    except engine.dialect.loaded_dbapi.Error:
        # SQLite undid the statement alone; SQLAlchemy runs it again and
        # oslo.db translates what fails.
        return connection.execute(statement, params)


NotPlain = db_api.NotPlain


class _Connection:
    """What the functions run by :func:`transaction` are given in place of
    a SQLAlchemy connection: :func:`execute` runs their statements on the
    driver connection, and a statement it cannot run there ends the plain
    transaction (:class:`NotPlain`)."""

    __slots__ = ('engine', 'dialect', 'state', 'dbapi_connection')

    def __init__(self, engine, state, dbapi_connection):
        self.engine = engine
        self.dialect = engine.dialect
        self.state = state
        self.dbapi_connection = dbapi_connection

    def execute(self, statement, params=None):
        return execute(self, statement, params)


def _execute_plain(connection, statement, params):
    """execute() for a plain transaction's connection."""
    if not isinstance(params, (dict, type(None))):
        raise NotPlain()
    prepared = _prepared_for(connection.state, connection.engine, statement,
                             params)
    if prepared is None:
        raise NotPlain()
    return _run_prepared(connection.dbapi_connection, prepared, params)


def transaction(engine, work):
    """``work(connection)`` in one SQLite write transaction on the driver
    connection kept for them (see the module's documentation); raises
    :class:`NotPlain`, with nothing written, where it cannot be run so, and
    passes on any other exception of ``work`` after a rollback."""
    if engine.dialect.name != 'sqlite' or \
            engine.url.database in (None, '', ':memory:'):
        # A database in memory is one connection shared by the pool.
        raise NotPlain()
    state = _engine(engine)
    dbapi_error = engine.dialect.loaded_dbapi.Error
    with state.write_lock:
        if state.writer is None:
            state.writer = engine.raw_connection()
        raw = state.writer.dbapi_connection
        try:
            raw.execute('BEGIN IMMEDIATE')
        except dbapi_error:
            _drop_writer(state)
            raise NotPlain()
        try:
            result = work(_Connection(engine, state, raw))
            raw.execute('COMMIT')
        except BaseException as error:
            try:
                raw.execute('ROLLBACK')
            except dbapi_error:
                _drop_writer(state)
            if isinstance(error, dbapi_error):
                raise NotPlain() from error
            raise
        return result


def writer(database):
    """A decorator for a function ``f(context, ...)`` of plain statements on
    ``database`` (``'cell'``, the context's cell, or ``'api'``), in place
    of ``db_api.cell_conn_writer`` or ``api_conn_writer``: called outside
    any transaction, on SQLite, it runs in a :func:`transaction` with a
    :class:`~nova_lite.db.api.PlainContext`, the decorated functions it
    calls on the same database joining it; anywhere else, or where the
    transaction cannot be plain, through enginefacade as before. ``f`` may
    then run twice, so it must do nothing but its statements."""
    manager_of = _MANAGER[database]
    ordinary = {'cell': db_api.cell_conn_writer,
                'api': db_api.api_conn_writer}[database]

    def decorator(f):
        through = ordinary(f)

        @functools.wraps(f)
        def wrapper(context, *args, **kwargs):
            if type(context) is db_api.PlainContext or \
                    getattr(db_api._LOCAL, 'depth', 0) or \
                    _in_transaction(context):
                return through(context, *args, **kwargs)
            mgr = manager_of(context)
            try:
                return transaction(
                    db_api._form(mgr, 'writer').get_engine(),
                    lambda conn: f(db_api.PlainContext(context, conn, mgr),
                                   *args, **kwargs))
            except NotPlain:
                return through(context, *args, **kwargs)
        return wrapper
    return decorator


def _drop_writer(state):
    writer, state.writer = state.writer, None
    try:
        writer.invalidate()
    except Exception:
        pass


def release(engine=None):
    """Give back the connections kept for these reads, of ``engine`` or of
    all engines (before engines are disposed of:
    :func:`nova_lite.db.api.reset`)."""
    with _LOCK:
        if engine is None:
            states = list(_ENGINES.values())
        else:
            states = [_ENGINES[engine]] if engine in _ENGINES else []
    for state in states:
        state.release()


db_api.on_reset(release)
