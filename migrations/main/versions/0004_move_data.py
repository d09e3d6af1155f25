"""what a move keeps until it is confirmed or reverted

Revision ID: 0004_move_data
Revises: 0003_compute_node_traits
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = '0004_move_data'
down_revision = '0003_compute_node_traits'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('migrations') as batch_op:
        batch_op.add_column(sa.Column('move_data', sa.Text(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('migrations') as batch_op:
        batch_op.drop_column('move_data')
