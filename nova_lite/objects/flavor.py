"""Flavors (API database)."""

import re

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


@db_api.api_conn_reader
def get_by_flavor_id(context, flavorid):
    row = context.connection.execute(
        _BY_FLAVOR_ID, {'flavorid': str(flavorid)}).first()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    specs = context.connection.execute(_SPECS_OF, {'flavor_id': row.id})
    return Flavor.from_row(row, extra_specs={s.key: s.value for s in specs})


SORT_KEYS = ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
             'ephemeral_gb', 'swap', 'rxtx_factor', 'id', 'is_public',
             'disabled', 'description', 'created_at', 'updated_at')


@db_api.api_reader
def get_all(context, is_public=True, min_memory_mb=None, min_root_gb=None,
            sort_key='flavorid', sort_dir='asc', limit=None, marker=None,
            name=None):
    m = models.Flavor
    query = context.session.query(m).filter(m.disabled.is_(False))
    if is_public is not None:
        query = query.filter(m.is_public.is_(bool(is_public)))
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
            # Nova checks the marker exists at all.
            if not context.session.query(m).filter_by(
                    flavorid=marker).count():
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


@db_api.api_writer
def create(context, flavorid, name, memory_mb, vcpus, root_gb,
           ephemeral_gb=0, swap=0, is_public=True, description=None,
           extra_specs=None):
    row = models.Flavor(flavorid=str(flavorid), name=name,
                        memory_mb=memory_mb, vcpus=vcpus, root_gb=root_gb,
                        ephemeral_gb=ephemeral_gb, swap=swap,
                        rxtx_factor=1.0, disabled=False, is_public=is_public,
                        description=description)
    context.session.add(row)
    context.session.flush()
    for key, value in (extra_specs or {}).items():
        context.session.add(models.FlavorExtraSpec(
            flavor_id=row.id, key=key, value=value))
    return row.id


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
