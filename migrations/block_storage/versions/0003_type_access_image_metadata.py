"""volume type access, the image metadata a volume keeps, snapshot
progress

Revision ID: 0003_type_access
Revises: 0002_proxies
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0003_type_access'
down_revision = '0002_proxies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'volume_type_projects',
        sa.Column('created_at', sa.DateTime(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('volume_type_id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(['volume_type_id'], ['volume_types.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('volume_type_id', 'project_id',
                            name='uniq_volume_type_projects0type0project'),
    )
    op.add_column('volumes', sa.Column('image_metadata_json', sa.Text(),
                                       nullable=True))
    op.add_column('snapshots', sa.Column('progress', sa.String(length=255),
                                         nullable=True))
