"""Quota limits (API database) and the usage counts quotas are checked
against.

Limits: ``quotas`` (per project), ``project_user_quotas`` (per user in a
project) and ``quota_classes`` (the class named "default" overrides the
configured defaults), as nova keeps them. Usage is counted from the
databases each time (nova's counting quotas, no reservations): servers
from the API database's build requests and every cell's instances, key
pairs from the API database.
"""

from oslo_db import exception as db_exc
from oslo_serialization import jsonutils
from oslo_utils import timeutils
import sqlalchemy as sa

from nova_lite import cells
from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import plain
from nova_lite.objects import build_request
from nova_lite.objects import cell_mapping

DEFAULT_CLASS = 'default'

_Q = models.Quota.__table__
_PUQ = models.ProjectUserQuota.__table__
_QC = models.QuotaClass.__table__
_INST = models.Instance.__table__

_PROJECT = sa.select(_Q.c.resource, _Q.c.hard_limit).where(
    _Q.c.project_id == sa.bindparam('project_id'))
_USER = sa.select(_PUQ.c.resource, _PUQ.c.hard_limit).where(
    _PUQ.c.project_id == sa.bindparam('project_id'),
    _PUQ.c.user_id == sa.bindparam('user_id'))
_USERS_OF_PROJECT = sa.select(_PUQ.c.resource, _PUQ.c.hard_limit).where(
    _PUQ.c.project_id == sa.bindparam('project_id'))
_CLASS = sa.select(_QC.c.resource, _QC.c.hard_limit).where(
    _QC.c.class_name == sa.bindparam('class_name')).order_by(_QC.c.id)
# The three kinds of limits of a check in one statement (0: the
# project's, 1: the user's, 2: the default class's, in id order).
_LIMITS = sa.union_all(
    sa.select(sa.literal_column('0').label('kind'), _Q.c.id, _Q.c.resource,
              _Q.c.hard_limit).where(
        _Q.c.project_id == sa.bindparam('project_id')),
    sa.select(sa.literal_column('1'), _PUQ.c.id, _PUQ.c.resource,
              _PUQ.c.hard_limit).where(
        _PUQ.c.project_id == sa.bindparam('project_id'),
        _PUQ.c.user_id == sa.bindparam('user_id')),
    sa.select(sa.literal_column('2'), _QC.c.id, _QC.c.resource,
              _QC.c.hard_limit).where(
        _QC.c.class_name == sa.bindparam('class_name'))).order_by(
    sa.literal_column('kind'), sa.literal_column('id'))


def _as_dict(rows):
    return {r.resource: r.hard_limit for r in rows}


@db_api.api_conn_reader
def get_all_by_project(context, project_id):
    return _as_dict(context.connection.execute(
        _PROJECT, {'project_id': project_id}))


@db_api.api_conn_reader
def get_all_by_project_and_user(context, project_id, user_id):
    return _as_dict(context.connection.execute(
        _USER, {'project_id': project_id, 'user_id': user_id}))


@db_api.api_conn_reader
def get_user_limits_of_project(context, project_id):
    """[(resource, hard_limit)] of every user quota in the project."""
    return [(r.resource, r.hard_limit) for r in context.connection.execute(
        _USERS_OF_PROJECT, {'project_id': project_id})]


@db_api.api_conn_reader
def get_class(context, class_name):
    return _as_dict(context.connection.execute(
        _CLASS, {'class_name': class_name}))


def get_limits(context, project_id, user_id):
    """(project limits, user limits, default class limits) in one read."""
    found = ({}, {}, {})
    for row in plain.select(context, 'api', _LIMITS, {
            'project_id': project_id, 'user_id': user_id or None,
            'class_name': DEFAULT_CLASS}):
        found[int(row[0])][row[2]] = row[3]
    return found


@db_api.api_writer
def _upsert(context, model, keys, limit):
    now = timeutils.utcnow()
    updated = context.session.query(model).filter_by(**keys).update(
        {'hard_limit': limit, 'updated_at': now})
    if not updated:
        row = model(hard_limit=limit, created_at=now, **keys)
        context.session.add(row)
        context.session.flush()


def _set(context, model, keys, limit):
    try:
        _upsert(context, model, keys, limit)
    except db_exc.DBDuplicateEntry:
        # Created meanwhile by a concurrent update: update it.
        _upsert(context, model, keys, limit)


def set_limit(context, project_id, resource, limit, user_id=None):
    if user_id:
        _set(context, models.ProjectUserQuota,
             {'project_id': project_id, 'user_id': user_id,
              'resource': resource}, limit)
    else:
        _set(context, models.Quota,
             {'project_id': project_id, 'resource': resource}, limit)


