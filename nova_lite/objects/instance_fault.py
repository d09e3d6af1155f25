"""Instance faults: why a server went to ERROR."""

import traceback

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
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


@db_api.cell_reader
def get_latest_by_instances(context, instance_uuids):
    """``{instance_uuid: latest fault}`` for many servers at once."""
    out = {}
    uuids = list(instance_uuids)
    for start in range(0, len(uuids), 500):
        rows = context.session.query(models.InstanceFault).filter(
            models.InstanceFault.instance_uuid.in_(
                uuids[start:start + 500])).order_by(
            models.InstanceFault.created_at.asc(),
            models.InstanceFault.id.asc()).all()
        for row in rows:
            out[row.instance_uuid] = _fault(row)
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
