"""rgpd: when an account was deactivated and erased (retention, erasure), and the admins' texts
of the legal pages

Revision ID: 20261129_rgpd
Revises: 0008
Create Date: 2026-11-29 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_rgpd'
down_revision = '0008'
branch_labels = None
depends_on = None

user = sa.table("user", sa.column("active", sa.Boolean), sa.column("deactivated_at", sa.DateTime(timezone=True)))


def upgrade():
    op.create_table('legal_page',
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_legal_page_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_legal_page'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_deactivated_at'), ['deactivated_at'], unique=False)
    # Accounts deactivated before this version: their retention period starts now.
    op.execute(user.update().where(user.c.active == sa.false()).values(deactivated_at=sa.func.current_timestamp()))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_deactivated_at'))
        batch_op.drop_column('erased_at')
        batch_op.drop_column('deactivated_at')
    op.drop_table('legal_page')
