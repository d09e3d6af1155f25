"""Instance actions and their events, in the server's cell database.

An *action* is one request made of a server (``create``, ``reboot``, ...),
keyed by the request id of the context that asked; *events* are the steps
services took for it (``compute_reboot_instance``), each with a start and
finish time, a result (``Success`` or ``Error``), the host and, on error,
the traceback and a short ``details`` text.

The recording API, for every operation:

* :func:`record_action` (API layer and conductor): start the action of the
  request in the server's cell; call it once a request has passed its
  checks, before it is handed to another service.
* :func:`wrap_instance_event` (compute manager, conductor): a decorator
  recording ``<prefix>_<method name>`` around a method whose second
  argument is the server (a record or its uuid), or :func:`event` as a
  context manager for a step inside a method.
* :func:`note_failure`: a method that handles its own error (records a
  fault, reverts the task state) calls it so that the event around it ends
  in ``Error``, as if the error had escaped.

Events are tied to their action by the context's request id (which RPC
carries along); an event without an action (periodic tasks, recovery) is
not recorded, and recording never makes an operation fail. A context of no
project (a service's own) records its events on the server's last action.

Recorded today (action: events): create (conductor;
``compute__do_build_and_run_instance``, or for a server buried in cell0
``conductor_schedule_and_build_instances`` in Error), delete
(``compute_terminate_instance``), stop, start, reboot, shelve,
shelveOffload (``compute_<method>``), unshelve (``schedule_instances``,
``compute_unshelve_instance`` or ``compute_start_instance``),
attach_volume, detach_volume, swap_volume, lock, unlock, resetState (no
event), pause, unpause, suspend, resume, delete (soft), restore, rebuild.
"""

import collections
import contextlib
import functools
import logging
import threading
import traceback

from oslo_utils import timeutils
import sqlalchemy as sa

from nova_lite import context as nl_context
from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception

LOG = logging.getLogger(__name__)

# Action names, nova's (nova.compute.instance_actions).
CREATE = 'create'
DELETE = 'delete'
STOP = 'stop'
START = 'start'
REBOOT = 'reboot'
SHELVE = 'shelve'
SHELVE_OFFLOAD = 'shelveOffload'
UNSHELVE = 'unshelve'
ATTACH_VOLUME = 'attach_volume'
DETACH_VOLUME = 'detach_volume'
SWAP_VOLUME = 'swap_volume'
CREATE_IMAGE = 'createImage'
BACKUP = 'createBackup'

SUCCESS = 'Success'
ERROR = 'Error'

ACTION_FIELDS = ('id', 'action', 'instance_uuid', 'request_id', 'user_id',
                 'project_id', 'start_time', 'finish_time', 'message',
                 'created_at', 'updated_at')
EVENT_FIELDS = ('id', 'event', 'action_id', 'start_time', 'finish_time',
                'result', 'traceback', 'host', 'details')

_A = models.InstanceAction.__table__
_E = models.InstanceActionEvent.__table__

_BY_REQUEST = sa.select(*_A.c).where(
    _A.c.instance_uuid == sa.bindparam('instance_uuid'),
    _A.c.request_id == sa.bindparam('request_id'),
    _A.c.deleted == 0).order_by(_A.c.created_at.desc(),
                                _A.c.id.desc()).limit(1)
_LAST = sa.select(*_A.c).where(
    _A.c.instance_uuid == sa.bindparam('instance_uuid'),
    _A.c.deleted == 0).order_by(_A.c.created_at.desc(),
                                _A.c.id.desc()).limit(1)
_EVENTS = sa.select(*_E.c).where(
    _E.c.action_id == sa.bindparam('action_id'),
    _E.c.deleted == 0).order_by(_E.c.created_at.desc(), _E.c.id.desc())
_OPEN_EVENT = sa.select(_E.c.id).where(
    _E.c.action_id == sa.bindparam('action_id'),
    _E.c.event == sa.bindparam('event'),
    _E.c.deleted == 0).order_by(_E.c.finish_time.isnot(None),
                                _E.c.id.desc()).limit(1)
_INSERT_ACTION = _A.insert()
_INSERT_EVENT = _E.insert()
_TOUCH = _A.update().where(_A.c.id == sa.bindparam('b_id'))
_FINISH_EVENT = _E.update().where(_E.c.id == sa.bindparam('b_id'))


def _as_dict(row, fields):
    return {f: getattr(row, f) for f in fields}


# The ids of the actions this process started lately, by (cell database,
# server, request id): the events of a request that this process records
# find their action without reading it back.
_STARTED = collections.OrderedDict()
_STARTED_LOCK = threading.Lock()
_STARTED_MAX = 512


