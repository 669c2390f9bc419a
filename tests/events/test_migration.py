"""Migration 0008: the event_interest rows become follows (of kinds and territories), and back."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from network_space import create_app
from network_space.events.reference import EVENT_KINDS
from network_space.extensions import db
from tests.core.test_migrations import fresh_database_url  # noqa: F401 - fixture


def _rows(conn, sql: str) -> set[tuple]:
    return {tuple(row) for row in conn.execute(sa.text(sql))}


def test_interests_become_follows_and_back(fresh_database_url, tmp_path):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=fresh_database_url, DATA_DIR=str(tmp_path / "d"),
                     SEARCH_INDEX_DIR=str(tmp_path / "i"))
    with app.app_context():
        upgrade(revision="0006b")
        meta = sa.MetaData()
        with db.engine.begin() as conn:
            user, territory, interest, follow = (sa.Table(name, meta, autoload_with=conn)
                                                 for name in ("user", "territory", "event_interest", "follow"))
            t1, t2 = conn.scalars(sa.select(territory.c.id).order_by(territory.c.id).limit(2))  # seeded by 0002
            conn.execute(user.insert(), [
                dict(id=i, email=f"m{i}@example.org", full_name=f"Membre {i}", role="member", active=True,
                     language="fr", password_hash="x", session_token=f"t{i}") for i in (1, 2, 3)])
            conn.execute(interest.insert(), [dict(user_id=user_id, kind=kind, territory_id=territory_id)
                                             for user_id, kind, territory_id in (
                (1, "forum", None), (1, None, t1),
                (2, None, None),  # all events
                (2, "forum", None),  # already covered by "all": one follow
                (3, None, t2),
            )])
            # A territory user 3 already followed from its page: kept, not doubled.
            conn.execute(follow.insert().values(user_id=3, target_type="territory", target_id=t2,
                                                created_at=sa.func.current_timestamp()))
        upgrade()
        with db.engine.connect() as conn:
            kinds = dict(conn.execute(sa.text("SELECT code, id FROM event_kind")).all())
            assert len(kinds) == 8 and "site_visit" in kinds
            # What the tests and a database built without migrations get (events/reference.py).
            assert conn.execute(sa.text("SELECT code, label FROM event_kind ORDER BY position")).all() == \
                list(EVENT_KINDS)
            follows = _rows(conn, "SELECT user_id, target_type, target_id FROM follow")
            assert "event_interest" not in sa.inspect(conn).get_table_names()
        assert follows == ({(1, "event_kind", kinds["forum"]), (1, "territory", t1), (3, "territory", t2)}
                           | {(2, "event_kind", kind_id) for kind_id in kinds.values()})

        downgrade(revision="0006b")
        with db.engine.connect() as conn:
            interests = _rows(conn, "SELECT user_id, kind, territory_id FROM event_interest")
            assert _rows(conn, "SELECT user_id, target_type, target_id FROM follow") == {
                (1, "territory", t1), (3, "territory", t2)}
        assert interests == ({(1, "forum", None), (1, None, t1), (3, None, t2)}
                             | {(2, code, None) for code in kinds})
        db.engine.dispose()
