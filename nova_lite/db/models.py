"""SQLAlchemy models of the API database and of the cell databases.

The schema itself is owned by the alembic migrations under ``migrations/``;
``tests/db/test_migrations.py`` checks that both agree.
"""

from oslo_db.sqlalchemy import models as oslo_models
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy import orm

MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


class _Base(oslo_models.ModelBase, oslo_models.TimestampMixin):
    pass


ApiBase = orm.declarative_base(cls=_Base)
CellBase = orm.declarative_base(cls=_Base)


# --------------------------------------------------------------- API DB ---

class CellMapping(ApiBase):
    __tablename__ = 'cell_mappings'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_cell_mappings0uuid'),
        sa.UniqueConstraint('name', name='uniq_cell_mappings0name'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    transport_url = sa.Column(sa.Text(), nullable=True)
    database_connection = sa.Column(sa.Text(), nullable=False)
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)


class HostMapping(ApiBase):
    __tablename__ = 'host_mappings'
    __table_args__ = (
        sa.UniqueConstraint('host', name='uniq_host_mappings0host'),
        sa.Index('host_mappings_cell_id_idx', 'cell_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey('cell_mappings.id'),
                        nullable=False)
    host = sa.Column(sa.String(255), nullable=False)


class InstanceMapping(ApiBase):
    __tablename__ = 'instance_mappings'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_instance_mappings0instance_uuid'),
        sa.Index('instance_mappings_project_id_idx', 'project_id'),
        sa.Index('instance_mappings_cell_id_idx', 'cell_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey('cell_mappings.id'),
                        nullable=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=True)
    queued_for_delete = sa.Column(sa.Boolean, nullable=False, default=False)


class Flavor(ApiBase):
    __tablename__ = 'flavors'
    __table_args__ = (
        sa.UniqueConstraint('flavorid', name='uniq_flavors0flavorid'),
        sa.UniqueConstraint('name', name='uniq_flavors0name'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    flavorid = sa.Column(sa.String(255), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    vcpus = sa.Column(sa.Integer, nullable=False)
    root_gb = sa.Column(sa.Integer, nullable=False, default=0)
    ephemeral_gb = sa.Column(sa.Integer, nullable=False, default=0)
    swap = sa.Column(sa.Integer, nullable=False, default=0)
    rxtx_factor = sa.Column(sa.Float, nullable=False, default=1.0)
    vcpu_weight = sa.Column(sa.Integer, nullable=True)
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)
    is_public = sa.Column(sa.Boolean, nullable=False, default=True)
    description = sa.Column(sa.Text(), nullable=True)


class FlavorExtraSpec(ApiBase):
    __tablename__ = 'flavor_extra_specs'
    __table_args__ = (
        sa.UniqueConstraint('flavor_id', 'key',
                            name='uniq_flavor_extra_specs0flavor_id0key'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey('flavors.id'),
                          nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=True)


class BuildRequest(ApiBase):
    """A server accepted by the API and not yet built in a cell."""
    __tablename__ = 'build_requests'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_build_requests0instance_uuid'),
        sa.Index('build_requests_project_id_idx', 'project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    instance = sa.Column(MediumText, nullable=False)
    block_device_mappings = sa.Column(MediumText, nullable=True)


class RequestSpec(ApiBase):
    __tablename__ = 'request_specs'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_request_specs0instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    spec = sa.Column(MediumText, nullable=False)


class KeyPair(ApiBase):
    """A user's public key (ssh) or certificate (x509)."""
    __tablename__ = 'key_pairs'
    __table_args__ = (
        sa.UniqueConstraint('user_id', 'name',
                            name='uniq_key_pairs0user_id0name'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    name = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    fingerprint = sa.Column(sa.String(255), nullable=True)
    public_key = sa.Column(sa.Text(), nullable=True)
    type = sa.Column(sa.Enum('ssh', 'x509', name='keypair_types'),
                     nullable=False, server_default='ssh')


class Quota(ApiBase):
    """A project's limit of one resource (no row: the class or default
    limit applies)."""
    __tablename__ = 'quotas'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'resource',
                            name='uniq_quotas0project_id0resource'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    project_id = sa.Column(sa.String(255), nullable=True)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=True)


class ProjectUserQuota(ApiBase):
    """A user's limit of one resource within a project."""
    __tablename__ = 'project_user_quotas'
    __table_args__ = (
        sa.UniqueConstraint(
            'user_id', 'project_id', 'resource',
            name='uniq_project_user_quotas0user_id0project_id0resource'),
        sa.Index('project_user_quotas_project_id_idx', 'project_id'),
        sa.Index('project_user_quotas_user_id_idx', 'user_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=True)


class QuotaClass(ApiBase):
    """A quota class's limit of one resource; the class named "default"
    overrides the configured defaults."""
    __tablename__ = 'quota_classes'
    __table_args__ = (
        sa.Index('quota_classes_class_name_idx', 'class_name'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    class_name = sa.Column(sa.String(255), nullable=True)
    resource = sa.Column(sa.String(255), nullable=True)
    hard_limit = sa.Column(sa.Integer, nullable=True)


# -------------------------------------------------------------- cell DB ---

class Instance(CellBase):
    __tablename__ = 'instances'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_instances0uuid'),
        sa.Index('instances_project_id_deleted_idx', 'project_id', 'deleted'),
        sa.Index('instances_host_deleted_idx', 'host', 'deleted'),
        sa.Index('instances_updated_at_project_id_idx', 'updated_at',
                 'project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=True)
    display_name = sa.Column(sa.String(255), nullable=True)
    display_description = sa.Column(sa.Text(), nullable=True)
    hostname = sa.Column(sa.String(255), nullable=True)
    host = sa.Column(sa.String(255), nullable=True)
    node = sa.Column(sa.String(255), nullable=True)
    availability_zone = sa.Column(sa.String(255), nullable=True)
    vm_state = sa.Column(sa.String(255), nullable=True)
    task_state = sa.Column(sa.String(255), nullable=True)
    power_state = sa.Column(sa.Integer, nullable=True)
    flavor = sa.Column(sa.Text(), nullable=True)
    image_ref = sa.Column(sa.String(255), nullable=True)
    key_name = sa.Column(sa.String(255), nullable=True)
    key_data = sa.Column(MediumText, nullable=True)
    config_drive = sa.Column(sa.String(255), nullable=True)
    user_data = sa.Column(MediumText, nullable=True)
    access_ip_v4 = sa.Column(sa.String(39), nullable=True)
    access_ip_v6 = sa.Column(sa.String(39), nullable=True)
    server_metadata = sa.Column(sa.Text(), nullable=True)
    tags = sa.Column(sa.Text(), nullable=True)
    locked = sa.Column(sa.Boolean, nullable=False, default=False)
    locked_by = sa.Column(sa.String(255), nullable=True)
    locked_reason = sa.Column(sa.String(255), nullable=True)
    launched_at = sa.Column(sa.DateTime, nullable=True)
    terminated_at = sa.Column(sa.DateTime, nullable=True)
    launch_index = sa.Column(sa.Integer, nullable=True)
    reservation_id = sa.Column(sa.String(255), nullable=True)
    root_device_name = sa.Column(sa.String(255), nullable=True)
    kernel_id = sa.Column(sa.String(255), nullable=True)
    ramdisk_id = sa.Column(sa.String(255), nullable=True)
    progress = sa.Column(sa.Integer, nullable=True)
    deleted_at = sa.Column(sa.DateTime, nullable=True)
    deleted = sa.Column(sa.Integer, nullable=False, default=0)
    auto_disk_config = sa.Column(sa.Boolean, nullable=True)


class BlockDeviceMapping(CellBase):
    __tablename__ = 'block_device_mapping'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_block_device_mapping0uuid'),
        sa.Index('block_device_mapping_instance_uuid_idx', 'instance_uuid'),
        sa.Index('block_device_mapping_volume_id_idx', 'volume_id'),
        sa.Index('block_device_mapping_instance_uuid_volume_id_idx',
                 'instance_uuid', 'volume_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    source_type = sa.Column(sa.String(255), nullable=True)
    destination_type = sa.Column(sa.String(255), nullable=True)
    guest_format = sa.Column(sa.String(255), nullable=True)
    device_type = sa.Column(sa.String(255), nullable=True)
    disk_bus = sa.Column(sa.String(255), nullable=True)
    boot_index = sa.Column(sa.Integer, nullable=True)
    device_name = sa.Column(sa.String(255), nullable=True)
    delete_on_termination = sa.Column(sa.Boolean, nullable=False,
                                      default=False)
    snapshot_id = sa.Column(sa.String(36), nullable=True)
    volume_id = sa.Column(sa.String(36), nullable=True)
    volume_size = sa.Column(sa.Integer, nullable=True)
    volume_type = sa.Column(sa.String(255), nullable=True)
    image_id = sa.Column(sa.String(36), nullable=True)
    no_device = sa.Column(sa.Boolean, nullable=True)
    connection_info = sa.Column(MediumText, nullable=True)
    tag = sa.Column(sa.String(255), nullable=True)
    attachment_id = sa.Column(sa.String(36), nullable=True)


class InstanceFault(CellBase):
    __tablename__ = 'instance_faults'
    __table_args__ = (
        sa.Index('instance_faults_instance_uuid_idx', 'instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    code = sa.Column(sa.Integer, nullable=False)
    message = sa.Column(sa.String(255), nullable=True)
    details = sa.Column(MediumText, nullable=True)
    host = sa.Column(sa.String(255), nullable=True)


class Service(CellBase):
    __tablename__ = 'services'
    __table_args__ = (
        sa.UniqueConstraint('host', 'topic', 'deleted',
                            name='uniq_services0host0topic0deleted'),
        sa.UniqueConstraint('host', 'binary', 'deleted',
                            name='uniq_services0host0binary0deleted'),
        sa.UniqueConstraint('uuid', name='uniq_services0uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    binary = sa.Column(sa.String(255), nullable=False)
    topic = sa.Column(sa.String(255), nullable=True)
    report_count = sa.Column(sa.Integer, nullable=False, default=0)
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)
    disabled_reason = sa.Column(sa.String(255), nullable=True)
    last_seen_up = sa.Column(sa.DateTime, nullable=True)
    forced_down = sa.Column(sa.Boolean, nullable=False, default=False)
    version = sa.Column(sa.Integer, nullable=False, default=0)
    deleted_at = sa.Column(sa.DateTime, nullable=True)
    deleted = sa.Column(sa.Integer, nullable=False, default=0)


class InstanceAction(CellBase):
    """One user request on a server (nova's ``instance_actions``)."""
    __tablename__ = 'instance_actions'
    __table_args__ = (
        sa.Index('instance_uuid_idx', 'instance_uuid'),
        sa.Index('request_id_idx', 'request_id'),
        sa.Index('instance_actions_instance_uuid_updated_at_idx',
                 'instance_uuid', 'updated_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    action = sa.Column(sa.String(255), nullable=True)
    instance_uuid = sa.Column(sa.String(36), nullable=True)
    request_id = sa.Column(sa.String(255), nullable=True)
    user_id = sa.Column(sa.String(255), nullable=True)
    project_id = sa.Column(sa.String(255), nullable=True)
    start_time = sa.Column(sa.DateTime, nullable=True)
    finish_time = sa.Column(sa.DateTime, nullable=True)
    message = sa.Column(sa.String(255), nullable=True)
    deleted_at = sa.Column(sa.DateTime, nullable=True)
    deleted = sa.Column(sa.Integer, nullable=True, default=0)


class InstanceActionEvent(CellBase):
    """One step of an action, as a service ran it."""
    __tablename__ = 'instance_actions_events'
    __table_args__ = (
        sa.Index('instance_actions_events_action_id_idx', 'action_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    event = sa.Column(sa.String(255), nullable=True)
    action_id = sa.Column(sa.Integer, sa.ForeignKey('instance_actions.id'),
                          nullable=True)
    start_time = sa.Column(sa.DateTime, nullable=True)
    finish_time = sa.Column(sa.DateTime, nullable=True)
    result = sa.Column(sa.String(255), nullable=True)
    traceback = sa.Column(sa.Text(), nullable=True)
    host = sa.Column(sa.String(255), nullable=True)
    details = sa.Column(sa.Text(), nullable=True)
    deleted_at = sa.Column(sa.DateTime, nullable=True)
    deleted = sa.Column(sa.Integer, nullable=True, default=0)
