"""search: the index queue

Revision ID: 0004
Revises: 0007
Create Date: 2026-11-21 21:06:48.322299

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('obj_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_queue'))
    )
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_queue_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_search_queue_kind_obj', ['kind', 'obj_id'], unique=False)


def downgrade():
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.drop_index('ix_search_queue_kind_obj')
        batch_op.drop_index(batch_op.f('ix_search_queue_created_at'))

    op.drop_table('search_queue')
