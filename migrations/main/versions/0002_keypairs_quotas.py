"""key data of servers

Revision ID: 0002_keypairs_quotas
Revises: 0002_metadata_actions
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0002_keypairs_quotas'
down_revision = '0002_admin_flavors'
branch_labels = None
depends_on = None

MEDIUM_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


def upgrade():
    with op.batch_alter_table('instances') as batch_op:
        batch_op.add_column(sa.Column('key_data', MEDIUM_TEXT,
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('instances') as batch_op:
        batch_op.drop_column('key_data')
