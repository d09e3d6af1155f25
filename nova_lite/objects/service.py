"""Service records of a cell database and the service version history."""

import functools
import threading
import time

from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception
from nova_lite.objects import base

# nova_lite's own service version history. Every binary writes
# SERVICE_VERSION into its service record.
#
#  1 - initial: build, delete, stop/start, reboot, shelve/unshelve
#  2 - compute RPC 1.1: builds carry their alternate hosts
#  3 - compute RPC 1.2: volume attach, detach and swap with Cinder
#      attachments; reserve_block_device_name takes ``multiattach``
SERVICE_VERSION = 3

# The oldest nova-compute that can attach a multiattach volume.
MIN_COMPUTE_MULTIATTACH = 3


class Service(base.Record):
    FIELDS = ('id', 'uuid', 'host', 'binary', 'topic', 'report_count',
              'disabled', 'disabled_reason', 'last_seen_up', 'forced_down',
              'version', 'created_at', 'updated_at', 'deleted_at')

    def is_up(self, down_time):
        if self.forced_down:
            return False
        last = self.last_seen_up or self.updated_at or self.created_at
        if last is None:
            return False
        elapsed = (timeutils.utcnow() - last).total_seconds()
        return abs(elapsed) <= down_time


def _query(context):
    return context.session.query(models.Service).filter(
        models.Service.deleted == 0)


@db_api.cell_writer
def get_or_create(context, host, binary, topic, version=SERVICE_VERSION):
    """This host's record for ``binary``, created or refreshed."""
    row = _query(context).filter_by(host=host, binary=binary).first()
    now = timeutils.utcnow()
    if row is None:
        row = models.Service(uuid=uuidutils.generate_uuid(), host=host,
                             binary=binary, topic=topic, report_count=0,
                             disabled=False, forced_down=False,
                             version=version, last_seen_up=now, deleted=0)
        context.session.add(row)
    else:
        row.update({'version': version, 'topic': topic, 'last_seen_up': now})
    context.session.flush()
    return Service.from_row(row)


@db_api.cell_writer
def heartbeat(context, service_id):
    now = timeutils.utcnow()
    context.session.query(models.Service).filter_by(id=service_id).update(
        {'report_count': models.Service.report_count + 1,
         'last_seen_up': now, 'updated_at': now},
        synchronize_session=False)


@functools.lru_cache(maxsize=None)
def _all_statement(by_binary, by_host):
    """The live services, filtered on the bound ``binary`` and ``host``
    when asked, built once per form."""
    table = models.Service.__table__
    statement = sa.select(table).where(table.c.deleted == 0)
    if by_binary:
        statement = statement.where(table.c.binary == sa.bindparam('binary'))
    if by_host:
        statement = statement.where(table.c.host == sa.bindparam('host'))
    return statement.order_by(table.c.id)


@db_api.cell_conn_reader
def get_all(context, binary=None, host=None):
    statement = _all_statement(bool(binary), bool(host))
    return [Service.from_row(r) for r in context.connection.execute(
        statement, {'binary': binary, 'host': host})]


_TABLE = models.Service.__table__
_BY_HOST_AND_BINARY = sa.select(*_TABLE.c).where(
    _TABLE.c.deleted == 0, _TABLE.c.host == sa.bindparam('host'),
    _TABLE.c.binary == sa.bindparam('binary')).limit(1)


def get_by_host_and_binary(context, host, binary):
    rows = plain.select(context, 'cell', _BY_HOST_AND_BINARY,
                        {'host': host, 'binary': binary})
    if not rows:
        raise exception.ComputeHostNotFound(host=host)
    return Service.from_row(rows[0])


@db_api.cell_reader
def get_by_uuid(context, uuid):
    row = _query(context).filter_by(uuid=uuid).first()
    if row is None:
        raise exception.ServiceNotFound(service_id=uuid)
    return Service.from_row(row)


@db_api.cell_reader
def get_by_id(context, service_id):
    row = _query(context).filter_by(id=service_id).first()
    if row is None:
        raise exception.ServiceNotFound(service_id=service_id)
    return Service.from_row(row)


@db_api.cell_writer
def update(context, service_id, values):
    values = dict(values, updated_at=timeutils.utcnow())
    _query(context).filter_by(id=service_id).update(
        values, synchronize_session=False)


@db_api.cell_writer
def destroy(context, service_id):
    now = timeutils.utcnow()
    _query(context).filter_by(id=service_id).update(
        {'deleted': models.Service.id, 'deleted_at': now},
        synchronize_session=False)


@db_api.cell_reader
def get_minimum_version(context, binary):
    """Minimum version of live, not forced-down ``binary`` services (0 if none)."""
    value = context.session.query(sa.func.min(models.Service.version)).filter(
        models.Service.deleted == 0,
        models.Service.binary == binary,
        models.Service.forced_down.is_(False),
        models.Service.version > 0).scalar()
    return value or 0


class _MinimumVersionCache:
    """Process-wide, short-lived cache of the all-cells minimum versions."""

    def __init__(self):
        self._lock = threading.Lock()
        self._values = {}

    def get(self, key, ttl):
        with self._lock:
            entry = self._values.get(key)
        if entry is not None and time.monotonic() - entry[0] < ttl:
            return entry[1]
        return None

    def set(self, key, value):
        with self._lock:
            self._values[key] = (time.monotonic(), value)

    def clear(self):
        with self._lock:
            self._values.clear()


MIN_VERSION_CACHE = _MinimumVersionCache()
# Not kept across a reset of the databases (tests).
db_api.on_reset(MIN_VERSION_CACHE.clear)


def get_minimum_version_all_cells(context, binaries, timeout=None,
                                  cache_ttl=0):
    """The lowest version of ``binaries`` over every cell that answers.

    Cells that fail or time out are skipped (and logged); cells where a
    binary runs nowhere do not drag the minimum down. 0 when no cell had an
    answer.
    """
    from nova_lite import cells

    key = tuple(sorted(binaries))
    if cache_ttl:
        cached = MIN_VERSION_CACHE.get(key, cache_ttl)
        if cached is not None:
            return cached

    def _per_cell(cctxt):
        return [get_minimum_version(cctxt, b) for b in binaries]

    results = cells.scatter_gather_all_cells(context, _per_cell,
                                             timeout=timeout)
    versions = []
    for result in results.values():
        if cells.is_failure(result):
            continue
        versions.extend(v for v in result if v)
    value = min(versions) if versions else 0
    if cache_ttl:
        MIN_VERSION_CACHE.set(key, value)
    return value
