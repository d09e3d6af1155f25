"""volume snapshots, and the snapshot a volume was made from

Revision ID: 0002_proxies
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0002_proxies'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('volumes', sa.Column('snapshot_id', sa.String(length=36),
                                       nullable=True))
    op.create_table(
        'snapshots',
        sa.Column('created_at', sa.DateTime(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('volume_id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.String(length=255), nullable=True),
        sa.Column('status', sa.String(length=255), nullable=False),
        sa.Column('volume_size', sa.Integer(), nullable=False),
        sa.Column('display_name', sa.String(length=255), nullable=True),
        sa.Column('display_description', sa.String(length=255),
                  nullable=True),
        sa.Column('metadata_json', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['volume_id'], ['volumes.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('snapshots_project_id_idx', 'snapshots',
                    ['project_id'])
    op.create_index('snapshots_volume_id_idx', 'snapshots', ['volume_id'])
