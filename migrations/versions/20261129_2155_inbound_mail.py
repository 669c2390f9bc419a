"""inbound mail: each message received by `flask mail-ingest` and its outcome; the unique
Message-ID makes a message delivered twice post once

Revision ID: 20261129_inbound_mail
Revises: 20261130_search_documents
Create Date: 2026-11-29 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_inbound_mail'
down_revision = '20261130_search_documents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_inbound_mail_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mail')),
    sa.UniqueConstraint('message_id', name=op.f('uq_inbound_mail_message_id'))
    )
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_mail_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mail_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_mail_user_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_mail_received_at'))

    op.drop_table('inbound_mail')
