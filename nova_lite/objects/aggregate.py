"""Host aggregates (API database: aggregates, aggregate_hosts,
aggregate_metadata). A host's availability zone is the
``availability_zone`` metadata of an aggregate holding it.
"""

from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.objects import base

AZ_KEY = 'availability_zone'


class Aggregate(base.Record):
    FIELDS = ('id', 'uuid', 'name', 'created_at', 'updated_at')
    JSON_FIELDS = {'hosts': list, 'metadata': dict}

    @property
    def availability_zone(self):
        return self.metadata.get(AZ_KEY)


def _load(session, rows):
    if not rows:
        return []
    ids = [r.id for r in rows]
    hosts, metadata = {}, {}
    for h in session.query(models.AggregateHost).filter(
            models.AggregateHost.aggregate_id.in_(ids)).order_by(
            models.AggregateHost.id):
        hosts.setdefault(h.aggregate_id, []).append(h.host)
    for m in session.query(models.AggregateMetadata).filter(
            models.AggregateMetadata.aggregate_id.in_(ids)):
        metadata.setdefault(m.aggregate_id, {})[m.key] = m.value
    return [Aggregate(id=r.id, uuid=r.uuid, name=r.name,
                      created_at=r.created_at, updated_at=r.updated_at,
                      hosts=hosts.get(r.id, []),
                      metadata=metadata.get(r.id, {})) for r in rows]


def _row(session, aggregate_id):
    row = session.query(models.Aggregate).filter(
        models.Aggregate.id == aggregate_id).first()
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return row


@db_api.api_reader
def get_by_id(context, aggregate_id):
    return _load(context.session, [_row(context.session, aggregate_id)])[0]


@db_api.api_reader
def get_all(context):
    return _load(context.session, context.session.query(
        models.Aggregate).order_by(models.Aggregate.id).all())


@db_api.api_reader
def get_by_host(context, host):
    rows = context.session.query(models.Aggregate).join(
        models.AggregateHost,
        models.AggregateHost.aggregate_id == models.Aggregate.id).filter(
        models.AggregateHost.host == host).order_by(models.Aggregate.id).all()
    return _load(context.session, rows)


@db_api.api_reader
def host_zones(context):
    """``{host: set of zone names}`` of every host in a zoned aggregate."""
    rows = context.session.query(
        models.AggregateHost.host, models.AggregateMetadata.value).join(
        models.AggregateMetadata,
        models.AggregateMetadata.aggregate_id ==
        models.AggregateHost.aggregate_id).filter(
        models.AggregateMetadata.key == AZ_KEY)
    out = {}
    for host, zone in rows:
        out.setdefault(host, set()).add(zone)
    return out


_AH = models.AggregateHost.__table__
_AM = models.AggregateMetadata.__table__
_ZONES_OF_HOST = sa.select(_AM.c.value).select_from(_AH.join(
    _AM, _AM.c.aggregate_id == _AH.c.aggregate_id)).where(
    _AM.c.key == AZ_KEY, _AH.c.host == sa.bindparam('host'))


def zones_of_host(context, host):
    """The zone names of the zoned aggregates ``host`` is in."""
    return {row[0] for row in plain.select(
        context, 'api', _ZONES_OF_HOST, {'host': host})}


def _write_metadata(session, aggregate_id, metadata):
    """Set (or, for None, delete) each key of ``metadata``."""
    current = {m.key: m for m in session.query(
        models.AggregateMetadata).filter(
        models.AggregateMetadata.aggregate_id == aggregate_id)}
    for key, value in metadata.items():
        row = current.get(key)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is not None:
            row.value = value
        else:
            session.add(models.AggregateMetadata(
                aggregate_id=aggregate_id, key=key, value=value))


@db_api.api_writer
def create(context, name, availability_zone=None):
    session = context.session
    if session.query(models.Aggregate).filter(
            models.Aggregate.name == name).count():
        raise exception.AggregateNameExists(aggregate_name=name)
    row = models.Aggregate(uuid=uuidutils.generate_uuid(), name=name)
    session.add(row)
    try:
        session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.AggregateNameExists(aggregate_name=name)
    if availability_zone:
        _write_metadata(session, row.id, {AZ_KEY: availability_zone})
        session.flush()
    return _load(session, [row])[0]


@db_api.api_writer
def update(context, aggregate_id, name=None, metadata=None):
    """Rename and/or change metadata (None values delete keys); the
    aggregate's ``updated_at`` is set either way."""
    session = context.session
    row = _row(session, aggregate_id)
    if name is not None and name != row.name:
        if session.query(models.Aggregate).filter(
                models.Aggregate.name == name,
                models.Aggregate.id != row.id).count():
            raise exception.AggregateNameExists(aggregate_name=name)
        row.name = name
    if metadata:
        _write_metadata(session, row.id, metadata)
    row.updated_at = timeutils.utcnow()
    try:
        session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.AggregateNameExists(aggregate_name=name)
    return _load(session, [row])[0]


@db_api.api_writer
def destroy(context, aggregate_id):
    session = context.session
    row = _row(session, aggregate_id)
    session.query(models.AggregateMetadata).filter(
        models.AggregateMetadata.aggregate_id == row.id).delete(
        synchronize_session=False)
    session.delete(row)


@db_api.api_writer
def add_host(context, aggregate_id, host):
    session = context.session
    row = _row(session, aggregate_id)
    if session.query(models.AggregateHost).filter(
            models.AggregateHost.aggregate_id == row.id,
            models.AggregateHost.host == host).count():
        raise exception.AggregateHostExists(aggregate_id=aggregate_id,
                                            host=host)
    session.add(models.AggregateHost(aggregate_id=row.id, host=host))
    try:
        session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.AggregateHostExists(aggregate_id=aggregate_id,
                                            host=host)
    return _load(session, [row])[0]


@db_api.api_writer
def remove_host(context, aggregate_id, host):
    session = context.session
    row = _row(session, aggregate_id)
    count = session.query(models.AggregateHost).filter(
        models.AggregateHost.aggregate_id == row.id,
        models.AggregateHost.host == host).delete(synchronize_session=False)
    if not count:
        raise exception.AggregateHostNotFound(aggregate_id=aggregate_id,
                                              host=host)
    session.flush()
    return _load(session, [row])[0]


@db_api.api_writer
def remove_host_everywhere(context, host):
    """Take a (deleted) compute host out of every aggregate."""
    context.session.query(models.AggregateHost).filter(
        models.AggregateHost.host == host).delete(synchronize_session=False)
