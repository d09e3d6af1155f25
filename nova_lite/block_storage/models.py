"""SQLAlchemy models of the block storage database.

The schema is owned by ``migrations/block_storage``;
``tests/db/test_migrations.py`` checks that both agree.
"""

from oslo_db.sqlalchemy import models as oslo_models
import sqlalchemy as sa
from sqlalchemy import orm


class _Base(oslo_models.ModelBase, oslo_models.TimestampMixin):
    pass


Base = orm.declarative_base(cls=_Base)


class VolumeType(Base):
    __tablename__ = 'volume_types'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_volume_types0name'),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.String(255), nullable=True)
    is_public = sa.Column(sa.Boolean, nullable=False, default=True)
    extra_specs = orm.relationship(
        'VolumeTypeExtraSpec', lazy='selectin', cascade='all, delete-orphan',
        order_by='VolumeTypeExtraSpec.key')
    projects = orm.relationship(
        'VolumeTypeProject', lazy='selectin', cascade='all, delete-orphan',
        order_by='VolumeTypeProject.project_id')


class VolumeTypeExtraSpec(Base):
    __tablename__ = 'volume_type_extra_specs'
    __table_args__ = (
        sa.UniqueConstraint('volume_type_id', 'key',
                            name='uniq_volume_type_extra_specs0type0key'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    volume_type_id = sa.Column(sa.String(36),
                               sa.ForeignKey('volume_types.id'),
                               nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=True)


class VolumeTypeProject(Base):
    """A project given access to a private volume type."""
    __tablename__ = 'volume_type_projects'
    __table_args__ = (
        sa.UniqueConstraint('volume_type_id', 'project_id',
                            name='uniq_volume_type_projects0type0project'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    volume_type_id = sa.Column(sa.String(36),
                               sa.ForeignKey('volume_types.id'),
                               nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)


class Volume(Base):
    __tablename__ = 'volumes'
    __table_args__ = (
        sa.Index('volumes_project_id_idx', 'project_id'),
        sa.Index('volumes_display_name_idx', 'display_name'),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=True)
    display_name = sa.Column(sa.String(255), nullable=True)
    display_description = sa.Column(sa.String(255), nullable=True)
    size = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.String(255), nullable=False)
    attach_status = sa.Column(sa.String(255), nullable=False,
                              default='detached')
    availability_zone = sa.Column(sa.String(255), nullable=True)
    host = sa.Column(sa.String(255), nullable=True)
    volume_type_id = sa.Column(sa.String(36),
                               sa.ForeignKey('volume_types.id'),
                               nullable=False)
    bootable = sa.Column(sa.Boolean, nullable=False, default=False)
    multiattach = sa.Column(sa.Boolean, nullable=False, default=False)
    image_id = sa.Column(sa.String(36), nullable=True)
    image_name = sa.Column(sa.String(255), nullable=True)
    source_volid = sa.Column(sa.String(36), nullable=True)
    snapshot_id = sa.Column(sa.String(36), nullable=True)
    metadata_json = sa.Column(sa.Text, nullable=True)
    path = sa.Column(sa.Text, nullable=True)
    # The image's properties the volume was made from (Cinder's volume
    # glance metadata): image_id, image_name, checksum, sizes, formats...
    image_metadata_json = sa.Column(sa.Text, nullable=True)
    volume_type = orm.relationship(VolumeType)
    # Loaded only where a view needs them (the store's read paths):
    # attachment calls must not read every attachment of a shared volume.
    attachments = orm.relationship(
        'VolumeAttachment', lazy='select',
        order_by='VolumeAttachment.created_at, VolumeAttachment.id',
        back_populates='volume')


class VolumeAttachment(Base):
    __tablename__ = 'volume_attachment'
    __table_args__ = (
        sa.Index('volume_attachment_volume_id_idx', 'volume_id'),
        sa.Index('volume_attachment_instance_uuid_idx', 'instance_uuid'),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    volume_id = sa.Column(sa.String(36), sa.ForeignKey('volumes.id'),
                          nullable=False)
    project_id = sa.Column(sa.String(255), nullable=True)
    instance_uuid = sa.Column(sa.String(36), nullable=True)
    attached_host = sa.Column(sa.String(255), nullable=True)
    mountpoint = sa.Column(sa.String(255), nullable=True)
    attach_time = sa.Column(sa.DateTime, nullable=True)
    detach_time = sa.Column(sa.DateTime, nullable=True)
    attach_status = sa.Column(sa.String(255), nullable=False)
    attach_mode = sa.Column(sa.String(36), nullable=True)
    connector = sa.Column(sa.Text, nullable=True)
    connection_info = sa.Column(sa.Text, nullable=True)
    volume = orm.relationship(Volume, back_populates='attachments')


class Snapshot(Base):
    __tablename__ = 'snapshots'
    __table_args__ = (
        sa.Index('snapshots_project_id_idx', 'project_id'),
        sa.Index('snapshots_volume_id_idx', 'volume_id'),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    volume_id = sa.Column(sa.String(36), sa.ForeignKey('volumes.id'),
                          nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=True)
    status = sa.Column(sa.String(255), nullable=False)
    volume_size = sa.Column(sa.Integer, nullable=False)
    display_name = sa.Column(sa.String(255), nullable=True)
    display_description = sa.Column(sa.String(255), nullable=True)
    metadata_json = sa.Column(sa.Text, nullable=True)
    # '0%' while the volume's data is copied, '100%' once done (or what
    # os-update_snapshot_status last said).
    progress = sa.Column(sa.String(255), nullable=True)
