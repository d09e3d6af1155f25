"""The attachment calls of the block storage store, as plain statements:
attachment create, update, complete and delete, the volume status changes
around a detach or a reservation, and a volume's read for its views.

Each write is one write transaction of :class:`~nova_lite.block_storage.
store.Store` that reads and locks the attachment's row (where there is
one), then its volume's row, before anything is decided; the volume's
status is then derived from all of its attachments (see the store's module
documentation). Rows are read and
written with statements built once, without the ORM's identity map and unit
of work: an attach makes four such calls, and the ORM's own bookkeeping cost
more than the statements.

What the calls return are plain records (attribute access, as the views
read them) of the rows as written.
"""

import functools
import types

from oslo_serialization import jsonutils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.block_storage import exception
from nova_lite.block_storage import models
from nova_lite.db import plain

VOLUMES = models.Volume.__table__
ATTACHMENTS = models.VolumeAttachment.__table__

# Volume status for the "strongest" attachment status left.
STATUS_FROM_ATTACH = {'attached': 'in-use', 'detached': 'available'}
ATTACH_ORDER = ('attached', 'attaching', 'detaching', 'reserved')

_LOCK_VOLUME = sa.select(VOLUMES).where(
    VOLUMES.c.id == sa.bindparam('id')).with_for_update()
_LOCK_ATTACHMENT = sa.select(ATTACHMENTS).where(
    ATTACHMENTS.c.id == sa.bindparam('id')).with_for_update()
_ATTACHMENT = sa.select(ATTACHMENTS).where(
    ATTACHMENTS.c.id == sa.bindparam('id'))
_STATUSES = sa.select(ATTACHMENTS.c.id, ATTACHMENTS.c.attach_status).where(
    ATTACHMENTS.c.volume_id == sa.bindparam('volume_id'))
_SERVERS = sa.select(ATTACHMENTS.c.instance_uuid).where(
    ATTACHMENTS.c.volume_id == sa.bindparam('volume_id'))
_CONNECTED = sa.select(
    ATTACHMENTS.c.id, ATTACHMENTS.c.connector,
    ATTACHMENTS.c.connection_info).where(
        ATTACHMENTS.c.volume_id == sa.bindparam('volume_id'))
# What a delete answers: a summary of each attachment left.
_LEFT = sa.select(
    ATTACHMENTS.c.id, ATTACHMENTS.c.attach_status,
    ATTACHMENTS.c.instance_uuid, ATTACHMENTS.c.volume_id).where(
    ATTACHMENTS.c.volume_id == sa.bindparam('volume_id'))
# Statements built once; what a call sets comes with its parameters (a
# statement built per call costs several times its execution).
_UPDATE_VOLUME = VOLUMES.update().where(
    VOLUMES.c.id == sa.bindparam('volume_id'))
_UPDATE_ATTACHMENT = ATTACHMENTS.update().where(
    ATTACHMENTS.c.id == sa.bindparam('attachment_id'))
_DELETE_ATTACHMENT = ATTACHMENTS.delete().where(
    ATTACHMENTS.c.id == sa.bindparam('attachment_id'))
_INSERT_ATTACHMENT = ATTACHMENTS.insert()
_SPECS = models.VolumeTypeExtraSpec.__table__
_SUBSEQUENT_MODE = sa.select(_SPECS.c.value).where(
    _SPECS.c.volume_type_id == sa.bindparam('type_id'),
    _SPECS.c.key == sa.bindparam('key'))
_MODES = sa.select(ATTACHMENTS.c.attach_mode).where(
    ATTACHMENTS.c.volume_id == sa.bindparam('volume_id'))
VOLUME = sa.select(VOLUMES).where(VOLUMES.c.id == sa.bindparam('id'))
_TYPES = models.VolumeType.__table__
_VOLUME_WIDTH = len(VOLUMES.c)
_TYPE_NAMES = tuple(c.name for c in _TYPES.c)
_VOLUME_NAMES = tuple(c.name for c in VOLUMES.c)
# A volume's attachments as its views list them (in the order of the ORM
# relationship): only the columns a view shows (a shared volume has many).
_VIEW_COLUMNS = (ATTACHMENTS.c.id, ATTACHMENTS.c.instance_uuid,
                 ATTACHMENTS.c.attached_host, ATTACHMENTS.c.mountpoint,
                 ATTACHMENTS.c.attach_time, ATTACHMENTS.c.attach_status)
