"""core: where a form's first sending went, so that sending it again leads there

Revision ID: 20261202_submission_location
Revises: 20261202_form_submission
Create Date: 2026-12-02 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_submission_location'
down_revision = '20261202_form_submission'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('form_submission', sa.Column('location', sa.String(length=500), nullable=True))


def downgrade():
    op.drop_column('form_submission', 'location')
