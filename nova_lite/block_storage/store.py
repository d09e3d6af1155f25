"""Volume types, volumes and attachments: the rules and the database.

Status rules follow Cinder:

* a volume is ``creating`` until its file exists, then ``available``;
* an attachment created without a connector is ``reserved`` and makes the
  volume ``reserved``; updating it with a connector makes both
  ``attaching`` and returns the connection info; completing it makes the
  attachment ``attached`` and the volume ``in-use``;
* deleting an attachment recomputes the volume's status from the
  attachments left (attached > attaching > detaching > reserved, none
  means ``available``);
* a volume that is not multiattach takes a new attachment only while
  ``available`` (or for the server it is already attached to); a
  multiattach volume takes one whatever other attachments are doing.

Where Cinder overwrites a volume's status with that of the attachment being
worked on, this service derives it from all of them, so that concurrent
attaches and detaches of one multiattach volume do not fail each other: a
shared volume with one attached server reads ``in-use`` while a second
server's attachment is only reserved.

Every state change of a volume happens in one write transaction that first
locks the volume's row, so concurrent attachment calls on one volume are
serialised and none is lost.
"""

import concurrent.futures
import logging
import os

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_serialization import jsonutils
from oslo_utils import uuidutils
from sqlalchemy import orm

from nova_lite.block_storage import attachments
from nova_lite.block_storage import backend as file_backend
from nova_lite.block_storage import exception
from nova_lite.block_storage import models
from nova_lite.block_storage import snapshots
from nova_lite.db import api as db_api
from nova_lite.db import migration
from nova_lite.db import plain

LOG = logging.getLogger(__name__)

MULTIATTACH_SPEC = 'multiattach'
TRUE_SPEC = '<is> True'
# A multiattach type's mode of every attachment after the first: ``rw``
# (the default, as Cinder) or ``ro`` (read-only for all but the writer).
SUBSEQUENT_MODE_SPEC = 'multiattach_subsequent_mode'
SUBSEQUENT_MODES = ('rw', 'ro')

DELETABLE = ('available', 'error', 'error_restoring', 'error_extending',
             'error_managing')
# A volume as its views show it: its type's name and its attachments,
# without the connector and connection info nobody reads there. Other
# reads of a volume load neither.
_WITH_ATTACHMENTS = (
    orm.selectinload(models.Volume.volume_type).lazyload(
        models.VolumeType.extra_specs),
    orm.selectinload(models.Volume.attachments).defer(
        models.VolumeAttachment.connector).defer(
            models.VolumeAttachment.connection_info))

SORT_KEYS = ('created_at', 'updated_at', 'id', 'name', 'size', 'status',
             'display_name')


def build_or_str(values, fmt=None):
    """Cinder's "a or b or c" rendering of a tuple of statuses."""
    text = ' or '.join(values) if isinstance(values, tuple) else values
    return fmt % text if fmt else text


@enginefacade.transaction_context_provider
class _Scope:
    """One database transaction (enginefacade wants a context object)."""


def default_connection(conf):
    return 'sqlite:///%s' % os.path.join(
        conf.state_path, 'nova_lite_block_storage.sqlite')


def check_extra_specs(specs):
    """Refuse a ``multiattach_subsequent_mode`` that is neither rw nor
    ro."""
    value = (specs or {}).get(SUBSEQUENT_MODE_SPEC)
    if value is not None and value not in SUBSEQUENT_MODES:
        raise exception.InvalidInput(
            reason='Invalid value %r for extra spec %s: must be one of %s.'
            % (value, SUBSEQUENT_MODE_SPEC, ', '.join(SUBSEQUENT_MODES)))


def image_metadata_of(image):
    """What a volume made from (or re-imaged with) a catalog ``image``
    keeps of it: Cinder's volume glance metadata, as strings."""
    info = image.to_v2()
    out = {'image_id': image.id, 'image_name': image.name}
    for key in ('checksum', 'container_format', 'disk_format', 'min_disk',
                'min_ram', 'size'):
        if info.get(key) is not None:
            out[key] = str(info[key])
    out.update({k: str(v) for k, v in (image.properties or {}).items()})
    return out