_VIEW_NAMES = tuple(c.name for c in _VIEW_COLUMNS)
# What a view shows of a volume, in one statement (so read as of one
# moment without a transaction): the volume, its type (NULL columns
# without one) and its attachments, one row each (one row of NULL
# attachment columns without any), oldest first (by id within a second,
# where MariaDB keeps no fractions).
VOLUME_FOR_VIEW = sa.select(
    VOLUMES, *[c.label('type_' + c.name) for c in _TYPES.c],
    *[c.label('attachment_' + c.name) for c in _VIEW_COLUMNS]).select_from(
    VOLUMES.outerjoin(_TYPES, _TYPES.c.id == VOLUMES.c.volume_type_id)
    .outerjoin(ATTACHMENTS, ATTACHMENTS.c.volume_id == VOLUMES.c.id)).where(
    VOLUMES.c.id == sa.bindparam('id')).order_by(
        ATTACHMENTS.c.created_at, ATTACHMENTS.c.id)
_TYPE_END = _VOLUME_WIDTH + len(_TYPE_NAMES)
# The same in two statements, for a store that can read both as of one
# moment (:func:`nova_lite.db.plain.select_together_on`): a shared
# volume's columns are then not read again with each attachment.
VOLUME_WITH_TYPE = sa.select(
    VOLUMES, *[c.label('type_' + c.name) for c in _TYPES.c]).select_from(
    VOLUMES.outerjoin(_TYPES, _TYPES.c.id == VOLUMES.c.volume_type_id)).where(
    VOLUMES.c.id == sa.bindparam('id'))
VIEW_ATTACHMENTS = sa.select(*_VIEW_COLUMNS).where(
    ATTACHMENTS.c.volume_id == sa.bindparam('id')).order_by(
        ATTACHMENTS.c.created_at, ATTACHMENTS.c.id)


@functools.lru_cache(maxsize=None)
def listing(columns):
    """The attachments whose ``columns`` equal the bound parameters of the
    same names, oldest first (by id within a second), built once per set
    of columns."""
    statement = sa.select(ATTACHMENTS)
    for name in columns:
        statement = statement.where(ATTACHMENTS.c[name] ==
                                    sa.bindparam(name))
    return statement.order_by(ATTACHMENTS.c.created_at, ATTACHMENTS.c.id)


def _record(row, **changes):
    values = dict(zip(row._fields, row))
    values.update(changes)
    return types.SimpleNamespace(**values)


def _records(result):
    """Records of every row of ``result`` (its column names looked up
    once, not per row)."""
    keys = tuple(result.keys())
    namespace = types.SimpleNamespace
    return [namespace(**dict(zip(keys, row))) for row in result]


def volume_record(ctx, volume_id, rows):
    """The record of a volume alone, from the rows of :data:`VOLUME`."""
    if not rows or not _visible(ctx, rows[0]):
        raise exception.VolumeNotFound(volume_id=volume_id)
    return _record(rows[0])


def volume_for_view(ctx, volume_id, rows):
    """The record of a volume with its type (``volume_type``) and its
    attachments (``attachments``), from the rows of
    :data:`VOLUME_FOR_VIEW`."""
    return _for_view(ctx, volume_id, rows, [
        row[_TYPE_END:] for row in rows if row[_TYPE_END] is not None])


def volume_for_view_apart(ctx, volume_id, volume_rows, attachment_rows):
    """:func:`volume_for_view` from the rows of :data:`VOLUME_WITH_TYPE`
    and :data:`VIEW_ATTACHMENTS`, read as of one moment."""
    return _for_view(ctx, volume_id, volume_rows, attachment_rows)


def _for_view(ctx, volume_id, volume_rows, attachments):
    """The volume of the first of ``volume_rows`` (its columns, then its
    type's), with ``attachments``: the view's columns of each."""
    if not volume_rows or not _visible(ctx, volume_rows[0]):
        raise exception.VolumeNotFound(volume_id=volume_id)
    namespace = types.SimpleNamespace
    first = volume_rows[0]
    volume = namespace(**dict(zip(_VOLUME_NAMES, first)))
    volume.volume_type = namespace(**dict(zip(
        _TYPE_NAMES, first[_VOLUME_WIDTH:_TYPE_END]))) \
        if first[_VOLUME_WIDTH] is not None else None
    volume.attachments = [namespace(**dict(zip(_VIEW_NAMES, values)))
                          for values in attachments]
    return volume


def _visible(ctx, row):
    return ctx.is_admin or row.project_id == ctx.project_id


