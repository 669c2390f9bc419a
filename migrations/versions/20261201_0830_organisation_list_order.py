"""directory: an index in the order of the organisations' list (lower(name), id), so a page of the
list is read in order rather than sorted from every organisation

Revision ID: 20261201_organisation_list_order
Revises: 20261130_guest_erased
Create Date: 2026-12-01 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_organisation_list_order'
down_revision = '20261130_guest_erased'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_organisation_list_order', 'organisation', [sa.text('lower(name)'), 'id'])


def downgrade():
    op.drop_index('ix_organisation_list_order', table_name='organisation')
