"""The worker: one loop that runs every registered background task.

Domains register their tasks with ``@worker_task("name")`` (outbox delivery, digests, reminders,
search queue, retention…). ``flask worker --once`` runs each task once, for cron; ``flask worker``
loops every WORKER_INTERVAL seconds. A failing task is logged and retried on the next round; it
never stops the others.
"""
from __future__ import annotations

import time
from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext

from network_space.extensions import db

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
                db.session.rollback()
                current_app.logger.exception("worker task %s failed", name)
                results[name] = error
    db.session.remove()
    return results


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
    while True:
        run_once()
        time.sleep(interval)


def init_app(app) -> None:
    app.cli.add_command(worker_command)
