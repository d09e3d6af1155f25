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


class FlavorProject(ApiBase):
    """A project given access to a private flavor."""
    __tablename__ = 'flavor_projects'
    __table_args__ = (
        sa.UniqueConstraint('flavor_id', 'project_id',
                            name='uniq_flavor_projects0flavor_id0project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey('flavors.id'),
                          nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)


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


class InstanceGroup(ApiBase):
    """A server group: its name, owner and (one) policy row."""
    __tablename__ = 'instance_groups'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_instance_groups0uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    user_id = sa.Column(sa.String(255), nullable=True)
    project_id = sa.Column(sa.String(255), nullable=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255), nullable=True)


class InstanceGroupPolicy(ApiBase):
    __tablename__ = 'instance_group_policy'
    __table_args__ = (
        sa.Index('instance_group_policy_policy_idx', 'policy'),
    )
    id = sa.Column(sa.Integer, primary_key=True, nullable=False)
    policy = sa.Column(sa.String(255), nullable=True)
    group_id = sa.Column(sa.Integer, sa.ForeignKey('instance_groups.id'),
                         nullable=False)
    rules = sa.Column(sa.Text(), nullable=True)


class InstanceGroupMember(ApiBase):
    __tablename__ = 'instance_group_member'
    __table_args__ = (
        sa.Index('instance_group_member_instance_idx', 'instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, nullable=False)
    instance_uuid = sa.Column(sa.String(255), nullable=True)
    group_id = sa.Column(sa.Integer, sa.ForeignKey('instance_groups.id'),
                         nullable=False)


class Aggregate(ApiBase):
    __tablename__ = 'aggregates'
    __table_args__ = (
        sa.Index('aggregate_uuid_idx', 'uuid'),
        sa.UniqueConstraint('name', name='uniq_aggregate0name'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=True)
    name = sa.Column(sa.String(255), nullable=True)


class AggregateHost(ApiBase):
    __tablename__ = 'aggregate_hosts'
    __table_args__ = (
        sa.UniqueConstraint('host', 'aggregate_id',
                            name='uniq_aggregate_hosts0host0aggregate_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    host = sa.Column(sa.String(255), nullable=True)
    aggregate_id = sa.Column(sa.Integer, sa.ForeignKey('aggregates.id'),
                             nullable=False)


class AggregateMetadata(ApiBase):
    __tablename__ = 'aggregate_metadata'
    __table_args__ = (
        sa.UniqueConstraint('aggregate_id', 'key',
                            name='uniq_aggregate_metadata0aggregate_id0key'),
        sa.Index('aggregate_metadata_key_idx', 'key'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)
    aggregate_id = sa.Column(sa.Integer, sa.ForeignKey('aggregates.id'),
                             nullable=False)


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
    # nova's instance system metadata, as a JSON object.
    system_metadata = sa.Column(sa.Text(), nullable=True)
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


class ComputeNode(CellBase):
    """The resources a compute service reports for its hypervisor."""
    __tablename__ = 'compute_nodes'
    __table_args__ = (
        sa.UniqueConstraint(
            'host', 'hypervisor_hostname', 'deleted',
            name='uniq_compute_nodes0host0hypervisor_hostname0deleted'),
        sa.UniqueConstraint('uuid', name='compute_nodes_uuid_idx'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    service_id = sa.Column(sa.Integer, nullable=True)
    host = sa.Column(sa.String(255), nullable=True)
    vcpus = sa.Column(sa.Integer, nullable=False)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    local_gb = sa.Column(sa.Integer, nullable=False)
    vcpus_used = sa.Column(sa.Integer, nullable=False)
    memory_mb_used = sa.Column(sa.Integer, nullable=False)
    local_gb_used = sa.Column(sa.Integer, nullable=False)
    hypervisor_type = sa.Column(MediumText, nullable=False)
    hypervisor_version = sa.Column(sa.Integer, nullable=False)
    hypervisor_hostname = sa.Column(sa.String(255), nullable=True)
    free_ram_mb = sa.Column(sa.Integer, nullable=True)
    free_disk_gb = sa.Column(sa.Integer, nullable=True)
    current_workload = sa.Column(sa.Integer, nullable=True)
    running_vms = sa.Column(sa.Integer, nullable=True)
    cpu_info = sa.Column(MediumText, nullable=False)
    disk_available_least = sa.Column(sa.Integer, nullable=True)
    host_ip = sa.Column(sa.String(39), nullable=True)
    # What the host's driver can do, as a JSON list of placement trait
    # names (COMPUTE_VOLUME_MULTI_ATTACH...).
    traits = sa.Column(MediumText, nullable=True)
    deleted_at = sa.Column(sa.DateTime, nullable=True)
    deleted = sa.Column(sa.Integer, nullable=False, default=0)


MIGRATION_KEY_LENGTHS = {name: 100 for name in (
    'source_compute', 'dest_compute', 'source_node', 'dest_node', 'status')}


class Migration(CellBase):
    """A move of a server between hosts (resize, migration, evacuation)."""
    __tablename__ = 'migrations'
    __table_args__ = (
        sa.Index('migrations_instance_uuid_and_status_idx', 'deleted',
                 'instance_uuid', 'status'),
        sa.Index('migrations_updated_at_idx', 'updated_at'),
        # MariaDB's utf8mb4 keys hold 3,072 bytes: the name columns are
        # indexed on their first 100 characters there.
        sa.Index('migrations_by_host_nodes_and_status_idx', 'deleted',
                 'source_compute', 'dest_compute', 'source_node',
                 'dest_node', 'status', mysql_length=MIGRATION_KEY_LENGTHS),
        sa.UniqueConstraint('uuid', name='uniq_migrations0uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=True)
    source_compute = sa.Column(sa.String(255), nullable=True)
    dest_compute = sa.Column(sa.String(255), nullable=True)
    source_node = sa.Column(sa.String(255), nullable=True)
    dest_node = sa.Column(sa.String(255), nullable=True)
    dest_host = sa.Column(sa.String(255), nullable=True)
    old_instance_type_id = sa.Column(sa.Integer, nullable=True)
    new_instance_type_id = sa.Column(sa.Integer, nullable=True)
    instance_uuid = sa.Column(sa.String(36), nullable=True)
    status = sa.Column(sa.String(255), nullable=True)
    migration_type = sa.Column(sa.String(255), nullable=True)
    hidden = sa.Column(sa.Boolean, nullable=True, default=False)
    memory_total = sa.Column(sa.BigInteger, nullable=True)
    memory_processed = sa.Column(sa.BigInteger, nullable=True)
    memory_remaining = sa.Column(sa.BigInteger, nullable=True)
    disk_total = sa.Column(sa.BigInteger, nullable=True)
    disk_processed = sa.Column(sa.BigInteger, nullable=True)
    disk_remaining = sa.Column(sa.BigInteger, nullable=True)
    cross_cell_move = sa.Column(sa.Boolean, nullable=True, default=False)
    user_id = sa.Column(sa.String(255), nullable=True)
    project_id = sa.Column(sa.String(255), nullable=True)
    # What the move keeps until it ends (flavors, the source's volume
    # attachments, the server's state before it): JSON.
    move_data = sa.Column(sa.Text(), nullable=True)
    deleted_at = sa.Column(sa.DateTime, nullable=True)
    deleted = sa.Column(sa.Integer, nullable=False, default=0)


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
