"""accounts: when the last password reset email was sent (one per interval, held in the database)

Revision ID: 20261129_reset_interval
Revises: 20261129_discussions
Create Date: 2026-11-29 21:10:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '20261129_reset_interval'
down_revision = '20261129_discussions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_reset_requested_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('password_reset_requested_at')
