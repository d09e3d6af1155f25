"""Instance faults: why a server went to ERROR."""

import functools
import traceback

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite import exception


def fault_values(instance_uuid, error, host=None, with_details=True):
    """Fault row values for ``error`` (nova's code/message/details rules)."""
    code = getattr(error, 'code', 500)
    if not isinstance(code, int):
        code = 500
    if isinstance(error, exception.NovaLiteException):
        message = error.format_message()
    else:
        message = error.__class__.__name__
    details = ''
    if with_details:
        details = ''.join(traceback.format_exception(
            type(error), error, error.__traceback__)) if code == 500 else \
            message
    return {'instance_uuid': instance_uuid, 'code': code,
            'message': message[:255], 'details': details, 'host': host}


@db_api.cell_writer
def create(context, values):
    row = models.InstanceFault()
    row.update(values)
    context.session.add(row)


def _fault(row):
    return {'code': row.code, 'message': row.message,
            'details': row.details, 'created': row.created_at,
            'host': row.host}


# Statements for the faults of a batch of servers, one per number of
# places for their uuids (a batch fills the next size up, repeating its
# last uuid), each built and prepared once.
_BATCH_SIZES = (1, 4, 16, 64, 128, 256, 500)


@functools.lru_cache(maxsize=None)
def _by_instances(size):
    table = models.InstanceFault.__table__
    return sa.select(table.c.instance_uuid, table.c.code, table.c.message,
                     table.c.details, table.c.created_at,
                     table.c.host).where(table.c.instance_uuid.in_(
                         [sa.bindparam('u%d' % i) for i in range(size)])
                     ).order_by(table.c.created_at.asc(), table.c.id.asc())


def get_latest_by_instances(context, instance_uuids):
    """``{instance_uuid: latest fault}`` for many servers at once: one
    statement per batch, outside a transaction where it can be."""
    out = {}
    for size, params in plain.batches(instance_uuids, _BATCH_SIZES):
        for row in plain.select(context, 'cell', _by_instances(size),
                                params):
            # The latest comes last.
            out[row[0]] = {'code': row[1], 'message': row[2],
                           'details': row[3], 'created': row[4],
                           'host': row[5]}
    return out


_TABLE = models.InstanceFault.__table__
_LATEST = sa.select(*_TABLE.c).where(
    _TABLE.c.instance_uuid == sa.bindparam('instance_uuid')).order_by(
    _TABLE.c.created_at.desc(), _TABLE.c.id.desc()).limit(1)


@db_api.cell_conn_reader
def get_latest(context, instance_uuid):
    row = context.connection.execute(
        _LATEST, {'instance_uuid': instance_uuid}).first()
    return None if row is None else _fault(row)
