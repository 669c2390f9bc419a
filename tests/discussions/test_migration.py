"""The discussions migration seeds the categories of discussions/reference.py (the demo and the
tests use that list), and its downgrade removes every discussion table."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from network_space import create_app
from network_space.discussions.reference import DEFAULT_CATEGORIES
from network_space.extensions import db
from tests.core.test_migrations import fresh_database_url  # noqa: F401 - fixture

REVISION = "20261129_discussions"


def test_categories_are_seeded_as_the_reference_lists_them(fresh_database_url, tmp_path):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=fresh_database_url, DATA_DIR=str(tmp_path / "d"),
                     SEARCH_INDEX_DIR=str(tmp_path / "i"))
    with app.app_context():
        upgrade(revision=REVISION)
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT name, description, coanimators_only, writeups, active "
                                        "FROM discussion_category ORDER BY position")).all()
        assert [(name, description, bool(restricted), bool(writeups)) for name, description, restricted, writeups, _a
                in rows] == list(DEFAULT_CATEGORIES)
        assert all(active for *_rest, active in rows)
        downgrade(revision="-1")
        with db.engine.connect() as conn:
            assert not [t for t in sa.inspect(conn).get_table_names() if t.startswith("discussion")]
        db.engine.dispose()
