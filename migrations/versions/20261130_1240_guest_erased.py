"""guests: a guest erased but kept, anonymous, for the attendance of the minutes they appear in

Revision ID: 20261130_guest_erased
Revises: 20261129_guest_attendance
Create Date: 2026-11-30 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261130_guest_erased'
down_revision = '20261129_guest_attendance'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('guest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('guest', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
