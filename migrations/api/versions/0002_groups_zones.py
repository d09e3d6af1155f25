"""server groups and host aggregates

Revision ID: 0002_groups_zones
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0002_groups_zones'
down_revision = '0002_admin_flavors'
branch_labels = None
depends_on = None


def _stamps():
    return [sa.Column('created_at', sa.DateTime(), nullable=True),
            sa.Column('updated_at', sa.DateTime(), nullable=True)]


def upgrade():
    op.create_table('instance_groups',
                    *_stamps(),
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('user_id', sa.String(length=255), nullable=True),
                    sa.Column('project_id', sa.String(length=255), nullable=True),
                    sa.Column('uuid', sa.String(length=36), nullable=False),
                    sa.Column('name', sa.String(length=255), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('uuid', name='uniq_instance_groups0uuid'))
    op.create_table('instance_group_policy',
                    *_stamps(),
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('policy', sa.String(length=255), nullable=True),
                    sa.Column('group_id', sa.Integer(), nullable=False),
                    sa.Column('rules', sa.Text(), nullable=True),
                    sa.ForeignKeyConstraint(['group_id'], ['instance_groups.id'], ),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('instance_group_policy', schema=None) as batch_op:
        batch_op.create_index('instance_group_policy_policy_idx', ['policy'],
                              unique=False)
    op.create_table('instance_group_member',
                    *_stamps(),
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('instance_uuid', sa.String(length=255), nullable=True),
                    sa.Column('group_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['group_id'], ['instance_groups.id'], ),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('instance_group_member', schema=None) as batch_op:
        batch_op.create_index('instance_group_member_instance_idx',
                              ['instance_uuid'], unique=False)
    op.create_table('aggregates',
                    *_stamps(),
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('uuid', sa.String(length=36), nullable=True),
                    sa.Column('name', sa.String(length=255), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('name', name='uniq_aggregate0name'))
    with op.batch_alter_table('aggregates', schema=None) as batch_op:
        batch_op.create_index('aggregate_uuid_idx', ['uuid'], unique=False)
    op.create_table('aggregate_hosts',
                    *_stamps(),
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('host', sa.String(length=255), nullable=True),
                    sa.Column('aggregate_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['aggregate_id'], ['aggregates.id'], ),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('host', 'aggregate_id',
                                        name='uniq_aggregate_hosts0host0aggregate_id'))
    op.create_table('aggregate_metadata',
                    *_stamps(),
                    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column('key', sa.String(length=255), nullable=False),
                    sa.Column('value', sa.String(length=255), nullable=False),
                    sa.Column('aggregate_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['aggregate_id'], ['aggregates.id'], ),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('aggregate_id', 'key',
                                        name='uniq_aggregate_metadata0aggregate_id0key'))
    with op.batch_alter_table('aggregate_metadata', schema=None) as batch_op:
        batch_op.create_index('aggregate_metadata_key_idx', ['key'], unique=False)


def downgrade():
    for table in ('aggregate_metadata', 'aggregate_hosts', 'aggregates',
                  'instance_group_member', 'instance_group_policy',
                  'instance_groups'):
        op.drop_table(table)