def lock_volume(session, ctx, volume_id):
    row = plain.execute(session, _LOCK_VOLUME, {'id': volume_id}).first()
    if row is None or not _visible(ctx, row):
        raise exception.VolumeNotFound(volume_id=volume_id)
    return row


def lock_attachment(session, ctx, attachment_id, serialized, check=None):
    """(attachment, volume), both rows locked. ``check(attachment)`` runs
    before the volume is locked."""
    # A locking read first: on MariaDB a plain read here would fix the
    # transaction's snapshot before the volume lock is held, and the
    # volume's other attachments would then be read stale.
    row = plain.execute(session, _LOCK_ATTACHMENT,
                        {'id': attachment_id}).first()
    if row is None or not _visible(ctx, row):
        raise exception.VolumeAttachmentNotFound(
            filter='attachment_id = %s' % attachment_id)
    if check is not None:
        check(row)
    volume = lock_volume(session, ctx, row.volume_id)
    if not serialized:
        # SQLite's write transactions (BEGIN IMMEDIATE) already read
        # everything as of the lock; elsewhere the row is read again now
        # that the volume is held.
        row = plain.execute(session, _ATTACHMENT,
                            {'id': attachment_id}).first()
        if row is None:
            raise exception.VolumeAttachmentNotFound(
                filter='attachment_id = %s' % attachment_id)
    return row, volume


def recompute(session, volume, now, without=None):
    """Set the volume's status from the attachments it has (but
    ``without``); writes only when it changes."""
    left = [r.attach_status for r in plain.execute(
        session, _STATUSES, {'volume_id': volume.id})
        if r.id != without and not r.attach_status.startswith('error')]
    attach_status = 'detached'
    for candidate in ATTACH_ORDER:
        if candidate in left:
            attach_status = candidate
            break
    status = STATUS_FROM_ATTACH.get(attach_status, attach_status)
    if (volume.status, volume.attach_status) != (status, attach_status):
        plain.execute(session, _UPDATE_VOLUME, {
            'volume_id': volume.id, 'status': status,
            'attach_status': attach_status, 'updated_at': now})


def settle(session, ctx, volume_id, status):
    """A volume left in ``status`` by a step that did not finish (a
    reservation, a detach): its status from its attachments again."""
    volume = lock_volume(session, ctx, volume_id)
    if volume.status == status:
        recompute(session, volume, timeutils.utcnow())


def begin_detaching(session, ctx, volume_id):
    volume = lock_volume(session, ctx, volume_id)
    # A shared volume may be detached from several servers at once.
    statuses = ('in-use', 'detaching') if volume.multiattach \
        else ('in-use',)
    attached = any(r.attach_status == 'attached' for r in plain.execute(
        session, _STATUSES, {'volume_id': volume.id}))
    if volume.status not in statuses or not attached:
        raise exception.InvalidVolume(
            reason="Unable to detach volume. Volume status must be "
                   "'in-use' and attach_status must be 'attached' to "
                   "detach.")
    if volume.status != 'detaching':
        plain.execute(session, _UPDATE_VOLUME, {
            'volume_id': volume.id, 'status': 'detaching',
            'updated_at': timeutils.utcnow()})


def create(session, ctx, volume_id, instance_uuid, mode, check,
           build_or_str):
    """Reserve ``volume_id`` for a server; the new attachment's record."""
    volume = lock_volume(session, ctx, volume_id)
    if check is not None:
        check(volume)
    if 'error' in volume.status:
        raise exception.InvalidVolume(
            reason='Volume attachments can not be created if the volume is '
                   'in an error state. The Volume %s currently has a status '
                   'of: %s ' % (volume.id, volume.status))
    # Cinder's statuses, plus (multiattach only) those another server's
    # attach or detach in progress leaves, so concurrent attachments of a
    # shared volume do not fail each other.
    expected = (('available', 'in-use', 'downloading')
                if volume.multiattach else ('available', 'downloading'))
    allowed = expected + (('reserved', 'attaching', 'detaching')
                          if volume.multiattach else ())
    if volume.status not in allowed:
        same_server = instance_uuid and volume.status in (
            'in-use', 'reserved') and any(
                r.instance_uuid == instance_uuid for r in plain.execute(
                    session, _SERVERS, {'volume_id': volume.id}))
        if not same_server:
            raise exception.InvalidVolume(
                reason='Volume %s status must be %s to reserve, but the '
                       'current status is %s.'
                % (volume.id, build_or_str(expected), volume.status))
    if _read_only_subsequent(session, volume):
        mode = 'ro'
    now = timeutils.utcnow()
    values = {c.name: None for c in ATTACHMENTS.c}
    values.update(
        id=uuidutils.generate_uuid(), volume_id=volume.id,
        project_id=volume.project_id, instance_uuid=instance_uuid,
        attach_status='reserved',
        attach_mode=mode if mode != 'null' else None, created_at=now)
    plain.execute(session, _INSERT_ATTACHMENT, values)
    recompute(session, volume, now)
    return types.SimpleNamespace(**values)


