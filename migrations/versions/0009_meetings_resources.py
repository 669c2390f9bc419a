"""meetings: library resources linked to meetings and agenda items

Revision ID: 0006b
Revises: 0007b
Create Date: 2026-11-21 21:31:12.167072

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006b'
down_revision = '0007b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_resource',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_resource_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'], name=op.f('fk_meeting_resource_resource_id_library_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'resource_id', name=op.f('pk_meeting_resource'))
    )
    op.create_table('agenda_item_resource',
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_agenda_item_resource_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'], name=op.f('fk_agenda_item_resource_resource_id_library_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agenda_item_id', 'resource_id', name=op.f('pk_agenda_item_resource'))
    )


def downgrade():
    op.drop_table('agenda_item_resource')
    op.drop_table('meeting_resource')
