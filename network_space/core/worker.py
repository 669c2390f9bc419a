"""The worker: one loop that runs every registered background task.

Domains register their tasks with ``@worker_task("name")`` (outbox delivery, digests, reminders,
search queue, retention…). ``flask worker --once`` runs each task once, for cron; ``flask worker``
loops every WORKER_INTERVAL seconds. A failing task is logged and retried on the next round; it
never stops the others. The loop itself survives anything (a database restart makes even the
rollback after an error fail): it logs, backs off while everything fails, starts again on a fresh
session and fresh connections, and goes on.
"""
from __future__ import annotations

import logging
import signal
import time
from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext

from network_space.extensions import db

log = logging.getLogger(__name__)
MAX_BACKOFF = 60  # seconds between rounds while every task fails

Task = Callable[[], object]
_tasks: dict[str, Task] = {}


def worker_task(name: str) -> Callable[[Task], Task]:
    def decorator(fn: Task) -> Task:
        _tasks[name] = fn
        return fn

    return decorator


def run_once() -> dict[str, object]:
    """Run every task once; returns each task's result (or the error it raised)."""
    results: dict[str, object] = {}
    # A request context on SITE_URL lets tasks build absolute links with url_for() and render
    # the same templates as the site, exactly as in a request.
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        for name, task in list(_tasks.items()):
            try:
                results[name] = task()
            except Exception as error:  # noqa: BLE001 - one broken task must not stop the others
                current_app.logger.exception("worker task %s failed", name)
                results[name] = error
                _fresh_session()
    _fresh_session()
    return results


def _fresh_session() -> None:
    """Let the session go. Closing it rolls back, which fails when its connection died with the
    database server; it is then dropped as it is, and the next use opens a new one."""
    try:
        db.session.remove()
    except Exception:  # noqa: BLE001 - whatever the database did, the worker goes on
        log.warning("worker: the session could not be closed cleanly; dropping it", exc_info=True)
        db.session.registry.clear()


def run_forever(interval: float, stop: _StopOnSignal) -> None:
    """Rounds of run_once() every ``interval`` seconds until ``stop`` is requested. While every
    task fails (the database is down), the pause doubles up to MAX_BACKOFF and the connection
    pool is renewed."""
    failures = 0
    while not stop.requested:
        try:
            results = run_once()
            ok = not results or not all(isinstance(r, Exception) for r in results.values())
        except Exception:  # noqa: BLE001 - the loop must outlive any error
            log.exception("worker: the round failed")
            ok = False
        if ok:
            failures = 0
        else:
            failures += 1
            _fresh_session()
            try:
                db.engine.dispose()
            except Exception:  # noqa: BLE001 - the pool is rebuilt on next use anyway
                log.warning("worker: disposing of the connection pool failed", exc_info=True)
        stop.sleep(interval if ok else min(interval * 2 ** failures, MAX_BACKOFF))


@click.command("worker")
@click.option("--once", is_flag=True, help="Exécuter chaque tâche une fois puis s'arrêter (pour cron).")
@with_appcontext
def worker_command(once: bool) -> None:
    """Envoie les emails en attente et exécute les tâches de fond."""
    if once:
        for name, result in run_once().items():
            click.echo(f"{name}: {result}")
        return
    interval = current_app.config["WORKER_INTERVAL"] or 5
    click.echo(f"Worker démarré (tâches : {', '.join(_tasks)}), intervalle {interval} s.")
    run_forever(interval, _StopOnSignal())
    click.echo("Worker arrêté.")


class _StopOnSignal:
    """SIGINT and SIGTERM end the loop between two rounds: a round under way (an email being
    sent) finishes first; a pause is cut short."""

    class _Wake(Exception):
        pass

    def __init__(self):
        self.requested = False
        self._sleeping = False
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, _signum, _frame):
        self.requested = True
        if self._sleeping:
            raise self._Wake

    def sleep(self, seconds: float) -> None:
        self._sleeping = True
        try:
            if not self.requested:
                time.sleep(seconds)
        except self._Wake:
            pass
        finally:
            self._sleeping = False


def init_app(app) -> None:
    app.cli.add_command(worker_command)
