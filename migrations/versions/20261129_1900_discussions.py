"""discussions: categories (seeded), threads, replies, edit history, links to other parts,
experience write-ups, read markers

Revision ID: 20261129_discussions
Revises: 20261129_coverage
Create Date: 2026-11-29 17:32:09

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_discussions'
down_revision = '20261129_coverage'
branch_labels = None
depends_on = None

# The categories of issue #16, as network_space/discussions/reference.py had them when this
# migration was written: (name, description, co-animators only, write-ups).
CATEGORIES = [
    ("Questions et entraide", "Une question de terrain, un coup de main : le réseau répond.", False, False),
    ("Retours d'expérience", "Ce qui a marché, ce qui a coincé : chantiers, marchés réservés, partenariats.",
     False, True),
    ("Veille juridique et réglementaire", "Code de la commande publique, jurisprudence, textes et guides officiels.",
     False, False),
    ("Offres et demandes (postes, partenaires, prestataires)",
     "Postes à pourvoir, recherche de partenaires ou de prestataires.", False, False),
    ("Vie du réseau", "Réunions, groupes de travail, actualités du réseau.", False, False),
    ("Co-animation", "Échanges entre co-animateurs et co-animatrices du réseau.", True, False),
]
category = sa.table("discussion_category", sa.column("name", sa.String), sa.column("description", sa.String),
                    sa.column("position", sa.Integer), sa.column("coanimators_only", sa.Boolean),
                    sa.column("writeups", sa.Boolean), sa.column("active", sa.Boolean))


def upgrade():
    op.create_table('discussion_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('coanimators_only', sa.Boolean(), nullable=False),
    sa.Column('writeups', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_category')),
    sa.UniqueConstraint('name', name=op.f('uq_discussion_category_name'))
    )
    op.bulk_insert(category, [
        {"name": name, "description": description, "position": position, "coanimators_only": restricted,
         "writeups": writeups, "active": True}
        for position, (name, description, restricted, writeups) in enumerate(CATEGORIES, start=1)])
    op.create_table('discussion_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_discussion_tag_name'))
    )
    op.create_table('discussion_read_mark',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_all_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_discussion_read_mark_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_discussion_read_mark'))
    )
    op.create_table('discussion_thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('answer_number', sa.Integer(), nullable=True),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('reply_count', sa.Integer(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_discussion_thread_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['discussion_category.id'], name=op.f('fk_discussion_thread_category_id_discussion_category'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['user.id'], name=op.f('fk_discussion_thread_deleted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_author_id'], ['user.id'], name=op.f('fk_discussion_thread_last_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_discussion_thread_territory_id_territory'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_thread'))
    )
    with op.batch_alter_table('discussion_thread', schema=None) as batch_op:
        batch_op.create_index('ix_discussion_thread_activity', ['pinned', 'last_activity_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_thread_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_discussion_thread_category_activity', ['category_id', 'last_activity_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_thread_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_thread_territory_id'), ['territory_id'], unique=False)

    op.create_table('discussion_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=60), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['discussion_thread.id'], name=op.f('fk_discussion_link_thread_id_discussion_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_link')),
    sa.UniqueConstraint('thread_id', 'target_type', 'target_id', name=op.f('uq_discussion_link_thread_id_target_type_target_id'))
    )
    with op.batch_alter_table('discussion_link', schema=None) as batch_op:
        batch_op.create_index('ix_discussion_link_target', ['target_type', 'target_id'], unique=False)

    op.create_table('discussion_read',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['discussion_thread.id'], name=op.f('fk_discussion_read_thread_id_discussion_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_discussion_read_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_discussion_read'))
    )
    with op.batch_alter_table('discussion_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_read_thread_id'), ['thread_id'], unique=False)

    op.create_table('discussion_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_discussion_reply_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['user.id'], name=op.f('fk_discussion_reply_deleted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['discussion_thread.id'], name=op.f('fk_discussion_reply_thread_id_discussion_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_reply')),
    sa.UniqueConstraint('thread_id', 'number', name=op.f('uq_discussion_reply_thread_id_number'))
    )
    with op.batch_alter_table('discussion_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_reply_author_id'), ['author_id'], unique=False)

    op.create_table('discussion_thread_tag',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['discussion_tag.id'], name=op.f('fk_discussion_thread_tag_tag_id_discussion_tag'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['discussion_thread.id'], name=op.f('fk_discussion_thread_tag_thread_id_discussion_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', 'tag_id', name=op.f('pk_discussion_thread_tag'))
    )
    with op.batch_alter_table('discussion_thread_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_thread_tag_tag_id'), ['tag_id'], unique=False)

    op.create_table('discussion_writeup',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=True),
    sa.Column('clause_mechanism', sa.String(length=20), nullable=True),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('insertion_hours', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('what_worked', sa.Text(), nullable=False),
    sa.Column('difficulties', sa.Text(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['buyer_id'], ['organisation.id'], name=op.f('fk_discussion_writeup_buyer_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_discussion_writeup_sector_id_sector'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['discussion_thread.id'], name=op.f('fk_discussion_writeup_thread_id_discussion_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', name=op.f('pk_discussion_writeup'))
    )
    with op.batch_alter_table('discussion_writeup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_writeup_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_writeup_clause_mechanism'), ['clause_mechanism'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_writeup_sector_id'), ['sector_id'], unique=False)

    op.create_table('discussion_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['user.id'], name=op.f('fk_discussion_revision_editor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reply_id'], ['discussion_reply.id'], name=op.f('fk_discussion_revision_reply_id_discussion_reply'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['discussion_thread.id'], name=op.f('fk_discussion_revision_thread_id_discussion_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_revision'))
    )
    with op.batch_alter_table('discussion_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_revision_reply_id'), ['reply_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_revision_thread_id'), ['thread_id'], unique=False)



def downgrade():
    with op.batch_alter_table('discussion_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_revision_thread_id'))
        batch_op.drop_index(batch_op.f('ix_discussion_revision_reply_id'))

    op.drop_table('discussion_revision')
    with op.batch_alter_table('discussion_writeup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_writeup_sector_id'))
        batch_op.drop_index(batch_op.f('ix_discussion_writeup_clause_mechanism'))
        batch_op.drop_index(batch_op.f('ix_discussion_writeup_buyer_id'))

    op.drop_table('discussion_writeup')
    with op.batch_alter_table('discussion_thread_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_thread_tag_tag_id'))

    op.drop_table('discussion_thread_tag')
    with op.batch_alter_table('discussion_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_reply_author_id'))

    op.drop_table('discussion_reply')
    with op.batch_alter_table('discussion_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_read_thread_id'))

    op.drop_table('discussion_read')
    with op.batch_alter_table('discussion_link', schema=None) as batch_op:
        batch_op.drop_index('ix_discussion_link_target')

    op.drop_table('discussion_link')
    with op.batch_alter_table('discussion_thread', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_thread_territory_id'))
        batch_op.drop_index(batch_op.f('ix_discussion_thread_kind'))
        batch_op.drop_index('ix_discussion_thread_category_activity')
        batch_op.drop_index(batch_op.f('ix_discussion_thread_author_id'))
        batch_op.drop_index('ix_discussion_thread_activity')

    op.drop_table('discussion_thread')
    op.drop_table('discussion_read_mark')
    op.drop_table('discussion_tag')
    op.drop_table('discussion_category')
