"""`flask backup` and `flask restore`: the demo network goes through an archive and comes back
identical, table by table and file by file, on SQLite and on PostgreSQL; a damaged or mismatched
archive, or a target that is not empty, is refused in French and nothing is written."""
from __future__ import annotations

import io
import json
import os
import tarfile
import threading
import uuid
import warnings
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.sql import sqltypes

from network_space import create_app
from network_space.extensions import db


def _app(url: str, base: Path):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url, DATA_DIR=str(base / "data"),
                      SEARCH_INDEX_DIR=str(base / "index"))


def _seed_demo(app) -> None:
    from network_space import DOMAINS
    from network_space.demo import seed_demo

    with app.app_context():
        upgrade()
        seed_demo(DOMAINS)
        db.session.remove()


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def _tables(app) -> dict[str, list[tuple]]:
    """Every row of every table (the Alembic version too), in a stable order."""
    with app.app_context():
        with db.engine.connect() as connection:
            rows = {}
            for name in inspect(connection).get_table_names():
                with warnings.catch_warnings():
                    # SQLite cannot reflect an index on an expression (the directory's list order):
                    # SQLAlchemy warns and leaves it out; only the rows are compared here.
                    warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                    table = Table(name, MetaData(), autoload_with=connection)
                # PostgreSQL cannot order by a json column: such columns are compared, not sorted on.
                keys = [c for c in table.columns if not isinstance(c.type, sqltypes.JSON)]
                rows[name] = [tuple(row) for row in connection.execute(select(table).order_by(*keys))]
        db.engine.dispose()
    return rows


def _files(app) -> dict[str, bytes]:
    root = Path(app.config["DATA_DIR"]) / "files"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()} \
        if root.is_dir() else {}


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory):
    """The demo network on SQLite and its archive, made once for the tests of this module."""
    base = tmp_path_factory.mktemp("demo_backup")
    source = _app(f"sqlite:///{base / 'source.sqlite'}", base / "source")
    _seed_demo(source)
    code, output = _cli(source, "backup", str(base / "sauvegardes"))
    assert code == 0, output
    (archive,) = (base / "sauvegardes").glob("network_space-*.tar")
    assert "Sauvegarde écrite" in output and str(archive) in output
    assert [p.name for p in (base / "sauvegardes").iterdir()] == [archive.name]  # no work files left
    yield source, archive
    with source.app_context():
        db.engine.dispose()


