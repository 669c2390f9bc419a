"""coverage: territories carry their EPCI's SIREN (the official division data is matched by it),
members may declare the full-time equivalent they give to facilitation; library downloads are
dated (library_download) so a period's downloads can be counted

Revision ID: 20261129_coverage
Revises: 20261129_reports
Create Date: 2026-11-29 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261129_coverage'
down_revision = '20261129_reports'
branch_labels = None
depends_on = None

# The SIREN of each reference territory of migration 0002, by its name there (a frozen copy of
# network_space.accounts.reference). A territory an admin renamed keeps no SIREN: the coverage
# page matches it by name and an admin can type its SIREN.
SIRENS = {
    "Grenoble-Alpes Métropole": "200040715",
    "CA du Pays Voironnais": "243800984",
    "CA Porte de l'Isère": "243800604",
    "Vienne Condrieu Agglomération": "200077014",
    "CC Le Grésivaudan": "200018166",
    "CC Bièvre Est": "243801073",
    "CC Bièvre Isère": "200059392",
    "CC Saint-Marcellin Vercors Isère": "200070431",
    "CC du Massif du Vercors": "243801024",
    "CC du Trièves": "200030658",
    "CC de la Matheysine": "200040657",
    "CC de l'Oisans": "243800745",
    "CC Les Balcons du Dauphiné": "200068542",
    "CC Les Vals du Dauphiné": "200068567",
    "CC Lyon Saint-Exupéry en Dauphiné": "243800935",
    "CC Entre Bièvre et Rhône": "200085751",
    "CC Cœur de Chartreuse": "200040111",
}

territory = sa.table("territory", sa.column("name", sa.String), sa.column("siren", sa.String))


def upgrade():
    with op.batch_alter_table('territory', schema=None) as batch_op:
        batch_op.add_column(sa.Column('siren', sa.String(length=9), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_territory_siren'), ['siren'])
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facilitation_fte', sa.Float(), nullable=True))
    op.create_table(
        'library_download',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resource_id', sa.Integer(), nullable=False),
        sa.Column('downloaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['resource_id'], ['library_resource.id'],
                                name=op.f('fk_library_download_resource_id_library_resource'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_library_download')),
    )
    with op.batch_alter_table('library_download', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_download_downloaded_at'), ['downloaded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_download_resource_id'), ['resource_id'], unique=False)

    connection = op.get_bind()
    for name, siren in SIRENS.items():
        connection.execute(territory.update().where(territory.c.name == name).values(siren=siren))


def downgrade():
    op.drop_table('library_download')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('facilitation_fte')
    with op.batch_alter_table('territory', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_territory_siren'), type_='unique')
        batch_op.drop_column('siren')
