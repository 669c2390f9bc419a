"""events: kinds become rows (event_kind) that members follow like any other target; the
event_interest table is converted into follows and dropped

Revision ID: 0008
Revises: 0006b
Create Date: 2026-11-22 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006b'
branch_labels = None
depends_on = None

# The kinds of issue #7, in display order: a frozen copy of network_space/events/reference.py
# (a migration never imports the application).
EVENT_KINDS = [
    ("joint_action", "Action conjointe avec un donneur d'ordre"),
    ("forum", "Forum ou job dating"),
    ("site_visit", "Visite de chantier"),
    ("info_session", "Information collective"),
    ("buyers_meeting", "Rencontre acheteurs"),
    ("training", "Formation ou webinaire"),
    ("partners_meeting", "Réunion partenaires"),
    ("other", "Autre"),
]

event_kind = sa.table("event_kind", sa.column("id", sa.Integer), sa.column("code", sa.String),
                      sa.column("label", sa.String), sa.column("position", sa.Integer))
interest = sa.table("event_interest", sa.column("user_id", sa.Integer), sa.column("kind", sa.String),
                    sa.column("territory_id", sa.Integer))
follow = sa.table("follow", sa.column("user_id", sa.Integer), sa.column("target_type", sa.String),
                  sa.column("target_id", sa.Integer), sa.column("created_at", sa.DateTime))


def upgrade():
    op.create_table('event_kind',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_kind')),
    sa.UniqueConstraint('code', name=op.f('uq_event_kind_code'))
    )
    op.bulk_insert(event_kind, [dict(code=code, label=label, position=i)
                                for i, (code, label) in enumerate(EVENT_KINDS, start=1)])
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_event_kind_event_kind'), 'event_kind', ['kind'], ['code'])

    # Interests become follows: a kind → that kind; a territory → that territory; "all events"
    # (neither) → every kind. UNION removes duplicates; rows a member already has are kept.
    kinds = sa.select(interest.c.user_id, sa.literal_column("'event_kind'").label("target_type"),
                      event_kind.c.id.label("target_id")).select_from(interest.join(event_kind, sa.or_(
                          event_kind.c.code == interest.c.kind,
                          sa.and_(interest.c.kind.is_(None), interest.c.territory_id.is_(None)))))
    territories = sa.select(interest.c.user_id, sa.literal_column("'territory'"), interest.c.territory_id) \
        .where(interest.c.territory_id.is_not(None))
    wanted = sa.union(kinds, territories).subquery()
    already = sa.exists().where(follow.c.user_id == wanted.c.user_id, follow.c.target_type == wanted.c.target_type,
                                follow.c.target_id == wanted.c.target_id)
    op.execute(follow.insert().from_select(
        ["user_id", "target_type", "target_id", "created_at"],
        sa.select(wanted.c.user_id, wanted.c.target_type, wanted.c.target_id, sa.func.current_timestamp())
        .where(~already)))

    with op.batch_alter_table('event_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_interest_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_interest_territory_id'))
        batch_op.drop_index(batch_op.f('ix_event_interest_kind'))
    op.drop_table('event_interest')


def downgrade():
    op.create_table('event_interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=True),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_event_interest_territory_id_territory'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_interest_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_interest')),
    sa.UniqueConstraint('user_id', 'kind', 'territory_id', name=op.f('uq_event_interest_user_id_kind_territory_id'))
    )
    with op.batch_alter_table('event_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_interest_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_interest_territory_id'), ['territory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_interest_user_id'), ['user_id'], unique=False)

    # Back to interests: each followed kind, and each followed territory (which, since this
    # revision, announced its new events).
    kinds = sa.select(follow.c.user_id, event_kind.c.code, sa.null()).select_from(follow.join(
        event_kind, sa.and_(follow.c.target_type == "event_kind", follow.c.target_id == event_kind.c.id)))
    territory = sa.table("territory", sa.column("id", sa.Integer))
    territories = sa.select(follow.c.user_id, sa.null(), follow.c.target_id).where(
        follow.c.target_type == "territory", follow.c.target_id.in_(sa.select(territory.c.id)))
    op.execute(interest.insert().from_select(["user_id", "kind", "territory_id"], sa.union(kinds, territories)))
    op.execute(follow.delete().where(follow.c.target_type == "event_kind"))

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_kind_event_kind'), type_='foreignkey')
    op.drop_table('event_kind')
