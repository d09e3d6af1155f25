"""Flavors (API database)."""

import re

from oslo_db import exception as db_exc
from oslo_utils import timeutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception
from nova_lite.objects import base

# Seeded on first sync, like the flavors of a fresh devstack.
DEFAULT_FLAVORS = (
    ('1', 'm1.tiny', 512, 1, 1),
    ('2', 'm1.small', 2048, 1, 20),
    ('3', 'm1.medium', 4096, 2, 40),
    ('4', 'm1.large', 8192, 4, 80),
    ('5', 'm1.xlarge', 16384, 8, 160),
    ('42', 'm1.nano', 128, 1, 1),
    ('84', 'm1.micro', 192, 1, 1),
)


class Flavor(base.Record):
    FIELDS = ('id', 'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
              'ephemeral_gb', 'swap', 'rxtx_factor', 'vcpu_weight',
              'disabled', 'is_public', 'description', 'created_at',
              'updated_at')
    JSON_FIELDS = {'extra_specs': dict}

    @classmethod
    def json_columns(cls):
        return {}

    def snapshot(self):
        """The copy stored with an instance."""
        return {'flavorid': self.flavorid, 'name': self.name,
                'memory_mb': self.memory_mb, 'vcpus': self.vcpus,
                'root_gb': self.root_gb, 'ephemeral_gb': self.ephemeral_gb,
                'swap': self.swap, 'description': self.description,
                'extra_specs': dict(self.extra_specs)}


def _record(context, row):
    specs = context.session.query(models.FlavorExtraSpec).filter_by(
        flavor_id=row.id).all()
    return Flavor.from_row(row, extra_specs={s.key: s.value for s in specs})


_FLAVORS = models.Flavor.__table__
_SPECS = models.FlavorExtraSpec.__table__
_BY_FLAVOR_ID = sa.select(_FLAVORS).where(
    _FLAVORS.c.flavorid == sa.bindparam('flavorid')).limit(1)
_SPECS_OF = sa.select(_SPECS.c.key, _SPECS.c.value).where(
    _SPECS.c.flavor_id == sa.bindparam('flavor_id'))


_PROJECTS = models.FlavorProject.__table__
_HAS_ACCESS = sa.select(_PROJECTS.c.id).where(
    _PROJECTS.c.flavor_id == sa.bindparam('flavor_id'),
    _PROJECTS.c.project_id == sa.bindparam('project_id')).limit(1)


def _visible(context, connection, row):
    """Private flavors are seen by administrators and by the projects
    given access, as nova shows them."""
    if row.is_public or context.is_admin:
        return True
    return connection.execute(_HAS_ACCESS, {
        'flavor_id': row.id, 'project_id': context.project_id}).first() \
        is not None


@db_api.api_conn_reader
def get_by_flavor_id(context, flavorid):
    row = context.connection.execute(
        _BY_FLAVOR_ID, {'flavorid': str(flavorid)}).first()
    if row is None or not _visible(context, context.connection, row):
        raise exception.FlavorNotFound(flavor_id=flavorid)
    specs = context.connection.execute(_SPECS_OF, {'flavor_id': row.id})
    return Flavor.from_row(row, extra_specs={s.key: s.value for s in specs})


SORT_KEYS = ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
             'ephemeral_gb', 'swap', 'rxtx_factor', 'id', 'is_public',
             'disabled', 'description', 'created_at', 'updated_at')


def _project_has_access(context, project_id):
    m = models.Flavor
    return sa.exists().where(
        models.FlavorProject.flavor_id == m.id,
        models.FlavorProject.project_id == project_id)


@db_api.api_reader
def get_all(context, is_public=True, min_memory_mb=None, min_root_gb=None,
            sort_key='flavorid', sort_dir='asc', limit=None, marker=None,
            name=None):
    m = models.Flavor
    query = context.session.query(m)
    if not context.is_admin:
        query = query.filter(m.disabled.is_(False)).filter(sa.or_(
            m.is_public.is_(True),
            _project_has_access(context, context.project_id)))
    if is_public is not None:
        wanted = m.is_public.is_(bool(is_public))
        if is_public and context.project_id is not None:
            wanted = sa.or_(wanted, _project_has_access(
                context, context.project_id))
        query = query.filter(wanted)
    if min_memory_mb is not None:
        query = query.filter(m.memory_mb >= min_memory_mb)
    if min_root_gb is not None:
        query = query.filter(m.root_gb >= min_root_gb)
    col = getattr(m, sort_key)
    order = [col.desc() if sort_dir == 'desc' else col.asc(),
             m.id.desc() if sort_dir == 'desc' else m.id.asc()]
    rows = query.order_by(*order).all()
    if name is not None:
        rows = [r for r in rows if _name_matches(name, r.name)]
    if marker is not None:
        ids = [r.flavorid for r in rows]
        if marker not in ids:
            # Nova checks the marker exists at all (and is visible).
            found = context.session.query(m).filter_by(
                flavorid=marker).first()
            if found is None or not (
                    found.is_public or context.is_admin or
                    _has_access(context, found.id, context.project_id)):
                raise exception.MarkerNotFound(marker=marker)
            rows = []
        else:
            rows = rows[ids.index(marker) + 1:]
    if limit is not None:
        rows = rows[:limit]
    return [_record(context, r) for r in rows]


