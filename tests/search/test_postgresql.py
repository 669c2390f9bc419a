"""The PostgreSQL engine's own guarantees: the document is written in the change's transaction,
two writers of one document (or a rebuild and a writer) never leave an older one, a huge text
is indexed in part instead of failing, the table is kept clean by a rebuild, and a database
where the role may not create the extensions keeps working until a DBA creates them."""
from __future__ import annotations

import logging
import os
import random
import string
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from network_space import create_app
from network_space.extensions import db
from network_space.search import cli as search_cli
from network_space.search.backends import get_backend
from network_space.search.backends.postgresql import LONG_TEXT_INDEXED, write_documents
from network_space.search.engine import search
from network_space.search.models import SearchDocument, SearchQueue, SearchWord

pytestmark = pytest.mark.search_backends("postgresql")


def titles(viewer_id, text_):
    from network_space.accounts.models import User

    return [hit.title for hit in search(text_, db.session.get(User, viewer_id)).hits]


def test_the_document_is_written_in_the_changes_own_transaction(ctx, make_user):
    viewer = make_user("member")
    member = make_user("member", full_name="Élise Garnier", job_title="Facilitatrice")
    same = db.session.execute(text(
        'SELECT d.xmin::text = u.xmin::text FROM search_document d JOIN "user" u ON u.id = d.obj_id '
        "WHERE d.kind = 'accounts.member' AND d.obj_id = :id"), {"id": member.id}).scalar()
    assert same is True  # created by the very transaction that created the member
    assert db.session.scalar(select(func.count(SearchQueue.id))) == 0
    assert titles(viewer.id, "facilitatrices") == ["Élise Garnier"]


def _wait_for_a_lock_wait(timeout: float = 15) -> None:
    """Until some PostgreSQL session waits for a lock (the other writer is held up)."""
    with db.engine.connect() as connection:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if connection.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
                return
            connection.rollback()
            time.sleep(0.05)
    raise AssertionError("no session waited for a lock")


def _change_bio_and_hold_the_document(member_id: int, bio: str):
    """A transaction (not committed) that changed a member and wrote its document: it holds the
    document's row until it commits."""
    from network_space.accounts.models import User

    connection = db.engine.connect()
    transaction = connection.begin()
    connection.execute(update(User).where(User.id == member_id).values(bio=bio))
    write_documents(connection, {("accounts.member", member_id)})
    return connection, transaction


def test_two_writers_of_one_document_leave_both_changes(ctx, make_user, app):
    from network_space.accounts.models import Territory, User

    viewer = make_user("member")
    member = make_user("member", full_name="Rémi Vasseur", bio="Ancienne présentation.")
    db.session.add(Territory(name="Trièves", sector="sud"))
    db.session.commit()
    connection, transaction = _change_bio_and_hold_the_document(member.id, "Chantiers de réhabilitation lumière")
    errors = []

    def second_writer():  # another request: adds a territory to the same member
        try:
            with app.app_context():
                user = db.session.get(User, member.id)
                user.territories.append(db.session.scalar(select(Territory).where(Territory.name == "Trièves")))
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    thread = threading.Thread(target=second_writer)
    try:
        thread.start()
        _wait_for_a_lock_wait()  # the second writer waits for the first one's document
        transaction.commit()
    finally:
        connection.close()
        thread.join(30)
    assert not thread.is_alive() and errors == []
    db.session.remove()
    # The last document written holds both changes: the second writer read the first's commit.
    assert titles(viewer.id, "réhabilitation") == ["Rémi Vasseur"]
    assert titles(viewer.id, "Trièves") == ["Rémi Vasseur"]
    assert titles(viewer.id, "ancienne") == []


def test_a_rebuild_never_writes_an_older_document(ctx, make_user, app):
    viewer = make_user("member")
    member = make_user("member", full_name="Nadia Chevalier", bio="Ancienne présentation.")
    for i in range(5):
        make_user("member", full_name=f"Autre membre {i}")
    connection, transaction = _change_bio_and_hold_the_document(member.id, "Chantiers de réhabilitation lumière")
    counts = []

    def rebuild():
        with app.app_context():
            counts.append(search_cli.rebuild())

    thread = threading.Thread(target=rebuild)
    try:
        thread.start()
        _wait_for_a_lock_wait()  # the rebuild waits for the change in progress
        transaction.commit()
    finally:
        connection.close()
        thread.join(60)
    assert counts and counts[0]["accounts.member"] == 7
    db.session.remove()
    assert titles(viewer.id, "réhabilitation") == ["Nadia Chevalier"]
    assert titles(viewer.id, "ancienne") == []


def test_a_text_too_large_for_a_tsvector_is_indexed_in_part(ctx, make_user, caplog):
    rng = random.Random(5)
    words = ["".join(rng.choices(string.ascii_lowercase, k=9)) for _ in range(110_000)]
    viewer = make_user("member")
    with caplog.at_level(logging.WARNING, logger="network_space.search.backends.postgresql"):
        member = make_user("member", full_name="Archiviste", bio=" ".join(words))
    assert "first 100000 characters are indexed" in caplog.text
    stored = db.session.scalar(select(SearchDocument).where(SearchDocument.obj_id == member.id))
    assert len(stored.content) > 900_000  # kept whole for the snippets
    assert titles(viewer.id, words[10]) == ["Archiviste"]
    assert titles(viewer.id, words[-1]) == []  # beyond the indexed part
    assert LONG_TEXT_INDEXED < len(" ".join(words))


