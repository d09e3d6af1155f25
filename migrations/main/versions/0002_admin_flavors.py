"""compute nodes and migrations

Revision ID: 0002_admin_flavors
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0002_admin_flavors'
down_revision = '0002_metadata_actions'
branch_labels = None
depends_on = None

MEDIUM_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


def _timestamps():
    return [sa.Column('created_at', sa.DateTime(), nullable=True),
            sa.Column('updated_at', sa.DateTime(), nullable=True),
            sa.Column('deleted_at', sa.DateTime(), nullable=True),
            sa.Column('deleted', sa.Integer(), nullable=False)]


def upgrade():
    op.create_table(
        'compute_nodes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=True),
        sa.Column('host', sa.String(length=255), nullable=True),
        sa.Column('vcpus', sa.Integer(), nullable=False),
        sa.Column('memory_mb', sa.Integer(), nullable=False),
        sa.Column('local_gb', sa.Integer(), nullable=False),
        sa.Column('vcpus_used', sa.Integer(), nullable=False),
        sa.Column('memory_mb_used', sa.Integer(), nullable=False),
        sa.Column('local_gb_used', sa.Integer(), nullable=False),
        sa.Column('hypervisor_type', MEDIUM_TEXT, nullable=False),
        sa.Column('hypervisor_version', sa.Integer(), nullable=False),
        sa.Column('hypervisor_hostname', sa.String(length=255),
                  nullable=True),
        sa.Column('free_ram_mb', sa.Integer(), nullable=True),
        sa.Column('free_disk_gb', sa.Integer(), nullable=True),
        sa.Column('current_workload', sa.Integer(), nullable=True),
        sa.Column('running_vms', sa.Integer(), nullable=True),
        sa.Column('cpu_info', MEDIUM_TEXT, nullable=False),
        sa.Column('disk_available_least', sa.Integer(), nullable=True),
        sa.Column('host_ip', sa.String(length=39), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(
            'host', 'hypervisor_hostname', 'deleted',
            name='uniq_compute_nodes0host0hypervisor_hostname0deleted'),
        sa.UniqueConstraint('uuid', name='compute_nodes_uuid_idx'))
    op.create_table(
        'migrations',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=True),
        sa.Column('source_compute', sa.String(length=255), nullable=True),
        sa.Column('dest_compute', sa.String(length=255), nullable=True),
        sa.Column('source_node', sa.String(length=255), nullable=True),
        sa.Column('dest_node', sa.String(length=255), nullable=True),
        sa.Column('dest_host', sa.String(length=255), nullable=True),
        sa.Column('old_instance_type_id', sa.Integer(), nullable=True),
        sa.Column('new_instance_type_id', sa.Integer(), nullable=True),
        sa.Column('instance_uuid', sa.String(length=36), nullable=True),
        sa.Column('status', sa.String(length=255), nullable=True),
        sa.Column('migration_type', sa.String(length=255), nullable=True),
        sa.Column('hidden', sa.Boolean(), nullable=True),
        sa.Column('memory_total', sa.BigInteger(), nullable=True),
        sa.Column('memory_processed', sa.BigInteger(), nullable=True),
        sa.Column('memory_remaining', sa.BigInteger(), nullable=True),
        sa.Column('disk_total', sa.BigInteger(), nullable=True),
        sa.Column('disk_processed', sa.BigInteger(), nullable=True),
        sa.Column('disk_remaining', sa.BigInteger(), nullable=True),
        sa.Column('cross_cell_move', sa.Boolean(), nullable=True),
        sa.Column('user_id', sa.String(length=255), nullable=True),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uuid', name='uniq_migrations0uuid'))
    with op.batch_alter_table('migrations', schema=None) as batch_op:
        batch_op.create_index(
            'migrations_instance_uuid_and_status_idx',
            ['deleted', 'instance_uuid', 'status'], unique=False)
        batch_op.create_index('migrations_updated_at_idx', ['updated_at'],
                              unique=False)
        batch_op.create_index(
            'migrations_by_host_nodes_and_status_idx',
            ['deleted', 'source_compute', 'dest_compute', 'source_node',
             'dest_node', 'status'], unique=False,
            mysql_length={name: 100 for name in (
                'source_compute', 'dest_compute', 'source_node', 'dest_node',
                'status')})


def downgrade():
    op.drop_table('migrations')
    op.drop_table('compute_nodes')
