"""core: the tokens of forms sent and saved, kept a day, so that a form sent twice is saved once

Revision ID: 20261202_form_submission
Revises: 20261202_event_attendance
Create Date: 2026-12-02 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261202_form_submission'
down_revision = '20261202_event_attendance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_submission',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token'),
    )
    op.create_index('ix_form_submission_created_at', 'form_submission', ['created_at'])


def downgrade():
    op.drop_index('ix_form_submission_created_at', table_name='form_submission')
    op.drop_table('form_submission')