def set_class_limit(context, class_name, resource, limit):
    _set(context, models.QuotaClass,
         {'class_name': class_name, 'resource': resource}, limit)


@db_api.api_writer
def destroy_all_by_project(context, project_id):
    context.session.query(models.ProjectUserQuota).filter_by(
        project_id=project_id).delete()
    context.session.query(models.Quota).filter_by(
        project_id=project_id).delete()


@db_api.api_writer
def destroy_all_by_project_and_user(context, project_id, user_id):
    context.session.query(models.ProjectUserQuota).filter_by(
        project_id=project_id, user_id=user_id).delete()


# -- usage -------------------------------------------------------------------

def _live(query):
    return query.where(_INST.c.deleted == 0, sa.or_(
        _INST.c.vm_state != 'soft-delete', _INST.c.vm_state.is_(None)))


# Servers of a project by user and flavor: one row per kind, however many
# servers (a flavor's copy is the same text on each of its servers).
_CELL_USAGE = _live(sa.select(
    _INST.c.user_id, _INST.c.flavor, sa.func.count(_INST.c.id)).where(
    _INST.c.project_id == sa.bindparam('project_id'))).group_by(
    _INST.c.user_id, _INST.c.flavor)
_CELL_USAGE_EXCEPT = _live(sa.select(
    _INST.c.user_id, _INST.c.flavor, sa.func.count(_INST.c.id)).where(
    _INST.c.project_id == sa.bindparam('project_id'),
    _INST.c.uuid.not_in(sa.bindparam('exclude', expanding=True)))).group_by(
    _INST.c.user_id, _INST.c.flavor)


@db_api.cell_conn_reader
def _cell_usage(context, project_id, exclude):
    if exclude:
        rows = context.connection.execute(
            _CELL_USAGE_EXCEPT, {'project_id': project_id,
                                 'exclude': list(exclude)})
    else:
        rows = context.connection.execute(
            _CELL_USAGE, {'project_id': project_id})
    return [tuple(r) for r in rows]


def _flavor_size(flavor):
    if isinstance(flavor, str):
        flavor = jsonutils.loads(flavor) if flavor else {}
    flavor = flavor or {}
    return int(flavor.get('vcpus') or 0), int(flavor.get('memory_mb') or 0)


def count_instances_cores_ram(context, project_id, user_id=None):
    """``{'project': {'instances', 'cores', 'ram'}, 'user': {...}}`` (the
    user part only with ``user_id``).

    Servers still waiting for a cell are counted from their build
    requests, read first; the cells are read after, leaving those servers
    out. A server being placed in its cell meanwhile is in its cell before
    its build request goes, so it is counted once and never missed. A cell
    that does not answer counts nothing, as in nova.
    """
    totals = {'project': {'instances': 0, 'cores': 0, 'ram': 0}}
    if user_id:
        totals['user'] = {'instances': 0, 'cores': 0, 'ram': 0}

    def add(owner, flavor, count):
        vcpus, ram = _flavor_size(flavor)
        scopes = [totals['project']]
        if user_id and owner == user_id:
            scopes.append(totals['user'])
        for scope in scopes:
            scope['instances'] += count
            scope['cores'] += vcpus * count
            scope['ram'] += ram * count

    building = build_request.get_all_instances(context,
                                               project_id=project_id)
    for inst in building:
        if inst.vm_state != 'soft-delete':
            add(inst.user_id, inst.flavor, 1)
    exclude = [inst.uuid for inst in building]
    answers = cells.scatter_gather_cells(
        context, cell_mapping.get_all_cells(context), cells.CELL_TIMEOUT,
        _cell_usage, project_id, exclude)
    for answer in answers.values():
        if cells.is_failure(answer):
            continue
        for owner, flavor, count in answer:
            add(owner, flavor, count)
    return totals


_GROUPS = models.InstanceGroup.__table__
_GROUPS_OF = sa.select(_GROUPS.c.user_id, sa.func.count(_GROUPS.c.id)).where(
    _GROUPS.c.project_id == sa.bindparam('project_id')).group_by(
    _GROUPS.c.user_id)


@db_api.api_conn_reader
def count_server_groups(context, project_id, user_id=None):
    """``{'project': {'server_groups': n}[, 'user': {...}]}``."""
    rows = list(context.connection.execute(
        _GROUPS_OF, {'project_id': project_id}))
    counts = {'project': {'server_groups': sum(n for _u, n in rows)}}
    if user_id:
        counts['user'] = {'server_groups': sum(
            n for owner, n in rows if owner == user_id)}
    return counts
