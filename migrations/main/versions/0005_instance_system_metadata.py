"""system metadata of servers (image properties at boot, shelve data)

Revision ID: 0005_instance_system_metadata
Revises: 0004_move_data
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0005_instance_system_metadata'
down_revision = '0004_move_data'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('instances') as batch_op:
        batch_op.add_column(sa.Column('system_metadata', sa.Text(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('instances') as batch_op:
        batch_op.drop_column('system_metadata')
