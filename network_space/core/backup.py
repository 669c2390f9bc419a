"""`flask backup DEST` and `flask restore ARCHIVE`: one archive that restores.

The archive is a tar file holding
- the database, copied while the site runs by the database's own online backup: SQLite's backup
  API (one consistent snapshot), or PostgreSQL's ``pg_dump`` in custom format (one transaction);
- the stored files (``DATA_DIR/files``), copied after the database: they are named by their
  content and never changed nor deleted, so every file the database snapshot names is there;
- ``manifest.json`` last: format, date, database kind, schema revision (Alembic), and the
  SHA-256 and size of every other member.

A restore checks everything before it writes anything: the archive reads, every member matches
the manifest, the database kind is the site's, the schema revision is the one this version of
the code expects, and the database and data folder are empty. The search index is not saved:
it is rebuilt from the database (``flask search reindex``).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from network_space.core.models import utcnow
from network_space.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
DATABASE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_FILE_MEMBER = re.compile(r"files/([0-9a-f]{2})/(\1[0-9a-f]{62})")
CHUNK = 1024 * 1024


class BackupError(click.ClickException):
    """A refusal or failure, explained in French (shown without click's English "Error:")."""

    def show(self, file=None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True)


# --- What the site runs on ---------------------------------------------------------------------

def database_kind() -> str:
    kind = db.engine.dialect.name
    if kind not in DATABASE_MEMBERS:
        raise BackupError(f"Base de données « {kind} » non prise en charge (SQLite ou PostgreSQL seulement).")
    return kind


def code_revision() -> str:
    """The schema revision this version of the code expects (the head of migrations/)."""
    heads = ScriptDirectory(current_app.extensions["migrate"].directory).get_heads()
    if len(heads) != 1:
        raise BackupError(f"Les migrations ont {len(heads)} têtes : impossible de savoir quel schéma attendre.")
    return heads[0]


def database_revision() -> str:
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            raise BackupError("La base n'a pas de version de schéma (table alembic_version) : lancez "
                              "« flask db upgrade » avant de la sauvegarder.")
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if not revision:
        raise BackupError("La base n'a pas de version de schéma : lancez « flask db upgrade ».")
    return revision


def sqlite_path() -> Path:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas : indiquez un fichier dans DATABASE_URL.")
    return Path(path)


def files_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "files"


# --- PostgreSQL tools --------------------------------------------------------------------------

@contextmanager
def _libpq(url: URL):
    """A libpq connection URI for pg_dump / pg_restore. The password goes in a temporary password
    file (mode 0600, named by the URI's passfile parameter), not in the process list."""
    with tempfile.TemporaryDirectory(prefix="ns-pg-") as folder:
        query = {}
        if url.password:
            passfile = Path(folder) / "pgpass"
            secret = str(url.password).replace("\\", "\\\\").replace(":", "\\:")
            descriptor = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(f"*:*:*:*:{secret}\n")
            query["passfile"] = str(passfile)
        yield url.set(drivername="postgresql", password=None).update_query_dict(query).render_as_string(
            hide_password=False)


def _server_major(connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore of at least the server's major version: PG_BIN_DIR when set, else
    Debian's /usr/lib/postgresql/<major>/bin, else the PATH."""
    with db.engine.connect() as connection:
        major = _server_major(connection)
    configured = current_app.config.get("PG_BIN_DIR")
    candidates = [Path(configured) / name] if configured else [Path(f"/usr/lib/postgresql/{major}/bin") / name]
    found = next((str(path) for path in candidates if path.is_file()), None)
    if found is None and not configured:
        found = shutil.which(name)
    if found is None:
        raise BackupError(f"Programme {name} introuvable : installez les outils clients de PostgreSQL {major} "
                          f"ou indiquez leur dossier dans PG_BIN_DIR.")
    output = subprocess.run([found, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None or int(match.group(1)) < major:
        raise BackupError(f"{found} ({output.strip() or 'version inconnue'}) est plus ancien que le serveur "
                          f"PostgreSQL {major} : indiquez dans PG_BIN_DIR le dossier des outils de la version {major}.")
    return found


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} a échoué : {result.stderr.strip()[-2000:]}")


# --- Backup ------------------------------------------------------------------------------------

class _Hashing(io.RawIOBase):
    """Reads a file through, counting its SHA-256 and size for the manifest."""

    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size=-1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add(archive: tarfile.TarFile, path: Path, name: str, members: dict) -> None:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = int(path.stat().st_mtime)
    info.mode = 0o640
    with open(path, "rb") as stream:
        reader = _Hashing(stream)
        archive.addfile(info, reader)
    if reader.size != info.size:
        raise BackupError(f"Le fichier {name} a changé pendant la sauvegarde.")
    members[name] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}


def _dump_database(kind: str, target: Path) -> dict:
    if kind == "sqlite":
        source = sqlite3.connect(sqlite_path())
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)  # all pages in one step: one consistent snapshot
        finally:
            copy.close()
            source.close()
        return {}
    tool = pg_tool("pg_dump")
    with _libpq(db.engine.url) as uri:
        _run([tool, "--format=custom", f"--file={target}", f"--dbname={uri}"], "pg_dump")
    with db.engine.connect() as connection:
        return {"server_version": connection.execute(text("SHOW server_version")).scalar()}


@dataclass
class BackupReport:
    path: Path
    size: int
    files: int


def create_backup(destination: Path) -> BackupReport:
    """Write the archive into the folder ``destination`` (created if needed), atomically: a
    name ending in .tar is a complete archive."""
    kind = database_kind()
    revision = database_revision()
    destination.mkdir(parents=True, exist_ok=True)
    created = utcnow()
    target = destination / f"network_space-{created:%Y%m%d-%H%M%S}.tar"
    partial = target.with_name(target.name + ".partiel")
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=destination, prefix=".sauvegarde-") as work:
        dump = Path(work) / DATABASE_MEMBERS[kind]
        extra = _dump_database(kind, dump)
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                _add(archive, dump, DATABASE_MEMBERS[kind], members)
                dump.unlink()
                stored = sorted(p for p in files_dir().rglob("*") if p.is_file()) if files_dir().is_dir() else []
                for path in stored:
                    name = FILES_PREFIX + path.relative_to(files_dir()).as_posix()
                    if _FILE_MEMBER.fullmatch(name):  # a stray file (an editor's backup…) is no stored file
                        _add(archive, path, name, members)
                manifest = json.dumps({
                    "format": FORMAT, "application": "network_space", "created_at": created.isoformat(),
                    "database": kind, "schema_revision": revision, "members": members, **extra,
                }, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(manifest), int(created.timestamp()), 0o640
                archive.addfile(info, io.BytesIO(manifest))
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return BackupReport(target, target.stat().st_size, sum(1 for name in members if name.startswith(FILES_PREFIX)))


# --- Restore -----------------------------------------------------------------------------------

def _damaged(detail: str) -> BackupError:
    return BackupError(f"Archive endommagée ou incomplète : {detail}. Rien n'a été restauré.")


def read_manifest(archive_path: Path) -> dict:
    """The manifest, once every member of the archive was read and checked against it."""
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            manifest = None
            seen: dict[str, dict] = {}
            for member in archive:
                if member.name == MANIFEST:
                    manifest = json.loads(archive.extractfile(member).read())
                    continue
                if not member.isfile():
                    raise _damaged(f"élément inattendu « {member.name} »")
                digest, size = hashlib.sha256(), 0
                stream = archive.extractfile(member)
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                seen[member.name] = {"sha256": digest.hexdigest(), "size": size}
    except FileNotFoundError:
        raise BackupError(f"Archive introuvable : {archive_path}.") from None
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:  # ValueError: bad JSON
        raise _damaged(f"lecture impossible ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
            not isinstance(manifest.get("members"), dict):
        raise _damaged("pas de manifeste lisible (manifest.json)")
    expected = manifest["members"]
    for name in sorted(set(expected) | set(seen)):
        if name not in seen:
            raise _damaged(f"« {name} » manque")
        if name not in expected:
            raise _damaged(f"« {name} » n'est pas dans le manifeste")
        if seen[name] != expected[name]:
            raise _damaged(f"« {name} » ne correspond pas à son empreinte SHA-256")
        if name.startswith(FILES_PREFIX):
            match = _FILE_MEMBER.fullmatch(name)
            if match is None or match.group(2) != seen[name]["sha256"]:
                raise _damaged(f"« {name} » n'est pas un fichier stocké valide")
        elif name not in DATABASE_MEMBERS.values():
            raise _damaged(f"élément inattendu « {name} »")
    return manifest


def _check_compatible(manifest: dict) -> str:
    kind = database_kind()
    archived = manifest.get("database")
    if archived != kind:
        raise BackupError(
            f"Cette sauvegarde contient une base {DATABASE_LABELS.get(archived, archived)} et le site est configuré "
            f"sur {DATABASE_LABELS[kind]} : restaurez-la sur le même type de base. Rien n'a été restauré.")
    if DATABASE_MEMBERS[kind] not in manifest["members"]:
        raise _damaged("la base de données manque")
    expected = code_revision()
    if manifest.get("schema_revision") != expected:
        raise BackupError(
            f"Cette sauvegarde est au schéma « {manifest.get('schema_revision')} » et cette version du site attend "
            f"« {expected} » : restaurez-la avec la version du site qui l'a produite, puis mettez à jour "
            f"(flask db upgrade). Rien n'a été restauré.")
    return kind


def _check_empty(kind: str) -> None:
    with db.engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        raise BackupError(f"La base de destination n'est pas vide ({len(tables)} tables) : la restauration se fait "
                          f"dans une base vide. Rien n'a été restauré.")
    if files_dir().is_dir() and any(files_dir().iterdir()):
        raise BackupError(f"Le dossier des fichiers {files_dir()} n'est pas vide : la restauration se fait dans un "
                          f"dossier vide. Rien n'a été restauré.")


def _restore_database(kind: str, dump: Path) -> None:
    db.engine.dispose()
    if kind == "sqlite":
        sqlite_path().parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dump)
        target = sqlite3.connect(sqlite_path())
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    tool = pg_tool("pg_restore")
    with _libpq(db.engine.url) as uri:
        _run([tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              f"--dbname={uri}", str(dump)], "pg_restore")


def restore_backup(archive_path: Path) -> dict:
    """Restore the archive into the empty database and data folder; returns its manifest.

    Files are first written beside their final folder and moved in place once the database is
    restored, so that a failure leaves the data folder as empty as it was."""
    manifest = read_manifest(archive_path)
    kind = _check_compatible(manifest)
    _check_empty(kind)
    final = files_dir()
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=".restauration-"))
    try:
        dump = staging / "database"
        with tarfile.open(archive_path, "r:*") as archive:
            for member in archive:
                if member.name == MANIFEST:
                    continue
                target = dump if member.name == DATABASE_MEMBERS[kind] else staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
        _restore_database(kind, dump)
        dump.unlink()
        if (staging / "files").is_dir():
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.is_dir():
                final.rmdir()  # checked empty above
            os.replace(staging / "files", final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


# --- Commands ----------------------------------------------------------------------------------

@click.command("backup")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(destination: Path) -> None:
    """Sauvegarde la base et les fichiers dans une archive (dossier DESTINATION)."""
    report = create_backup(destination)
    click.echo(f"Sauvegarde écrite : {report.path} ({report.size / 1024 / 1024:.1f} Mo, "
               f"{report.files} fichier{'s' if report.files > 1 else ''} déposé{'s' if report.files > 1 else ''}).")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(archive: Path) -> None:
    """Restaure une archive de « flask backup » dans une base et un dossier de fichiers vides."""
    manifest = restore_backup(archive)
    click.echo(f"Restauration terminée : sauvegarde du {manifest['created_at']} "
               f"(schéma {manifest['schema_revision']}). Reconstruisez l'index de recherche : flask search reindex.")


def init_app(app) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
