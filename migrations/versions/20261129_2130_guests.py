"""guests: partners without an account (guest, guest_link, guest_public_event); their places
and poll answers live beside the members' (event_registration.guest_id, poll_response.guest_id)

Revision ID: 20261129_guests
Revises: 20261129_reset_interval
Create Date: 2026-11-29 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_guests'
down_revision = '20261129_reset_interval'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('guest_public_event',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_guest_public_event_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_guest_public_event_opened_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_guest_public_event'))
    )
    op.create_table('guest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('organisation_typed', sa.String(length=200), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['organisation_contact.id'], name=op.f('fk_guest_contact_id_organisation_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_guest_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guest')),
    sa.UniqueConstraint('email', name=op.f('uq_guest_email'))
    )
    with op.batch_alter_table('guest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guest_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('guest_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guest_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rsvp', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('(event_id IS NULL) <> (meeting_id IS NULL)', name=op.f('ck_guest_link_one_target')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_guest_link_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guest_id'], ['guest.id'], name=op.f('fk_guest_link_guest_id_guest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_guest_link_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_guest_link_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_link')),
    sa.UniqueConstraint('guest_id', 'event_id', name=op.f('uq_guest_link_guest_id_event_id')),
    sa.UniqueConstraint('guest_id', 'meeting_id', name=op.f('uq_guest_link_guest_id_meeting_id'))
    )
    with op.batch_alter_table('guest_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_link_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guest_link_guest_id'), ['guest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guest_link_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest_id', sa.Integer(), nullable=True))
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_event_registration_guest_id'), ['guest_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_event_registration_event_id_guest_id'), ['event_id', 'guest_id'])
        batch_op.create_foreign_key(batch_op.f('fk_event_registration_guest_id_guest'), 'guest', ['guest_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('poll_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest_id', sa.Integer(), nullable=True))
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_poll_response_guest_id'), ['guest_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_poll_response_meeting_id_guest_id'), ['meeting_id', 'guest_id'])
        batch_op.create_foreign_key(batch_op.f('fk_poll_response_guest_id_guest'), 'guest', ['guest_id'], ['id'], ondelete='SET NULL')



def downgrade():
    # Guests' places and answers (and anonymous ones left by the purge) have no member to keep.
    op.execute("DELETE FROM poll_response WHERE user_id IS NULL")
    op.execute("DELETE FROM event_registration WHERE user_id IS NULL")
    with op.batch_alter_table('poll_response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_poll_response_guest_id_guest'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_poll_response_meeting_id_guest_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_poll_response_guest_id'))
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('guest_id')

    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_registration_guest_id_guest'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_event_registration_event_id_guest_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_event_registration_guest_id'))
        batch_op.alter_column('user_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('guest_id')

    with op.batch_alter_table('guest_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guest_link_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_guest_link_guest_id'))
        batch_op.drop_index(batch_op.f('ix_guest_link_event_id'))

    op.drop_table('guest_link')
    with op.batch_alter_table('guest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guest_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_guest_contact_id'))

    op.drop_table('guest')
    op.drop_table('guest_public_event')