def test_a_rebuild_removes_what_the_database_no_longer_holds(ctx, make_user):
    from network_space.accounts.models import User

    viewer = make_user("member")
    member = make_user("member", full_name="Zéphyrin Lagarde")
    assert db.session.get(SearchWord, "zephyrin") is not None
    # Changes that bypass the ORM (as a script would): the table still has the old documents.
    db.session.execute(update(User).where(User.id == member.id).values(full_name="Paul Lagarde"))
    db.session.execute(text("INSERT INTO search_document (kind, obj_id, title, summary, content, tags, sectors, "
                            "audience, tsv, rank_tsv) VALUES ('gone.kind', 1, 'x', '', '', '{}', '{}', 'member', '', '')"))
    db.session.execute(text("INSERT INTO search_document (kind, obj_id, title, summary, content, tags, sectors, "
                            "audience, tsv, rank_tsv) VALUES ('accounts.member', 999999, 'x', '', '', '{}', '{}', 'member', '', '')"))
    db.session.commit()
    counts = search_cli.rebuild()
    assert counts["accounts.member"] == 2
    rows = db.session.execute(select(SearchDocument.kind, SearchDocument.obj_id, SearchDocument.title)
                              .order_by(SearchDocument.obj_id)).all()
    assert [tuple(row) for row in rows] == [("accounts.member", viewer.id, viewer.full_name),
                                            ("accounts.member", member.id, "Paul Lagarde")]
    assert db.session.get(SearchWord, "zephyrin") is None and db.session.get(SearchWord, "lagarde") is not None
    assert titles(viewer.id, "Lagarde") == ["Paul Lagarde"]


def test_the_worker_fills_an_empty_table(ctx, make_user):
    from network_space.core.worker import run_once

    viewer = make_user("member")
    make_user("member", full_name="Yasmine Roussel")
    get_backend().clear()  # as after switching SEARCH_BACKEND on an existing site
    assert titles(viewer.id, "Roussel") == []
    assert run_once()["search"] == 2
    assert titles(viewer.id, "Roussel") == ["Yasmine Roussel"]
    assert run_once()["search"] == 0


def test_the_engine_refuses_a_database_other_than_postgresql(tmp_path):
    with pytest.raises(RuntimeError, match="SEARCH_BACKEND=postgresql"):
        create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}", SEARCH_BACKEND="postgresql",
                   DATA_DIR=str(tmp_path / "d"), SEARCH_INDEX_DIR=str(tmp_path / "i"))


@pytest.mark.parametrize("dropped", [
    ["ns_french", "ns_spell"],  # an earlier setup stopped after the stop words dictionary
    ["ns_spell"],  # one configuration dropped by hand: the other is kept as it is
])
def test_the_setup_makes_each_missing_text_search_object(ctx, dropped):
    from network_space.search.backends.postgresql import setup

    # DDL is transactional in PostgreSQL: the objects come back when the test rolls back.
    with db.engine.connect() as connection, connection.begin() as transaction:
        for name in dropped:
            connection.execute(text(f"DROP TEXT SEARCH CONFIGURATION {name}"))
        assert setup(connection) == []
        assert connection.execute(text(
            "SELECT to_tsvector('ns_french', 'À Grenoble, des réunions'), "
            "to_tsvector('ns_spell', 'À Grenoble, des réunions')")).one() == (
            "'grenobl':2 'reunion':4", "'grenoble':2 'reunions':4")
        assert setup(connection) == []  # a second run finds everything and changes nothing
        transaction.rollback()


@pytest.fixture
def database_without_extensions(tmp_path):
    """A new database and a role that may create tables in it but not extensions (as on a managed
    server), and a connection as superuser to play the DBA. Skipped if the test role may not."""
    admin_url = make_url(os.environ["TEST_DATABASE_URL"])
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        superuser = connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if not superuser:
        admin.dispose()  # else its pooled connection, collected during a later test, fails it with a ResourceWarning
        pytest.skip("the test role may not create roles and databases")
    with admin.connect() as connection:
        suffix = uuid.uuid4().hex[:8]
        name, role = f"ns_noext_{suffix}", f"ns_limited_{suffix}"
        connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'limited' NOSUPERUSER NOCREATEDB"))
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE template0"))
    dba = create_engine(admin_url.set(database=name), isolation_level="AUTOCOMMIT")
    with dba.connect() as connection:
        connection.execute(text(f"GRANT USAGE, CREATE ON SCHEMA public TO {role}"))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=admin_url.set(database=name, username=role, password="limited")
                     .render_as_string(hide_password=False), SEARCH_BACKEND="postgresql",
                     DATA_DIR=str(tmp_path / "d"), SEARCH_INDEX_DIR=str(tmp_path / "i"))
    try:
        yield app, dba
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        dba.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
            connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def test_without_the_extensions_the_site_works_until_a_dba_creates_them(database_without_extensions, capfd):
    from flask_migrate import upgrade

    from network_space.accounts.models import User

    app, dba = database_without_extensions
    with app.app_context():
        upgrade()  # alembic logs to stderr through its own configuration
        assert "CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;" in capfd.readouterr().err
        viewer = User(email="lecteur@example.org", full_name="Lecteur", role="member")
        viewer.set_password("mot-de-passe-solide-2026")
        db.session.add(viewer)
        db.session.commit()  # a change commits: its document is skipped, not an error
        assert search("Lecteur", viewer).available is False
        status = app.test_cli_runner().invoke(args=["search", "status"]).output
        assert "Extensions PostgreSQL manquantes : unaccent, pg_trgm" in status
        db.session.remove()
    with dba.connect() as connection:  # the DBA's two commands (docs/exploitation.md)
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["search", "reindex"])
        assert result.exit_code == 0, result.output
        viewer = db.session.scalar(select(User))
        found = search("lecteurs", viewer)
        assert found.available and [hit.title for hit in found.hits] == ["Lecteur"]
        assert "Extensions PostgreSQL manquantes" not in app.test_cli_runner().invoke(args=["search", "status"]).output
