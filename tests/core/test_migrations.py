"""`flask db upgrade` builds the schema from nothing, and the result matches the models exactly."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from network_space import create_app
from network_space.extensions import db
from tests.conftest import _reference_models


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database: a new SQLite file, or a new schema in the PostgreSQL test database."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


# SQLite's reflection skips an index on an expression (SQLAlchemy warns and leaves it out), and
# Alembic leaves such an index out of the comparison there too; PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_upgrade_builds_schema_equal_to_models(fresh_database_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=fresh_database_url, DATA_DIR=str(tmp_path / "d"),
                     SEARCH_INDEX_DIR=str(tmp_path / "i"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations disagree: {diff}"
        # The tests' databases, built from the models, are seeded from the domains' reference
        # lists (tests/conftest.py): the migrations must insert exactly those rows.
        for model, columns, rows in _reference_models():
            inserted = [tuple(getattr(item, column) for column in columns)
                        for item in db.session.scalars(db.select(model).order_by(model.position))]
            assert inserted == [tuple(row[column] for column in columns) for row in rows], model.__tablename__
        db.session.remove()
        # And every migration can be undone (the schema is left empty but for alembic_version).
        downgrade(revision="base")
        with db.engine.connect() as conn:
            remaining = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def test_files_are_named_in_chain_order_with_a_single_head():
    """Reading migrations/versions/ in name order is reading the chain from the first revision."""
    scripts = ScriptDirectory(str(Path(__file__).resolve().parents[2] / "migrations"))
    assert len(scripts.get_heads()) == 1, scripts.get_heads()
    chain = [Path(script.path).name for script in reversed(list(scripts.walk_revisions()))]
    assert chain == sorted(path.name for path in Path(scripts.versions).glob("*.py"))


def test_no_test_loads_a_migration_file_for_its_data():
    """A revision file is history, frozen: what the tests need of its data comes from the domain's
    `reference.py` (the test above checks both agree), never from the file loaded by its path."""
    tests = Path(__file__).resolve().parents[1]
    loaders = [str(path.relative_to(tests)) for path in tests.rglob("*.py")
               if path != Path(__file__).resolve() and "spec_from_file_location" in path.read_text()]
    assert loaders == []
