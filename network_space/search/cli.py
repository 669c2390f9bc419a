"""`flask search reindex` and `flask search status`."""
from __future__ import annotations

import logging
import os
import shutil

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from network_space.core.worker import worker_task
from network_space.extensions import db
from network_space.search import index as search_index
from network_space.search import queue
from network_space.search.registry import all_types

search_cli = AppGroup("search", help="Index de recherche plein texte.")

BATCH = 200
log = logging.getLogger(__name__)


def count_objects(session: Session) -> dict[str, int]:
    return {t.kind: session.scalar(select(func.count()).select_from(t.model)) or 0 for t in all_types()}


def rebuild(progress=None) -> dict[str, int]:
    """Build a complete index from the database in a new directory, then swap it in.

    Changes committed meanwhile are applied to the old index as usual but their queue rows are
    kept (the rebuilding flag), and drained into the new index right after the swap.
    """
    flag = queue.rebuilding_flag_path()
    flag.parent.mkdir(parents=True, exist_ok=True)
    flag.touch()
    target = search_index.new_version_dir()
    counts: dict[str, int] = {}
    try:
        ix = search_index.create_index_in(target)
        # One analysing process per core (SEARCH_REINDEX_PROCS); each writes its own segment.
        procs = current_app.config["SEARCH_REINDEX_PROCS"] or os.cpu_count() or 1
        writer = ix.writer(limitmb=current_app.config["SEARCH_REINDEX_LIMITMB"], procs=procs,
                           multisegment=procs > 1, **search_index.writer_options())
        try:
            with Session(db.engine) as session:
                for search_type in all_types():
                    model = search_type.model
                    counts[search_type.kind] = 0
                    last_id = 0
                    # Keyset batches: memory stays flat whatever the number of objects.
                    while True:
                        batch = session.scalars(
                            select(model).where(model.id > last_id).order_by(model.id).limit(BATCH)
                            .options(*search_type.load_options)
                        ).all()
                        if not batch:
                            break
                        for obj in batch:
                            document = search_type.to_document(obj)
                            if document is not None:
                                writer.add_document(**search_index.to_fields(search_type.kind, obj.id, document))
                                counts[search_type.kind] += 1
                            if progress:
                                progress(1)
                        last_id = batch[-1].id
                        session.expunge_all()
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        search_index.swap_in(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        flag.unlink(missing_ok=True)
    for _ in range(1000):  # bounded: another rebuild starting now would keep the rows
        if not queue.drain(timeout=30):
            break
    return counts


@search_cli.command("reindex")
def reindex_command() -> None:
    """Reconstruit l'index depuis la base, sans interrompre la recherche."""
    with Session(db.engine) as session:
        total = sum(count_objects(session).values())
    with click.progressbar(length=total, label="Indexation", show_pos=True) as bar:
        counts = rebuild(progress=bar.update)
    for kind, n in counts.items():
        click.echo(f"  {kind:<24} {n} document{'s' if n > 1 else ''}")
    click.echo(f"Index reconstruit : {search_index.index_path()} ({search_index.index_size_bytes() // 1024} Kio).")


def index_counts() -> dict[str, int] | None:
    try:
        ix = search_index.open_index()
        if ix is None:
            return None
        with ix.searcher() as searcher:
            return {t.kind: searcher.doc_frequency("kind", t.kind) for t in all_types()}
    except Exception as error:  # noqa: BLE001 - status reports a damaged index instead of failing
        search_index.close_leaked_files(error)
        return None


@search_cli.command("status")
def status_command() -> None:
    """Compare le nombre de documents de l'index et de la base."""
    counts = index_counts()
    with Session(db.engine) as session:
        in_db = count_objects(session)
    if counts is None:
        click.echo("Index absent ou illisible : lancez « flask search reindex ».")
    click.echo(f"{'type':<24} {'base':>8} {'index':>8}")
    for kind, n in in_db.items():
        indexed = "-" if counts is None else counts.get(kind, 0)
        mark = "" if counts is not None and indexed == n else "  ≠"
        click.echo(f"{kind:<24} {n:>8} {indexed:>8}{mark}")
    click.echo(f"Modifications en attente : {queue.pending_count()}")
    click.echo(f"Répertoire : {search_index.index_path()} ({search_index.index_size_bytes() // 1024} Kio)")
    click.echo("(La base compte tous les objets ; l'index omet ceux qui ne sont pas indexables, "
               "par exemple les comptes désactivés.)")


@worker_task("search")
def drain_queue() -> int:
    """The worker task: apply the queued changes to the index, or build the index whole when
    there is none (first start, deleted, or damaged: then it is moved aside first)."""
    state = search_index.state()
    if state == search_index.DAMAGED:
        aside = search_index.set_aside()
        log.error("search: the index could not be read; moved aside to %s and rebuilt", aside)
    if state != search_index.READABLE:
        return sum(rebuild().values())
    total = 0
    for _ in range(20):  # bounded per round; the next round continues
        applied = queue.drain()
        if not applied:
            break
        total += applied
    return total