def _name_matches(pattern, name):
    """The 2.102 name filter: a regular expression searched in the name
    (as the database's REGEXP operator); one that does not compile
    matches nothing."""
    try:
        return re.search(pattern, name or '') is not None
    except re.error:
        return False


def _has_access(context, flavor_pk, project_id):
    return context.session.query(models.FlavorProject).filter_by(
        flavor_id=flavor_pk, project_id=project_id).first() is not None


def _row(context, flavorid):
    row = context.session.query(models.Flavor).filter_by(
        flavorid=str(flavorid)).first()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return row


@db_api.api_writer
def create_flavor(context, values):
    """Add a flavor (nova's duplicate checks: the id, then the name)."""
    m = models.Flavor
    if context.session.query(m.id).filter_by(
            flavorid=values['flavorid']).first() is not None:
        raise exception.FlavorIdExists(flavor_id=values['flavorid'])
    if context.session.query(m.id).filter_by(
            name=values['name']).first() is not None:
        raise exception.FlavorExists(name=values['name'])
    row = m(disabled=False, **values)
    context.session.add(row)
    try:
        context.session.flush()
    except db_exc.DBDuplicateEntry as error:
        if 'flavorid' in (error.columns or []):
            raise exception.FlavorIdExists(flavor_id=values['flavorid'])
        raise exception.FlavorExists(name=values['name'])
    return _record(context, row)


@db_api.api_writer
def destroy(context, flavorid):
    row = _row(context, flavorid)
    for model in (models.FlavorExtraSpec, models.FlavorProject):
        context.session.query(model).filter_by(flavor_id=row.id).delete(
            synchronize_session=False)
    context.session.delete(row)


@db_api.api_writer
def update_description(context, flavorid, description):
    row = _row(context, flavorid)
    row.description = description
    row.updated_at = timeutils.utcnow()
    context.session.flush()
    return _record(context, row)


@db_api.api_writer
def update_extra_specs(context, flavorid, specs):
    """Create or replace the given extra specs (values as strings)."""
    row = _row(context, flavorid)
    existing = {s.key: s for s in context.session.query(
        models.FlavorExtraSpec).filter_by(flavor_id=row.id)}
    for key, value in specs.items():
        value = str(value)
        if key in existing:
            existing[key].value = value
        else:
            context.session.add(models.FlavorExtraSpec(
                flavor_id=row.id, key=key, value=value))
    context.session.flush()


@db_api.api_writer
def delete_extra_spec(context, flavorid, key):
    row = _row(context, flavorid)
    count = context.session.query(models.FlavorExtraSpec).filter_by(
        flavor_id=row.id, key=key).delete(synchronize_session=False)
    if not count:
        raise exception.FlavorExtraSpecsNotFound(flavor_id=flavorid,
                                                 extra_specs_key=key)


@db_api.api_reader
def get_projects(context, flavorid):
    row = _row(context, flavorid)
    return [p.project_id for p in context.session.query(
        models.FlavorProject).filter_by(flavor_id=row.id).order_by(
        models.FlavorProject.id)]


@db_api.api_writer
def add_access(context, flavorid, project_id):
    row = _row(context, flavorid)
    if _has_access(context, row.id, project_id):
        raise exception.FlavorAccessExists(flavor_id=flavorid,
                                           project_id=project_id)
    context.session.add(models.FlavorProject(flavor_id=row.id,
                                             project_id=project_id))
    try:
        context.session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.FlavorAccessExists(flavor_id=flavorid,
                                           project_id=project_id)


@db_api.api_writer
def remove_access(context, flavorid, project_id):
    row = _row(context, flavorid)
    count = context.session.query(models.FlavorProject).filter_by(
        flavor_id=row.id, project_id=project_id).delete(
        synchronize_session=False)
    if not count:
        raise exception.FlavorAccessNotFound(flavor_id=flavorid,
                                             project_id=project_id)


@db_api.api_writer
def seed_defaults(context):
    """Create the default flavors when the table is empty."""
    if context.session.query(models.Flavor).count():
        return 0
    for flavorid, name, ram, vcpus, disk in DEFAULT_FLAVORS:
        context.session.add(models.Flavor(
            flavorid=flavorid, name=name, memory_mb=ram, vcpus=vcpus,
            root_gb=disk, ephemeral_gb=0, swap=0, rxtx_factor=1.0,
            disabled=False, is_public=True))
    return len(DEFAULT_FLAVORS)
