"""Key pairs (API database), by user and name.

:func:`get_by_name` is what other parts of the API call to look a user's
key pair up (server create, rebuild): it raises KeypairNotFound.
"""

from oslo_db import exception as db_exc
from oslo_utils import timeutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception
from nova_lite.objects import base

SSH = 'ssh'
X509 = 'x509'
TYPES = (SSH, X509)


class KeyPair(base.Record):
    FIELDS = ('id', 'name', 'user_id', 'fingerprint', 'public_key', 'type',
              'created_at', 'updated_at')


_TABLE = models.KeyPair.__table__
_COLUMNS = [_TABLE.c[f] for f in KeyPair.FIELDS]
_BY_NAME = sa.select(*_COLUMNS).where(
    _TABLE.c.user_id == sa.bindparam('user_id'),
    _TABLE.c.name == sa.bindparam('name'))
_COUNT = sa.select(sa.func.count(_TABLE.c.id)).where(
    _TABLE.c.user_id == sa.bindparam('user_id'))


@db_api.api_conn_reader
def get_by_name(context, user_id, name):
    """The key pair ``name`` of ``user_id``; KeypairNotFound if none."""
    row = context.connection.execute(
        _BY_NAME, {'user_id': user_id, 'name': name}).first()
    if row is None:
        raise exception.KeypairNotFound(user_id=user_id, name=name)
    return KeyPair.from_row(row)


@db_api.api_conn_reader
def get_by_user(context, user_id, limit=None, marker=None):
    """The user's key pairs by name, after the key pair named ``marker``
    (MarkerNotFound if the user has none of that name)."""
    query = sa.select(*_COLUMNS).where(_TABLE.c.user_id == user_id)
    if marker is not None:
        found = context.connection.execute(
            _BY_NAME, {'user_id': user_id, 'name': marker}).first()
        if found is None:
            raise exception.MarkerNotFound(marker=marker)
        query = query.where(_TABLE.c.name > marker)
    query = query.order_by(_TABLE.c.name.asc(), _TABLE.c.id.asc())
    if limit is not None:
        query = query.limit(limit)
    return [KeyPair.from_row(r) for r in context.connection.execute(query)]


@db_api.api_conn_reader
def count_by_user(context, user_id):
    return context.connection.execute(
        _COUNT, {'user_id': user_id}).scalar() or 0


@db_api.api_writer
def _insert(context, values):
    row = models.KeyPair()
    row.update(values)
    try:
        row.save(context.session)
    except db_exc.DBDuplicateEntry:
        raise exception.KeyPairExists(key_name=values['name'])
    return KeyPair.from_row(row)


def create(context, user_id, name, public_key, fingerprint, key_type=SSH):
    return _insert(context, {
        'user_id': user_id, 'name': name, 'public_key': public_key,
        'fingerprint': fingerprint, 'type': key_type,
        'created_at': timeutils.utcnow()})


@db_api.api_writer
def destroy(context, user_id, name):
    deleted = context.session.query(models.KeyPair).filter_by(
        user_id=user_id, name=name).delete()
    if not deleted:
        raise exception.KeypairNotFound(user_id=user_id, name=name)


@db_api.api_writer
def destroy_by_id(context, keypair_id):
    context.session.query(models.KeyPair).filter_by(
        id=keypair_id).delete()
