"""Image records: the image database and the data files.

Records are read and written as plain dicts (see :func:`_as_dict`). Status
changes of an image are conditional updates of its row (``WHERE status IN
...``), so two uploads of one image cannot both start.
"""

import os

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_utils import timeutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import migration
from nova_lite.db import plain
from nova_lite.image_service import filestore
from nova_lite.image_service import models

BASE_COLUMNS = ('name', 'disk_format', 'container_format', 'size',
                'virtual_size', 'status', 'visibility', 'checksum',
                'os_hash_algo', 'os_hash_value', 'min_disk', 'min_ram',
                'owner', 'protected', 'os_hidden')


class NotFound(Exception):
    pass


class Conflict(Exception):
    pass


@enginefacade.transaction_context_provider
class _Scope:
    """One database transaction (enginefacade wants a context object)."""


def default_connection(conf):
    return 'sqlite:///%s' % os.path.join(conf.state_path,
                                         'nova_lite_image.sqlite')


def _as_dict(image):
    out = {'id': image.id, 'created_at': image.created_at,
           'updated_at': image.updated_at or image.created_at}
    for column in BASE_COLUMNS:
        out[column] = getattr(image, column)
    out['properties'] = {p.name: p.value for p in image.properties}
    out['tags'] = sorted(t.value for t in image.tags)
    out['members'] = {m.member: {'status': m.status,
                                 'created_at': m.created_at,
                                 'updated_at': m.updated_at or m.created_at}
                      for m in image.members}
    return out


class Store:
    def __init__(self, conf):
        self.conf = conf
        opts = conf.image_service
        self.connection = opts.connection or default_connection(conf)
        self._tc = db_api.service_database(conf, 'image_service', self.connection)
        self.files = filestore.FileStore(
            opts.images_path or os.path.join(conf.state_path, 'images'))

    def sync(self):
        migration.upgrade('image', self._tc.writer.get_engine())

    def stop(self):
        plain.release(self._tc.reader.get_engine())
        plain.release(self._tc.writer.get_engine())
        self._tc.dispose_pool()

    def _writer(self):
        return self._tc.writer.using(_Scope())

    def _reader(self):
        return self._tc.reader.using(_Scope())

    @staticmethod
    def _row(session, image_id):
        image = session.get(models.Image, image_id)
        if image is None:
            raise NotFound(image_id)
        return image

    # ----------------------------------------------------------- images ---

    def create(self, image_id, values, properties=None, tags=()):
        now = timeutils.utcnow()
        try:
            with self._writer() as session:
                image = models.Image(id=image_id, created_at=now,
                                     updated_at=now, **values)
                for name, value in (properties or {}).items():
                    image.properties.append(models.ImageProperty(
                        name=name, value=value, created_at=now))
                for tag in sorted(set(tags)):
                    image.tags.append(models.ImageTag(value=tag,
                                                      created_at=now))
                session.add(image)
        except db_exc.DBDuplicateEntry:
            raise Conflict(image_id)
        return self.get(image_id)

    def get(self, image_id):
        with self._reader() as session:
            return _as_dict(self._row(session, image_id))

    def list(self):
        with self._reader() as session:
            return [_as_dict(image) for image in
                    session.query(models.Image).all()]

    def update(self, image_id, values=None, set_properties=None,
               remove_properties=(), tags=None, expect_status=None):
        """Apply base attribute ``values``, property changes and a new tag
        list in one transaction; Conflict when the status is not one of
        ``expect_status``."""
        now = timeutils.utcnow()
        with self._writer() as session:
            image = self._row(session, image_id)
            if expect_status and image.status not in expect_status:
                raise Conflict(image.status)
            for key, value in (values or {}).items():
                setattr(image, key, value)
            current = {p.name: p for p in image.properties}
            for name in remove_properties:
                if name in current:
                    image.properties.remove(current.pop(name))
            for name, value in (set_properties or {}).items():
                if name in current:
                    current[name].value = value
                    current[name].updated_at = now
                else:
                    image.properties.append(models.ImageProperty(
                        name=name, value=value, created_at=now))
            if tags is not None:
                have = {t.value: t for t in image.tags}
                for value, tag in have.items():
                    if value not in tags:
                        image.tags.remove(tag)
                for value in tags:
                    if value not in have:
                        image.tags.append(models.ImageTag(
                            value=value, created_at=now))
            image.updated_at = now
        return self.get(image_id)

    def set_status(self, image_id, from_statuses, status, **values):
        """Move the image to ``status`` if it is in ``from_statuses``;
        False when it is not (or is gone)."""
        values.update(status=status, updated_at=timeutils.utcnow())
        with self._writer() as session:
            count = session.execute(
                sa.update(models.Image).where(
                    models.Image.id == image_id,
                    models.Image.status.in_(from_statuses)).values(
                        **values)).rowcount
        return count == 1

    def delete(self, image_id):
        with self._writer() as session:
            image = self._row(session, image_id)
            session.delete(image)
        self.files.delete(image_id)

    # ------------------------------------------------------------- tags ---

    def add_tag(self, image_id, tag):
        image = self.get(image_id)
        if tag not in image['tags']:
            try:
                self.update(image_id, tags=image['tags'] + [tag])
            except db_exc.DBDuplicateEntry:
                pass

    # ---------------------------------------------------------- members ---

    def add_member(self, image_id, member):
        now = timeutils.utcnow()
        try:
            with self._writer() as session:
                image = self._row(session, image_id)
                if any(m.member == member for m in image.members):
                    raise Conflict(member)
                image.members.append(models.ImageMember(
                    member=member, status='pending', created_at=now,
                    updated_at=now))
        except db_exc.DBDuplicateEntry:
            raise Conflict(member)
        return self.get(image_id)

    def update_member(self, image_id, member, status):
        with self._writer() as session:
            row = session.query(models.ImageMember).filter_by(
                image_id=image_id, member=member).first()
            if row is None:
                raise NotFound(member)
            row.status = status
            row.updated_at = timeutils.utcnow()
        return self.get(image_id)

    def delete_member(self, image_id, member):
        with self._writer() as session:
            row = session.query(models.ImageMember).filter_by(
                image_id=image_id, member=member).first()
            if row is None:
                raise NotFound(member)
            session.delete(row)
