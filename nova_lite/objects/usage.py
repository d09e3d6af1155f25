"""Servers active in a time window, for usage reports (every row of a cell,
deleted ones too, as nova reads them)."""

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception
from nova_lite.objects import instance as instance_obj


@db_api.cell_reader
def get_active_by_window(context, begin, end, project_id=None, limit=None,
                         marker=None):
    """Servers not terminated before ``begin`` and launched before
    ``end``, ordered by project and uuid, after ``marker`` (a server uuid;
    MarkerNotFound when this cell has no such server)."""
    m = models.Instance
    query = context.session.query(m).filter(
        sa.or_(m.terminated_at.is_(None), m.terminated_at > begin))
    if end is not None:
        query = query.filter(m.launched_at < end)
    if project_id:
        query = query.filter(m.project_id == project_id)
    if marker is not None:
        row = context.session.query(m).filter(m.uuid == marker).first()
        if row is None:
            raise exception.MarkerNotFound(marker=marker)
        query = query.filter(sa.or_(
            m.project_id > row.project_id,
            sa.and_(m.project_id == row.project_id, m.uuid > row.uuid)))
    query = query.order_by(m.project_id.asc(), m.uuid.asc())
    if limit is not None:
        query = query.limit(limit)
    return [instance_obj._to_record(context, r, with_extra=False)
            for r in query]
