"""directory: organisation kinds (seeded), organisations, contacts, sectors, service types, territories served, history

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 21:07:38.496797

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

DEFAULT_KINDS = (
    ("esat", "ESAT", "disability"),
    ("ea", "Entreprise adaptée (EA)", "disability"),
    ("eatt", "Entreprise adaptée de travail temporaire (EATT)", "disability"),
    ("cap-emploi", "Cap emploi", "disability"),
    ("agefiph", "Agefiph", "disability"),
    ("fiphfp", "FIPHFP", "disability"),
    ("mdph", "MDPH", "disability"),
    ("reseau-handicap", "Réseau (Gesat, Handeco, UNEA…)", "disability"),
    ("autre-handicap", "Autre acteur du handicap", "disability"),
    ("bailleur-social", "Bailleur social", "buyer"),
    ("commune", "Commune", "buyer"),
    ("intercommunalite", "Intercommunalité", "buyer"),
    ("departement", "Département", "buyer"),
    ("etat", "État", "buyer"),
    ("etablissement-public", "Hôpital / établissement public", "buyer"),
    ("entreprise", "Entreprise", "buyer"),
    ("ei", "Entreprise d'insertion (EI)", "insertion"),
    ("ai", "Association intermédiaire (AI)", "insertion"),
    ("aci", "Atelier et chantier d'insertion (ACI)", "insertion"),
    ("etti", "Entreprise de travail temporaire d'insertion (ETTI)", "insertion"),
    ("eiti", "Entreprise d'insertion par le travail indépendant (EITI)", "insertion"),
    ("geiq", "GEIQ", "insertion"),
)


def upgrade():
    kinds = op.create_table('organisation_kind',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_kind')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_kind_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_organisation_kind_slug'))
    )
    with op.batch_alter_table('organisation_kind', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_kind_group'), ['group'], unique=False)
    # A frozen copy of network_space/directory/reference.py DEFAULT_KINDS.
    op.bulk_insert(kinds, [
        {"slug": slug, "name": name, "group": group, "position": (i + 1) * 10, "active": True}
        for i, (slug, name, group) in enumerate(DEFAULT_KINDS)
    ])

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('trade_name', sa.String(length=200), nullable=True),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('commune', sa.String(length=120), nullable=True),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('whole_departement', sa.Boolean(), nullable=False),
    sa.Column('workforce', sa.Integer(), nullable=True),
    sa.Column('reserved_l2113_12', sa.Boolean(), nullable=False),
    sa.Column('reserved_l2113_13', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('internal_notes', sa.Text(), nullable=True),
    sa.Column('last_checked_on', sa.Date(), nullable=True),
    sa.Column('last_checked_by_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_organisation_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kind_id'], ['organisation_kind.id'], name=op.f('fk_organisation_kind_id_organisation_kind'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['last_checked_by_id'], ['user.id'], name=op.f('fk_organisation_last_checked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_organisation_territory_id_territory'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('siret', name=op.f('uq_organisation_siret'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_active'), ['active'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_kind_id'), ['kind_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_last_checked_by_id'), ['last_checked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_territory_id'), ['territory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_whole_departement'), ['whole_departement'], unique=False)

    op.create_table('organisation_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_contact_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_contact'))
    )
    with op.batch_alter_table('organisation_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_contact_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisation_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('reverted_from_id', sa.Integer(), nullable=True),
    sa.Column('changes_json', sa.Text(), nullable=False),
    sa.Column('snapshot_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_organisation_revision_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_revision_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reverted_from_id'], ['organisation_revision.id'], name=op.f('fk_organisation_revision_reverted_from_id_organisation_revision'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_revision'))
    )
    with op.batch_alter_table('organisation_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_revision_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_revision_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_revision_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisation_sector',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_sector_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_organisation_sector_sector_id_sector'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'sector_id', name=op.f('pk_organisation_sector'))
    )
    with op.batch_alter_table('organisation_sector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_sector_sector_id'), ['sector_id'], unique=False)

    op.create_table('organisation_service',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_service_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'code', name=op.f('pk_organisation_service'))
    )
    with op.batch_alter_table('organisation_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_service_code'), ['code'], unique=False)

    op.create_table('organisation_territory',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_territory_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], name=op.f('fk_organisation_territory_territory_id_territory'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'territory_id', name=op.f('pk_organisation_territory'))
    )
    with op.batch_alter_table('organisation_territory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_territory_territory_id'), ['territory_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation_territory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_territory_territory_id'))

    op.drop_table('organisation_territory')
    with op.batch_alter_table('organisation_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_service_code'))

    op.drop_table('organisation_service')
    with op.batch_alter_table('organisation_sector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_sector_sector_id'))

    op.drop_table('organisation_sector')
    with op.batch_alter_table('organisation_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_revision_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_revision_created_at'))
        batch_op.drop_index(batch_op.f('ix_organisation_revision_actor_id'))

    op.drop_table('organisation_revision')
    with op.batch_alter_table('organisation_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_contact_organisation_id'))

    op.drop_table('organisation_contact')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_whole_departement'))
        batch_op.drop_index(batch_op.f('ix_organisation_territory_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_name'))
        batch_op.drop_index(batch_op.f('ix_organisation_last_checked_by_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_kind_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_active'))

    op.drop_table('organisation')
    with op.batch_alter_table('organisation_kind', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_kind_group'))

    op.drop_table('organisation_kind')
