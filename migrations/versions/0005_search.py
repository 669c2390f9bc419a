"""search and library: the index queue; resources, versions, comments, categories, tags, sectors

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


    op.create_table('library_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_category')),
    sa.UniqueConstraint('name', name=op.f('uq_library_category_name'))
    )
    op.create_table('library_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_library_tag_name'))
    )
    op.create_table('sector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector')),
    sa.UniqueConstraint('name', name=op.f('uq_sector_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_sector_slug'))
    )
    op.create_table('library_resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('clause_mechanism', sa.String(length=20), nullable=True),
    sa.Column('buyer_type', sa.String(length=20), nullable=True),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('review_by', sa.Date(), nullable=True),
    sa.Column('visibility', sa.String(length=12), nullable=False),
    sa.Column('download_count', sa.Integer(), nullable=False),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_library_resource_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['library_category.id'], name=op.f('fk_library_resource_category_id_library_category'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_library_resource_territory_id_territory'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_resource'))
    )
    with op.batch_alter_table('library_resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_resource_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_resource_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_resource_territory_id'), ['territory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_resource_visibility'), ['visibility'], unique=False)

    op.create_table('library_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_library_comment_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'], name=op.f('fk_library_comment_resource_id_library_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_comment'))
    )
    with op.batch_alter_table('library_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_comment_resource_id'), ['resource_id'], unique=False)

    op.create_table('library_resource_sector',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'], name=op.f('fk_library_resource_sector_resource_id_library_resource'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_library_resource_sector_sector_id_sector'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'sector_id', name=op.f('pk_library_resource_sector'))
    )
    with op.batch_alter_table('library_resource_sector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_resource_sector_sector_id'), ['sector_id'], unique=False)

    op.create_table('library_resource_tag',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'], name=op.f('fk_library_resource_tag_resource_id_library_resource'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['library_tag.id'], name=op.f('fk_library_resource_tag_tag_id_library_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'tag_id', name=op.f('pk_library_resource_tag'))
    )
    with op.batch_alter_table('library_resource_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_resource_tag_tag_id'), ['tag_id'], unique=False)

    op.create_table('library_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('extension', sa.String(length=8), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('text_status', sa.String(length=8), nullable=False),
    sa.Column('text_error', sa.String(length=300), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('download_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_library_version_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'], name=op.f('fk_library_version_resource_id_library_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_version')),
    sa.UniqueConstraint('resource_id', 'number', name=op.f('uq_library_version_resource_id_number'))
    )
    with op.batch_alter_table('library_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_version_resource_id'), ['resource_id'], unique=False)

    # Reference data, editable by admins afterwards.
    categories = sa.table('library_category', sa.column('name', sa.String), sa.column('position', sa.Integer),
                          sa.column('active', sa.Boolean))
    op.bulk_insert(categories, [{'name': name, 'position': i, 'active': True} for i, name in enumerate((
        "Guides et méthodes", "Modèles de clauses", "Cahiers des charges et pièces de marché", "Outils de suivi",
        "Fiches métiers et secteurs", "Retours d'expérience", "Bilans et études", "Réglementation", "Communication",
    ))])
    sectors = sa.table('sector', sa.column('name', sa.String), sa.column('slug', sa.String),
                       sa.column('position', sa.Integer), sa.column('active', sa.Boolean))
    op.bulk_insert(sectors, [{'name': name, 'slug': slug, 'position': i, 'active': True} for i, (name, slug) in enumerate((
        ("Bâtiment et travaux publics", "batiment-et-travaux-publics"), ("Propreté et nettoyage", "proprete-et-nettoyage"),
        ("Espaces verts", "espaces-verts"), ("Restauration collective", "restauration-collective"),
        ("Services à la personne", "services-a-la-personne"), ("Transport et logistique", "transport-et-logistique"),
        ("Déchets et recyclage", "dechets-et-recyclage"), ("Informatique et numérique", "informatique-et-numerique"),
        ("Industrie", "industrie"), ("Administration et services", "administration-et-services"),
    ))])


def downgrade():
    for table in ('library_version', 'library_resource_tag', 'library_resource_sector', 'library_comment',
                  'library_resource', 'sector', 'library_tag', 'library_category'):
        op.drop_table(table)
    with op.batch_alter_table('search_queue', schema=None) as batch_op:
        batch_op.drop_index('ix_search_queue_kind_obj')
        batch_op.drop_index(batch_op.f('ix_search_queue_created_at'))

    op.drop_table('search_queue')
