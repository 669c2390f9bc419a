"""The demo network in a test's database, for the sweeps and the page tests that need a whole site.

`seed_demo()` builds it through the domains' services: password hashing, the library's files
extracted in a subprocess, search indexing, ~8 s on SQLite and ~10 s on PostgreSQL, and some thirty
tests need it. The first call of a test session seeds for real and keeps the rows it wrote; the next
calls put those rows back (one INSERT per table, PostgreSQL's sequences moved past them, as after a
real seed) and rebuild the search index from them: under a second, and the same database. The
files stay in DATA_DIR (content-addressed; no test deletes them).

The tests of the demo itself (tests/*/test_demo.py, test_cli.py) and of the backups seed for real.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text

from network_space import DOMAINS
from network_space.accounts.models import User
from network_space.demo import seed_demo
from network_space.extensions import db
from network_space.search.cli import rebuild
from tests.conftest import REFERENCE_TABLES

ROLES = ("member", "coanimator", "admin")


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    session_token: str


@dataclass(frozen=True)
class DemoPeople:
    by_role: dict[str, Person]  # the first active demo person of each role (by id)
    facilitator: Person  # the first facilitator of the demo (their notifications, registrations…)
    coanimator_nord: Person


def _person(user) -> Person:
    return Person(user.id, user.email, user.session_token)


def demo_network(app) -> DemoPeople:
    """Put the demo network in the (empty, as at the start of every test) database."""
    with app.app_context():
        assert not db.session.scalar(select(func.count(User.id))), "the demo goes in an empty database"
        snapshot = app.extensions.get("tests.demo_network")
        if snapshot is None:
            data = seed_demo(DOMAINS).data
            by_role = {role: _person(db.session.scalar(
                select(User).where(User.role == role, User.active.is_(True)).order_by(User.id)))
                for role in ROLES}
            people = DemoPeople(by_role, _person(data["facilitators"][0]), _person(data["users"]["coanimator_nord"]))
            app.extensions["tests.demo_network"] = (_rows(), people)
        else:
            rows, people = snapshot
            _restore(rows)
        db.session.remove()
    return people


def _tables():
    return [table for table in db.metadata.sorted_tables if table.name not in REFERENCE_TABLES]


def _rows() -> list[tuple]:
    return [(table, [dict(row._mapping) for row in db.session.execute(select(table))]) for table in _tables()]


def _restore(rows: list[tuple]) -> None:
    for table, table_rows in rows:  # in dependency order
        if table_rows:
            db.session.execute(table.insert(), table_rows)
    if db.engine.dialect.name == "postgresql":
        # Rows inserted with their ids leave the sequences where TRUNCATE put them (pg_get_serial_sequence
        # gives NULL for a table without one, and setval(NULL) does nothing).
        for table, table_rows in rows:
            if table_rows and "id" in table.c:
                db.session.execute(text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                                   {"table": f'"{table.name}"', "last": max(row["id"] for row in table_rows)})
    db.session.commit()
    rebuild()  # the index still holds what the previous tests wrote
