"""`flask search reindex` and `flask search status`, whatever the engine (SEARCH_BACKEND)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from network_space.core.worker import worker_task
from network_space.extensions import db
from network_space.search.backends import get_backend
from network_space.search.registry import all_types

search_cli = AppGroup("search", help="Index de recherche plein texte.")


def count_objects(session: Session) -> dict[str, int]:
    return {t.kind: session.scalar(select(func.count()).select_from(t.model)) or 0 for t in all_types()}


def rebuild(progress=None) -> dict[str, int]:
    """Index every object again, with the engine SEARCH_BACKEND names (documents per kind)."""
    return get_backend().rebuild(progress)


@search_cli.command("reindex")
def reindex_command() -> None:
    """Reconstruit l'index depuis la base, sans interrompre la recherche."""
    with Session(db.engine) as session:
        total = sum(count_objects(session).values())
    with click.progressbar(length=total, label="Indexation", show_pos=True) as bar:
        counts = rebuild(progress=bar.update)
    click.echo(f"{'type':<24} {'documents':>9}")
    for kind, n in counts.items():
        click.echo(f"{kind:<24} {n:>9}")
    click.echo(f"Index reconstruit (moteur {current_app.config['SEARCH_BACKEND']}).")
    for line in get_backend().status_lines():
        click.echo(line)


@search_cli.command("status")
def status_command() -> None:
    """Compare le nombre de documents de l'index et de la base."""
    backend = get_backend()
    counts = backend.indexed_counts()
    with Session(db.engine) as session:
        in_db = count_objects(session)
    click.echo(f"Moteur : {backend.name}")
    if counts is None:
        click.echo("Index absent ou illisible : lancez « flask search reindex ».")
    click.echo(f"{'type':<24} {'base':>8} {'index':>8}")
    for kind, n in in_db.items():
        indexed = "-" if counts is None else counts.get(kind, 0)
        mark = "" if counts is not None and indexed == n else "  ≠"
        click.echo(f"{kind:<24} {n:>8} {indexed:>8}{mark}")
    for line in backend.status_lines():
        click.echo(line)
    click.echo("(La base compte tous les objets ; l'index omet ceux qui ne sont pas indexables, "
               "par exemple les comptes désactivés.)")


@worker_task("search")
def background_round() -> int:
    """The worker task: what the engine does in the background (Whoosh: apply the queued
    changes, rebuild a missing or damaged index; PostgreSQL: fill an empty table)."""
    return get_backend().worker_round()
