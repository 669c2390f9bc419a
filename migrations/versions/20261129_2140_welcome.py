"""welcome: the first steps of a new member (hidden, guide opened) and the admins' site settings
(the network's practical guide)

Revision ID: 20261129_welcome
Revises: 20261129_guests
Create Date: 2026-11-29 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_welcome'
down_revision = '20261129_guests'
branch_labels = None
depends_on = None

user = sa.table("user", sa.column("welcome_dismissed_at", sa.DateTime(timezone=True)))


def upgrade():
    op.create_table('site_setting',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_site_setting_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_setting'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('welcome_dismissed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('guide_opened_at', sa.DateTime(timezone=True), nullable=True))
    # The checklist is for newcomers: members already there when it arrives are not shown it.
    op.execute(user.update().values(welcome_dismissed_at=sa.func.current_timestamp()))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('guide_opened_at')
        batch_op.drop_column('welcome_dismissed_at')
    op.drop_table('site_setting')