def _read_only_subsequent(session, volume):
    """Whether a new attachment of ``volume`` is read-only: its type
    says ``multiattach_subsequent_mode = ro`` and another attachment (the
    first, read/write) holds it."""
    if not volume.multiattach or not volume.volume_type_id:
        return False
    specs = list(plain.execute(session, _SUBSEQUENT_MODE, {
        'type_id': volume.volume_type_id,
        'key': 'multiattach_subsequent_mode'}))
    if not specs or specs[0][0] != 'ro':
        return False
    return any(row[0] != 'ro' for row in plain.execute(
        session, _MODES, {'volume_id': volume.id}))


def _connection_info(volume, attachment_id, mode):
    return {
        'driver_volume_type': 'file',
        'device_path': volume.path,
        'format': 'raw',
        'volume_id': volume.id,
        'access_mode': mode,
        'encrypted': False,
        'discard': True,
        'attachment_id': attachment_id,
        'enforce_multipath': False,
    }


def update(session, ctx, attachment_id, connector, serialized, check=None,
           new=False):
    """Connect an attachment to ``connector``'s host; its record.
    ``new``: an attachment created with its connector, which Cinder
    connects without looking for the volume's other connections (how a
    server moving to another host gets its second attachment)."""
    attachment, volume = lock_attachment(session, ctx, attachment_id,
                                         serialized, check)
    if 'error' in volume.status:
        raise exception.ResourceConflict(
            reason='Volume attachments can not be updated if the volume is '
                   'in an error state. The Volume %s currently has a status '
                   'of: %s ' % (volume.id, volume.status))
    if not volume.multiattach and not new:
        hosts = {jsonutils.loads(r.connector).get('host')
                 for r in plain.execute(session, _CONNECTED,
                                        {'volume_id': volume.id})
                 if r.connection_info and r.id != attachment.id}
        if hosts:
            raise exception.ResourceConflict(
                reason='duplicate connectors detected on volume %s'
                % volume.id)
    # A read-only attachment stays read-only whatever the connector says.
    mode = 'ro' if attachment.attach_mode == 'ro' else (
        connector.get('mode') or attachment.attach_mode or 'rw')
    now = timeutils.utcnow()
    changes = {
        'connector': jsonutils.dumps(connector),
        'connection_info': jsonutils.dumps(
            _connection_info(volume, attachment.id, mode)),
        'attached_host': connector.get('host'),
        'mountpoint': connector.get('mountpoint'),
        'attach_mode': mode,
        'attach_status': 'attaching',
        'updated_at': now,
    }
    plain.execute(session, _UPDATE_ATTACHMENT,
                  dict(changes, attachment_id=attachment.id))
    recompute(session, volume, now)
    return _record(attachment, **changes)


def complete(session, ctx, attachment_id, serialized, check=None):
    """Mark an attachment attached and its volume in use."""
    attachment, volume = lock_attachment(session, ctx, attachment_id,
                                         serialized, check)
    now = timeutils.utcnow()
    plain.execute(session, _UPDATE_ATTACHMENT, {
        'attachment_id': attachment.id, 'attach_status': 'attached',
        'attach_time': now, 'updated_at': now})
    if (volume.status, volume.attach_status) != ('in-use', 'attached'):
        plain.execute(session, _UPDATE_VOLUME, {
            'volume_id': volume.id, 'status': 'in-use',
            'attach_status': 'attached', 'updated_at': now})


def delete(session, ctx, attachment_id, serialized, check=None):
    """Delete an attachment; the records of the volume's attachments
    left."""
    attachment, volume = lock_attachment(session, ctx, attachment_id,
                                         serialized, check)
    now = timeutils.utcnow()
    recompute(session, volume, now, without=attachment.id)
    plain.execute(session, _DELETE_ATTACHMENT,
                  {'attachment_id': attachment.id})
    return _records(plain.execute(session, _LEFT, {'volume_id': volume.id}))
