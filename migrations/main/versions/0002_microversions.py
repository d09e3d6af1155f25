"""instances.auto_disk_config

Revision ID: 0002_microversions
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0002_microversions'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_disk_config', sa.Boolean(),
                                      nullable=True))