def _remember(context, instance_uuid, action_id):
    key = (db_api.get_context_manager(context), instance_uuid,
           context.request_id)
    with _STARTED_LOCK:
        _STARTED[key] = action_id
        _STARTED.move_to_end(key)
        while len(_STARTED) > _STARTED_MAX:
            _STARTED.popitem(last=False)


def _started(context, instance_uuid):
    with _STARTED_LOCK:
        return _STARTED.get((db_api.get_context_manager(context),
                             instance_uuid, context.request_id))


# -- actions ---------------------------------------------------------------------

def _write(context, work, *args, **kwargs):
    """``work(connection, context, ...)`` in a write transaction of the
    context's cell: on SQLite a plain one (:func:`nova_lite.db.plain.
    transaction`) when no transaction is open in this thread, else (or
    where it cannot be plain) through enginefacade, joining any open
    one."""
    if not getattr(db_api._LOCAL, 'depth', 0) and \
            not plain._in_transaction(context):
        engine = db_api._form(db_api.get_context_manager(context),
                              'writer').get_engine()
        try:
            return plain.transaction(
                engine, lambda conn: work(conn, context, *args, **kwargs))
        except plain.NotPlain:
            pass
    return _write_through(context, work, args, kwargs)


@db_api.cell_conn_writer
def _write_through(context, work, args, kwargs):
    return work(context.connection, context, *args, **kwargs)


def action_start(context, instance_uuid, action):
    """Record that the request of ``context`` started ``action`` on the
    server (``context`` targeted at the server's cell); returns it."""
    values = _write(context, _insert_action, instance_uuid, action)
    if context.request_id:
        _remember(context, instance_uuid, values['id'])
    return values


def _insert_action(conn, context, instance_uuid, action):
    now = timeutils.utcnow()
    values = {'action': action, 'instance_uuid': instance_uuid,
              'request_id': context.request_id, 'user_id': context.user_id,
              'project_id': context.project_id, 'start_time': now,
              'created_at': now, 'updated_at': now, 'deleted': 0}
    result = plain.execute(conn, _INSERT_ACTION, values)
    values = dict(values)
    values['id'] = result.inserted_primary_key[0]
    values.update(finish_time=None, message=None)
    return values


@plain.writer('cell')
def start_with(context, instance_uuid, action, write, *args, **kwargs):
    """``write(context, *args, **kwargs)`` and :func:`action_start` in one
    transaction of the server's cell; returns what ``write`` returns."""
    result = write(context, *args, **kwargs)
    action_start(context, instance_uuid, action)
    return result


def record_action(context, instance_uuid, action, cell=None):
    """:func:`action_start` through a context targeted at ``cell`` (the
    server's cell mapping; None: ``context`` is targeted already)."""
    if cell is not None:
        context = nl_context.target_cell(context, cell)
    return action_start(context, instance_uuid, action)


def _find_action(conn, context, instance_uuid):
    """(action row, whether to touch it) for the context's request: the
    last action of the server for a context of no project (a service's
    own), as nova does for work resumed after a restart."""
    if context.request_id:
        action_id = _started(context, instance_uuid)
        if action_id is not None:
            return _Found(action_id), True
    row = plain.execute(conn, _BY_REQUEST, {
        'instance_uuid': instance_uuid,
        'request_id': context.request_id}).first()
    if row is not None:
        return row, True
    if not context.project_id:
        row = plain.execute(
            conn, _LAST, {'instance_uuid': instance_uuid}).first()
        return row, False
    return None, False


class _Found:
    """An action known by its id only."""

    __slots__ = ('id',)

    def __init__(self, action_id):
        self.id = action_id


@db_api.cell_conn_reader
def get_by_request_id(context, instance_uuid, request_id):
    """The server's action of ``request_id`` (a dict), or None."""
    row = context.connection.execute(_BY_REQUEST, {
        'instance_uuid': instance_uuid, 'request_id': request_id}).first()
    return None if row is None else _as_dict(row, ACTION_FIELDS)


@db_api.cell_conn_reader
def get_all(context, instance_uuid, limit=None, marker=None,
            changes_since=None, changes_before=None):
    """The server's actions, newest first, after the action of request id
    ``marker``, updated in [changes_since, changes_before]."""
    if limit == 0:
        return []
    query = sa.select(*_A.c).where(_A.c.instance_uuid == instance_uuid,
                                   _A.c.deleted == 0)
    if changes_since is not None:
        query = query.where(_A.c.updated_at >= changes_since)
    if changes_before is not None:
        query = query.where(_A.c.updated_at <= changes_before)
    if marker is not None:
        found = context.connection.execute(_BY_REQUEST, {
            'instance_uuid': instance_uuid, 'request_id': marker}).first()
        if found is None:
            # nova names the marker it failed to find "None".
            raise exception.MarkerNotFound(marker=None)
        query = query.where(sa.or_(
            _A.c.created_at < found.created_at,
            sa.and_(_A.c.created_at == found.created_at,
                    _A.c.id < found.id)))
    query = query.order_by(_A.c.created_at.desc(), _A.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_as_dict(row, ACTION_FIELDS)
            for row in context.connection.execute(query)]


