"""events: partner organisations from the directory, linked library resources

Revision ID: 0007b
Revises: 0006
Create Date: 2026-11-21 21:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007b'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_partner',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_partner_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_event_partner_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'organisation_id', name=op.f('pk_event_partner'))
    )
    with op.batch_alter_table('event_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_partner_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('event_resource',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_resource_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'], name=op.f('fk_event_resource_resource_id_library_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'resource_id', name=op.f('pk_event_resource'))
    )
    with op.batch_alter_table('event_resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_resource_resource_id'), ['resource_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_resource_resource_id'))

    op.drop_table('event_resource')
    with op.batch_alter_table('event_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_partner_organisation_id'))

    op.drop_table('event_partner')
