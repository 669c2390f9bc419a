"""Benchmark: queue 2,000 notification emails through notify() and deliver them with one worker to
a local SMTP server (aiosmtpd); prints messages per second and peak memory. Target: >= 50 msg/s.

    .venv/bin/python bench/notifications.py [--messages 2000]

Standalone: it builds its own temporary SQLite database and SMTP server; nothing else is touched.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from network_space import create_app  # noqa: E402
from network_space.extensions import db  # noqa: E402
from tests.helpers import free_port  # noqa: E402


class CountingHandler:
    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 OK"


def serve_smtp(port: int, counter, ready, stop) -> None:
    """The SMTP server runs in its own process, so the worker's CPU time is measured alone."""
    controller = Controller(CountingHandler(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url", help="an EMPTY database to use instead of a temporary SQLite file")
    parser.add_argument("--tracemalloc", action="store_true", help="measure Python peak memory (slower)")
    args = parser.parse_args()

    port = free_port()
    counter, ready, stop = multiprocessing.Value("i", 0), multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=serve_smtp, args=(port, counter, ready, stop), daemon=True)
    server.start()
    ready.wait(30)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=args.database_url or f"sqlite:///{tmp}/bench.sqlite",
            DATA_DIR=f"{tmp}/data",
            SEARCH_INDEX_DIR=f"{tmp}/index",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            MAIL_SUPPRESS_SEND=False,
        )
        with app.app_context():
            from network_space.accounts.models import User
            from network_space.core.outbox import deliver_pending
            from network_space.notifications.registry import register_kind
            from network_space.notifications.services import notify

            db.create_all()
            register_kind("bench.meeting", "Réunion modifiée", "meetings")
            users = [User(email=f"membre{i}@example.org", full_name=f"Membre {i}", password_hash="x")
                     for i in range(args.messages)]
            db.session.add_all(users)
            db.session.commit()

            if args.tracemalloc:
                tracemalloc.start()
            started = time.perf_counter()
            with app.test_request_context(base_url=app.config["SITE_URL"]):
                notify("bench.meeting", users, title="Plénière déplacée au 12 mars", url="/",
                       message="La réunion plénière a lieu salle B12.")
                db.session.commit()
            queued = time.perf_counter()
            cpu_before = time.process_time()
            report = deliver_pending()
            delivered = time.perf_counter()
            cpu_delivery = time.process_time() - cpu_before
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            if args.database_url:
                db.session.remove()
                db.drop_all()
            db.session.remove()
            db.engine.dispose()
    stop.set()
    server.join(10)

    assert report.sent == counter.value == args.messages, (report, counter.value)
    send_rate = args.messages / (delivered - queued)
    overall = args.messages / (delivered - started)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"notify() + queue : {args.messages} emails en {queued - started:.2f} s")
    print(f"livraison SMTP   : {args.messages} emails en {delivered - queued:.2f} s = {send_rate:.0f} messages/s")
    print(f"  CPU du worker  : {cpu_delivery:.2f} s = {args.messages / cpu_delivery:.0f} messages par seconde de CPU")
    print(f"de bout en bout  : {overall:.0f} messages/s (objectif : >= 50)")
    print(f"charge machine   : {os.getloadavg()[0]:.1f} (moyenne 1 min), {os.cpu_count()} cœurs")
    python_peak = f"pic Python {peak / 1024 / 1024:.1f} Mo (tracemalloc), " if args.tracemalloc else ""
    print(f"mémoire          : {python_peak}RSS max du processus {rss_mb:.0f} Mo")


if __name__ == "__main__":
    main()
