"""traits of compute nodes

Revision ID: 0003_compute_node_traits
Revises: 0002_keypairs_quotas
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0003_compute_node_traits'
down_revision = '0002_keypairs_quotas'
branch_labels = None
depends_on = None

MEDIUM_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


def upgrade():
    with op.batch_alter_table('compute_nodes') as batch_op:
        batch_op.add_column(sa.Column('traits', MEDIUM_TEXT, nullable=True))


def downgrade():
    with op.batch_alter_table('compute_nodes') as batch_op:
        batch_op.drop_column('traits')
