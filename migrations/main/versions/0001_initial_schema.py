"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

MEDIUM_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


def upgrade():
    op.create_table('block_device_mapping',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('uuid', sa.String(length=36), nullable=False),
                    sa.Column('instance_uuid', sa.String(length=36), nullable=False),
                    sa.Column('source_type', sa.String(length=255), nullable=True),
                    sa.Column('destination_type', sa.String(length=255), nullable=True),
                    sa.Column('guest_format', sa.String(length=255), nullable=True),
                    sa.Column('device_type', sa.String(length=255), nullable=True),
                    sa.Column('disk_bus', sa.String(length=255), nullable=True),
                    sa.Column('boot_index', sa.Integer(), nullable=True),
                    sa.Column('device_name', sa.String(length=255), nullable=True),
                    sa.Column('delete_on_termination', sa.Boolean(), nullable=False),
                    sa.Column('snapshot_id', sa.String(length=36), nullable=True),
                    sa.Column('volume_id', sa.String(length=36), nullable=True),
                    sa.Column('volume_size', sa.Integer(), nullable=True),
                    sa.Column('volume_type', sa.String(length=255), nullable=True),
                    sa.Column('image_id', sa.String(length=36), nullable=True),
                    sa.Column('no_device', sa.Boolean(), nullable=True),
                    sa.Column('connection_info', MEDIUM_TEXT, nullable=True),
                    sa.Column('tag', sa.String(length=255), nullable=True),
                    sa.Column('attachment_id', sa.String(length=36), nullable=True),
                    sa.Column('created_at', sa.DateTime(), nullable=True),
                    sa.Column('updated_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('uuid', name='uniq_block_device_mapping0uuid')
                    )
    with op.batch_alter_table('block_device_mapping', schema=None) as batch_op:
        batch_op.create_index(
            'block_device_mapping_instance_uuid_idx',
            ['instance_uuid'],
            unique=False)
        batch_op.create_index(
            'block_device_mapping_instance_uuid_volume_id_idx', [
                'instance_uuid', 'volume_id'], unique=False)
        batch_op.create_index('block_device_mapping_volume_id_idx', ['volume_id'], unique=False)

    op.create_table('instance_faults',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('instance_uuid', sa.String(length=36), nullable=False),
                    sa.Column('code', sa.Integer(), nullable=False),
                    sa.Column('message', sa.String(length=255), nullable=True),
                    sa.Column('details', MEDIUM_TEXT, nullable=True),
                    sa.Column('host', sa.String(length=255), nullable=True),
                    sa.Column('created_at', sa.DateTime(), nullable=True),
                    sa.Column('updated_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('id')
                    )
    with op.batch_alter_table('instance_faults', schema=None) as batch_op:
        batch_op.create_index('instance_faults_instance_uuid_idx', ['instance_uuid'], unique=False)

    op.create_table('instances',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('uuid', sa.String(length=36), nullable=False),
                    sa.Column('project_id', sa.String(length=255), nullable=False),
                    sa.Column('user_id', sa.String(length=255), nullable=True),
                    sa.Column('display_name', sa.String(length=255), nullable=True),
                    sa.Column('display_description', sa.Text(), nullable=True),
                    sa.Column('hostname', sa.String(length=255), nullable=True),
                    sa.Column('host', sa.String(length=255), nullable=True),
                    sa.Column('node', sa.String(length=255), nullable=True),
                    sa.Column('availability_zone', sa.String(length=255), nullable=True),
                    sa.Column('vm_state', sa.String(length=255), nullable=True),
                    sa.Column('task_state', sa.String(length=255), nullable=True),
                    sa.Column('power_state', sa.Integer(), nullable=True),
                    sa.Column('flavor', sa.Text(), nullable=True),
                    sa.Column('image_ref', sa.String(length=255), nullable=True),
                    sa.Column('key_name', sa.String(length=255), nullable=True),
                    sa.Column('config_drive', sa.String(length=255), nullable=True),
                    sa.Column('user_data', MEDIUM_TEXT, nullable=True),
                    sa.Column('access_ip_v4', sa.String(length=39), nullable=True),
                    sa.Column('access_ip_v6', sa.String(length=39), nullable=True),
                    sa.Column('server_metadata', sa.Text(), nullable=True),
                    sa.Column('tags', sa.Text(), nullable=True),
                    sa.Column('locked', sa.Boolean(), nullable=False),
                    sa.Column('locked_by', sa.String(length=255), nullable=True),
                    sa.Column('locked_reason', sa.String(length=255), nullable=True),
                    sa.Column('launched_at', sa.DateTime(), nullable=True),
                    sa.Column('terminated_at', sa.DateTime(), nullable=True),
                    sa.Column('launch_index', sa.Integer(), nullable=True),
                    sa.Column('reservation_id', sa.String(length=255), nullable=True),
                    sa.Column('root_device_name', sa.String(length=255), nullable=True),
                    sa.Column('kernel_id', sa.String(length=255), nullable=True),
                    sa.Column('ramdisk_id', sa.String(length=255), nullable=True),
                    sa.Column('progress', sa.Integer(), nullable=True),
                    sa.Column('deleted_at', sa.DateTime(), nullable=True),
                    sa.Column('deleted', sa.Integer(), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=True),
                    sa.Column('updated_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('uuid', name='uniq_instances0uuid')
                    )
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.create_index('instances_host_deleted_idx', ['host', 'deleted'], unique=False)
        batch_op.create_index(
            'instances_project_id_deleted_idx', [
                'project_id', 'deleted'], unique=False)
        batch_op.create_index(
            'instances_updated_at_project_id_idx', [
                'updated_at', 'project_id'], unique=False)

    op.create_table('services',
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('uuid', sa.String(length=36), nullable=False),
                    sa.Column('host', sa.String(length=255), nullable=False),
                    sa.Column('binary', sa.String(length=255), nullable=False),
                    sa.Column('topic', sa.String(length=255), nullable=True),
                    sa.Column('report_count', sa.Integer(), nullable=False),
                    sa.Column('disabled', sa.Boolean(), nullable=False),
                    sa.Column('disabled_reason', sa.String(length=255), nullable=True),
                    sa.Column('last_seen_up', sa.DateTime(), nullable=True),
                    sa.Column('forced_down', sa.Boolean(), nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.Column('deleted_at', sa.DateTime(), nullable=True),
                    sa.Column('deleted', sa.Integer(), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=True),
                    sa.Column('updated_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('host', 'binary', 'deleted',
                                        name='uniq_services0host0binary0deleted'),
                    sa.UniqueConstraint('host', 'topic', 'deleted',
                                        name='uniq_services0host0topic0deleted'),
                    sa.UniqueConstraint('uuid', name='uniq_services0uuid')
                    )
