"""search: the PostgreSQL engine's documents table and vocabulary

On PostgreSQL, also the extensions the engine needs (unaccent, pg_trgm) when the role may create
them; otherwise a warning says what a DBA must run (docs/exploitation.md). The tables exist on
every database, so that models and migrations agree; they stay empty unless
SEARCH_BACKEND=postgresql.

Revision ID: 20261130_search_documents
Revises: 20261129_welcome
Create Date: 2026-11-30 09:00:00

"""
import logging

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20261130_search_documents'
down_revision = '20261129_welcome'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

TSVECTOR = sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql')
TEXT_LIST = sa.JSON().with_variant(postgresql.ARRAY(sa.Text()), 'postgresql')


def _extension_schema(bind, name):
    return bind.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = :name"),
        {"name": name}).scalar()


def upgrade():
    op.create_table('search_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('obj_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('tags', TEXT_LIST, nullable=False),
    sa.Column('sectors', TEXT_LIST, nullable=False),
    sa.Column('category', sa.Text(), nullable=True),
    sa.Column('subtype', sa.Text(), nullable=True),
    sa.Column('territory', sa.Text(), nullable=True),
    sa.Column('year', sa.String(length=4), nullable=True),
    sa.Column('date', sa.DateTime(timezone=True), nullable=True),
    sa.Column('audience', sa.String(length=12), nullable=False),
    sa.Column('tsv', TSVECTOR, nullable=False),
    sa.Column('rank_tsv', TSVECTOR, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document')),
    sa.UniqueConstraint('kind', 'obj_id', name=op.f('uq_search_document_kind_obj_id'))
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_tsv', ['tsv'], unique=False, postgresql_using='gin',
                              postgresql_with={'fastupdate': 'off'})

    op.create_table('search_word',
    sa.Column('word', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_word'))
    )

    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        with op.batch_alter_table('search_word', schema=None) as batch_op:
            batch_op.create_index('ix_search_word_trigram', ['word'], unique=False)
        return
    missing = []
    for extension in ('unaccent', 'pg_trgm'):
        if _extension_schema(bind, extension) is None:
            savepoint = bind.begin_nested()
            try:
                bind.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
                savepoint.commit()
            except sa.exc.DBAPIError:
                savepoint.rollback()
                missing.append(extension)
    trgm = _extension_schema(bind, 'pg_trgm')
    if trgm is not None:
        op.execute(f'CREATE INDEX ix_search_word_trigram ON search_word USING gin (word "{trgm}".gin_trgm_ops)')
    if missing:
        log.warning(
            "The PostgreSQL search engine (SEARCH_BACKEND=postgresql) needs the extensions %s, which this "
            "role may not create. A DBA runs, in this database: %s. Then `flask search reindex`. "
            "(Not needed with SEARCH_BACKEND=whoosh, the default.)",
            ", ".join(missing), " ".join(f"CREATE EXTENSION IF NOT EXISTS {name};" for name in missing))


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # Made by the engine on first use (backends/postgresql.py); the extensions are left.
        for config in ('ns_french', 'ns_spell'):
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {config}")
        op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS ns_french_stop")
    op.execute("DROP INDEX IF EXISTS ix_search_word_trigram")
    op.drop_table('search_word')
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_index('ix_search_document_tsv')
    op.drop_table('search_document')