@pytest.fixture
def postgresql_databases():
    """Two new empty PostgreSQL databases beside the test database: (source URL, target URL)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL to a PostgreSQL database")
    url = make_url(base)
    names = [f"{url.database}_bk_{uuid.uuid4().hex[:8]}_{side}" for side in ("src", "dst")]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield tuple(url.set(database=name).render_as_string(hide_password=False) for name in names)
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _round_trip(source, archive: Path, target_url: str, tmp_path: Path) -> None:
    """Restore the archive of ``source`` into an empty site and compare every row and file."""
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[-1] == "manifest.json"
    with source.app_context():
        from network_space.core.backup import code_revision

        assert manifest["schema_revision"] == code_revision()
        assert manifest["database"] == db.engine.dialect.name

    target = _app(target_url, tmp_path / "target")
    code, output = _cli(target, "restore", str(archive))
    assert code == 0, output
    assert "Restauration terminée" in output and "flask search reindex" in output

    before, after = _tables(source), _tables(target)
    assert set(before) == set(after)
    for name in before:
        assert before[name] == after[name], f"table {name} differs after restore"
    for name in ("user", "library_version", "meeting", "event", "organisation", "alembic_version"):
        assert before[name], f"the demo left {name} empty: the comparison would prove nothing"
    files = _files(source)
    assert files and _files(target) == files
    assert set(manifest["members"]) == {f"files/{name}" for name in files} | {
        "database.sqlite" if manifest["database"] == "sqlite" else "database.pgdump"}

    # The restored site works: a demo member logs in and downloads a demo resource's file.
    client = target.test_client()
    with target.app_context():
        from network_space.accounts.models import User
        from network_space.library.models import ResourceVersion

        user = db.session.scalar(select(User).where(User.role == "member", User.active.is_(True)))
        version = db.session.scalar(select(ResourceVersion).order_by(ResourceVersion.id))
        token, url = user.session_token, f"/library/{version.resource_id}/versions/{version.id}/download"
        key = version.storage_key
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = token
    response = client.get(url)
    assert response.status_code == 200 and response.get_data() == files[f"{key[:2]}/{key}"]
    response.close()
    with target.app_context():
        db.engine.dispose()


def test_demo_network_round_trip_on_sqlite(sqlite_demo, tmp_path):
    source, archive = sqlite_demo
    _round_trip(source, archive, f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path)


def test_demo_network_round_trip_on_postgresql(postgresql_databases, sqlite_demo, tmp_path):
    source_url, target_url = postgresql_databases
    # An SQLite archive does not go into PostgreSQL.
    target = _app(target_url, tmp_path / "refused")
    _assert_refused(target, sqlite_demo[1], "contient une base SQLite et le site est configuré sur PostgreSQL")

    source = _app(source_url, tmp_path / "source")
    _seed_demo(source)
    code, output = _cli(source, "backup", str(tmp_path / "sauvegardes"))
    assert code == 0, output
    (archive,) = (tmp_path / "sauvegardes").glob("network_space-*.tar")
    _round_trip(source, archive, target_url, tmp_path)
    with source.app_context():
        db.engine.dispose()


# --- Refusals --------------------------------------------------------------------------------------

@pytest.fixture
def demo_archive(sqlite_demo) -> Path:
    return sqlite_demo[1]


@pytest.fixture
def empty_target(tmp_path):
    return _app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path / "target")


def _rewrite(archive: Path, destination: Path, *, content=None, manifest=None, drop=None) -> Path:
    """A copy of the archive with one member's bytes changed, the manifest edited, or a member left out."""
    with tarfile.open(archive) as source, tarfile.open(destination, "w") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == drop:
                continue
            if member.name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif content and content[0] == member.name:
                data = content[1](data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return destination


def _assert_refused(app, archive: Path, message: str) -> None:
    code, output = _cli(app, "restore", str(archive))
    assert code == 1, output
    assert output.startswith("Erreur : ") and message in output and "Error" not in output
    with app.app_context():
        with db.engine.connect() as connection:
            assert inspect(connection).get_table_names() == []  # nothing written
        db.engine.dispose()
    assert _files(app) == {}


def test_damaged_archives_are_refused(demo_archive, empty_target, tmp_path):
    with tarfile.open(demo_archive) as tar:
        a_file = next(name for name in tar.getnames() if name.startswith("files/"))
    flipped = _rewrite(demo_archive, tmp_path / "flipped.tar",
                       content=(a_file, lambda data: bytes([data[0] ^ 1]) + data[1:]))
    _assert_refused(empty_target, flipped, f"« {a_file} » ne correspond pas à son empreinte SHA-256")
    database = _rewrite(demo_archive, tmp_path / "database.tar",
                        content=("database.sqlite", lambda data: data[:-4096] + bytes(4096)))
    _assert_refused(empty_target, database, "« database.sqlite » ne correspond pas à son empreinte")
    missing = _rewrite(demo_archive, tmp_path / "missing.tar", drop=a_file)
    _assert_refused(empty_target, missing, f"« {a_file} » manque")
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(demo_archive.read_bytes()[: demo_archive.stat().st_size // 2])
    _assert_refused(empty_target, truncated, "Archive endommagée ou incomplète")
    _assert_refused(empty_target, tmp_path / "absente.tar", "Archive introuvable")


def test_mismatched_archives_are_refused(demo_archive, empty_target, tmp_path):
    def older(manifest):
        return dict(manifest, schema_revision="0008")

    _assert_refused(empty_target, _rewrite(demo_archive, tmp_path / "older.tar", manifest=older),
                    "au schéma « 0008 » et cette version du site attend")

    def postgresql(manifest):
        return dict(manifest, database="postgresql")

    _assert_refused(empty_target, _rewrite(demo_archive, tmp_path / "pg.tar", manifest=postgresql),
                    "contient une base PostgreSQL et le site est configuré sur SQLite")


def test_restore_only_into_an_empty_site(demo_archive, empty_target, tmp_path):
    assert _cli(empty_target, "restore", str(demo_archive))[0] == 0
    code, output = _cli(empty_target, "restore", str(demo_archive))
    assert code == 1 and "La base de destination n'est pas vide" in output

    files_only = _app(f"sqlite:///{tmp_path / 'other.sqlite'}", tmp_path / "other")
    stray = Path(files_only.config["DATA_DIR"]) / "files" / "ab" / ("ab" + "0" * 62)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"un fichier")
    code, output = _cli(files_only, "restore", str(demo_archive))
    assert code == 1 and "n'est pas vide" in output
    for app in (empty_target, files_only):
        with app.app_context():
            db.engine.dispose()


def test_backup_while_the_site_writes(tmp_path):
    """The database is copied by SQLite's online backup while another connection keeps writing:
    the copy is one consistent state, between the counts seen before and after."""
    from network_space.core.audit import AuditEntry

    app = _app(f"sqlite:///{tmp_path / 'busy.sqlite'}", tmp_path / "busy")
    with app.app_context():
        upgrade()
        db.session.add_all(AuditEntry(action=f"avant {i}") for i in range(200))
        db.session.commit()
    stop = threading.Event()

    def write():
        with app.app_context():
            while not stop.is_set():
                db.session.add(AuditEntry(action="pendant"))
                db.session.commit()
            db.session.remove()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        code, output = _cli(app, "backup", str(tmp_path / "out"))
    finally:
        stop.set()
        writer.join()
    assert code == 0, output
    target = _app(f"sqlite:///{tmp_path / 'restored.sqlite'}", tmp_path / "restored")
    assert _cli(target, "restore", str(next((tmp_path / "out").glob("*.tar"))))[0] == 0
    with target.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            restored = connection.execute(text("SELECT count(*) FROM audit_entry")).scalar()
        db.engine.dispose()
    with app.app_context():
        total = db.session.scalar(select(db.func.count(AuditEntry.id)))
        db.engine.dispose()
    assert 200 <= restored <= total


def test_backup_refuses_a_database_without_schema_revision(app, tmp_path):
    """The test database is built by create_all(), without Alembic's version table."""
    code, output = _cli(app, "backup", str(tmp_path / "out"))
    assert code == 1 and "flask db upgrade" in output and output.startswith("Erreur : ")
    assert not list((tmp_path / "out").glob("*.tar"))
