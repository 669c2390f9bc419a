"""guests: a guest's attendance recorded in the meeting's minutes (present, excused, absent)

Revision ID: 20261129_guest_attendance
Revises: 20261129_inbound_mail
Create Date: 2026-11-29 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_guest_attendance'
down_revision = '20261129_inbound_mail'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('guest_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('guest_link', schema=None) as batch_op:
        batch_op.drop_column('attendance')