def can_use_type(ctx, vtype):
    """Whether ``ctx`` (None: the service itself) may see and use the
    type: public ones, and private ones for administrators and the
    projects given access."""
    if ctx is None or ctx.is_admin or vtype.is_public:
        return True
    return ctx.project_id in {p.project_id for p in vtype.projects}


def is_multiattach_type(volume_type):
    for spec in volume_type.extra_specs:
        if spec.key == MULTIATTACH_SPEC:
            return spec.value == TRUE_SPEC
    return False


# A transaction whose connection was lost (a server database's connection
# used within the last second is taken from the pool without a ping, see
# nova_lite.db.api._ping_idle_only) runs again on a new one.
_RETRY_ON_DISCONNECT = oslo_db_api.wrap_db_retry(
    max_retries=2, retry_interval=0.1, retry_on_disconnect=True)


class Store:
    def __init__(self, conf, host=None):
        self.conf = conf
        bs = conf.block_storage
        self.connection = bs.connection or default_connection(conf)
        self._tc = db_api.service_database(conf, 'block_storage', self.connection)
        self._serialized = self.connection.startswith('sqlite')
        self.backend = file_backend.FileBackend(
            bs.volumes_path or os.path.join(conf.state_path, 'volumes'))
        self.host = '%s@%s#%s' % (host or conf.host, bs.backend_name,
                                  bs.backend_name)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=bs.create_workers,
            thread_name_prefix='block-storage-create')

    # ----------------------------------------------------------- set-up ---

    def sync(self):
        """Apply the migrations and make sure the default type exists."""
        migration.upgrade('block_storage', self._tc.writer.get_engine())
        name = self.conf.block_storage.default_volume_type
        with self._writer() as session:
            if not session.query(models.VolumeType).filter_by(
                    name=name).first():
                session.add(models.VolumeType(
                    id=uuidutils.generate_uuid(), name=name,
                    description='Default Volume Type', is_public=True))

    def stop(self):
        self._executor.shutdown(wait=True)
        plain.release(self._tc.reader.get_engine())
        plain.release(self._tc.writer.get_engine())
        self._tc.dispose_pool()

    def _writer(self):
        return self._tc.writer.using(_Scope())

    def _reader(self):
        return self._tc.reader.using(_Scope())

    # The attachment calls and a volume's read run plain statements only
    # (nova_lite.block_storage.attachments): a connection, no ORM session.
    def _conn_writer(self):
        return self._tc.writer.connection.using(_Scope())

    def _write(self, work):
        """``work(connection)`` in one write transaction of plain
        statements: on SQLite a plain one (:func:`nova_lite.db.plain.
        transaction`) where it can be, else through enginefacade, run
        again on a new connection when the one it had was lost."""
        if self._serialized:
            try:
                return plain.transaction(self._tc.writer.get_engine(), work)
            except plain.NotPlain:
                pass
        return self._write_through(work)

    @_RETRY_ON_DISCONNECT
    def _write_through(self, work):
        with self._conn_writer() as conn:
            return work(conn)

    def _conn_reader(self):
        return self._tc.reader.connection.using(_Scope())

    # ------------------------------------------------------------ types ---

    @staticmethod
    def _type_query(session):
        return session.query(models.VolumeType)

    def _get_type(self, session, id_or_name, by_name=False, ctx=None):
        """A type by id (or by name too); with ``ctx``, a private type
        only for an administrator or a project given access to it. Cinder's
        404s: "Volume type <id> could not be found." for an unknown id and
        for a private type (found by id or name) the project may not use,
        "Volume type with name <name> could not be found." for an unknown
        name."""
        query = self._type_query(session)
        vtype = query.filter_by(id=id_or_name).first()
        if vtype is None and by_name:
            vtype = query.filter_by(name=id_or_name).first()
            if vtype is None and not uuidutils.is_uuid_like(id_or_name):
                raise exception.VolumeTypeNotFoundByName(
                    volume_type_name=id_or_name)
        if vtype is None:
            raise exception.VolumeTypeNotFound(volume_type_id=id_or_name)
        if not can_use_type(ctx, vtype):
            raise exception.VolumeTypeNotFound(volume_type_id=vtype.id)
        return vtype

    def default_type(self, session):
        return self._get_type(session,
                              self.conf.block_storage.default_volume_type,
                              by_name=True)

    def list_types(self, ctx, is_public=True):
        """Types by ``is_public`` (None: all); a project that is not an
        administrator's also sees the private types it was given."""
        with self._reader() as session:
            types = self._type_query(session).order_by(
                models.VolumeType.name).all()
        if is_public is None:
            return types
        if ctx.is_admin:
            return [t for t in types if bool(t.is_public) == is_public]
        return [t for t in types if t.is_public or
                ctx.project_id in {p.project_id for p in t.projects}]

    def get_type(self, ctx, type_id):
        with self._reader() as session:
            if type_id == 'default':
                return self.default_type(session)
            return self._get_type(session, type_id, ctx=ctx)

    def add_type_access(self, ctx, type_id, project_id):
        with self._writer() as session:
            vtype = self._get_type(session, type_id)
            if vtype.is_public:
                raise exception.InvalidVolumeType(
                    reason='Type access modification is not applicable to '
                           'public volume type.')
            if project_id in {p.project_id for p in vtype.projects}:
                raise exception.VolumeTypeAccessExists(
                    volume_type_id=type_id, project_id=project_id)
            vtype.projects.append(models.VolumeTypeProject(
                project_id=project_id))

    def remove_type_access(self, ctx, type_id, project_id):
        with self._writer() as session:
            vtype = self._get_type(session, type_id)
            if vtype.is_public:
                raise exception.InvalidVolumeType(
                    reason='Type access modification is not applicable to '
                           'public volume type.')
            for access in vtype.projects:
                if access.project_id == project_id:
                    vtype.projects.remove(access)
                    return
            raise exception.VolumeTypeAccessNotFound(
                volume_type_id=type_id, project_id=project_id)

    def create_type(self, ctx, name, description=None, is_public=True,
                    extra_specs=None):
        try:
            with self._writer() as session:
                if self._type_query(session).filter_by(name=name).first():
                    raise exception.VolumeTypeExists(id=name)
                vtype = models.VolumeType(
                    id=uuidutils.generate_uuid(), name=name,
                    description=description, is_public=is_public)
                for key, value in (extra_specs or {}).items():
                    vtype.extra_specs.append(models.VolumeTypeExtraSpec(
                        key=key, value=value))
                session.add(vtype)
        except db_exc.DBDuplicateEntry:
            raise exception.VolumeTypeExists(id=name)
        return self.get_type(ctx, vtype.id)

    def update_type(self, ctx, type_id, values):
        with self._writer() as session:
            vtype = self._get_type(session, type_id)
            if 'name' in values and values['name'] != vtype.name:
                if self._type_query(session).filter_by(
                        name=values['name']).first():
                    raise exception.VolumeTypeExists(id=values['name'])
            for key, value in values.items():
                setattr(vtype, key, value)
        return self.get_type(ctx, type_id)

    def delete_type(self, ctx, type_id):
        with self._writer() as session:
            vtype = self._get_type(session, type_id)
            if vtype.name == self.conf.block_storage.default_volume_type:
                raise exception.InvalidVolumeType(
                    reason='Default volume type can not be deleted')
            if session.query(models.Volume).filter_by(
                    volume_type_id=vtype.id).first():
                raise exception.VolumeTypeInUse()
            session.delete(vtype)

    def set_extra_specs(self, ctx, type_id, specs):
        with self._writer() as session:
            vtype = self._get_type(session, type_id)
            existing = {spec.key: spec for spec in vtype.extra_specs}
            for key, value in specs.items():
                if key in existing:
                    existing[key].value = value
                else:
                    vtype.extra_specs.append(models.VolumeTypeExtraSpec(
                        key=key, value=value))
        return self.get_type(ctx, type_id)

    def delete_extra_spec(self, ctx, type_id, key):
        with self._writer() as session:
            vtype = self._get_type(session, type_id)
            for spec in vtype.extra_specs:
                if spec.key == key:
                    vtype.extra_specs.remove(spec)
                    return
            raise exception.VolumeTypeExtraSpecsNotFound(
                volume_type_id=type_id, extra_specs_key=key)

    # ---------------------------------------------------------- volumes ---

    @staticmethod
    def _visible(ctx, query, model=models.Volume, all_projects=False):
        if ctx.is_admin and all_projects:
            return query
        return query.filter(model.project_id == ctx.project_id)

    def _get_volume(self, session, ctx, volume_id, lock=False,
                    for_view=True):
        query = session.query(models.Volume).filter_by(id=volume_id)
        if lock:
            query = query.with_for_update()
        elif for_view:
            query = query.options(*_WITH_ATTACHMENTS)
        volume = query.first()
        if volume is None or not (
                ctx.is_admin or volume.project_id == ctx.project_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        return volume

    def _rows(self, statement, params):
        """The rows of one statement: run on its own where it can be
        (:mod:`nova_lite.db.plain`), else in a reader transaction."""
        rows = plain.select_on(self._tc.reader.get_engine(), statement,
                               params)
        if rows is None:
            rows = self._read_through(statement, params)
        return rows

    @_RETRY_ON_DISCONNECT
    def _read_through(self, statement, params):
        with self._conn_reader() as conn:
            return conn.execute(statement, params).all()

    def get_volume(self, ctx, volume_id, for_view=True):
        """A volume; its type and attachments only when a view shows it
        (read as of one moment: one statement, or on SQLite two in one
        snapshot)."""
        if for_view:
            params = {'id': volume_id}
            apart = plain.select_together_on(
                self._tc.reader.get_engine(),
                [(attachments.VOLUME_WITH_TYPE, params),
                 (attachments.VIEW_ATTACHMENTS, params)])
            if apart is not None:
                return attachments.volume_for_view_apart(
                    ctx, volume_id, *apart)
            return attachments.volume_for_view(ctx, volume_id, self._rows(
                attachments.VOLUME_FOR_VIEW, params))
        return attachments.volume_record(ctx, volume_id, self._rows(
            attachments.VOLUME, {'id': volume_id}))

    def list_volumes(self, ctx, filters=None, all_projects=False,
                     limit=None, marker=None, sort=None):
        filters = dict(filters or {})
        with self._reader() as session:
            query = self._visible(
                ctx, session.query(models.Volume).options(*_WITH_ATTACHMENTS),
                all_projects=all_projects)
            if 'project_id' in filters and ctx.is_admin:
                query = query.filter_by(project_id=filters.pop('project_id'))
            filters.pop('project_id', None)
            for key, value in filters.items():
                if key == 'name':
                    query = query.filter_by(display_name=value)
                elif key == 'bootable':
                    query = query.filter_by(bootable=value)
                elif key == 'metadata':
                    continue
                else:
                    query = query.filter(
                        getattr(models.Volume, key) == value)
            volumes = query.all()
        if 'metadata' in filters:
            wanted = filters['metadata']
            volumes = [v for v in volumes
                       if all(self.metadata(v).get(k) == val
                              for k, val in wanted.items())]
        volumes = self._sort(volumes, sort or [('created_at', 'desc')])
        count = len(volumes)
        if marker is not None:
            ids = [v.id for v in volumes]
            if marker not in ids:
                raise exception.VolumeNotFound(volume_id=marker)
            volumes = volumes[ids.index(marker) + 1:]
        if limit is not None:
            volumes = volumes[:limit]
        return volumes, count

    @staticmethod
    def _sort(volumes, sort):
        for key, direction in reversed(sort):
            attr = 'display_name' if key == 'name' else key

            def sort_key(volume, attr=attr):
                value = getattr(volume, attr)
                return (value is not None, value or 0 if attr == 'size'
                        else value if value is not None else '')
            volumes = sorted(volumes, key=sort_key,
                             reverse=(direction == 'desc'))
        return volumes

    @staticmethod
    def metadata(volume):
        return jsonutils.loads(volume.metadata_json or '{}')

    def create_volume(self, ctx, size, name=None, description=None,
                      volume_type=None, metadata=None, image=None,
                      availability_zone=None, source_volid=None,
                      snapshot_id=None, image_metadata=None):
        """A new volume, ``creating`` until its file is written (empty, or
        from an image, a source volume or a snapshot) by a fill thread."""
        bs = self.conf.block_storage
        if size > bs.max_volume_size:
            raise exception.VolumeSizeExceedsAvailableQuota(
                requested=size, maximum=bs.max_volume_size)
        if image is not None and image.size is not None and \
                image.size > size * file_backend.GiB:
            raise exception.ImageTooLarge(
                image_size=-(-image.size // file_backend.GiB),
                volume_size=size)
        zone = availability_zone or bs.storage_availability_zone
        if zone != bs.storage_availability_zone:
            raise exception.InvalidInput(
                reason='Availability zone \'%s\' is invalid.' % zone)
        volume_id = uuidutils.generate_uuid()
        fill_from = image.path if image is not None else None
        bootable = image is not None
        if image is not None:
            image_metadata = dict(image_metadata or {})
        with self._writer() as session:
            origin = None
            if snapshot_id is not None:
                snapshot = session.query(models.Snapshot).filter_by(
                    id=snapshot_id).first()
                if snapshot is None:
                    raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
                if snapshot.status != 'available':
                    raise exception.InvalidSnapshot(
                        reason="Originating snapshot status must be one of "
                               "'available' values")
                origin = self._get_volume(session, ctx, snapshot.volume_id,
                                          for_view=False)
                fill_from = self.backend.snapshot_path_for(snapshot_id)
            elif source_volid is not None:
                origin = self._get_volume(session, ctx, source_volid,
                                          for_view=False)
                if origin.status not in ('available', 'in-use'):
                    raise exception.InvalidVolume(
                        reason="Originating source volume status must be "
                               "one of 'available, in-use' values")
                if size < origin.size:
                    raise exception.InvalidInput(
                        reason="Volume size '%(size)s'GB cannot be smaller "
                               "than original volume size  %(source)sGB. "
                               "They must be >= original volume size."
                               % {'size': size, 'source': origin.size})
                fill_from = origin.path
            if volume_type is not None:
                vtype = self._get_type(session, volume_type, by_name=True,
                                       ctx=ctx)
            elif origin is not None:
                vtype = self._get_type(session, origin.volume_type_id)
            else:
                vtype = self.default_type(session)
            if origin is not None:
                # As Cinder copies a volume's image metadata and bootable
                # flag to the volumes made from it or its snapshots.
                bootable = bool(origin.bootable)
                image_metadata = self.image_metadata(origin) or None
            volume = models.Volume(
                id=volume_id, project_id=ctx.project_id, user_id=ctx.user_id,
                display_name=name, display_description=description,
                size=size, status='creating', attach_status='detached',
                availability_zone=zone, host=self.host,
                volume_type_id=vtype.id, bootable=bootable,
                multiattach=is_multiattach_type(vtype),
                image_id=(image_metadata or {}).get('image_id'),
                image_name=(image_metadata or {}).get('image_name'),
                image_metadata_json=jsonutils.dumps(image_metadata)
                if image_metadata else None,
                source_volid=source_volid, snapshot_id=snapshot_id,
                metadata_json=jsonutils.dumps(metadata or {}),
                path=self.backend.path_for(volume_id))
            session.add(volume)
        created = self.get_volume(ctx, volume_id)
        self._executor.submit(self._fill, volume_id, size, fill_from)
        return created

    @staticmethod
    def image_metadata(volume):
        """The image metadata a volume keeps (``{}`` without an image)."""
        if getattr(volume, 'image_metadata_json', None):
            return jsonutils.loads(volume.image_metadata_json)
        if volume.image_id:
            return {'image_id': volume.image_id,
                    'image_name': volume.image_name}
        return {}

    def set_image_metadata(self, ctx, volume_id, items=None, remove=None,
                           check=None):
        """Set ``items`` of the volume's image metadata, or remove the key
        ``remove`` (Cinder's 404 when it has no such key); the result."""
        with self._writer() as session:
            volume = self._get_volume(session, ctx, volume_id, lock=True,
                                      for_view=False)
            if check is not None:
                check(volume)
            current = self.image_metadata(volume)
            if remove is not None:
                if remove not in current:
                    raise exception.GlanceMetadataNotFound(id=volume_id)
                current.pop(remove)
            else:
                current.update(items or {})
            volume.image_metadata_json = jsonutils.dumps(current)
            volume.image_id = current.get('image_id')
            volume.image_name = current.get('image_name')
            return current

    def retype(self, ctx, volume_id, new_type, migration_policy=None,
               authorize=None):
        """Change a volume's type, as Cinder's os-retype: the file backend
        changes nothing on disk, so a retype within this backend is done
        in place at once. ``authorize(rule, volume)`` runs the policy
        checks (``volume:retype``, then ``volume:multiattach`` for a retype
        to a multiattach type). Cinder's rules: a retype that changes
        whether the volume is multiattach is refused unless the volume is
        ``available`` (so an in-use multiattach volume never becomes
        single-attach under its servers, nor the reverse); the volume must
        be available or in-use and the type must differ. A type naming
        another ``volume_backend_name`` needs a migration to a backend this
        service does not have: as in Cinder, the request is accepted and
        the volume keeps its type (``migration_policy`` never: "Retype
        requires migration but is not allowed."; on-demand: no valid
        backend). Returns whether the type changed."""
        with self._writer() as session:
            volume = self._get_volume(session, ctx, volume_id, lock=True,
                                      for_view=False)
            if authorize is not None:
                authorize('retype', volume)
            vtype = self._get_type(session, new_type, by_name=True)
            target_multiattach = is_multiattach_type(vtype)
            if bool(volume.multiattach) != target_multiattach:
                if volume.status != 'available':
                    raise exception.InvalidInput(
                        reason='Invalid volume_type passed, retypes '
                               'affecting multiattach are only allowed on '
                               'available volumes, the specified volume '
                               'however currently has a status of: %s.'
                               % volume.status)
                if target_multiattach and authorize is not None:
                    authorize('multiattach', volume)
            if volume.status not in ('available', 'in-use') or \
                    volume.volume_type_id == vtype.id:
                raise exception.InvalidVolume(
                    reason='Retype needs volume to be in available or '
                           'in-use state, not be part of an active '
                           'migration or a consistency group, requested '
                           'type has to be different that the one from the '
                           'volume, and for in-use volumes front-end qos '
                           'specs cannot change.')
            backend = {spec.key: spec.value for spec in vtype.extra_specs
                       }.get('volume_backend_name')
            if backend and backend != self.conf.block_storage.backend_name:
                if (migration_policy or 'never') == 'never':
                    LOG.error('Retype of volume %s to type %s failed: '
                              'Retype requires migration but is not '
                              'allowed.', volume_id, vtype.id)
                else:
                    LOG.error('Retype of volume %s to type %s failed: no '
                              'valid backend %s', volume_id, vtype.id,
                              backend)
                return False
            volume.volume_type_id = vtype.id
            volume.multiattach = target_multiattach
            LOG.info('Retyped volume %s to type %s', volume_id, vtype.id)
            return True

    def _fill(self, volume_id, size, fill_from):
        try:
            self.backend.create(volume_id, size, fill_from)
            status = 'available'
        except Exception:
            LOG.exception('Creating the file of volume %s failed', volume_id)
            status = 'error'
        with self._writer() as session:
            updated = session.query(models.Volume).filter_by(
                id=volume_id, status='creating').update(
                    {'status': status}, synchronize_session=False)
        if not updated:
            # Deleted while it was being created.
            self.backend.delete(self.backend.path_for(volume_id))

    def update_volume(self, ctx, volume_id, values):
        with self._writer() as session:
            volume = self._get_volume(session, ctx, volume_id, lock=True)
            for key, value in values.items():
                if key == 'metadata':
                    volume.metadata_json = jsonutils.dumps(value)
                else:
                    setattr(volume, key, value)
        return self.get_volume(ctx, volume_id)

    def delete_volume(self, ctx, volume_id, force=False, cascade=False):
        """Delete a volume: with ``force`` whatever its status and
        attachments; with ``cascade`` its snapshots too (they must be
        available or error). Without ``cascade`` a volume with snapshots
        is not deleted, forced or not (Cinder)."""
        status = build_or_str(DELETABLE, 'status must be %s and')
        refusal = ('Volume %s must not be migrating, attached, belong to a '
                   'group, have snapshots, awaiting a transfer, or be '
                   'disassociated from snapshots after volume transfer.'
                   % status)
        with self._writer() as session:
            volume = self._get_volume(session, ctx, volume_id, lock=True)
            live = [a for a in volume.attachments]
            if not force and (volume.status not in DELETABLE or live):
                raise exception.InvalidVolume(reason=refusal)
            snapshot_ids = []
            if cascade:
                snapshot_ids = snapshots.delete_all_of_volume(
                    self, session, volume_id)
            elif snapshots.has_snapshots(session, volume_id):
                raise exception.InvalidVolume(reason=refusal)
            for attachment in live:
                session.delete(attachment)
            path = volume.path
            session.delete(volume)
        for snapshot_id in snapshot_ids:
            self.backend.delete_snapshot(snapshot_id)
        self.backend.delete(path)

    def _conditional_status(self, ctx, volume_id, expected, values, msg):
        with self._writer() as session:
            volume = self._get_volume(session, ctx, volume_id, lock=True)
            for key, allowed in expected.items():
                if getattr(volume, key) not in allowed:
                    raise exception.InvalidVolume(reason=msg % {
                        'vol_id': volume.id, 'current': volume.status})
            for key, value in values.items():
                setattr(volume, key, value)

    def reserve(self, ctx, volume_id):
        statuses = ('available', 'in-use') if self.get_volume(
            ctx, volume_id, for_view=False).multiattach else ('available',)
        self._conditional_status(
            ctx, volume_id, {'status': statuses}, {'status': 'attaching'},
            'Volume status must be %s to reserve.' % build_or_str(statuses))

    def unreserve(self, ctx, volume_id):
        self._write(lambda conn: attachments.settle(
            conn, ctx, volume_id, 'attaching'))

    def begin_detaching(self, ctx, volume_id):
        self._write(lambda conn: attachments.begin_detaching(
            conn, ctx, volume_id))

    def roll_detaching(self, ctx, volume_id):
        self._write(lambda conn: attachments.settle(
            conn, ctx, volume_id, 'detaching'))

    def set_bootable(self, ctx, volume_id, bootable):
        self.update_volume(ctx, volume_id, {'bootable': bootable})

    def reset_status(self, ctx, volume_id, values):
        self.update_volume(ctx, volume_id, values)

    def extend(self, ctx, volume_id, new_size):
        with self._writer() as session:
            volume = self._get_volume(session, ctx, volume_id, lock=True)
            if volume.status not in ('available', 'in-use'):
                raise exception.InvalidVolume(
                    reason='Volume status must be available or in-use to '
                           'extend, but current status is: %s.'
                    % volume.status)
            if new_size <= volume.size:
                raise exception.InvalidInput(
                    reason='New size for extend must be greater than '
                           'current size. (current: %(size)s, extended: '
                           '%(new_size)s).' % {'size': volume.size,
                                               'new_size': new_size})
            self.backend.extend(volume.path, new_size)
            volume.size = new_size

    def reimage(self, ctx, volume_id, image, reimage_reserved=False,
                check=None, done=None):
        """Start writing ``image`` (a catalog image) over a volume, as
        Cinder's os-reimage: the volume must be available or error (or
        reserved when ``reimage_reserved``) and attached to at most one
        server; it reads ``downloading`` until the copy is done, then
        takes back its status. ``check(volume)`` (the policy check) runs
        once the volume is read; ``done(volume_id, instance_uuids,
        status)`` is called when the copy is over, with the servers of a
        volume that was reserved."""
        allowed = ('available', 'error', 'reserved') if reimage_reserved \
            else ('available', 'error')
        with self._writer() as session:
            volume = self._get_volume(session, ctx, volume_id, lock=True,
                                      for_view=False)
            if check is not None:
                check(volume)
            attached = list(volume.attachments)
            if len(attached) > 1:
                raise exception.ReimageMultipleAttachments()
            if volume.status not in allowed:
                raise exception.InvalidVolume(
                    reason='Volume %s status must be %s, but current status '
                           'is %s.' % (volume.id, build_or_str(allowed),
                                       volume.status))
            if image.size is not None and \
                    image.size > volume.size * file_backend.GiB:
                raise exception.ImageTooLarge(
                    image_size=-(-image.size // file_backend.GiB),
                    volume_size=volume.size)
            previous = volume.status
            volume.status = 'downloading'
            servers = [a.instance_uuid for a in attached if a.instance_uuid]
            size, path = volume.size, volume.path
        self._executor.submit(self._reimage, volume_id, size, path, image,
                              previous, servers, done)

    def _reimage(self, volume_id, size, path, image, previous, servers,
                 done):
        values = {'status': previous, 'image_id': image.id,
                  'image_name': image.name, 'bootable': True,
                  'image_metadata_json': jsonutils.dumps(
                      image_metadata_of(image))}
        try:
            self.backend.reimage(path, size, image.path)
        except Exception:
            LOG.exception('Re-imaging volume %s with image %s failed',
                          volume_id, image.id)
            values = {'status': 'error'}
        with self._writer() as session:
            updated = session.query(models.Volume).filter_by(
                id=volume_id, status='downloading').update(
                    values, synchronize_session=False)
        if not updated:
            LOG.info('Volume %s changed while it was re-imaged', volume_id)
            return
        LOG.info('Re-imaged volume %s with image %s: %s', volume_id,
                 image.id, values['status'])
        if done is not None and values['status'] == 'reserved':
            try:
                done(volume_id, servers, values['status'])
            except Exception:
                LOG.exception('Telling the compute API that volume %s was '
                              're-imaged failed', volume_id)

    # ------------------------------------------------------ attachments ---

    @staticmethod
    def _get_attachment(session, ctx, attachment_id):
        attachment = session.query(models.VolumeAttachment).filter_by(
            id=attachment_id).first()
        if attachment is None or not (
                ctx.is_admin or attachment.project_id == ctx.project_id):
            raise exception.VolumeAttachmentNotFound(
                filter='attachment_id = %s' % attachment_id)
        return attachment

    def get_attachment(self, ctx, attachment_id):
        with self._reader() as session:
            attachment = self._get_attachment(session, ctx, attachment_id)
            session.expunge(attachment)
            return attachment

    def list_attachments(self, ctx, filters=None, all_projects=False):
        """The attachments whose columns equal ``filters`` (of the
        context's project unless an administrator asks for all), oldest
        first: one statement, run on its own where it can be."""
        filters = dict(filters or {})
        if not (ctx.is_admin and all_projects):
            if ctx.project_id is None:
                return []
            filters['project_id'] = ctx.project_id
        return self._rows(attachments.listing(tuple(sorted(filters))),
                          filters)

    def attachment_create(self, ctx, volume_id, instance_uuid,
                          connector=None, mode='null', check=None):
        """Reserve a volume for a server; ``check(volume)`` (a policy check)
        runs once the volume is read, before anything is written."""
        attachment = self._write(lambda conn: attachments.create(
            conn, ctx, volume_id, instance_uuid, mode, check,
            build_or_str))
        if not connector:
            return attachment
        return self.attachment_update(ctx, attachment.id, connector,
                                      new=True)

    def attachment_update(self, ctx, attachment_id, connector, check=None,
                          new=False):
        return self._write(lambda conn: attachments.update(
            conn, ctx, attachment_id, connector, self._serialized, check,
            new=new))

    def attachment_complete(self, ctx, attachment_id, check=None):
        self._write(lambda conn: attachments.complete(
            conn, ctx, attachment_id, self._serialized, check))

    def attachment_delete(self, ctx, attachment_id, check=None):
        """Delete an attachment; the attachments left on its volume."""
        return self._write(lambda conn: attachments.delete(
            conn, ctx, attachment_id, self._serialized, check))

    def engine(self):
        return self._tc.writer.get_engine()