@db_api.cell_conn_reader
def get_events(context, action_id):
    """The events of an action, newest first."""
    return [_as_dict(row, EVENT_FIELDS) for row in
            context.connection.execute(_EVENTS, {'action_id': action_id})]


# -- events ----------------------------------------------------------------------

def event_start(context, instance_uuid, event, host=None):
    """Record the start of ``event`` of the context's action; False when
    there is no such action (nothing is written), else (action id, whether
    the action is the request's, event id) for :func:`event_finish`."""
    return _write(context, _event_start, instance_uuid, event, host)


def _event_start(conn, context, instance_uuid, event, host):
    action, touch = _find_action(conn, context, instance_uuid)
    if action is None:
        return False
    now = timeutils.utcnow()
    result = plain.execute(conn, _INSERT_EVENT, {
        'event': event, 'action_id': action.id, 'start_time': now,
        'host': host, 'created_at': now, 'updated_at': now, 'deleted': 0})
    if touch:
        plain.execute(conn, _TOUCH, {'b_id': action.id, 'updated_at': now})
    return action.id, touch, result.inserted_primary_key[0]


def _details(error):
    if isinstance(error, exception.NovaLiteException):
        return error.format_message()
    return error.__class__.__name__


def event_finish(context, instance_uuid, event, error=None, host=None,
                 started=None):
    """Record the end of ``event``: ``Success``, or ``Error`` with the
    traceback and details of ``error``. ``started``: what
    :func:`event_start` returned for it, when known."""
    return _write(context, _event_finish, instance_uuid, event, error, host,
                  started)


def _event_finish(conn, context, instance_uuid, event, error, host,
                  started):
    if started:
        action_id, touch, event_id = started
    else:
        action, touch = _find_action(conn, context, instance_uuid)
        if action is None:
            return False
        action_id = action.id
        row = plain.execute(conn, _OPEN_EVENT, {
            'action_id': action_id, 'event': event}).first()
        event_id = None if row is None else row.id
    now = timeutils.utcnow()
    if event_id is None:
        event_id = plain.execute(conn, _INSERT_EVENT, {
            'event': event, 'action_id': action_id, 'start_time': now,
            'host': host, 'created_at': now, 'updated_at': now,
            'deleted': 0}).inserted_primary_key[0]
    values = {'b_id': event_id, 'finish_time': now, 'updated_at': now,
              'result': SUCCESS}
    if error is not None:
        values.update(result=ERROR, details=_details(error),
                      traceback=''.join(traceback.format_exception(
                          type(error), error, error.__traceback__)))
    plain.execute(conn, _FINISH_EVENT, values)
    action_values = {'b_id': action_id}
    if error is not None:
        action_values['message'] = ERROR
    if touch:
        action_values['updated_at'] = now
    if len(action_values) > 1:
        plain.execute(conn, _TOUCH, action_values)
    return True


_LOCAL = threading.local()


def note_failure(error):
    """Mark the innermost event running in this thread as failed with
    ``error`` (for methods that handle their errors themselves)."""
    stack = getattr(_LOCAL, 'events', None)
    if stack:
        stack[-1][0] = error


def _safely(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except Exception:
        LOG.exception('Could not record an instance action event')
        return False


@contextlib.contextmanager
def event(context, instance_uuid, name, host=None):
    """Record event ``name`` of the context's action around a block."""
    started = _safely(event_start, context, instance_uuid, name, host=host)
    stack = _LOCAL.__dict__.setdefault('events', [])
    slot = [None]
    stack.append(slot)
    try:
        yield
    except Exception as error:
        if started:
            _safely(event_finish, context, instance_uuid, name, error=error,
                    host=host, started=started)
        raise
    finally:
        stack.pop()
    if started:
        _safely(event_finish, context, instance_uuid, name, error=slot[0],
                host=host, started=started)


def wrap_instance_event(prefix, method=None):
    """Record ``<prefix>_<method name>`` (``method`` where the name nova
    records differs) around a service method taking ``(self, context,
    instance_or_uuid, ...)``; ``self.host`` is the event's host."""
    def decorator(func):
        name = '%s_%s' % (prefix, method or func.__name__)

        @functools.wraps(func)
        def wrapper(self, context, *args, **kwargs):
            # RPC passes every argument by name.
            server = args[0] if args else kwargs.get(
                'instance_uuid', kwargs.get('instance'))
            uuid = getattr(server, 'uuid', server)
            with event(context, uuid, name,
                       host=getattr(self, 'host', None)):
                return func(self, context, *args, **kwargs)
        return wrapper
    return decorator
