"""guests: when a guest's link was last emailed, so that the public page sends it again at most
every quarter of an hour

Revision ID: 20261202_guest_link_sent
Revises: 20261202_submission_location
Create Date: 2026-12-02 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_guest_link_sent'
down_revision = '20261202_submission_location'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('guest_link', sa.Column('link_sent_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column('guest_link', 'link_sent_at')
