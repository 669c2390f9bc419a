"""accounts: folded name for the directory search, the Isère territories (reference data)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:01:46.154268

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# A frozen copy of network_space.accounts.reference.ISERE_TERRITORIES at the time of this
# revision: a migration must not change when the application code does.
TERRITORIES = (
    ("Grenoble-Alpes Métropole", "La Métro", "sud"),
    ("CA du Pays Voironnais", "Pays Voironnais", "sud"),
    ("CA Porte de l'Isère", "CAPI", "nord"),
    ("Vienne Condrieu Agglomération", "Vienne Condrieu", "nord"),
    ("CC Le Grésivaudan", "Grésivaudan", "sud"),
    ("CC Bièvre Est", "Bièvre Est", "nord"),
    ("CC Bièvre Isère", "Bièvre Isère", "nord"),
    ("CC Saint-Marcellin Vercors Isère", "SMVIC", "sud"),
    ("CC du Massif du Vercors", "Vercors", "sud"),
    ("CC du Trièves", "Trièves", "sud"),
    ("CC de la Matheysine", "Matheysine", "sud"),
    ("CC de l'Oisans", "Oisans", "sud"),
    ("CC Les Balcons du Dauphiné", "Balcons du Dauphiné", "nord"),
    ("CC Les Vals du Dauphiné", "Vals du Dauphiné", "nord"),
    ("CC Lyon Saint-Exupéry en Dauphiné", "LYSED", "nord"),
    ("CC Entre Bièvre et Rhône", "EBER", "nord"),
    ("CC Cœur de Chartreuse", "Cœur de Chartreuse", "sud"),
)

territory = sa.table(
    "territory",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("short_name", sa.String),
    sa.column("sector", sa.String),
    sa.column("active", sa.Boolean),
)
user = sa.table("user", sa.column("id", sa.Integer), sa.column("full_name", sa.String),
                sa.column("name_key", sa.String))


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()[:120]


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=120), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_user_name_key'), ['name_key'], unique=False)

    connection = op.get_bind()
    for user_id, full_name in connection.execute(sa.select(user.c.id, user.c.full_name)).all():
        connection.execute(user.update().where(user.c.id == user_id).values(name_key=_fold(full_name)))

    existing = set(connection.execute(sa.select(territory.c.name)).scalars())
    rows = [dict(name=name, short_name=short, sector=sector, active=True)
            for name, short, sector in TERRITORIES if name not in existing]
    if rows:
        op.bulk_insert(territory, rows)


def downgrade():
    # Territories still referenced by users or structures are reference data in use: keep them.
    connection = op.get_bind()
    user_territory = sa.table("user_territory", sa.column("territory_id", sa.Integer))
    structure = sa.table("structure", sa.column("territory_id", sa.Integer))
    used = sa.union(sa.select(user_territory.c.territory_id),
                    sa.select(structure.c.territory_id).where(structure.c.territory_id.is_not(None)))
    connection.execute(territory.delete().where(
        territory.c.name.in_([name for name, _, _ in TERRITORIES]), territory.c.id.not_in(used)))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_name_key'))
        batch_op.drop_column('name_key')
