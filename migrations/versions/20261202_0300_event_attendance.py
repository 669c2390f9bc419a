"""events: who came to an event, recorded by its organisers on the registrants page

Revision ID: 20261202_event_attendance
Revises: 20261201_organisation_list_order
Create Date: 2026-12-02 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_event_attendance'
down_revision = '20261201_organisation_list_order'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, no batch: SQLite (3.35 and later) adds and drops a plain column in place,
# where a batch copy of the table would reflect it and the tables it refers to, and warn on the
# directory's expression index it cannot reflect.

def upgrade():
    op.add_column('event_registration', sa.Column('attended', sa.Boolean(), nullable=True))


def downgrade():
    op.drop_column('event_registration', 'attended')
