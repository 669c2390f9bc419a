"""Benchmark: the main pages under load (issue 15 §7). Fills an EMPTY PostgreSQL database with the
demo network scaled ×10 (the demo seeded once, then its content copied nine times: members,
organisations, resources, threads, meetings, events, announcements, notifications), serves the
site with gunicorn (2 workers), logs in as the demo member through the login form, then keeps 30
connections busy for N seconds on each main page, and on a bare Flask route served the same way
in the same run (the reference), and on a page of the site that renders nothing but the layout for
the member (bench/_layout.py: every request's fixed cost, the ceiling any page can reach). Prints
requests per second, p50 and p95 per page, the machine's load (the cores are shared: other
processes' load lowers every figure alike), and where a request's time goes: the CPU time per
request of gunicorn's workers, of the PostgreSQL backends serving the database when it runs on
this machine, and of the load generator (read from /proc: Linux).
Targets (2-core machine): dashboard >= 250 req/s, p95 <= 150 ms at 30 connections.

    .venv/bin/python bench/pages.py --database-url postgresql+psycopg://ns:ns@127.0.0.1:5432/EMPTY_DB
        [--seconds 30] [--connections 30] [--copies 9] [--port 7300]

Standalone: fills the EMPTY database given and empties it at the end; a temporary instance
directory (index, files); nothing else is touched.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import secrets
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402
    BARE_TARGET, BENCH, LAYOUT_PATH, analyze, cpu_per_request, cpu_reading, drive, drop_extensions, extensions,
    machine_load, percentile, serve, stop)

PAGES = (
    # (label, path, text the answer must contain)
    ("tableau de bord", "/", "Bonjour"),
    ("bibliothèque", "/library/", "Biblioth"),
    ("bibliothèque, recherche", "/library/?q=clauses", "Biblioth"),
    ("annuaire", "/directory/", "organisations"),
    ("réunions", "/meetings/", "Réunions"),
    ("agenda (mois)", "/events/", "Agenda"),
    ("membres", "/members/", "Membres"),
    ("notifications", "/notifications/", "Notifications"),
    ("discussions", "/discussions/", "Discussions"),
)

# The demo's content, copied to scale it: each copy's ids are shifted by k × ID_SHIFT in these
# tables and in every column that refers to one of them. The reference tables (territories,
# sectors, kinds, categories, tags, series…) are not copied: the copies point at the same ones.
COPIED = (
    "user", "user_territory", "notification",
    "organisation", "organisation_territory", "organisation_sector", "organisation_service", "organisation_contact",
    "library_resource", "library_resource_tag", "library_resource_sector",
    "discussion_thread", "discussion_thread_tag", "discussion_writeup",
    "meeting", "meeting_organiser", "meeting_invitee", "meeting_territory",
    "event", "event_organiser", "event_partner", "event_registration",
    "announcement", "announcement_territory",
)
ID_SHIFT = 1_000_000


def _copied_value(column, value, k: int):
    """``value`` of ``column`` in the k-th copy of its row."""
    if value is None:
        return None
    if column.table.name == "user" and column.name == "email":
        return f"copie{k}.{value}"
    if column.table.name == "user" and column.name == "session_token":
        return secrets.token_hex(24)
    if column.table.name == "organisation" and column.name == "siret":
        return None  # unique, and no room for a suffix in 14 digits
    shifted = (column.primary_key and column.name == "id") or any(
        fk.column.table.name in COPIED for fk in column.foreign_keys)
    return value + k * ID_SHIFT if shifted else value


def scale_demo(copies: int) -> dict[str, int]:
    """Copy the demo content ``copies`` times (this function commits); the rows per table after."""
    from sqlalchemy import func, insert, select, text

    from network_space.extensions import db

    tables = [t for t in db.metadata.sorted_tables if t.name in COPIED]
    for table in tables:
        rows = [dict(row._mapping) for row in db.session.execute(select(table))]
        for k in range(1, copies + 1):
            copied = [{name: _copied_value(table.c[name], value, k) for name, value in row.items()} for row in rows]
            if copied:
                db.session.execute(insert(table), copied)
    db.session.commit()
    for table in tables:  # the ids given explicitly: the sequences must follow
        if "id" in table.c:
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                    f"(SELECT max(id) FROM \"{table.name}\"))"))
    analyze(db.session)
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}


def log_in(base: str, email: str, password: str) -> str:
    """Log in through the login form, as a person would; the session cookie."""
    from tests.helpers import csrf_token

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/login").read().decode()
    data = urllib.parse.urlencode({"csrf_token": csrf_token(form), "email": email, "password": password}).encode()
    page = opener.open(f"{base}/login", data=data).read().decode()
    assert "Bonjour" in page, "login failed"
    return next(cookie.value for cookie in jar if cookie.name == "session")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True,
                        help="an EMPTY PostgreSQL database (postgresql+psycopg://…), emptied again at the end")
    parser.add_argument("--seconds", type=float, default=30, help="load per page, in seconds (default 30)")
    parser.add_argument("--connections", type=int, default=30, help="connections kept busy (default 30)")
    parser.add_argument("--port", type=int, help="the bare route's port, the site's the next one (default: free ports)")
    parser.add_argument("--copies", type=int, default=9, help="copies of the demo content added (default 9: ×10)")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        parser.error("--database-url postgresql+psycopg://… (an empty PostgreSQL database)")

    tmp = Path(tempfile.mkdtemp(prefix="ns-bench-pages-"))
    secret = secrets.token_hex(32)
    env = dict(os.environ, NS_CONFIG="development", NS_INSTANCE_DIR=str(tmp), DATABASE_URL=args.database_url,
               SEARCH_INDEX_DIR=str(tmp / "index"), DATA_DIR=str(tmp / "data"), RATELIMIT_ENABLED="0",
               SECRET_KEY=secret, MAIL_SUPPRESS_SEND="1", FLASK_DEBUG="0")
    os.environ.update(env)  # before the first import of the application: config.py reads it at import

    from flask_migrate import upgrade
    from sqlalchemy import inspect, select, text

    from network_space import DOMAINS, create_app
    from network_space.accounts.models import User
    from network_space.core.demo import DEMO_PASSWORD
    from network_space.demo import seed_demo
    from network_space.extensions import db
    from network_space.search import cli as search_cli
    from tests.helpers import free_port

    app = create_app("development")
    servers = []
    found = None  # the extensions the database had: the others are the benchmark's, dropped at the end
    try:
        with app.app_context():
            assert not inspect(db.engine).get_table_names(), "the benchmark needs an EMPTY database"
            found = extensions(db.session)
            started = time.perf_counter()
            upgrade(directory=str(ROOT / "migrations"))  # the schema and the reference rows, as in production
            seed_demo(DOMAINS)
            counts = scale_demo(args.copies)
            search_cli.rebuild()
            member = db.session.scalar(select(User).where(User.role == "member", User.active.is_(True))
                                       .order_by(User.id))
            email = member.email
            print(f"Données : démo ×{args.copies + 1} en {time.perf_counter() - started:.0f} s — "
                  + ", ".join(f"{counts[t]} {t}" for t in ("user", "organisation", "library_resource",
                                                           "discussion_thread", "meeting", "event")))
            db.engine.dispose()

        bare_port, site_port = (args.port, args.port + 1) if args.port else (free_port(), free_port())
        servers.append(serve(BARE_TARGET, bare_port, env, BENCH))
        servers.append(serve("_layout:app", site_port, env, BENCH))  # the site, plus the layout-only page
        cookie = log_in(f"http://127.0.0.1:{site_port}", email, DEMO_PASSWORD)
        print(f"Machine : {os.cpu_count()} cœurs, charge (1 min) {machine_load()} ; gunicorn 2 workers, "
              f"PostgreSQL ; {args.connections} connexions pendant {args.seconds:.0f} s par page ; "
              f"membre de démo {email}")
        print("Temps processeur par requête (ms) : workers = ceux de gunicorn, base = les processus de PostgreSQL "
              "servant la base (sur cette machine), client = le générateur de charge")
        database = urllib.parse.urlsplit(args.database_url).path.lstrip("/")
        print(f"{'page':<28}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'échecs':>8}{'charge':>8}"
              f"{'workers':>9}{'base':>7}{'client':>8}")
        bare_server, site_server = servers
        measures = [("route Flask nue (référence)", bare_server, bare_port, "/", None, "ok"),
                    ("mise en page seule (plafond)", site_server, site_port, LAYOUT_PATH, cookie, "</html>")]
        measures += [(label, site_server, site_port, path, cookie, expect) for label, path, expect in PAGES]
        for label, server, port, path, cookie_, expect in measures:
            drive(port, path, cookie=cookie_, expect=expect.encode(), connections=args.connections,
                  seconds=min(2.0, args.seconds))  # warm-up: each worker's caches and connections
            before = cpu_reading(server, database)
            load = drive(port, path, cookie=cookie_, expect=expect.encode(), connections=args.connections,
                         seconds=args.seconds)
            after = cpu_reading(server, database)
            if not load.latencies:
                print(f"{label:<28}  aucune réponse correcte ({load.failures} échecs)")
                continue
            per_request = cpu_per_request(before, after, len(load.latencies))
            print(f"{label:<28}{load.rate:>8.0f}{percentile(load.latencies, 50):>9.0f}"
                  f"{percentile(load.latencies, 95):>9.0f}{load.failures:>8}{machine_load():>8}"
                  f"{per_request[0]:>9}{per_request[1]:>7}{per_request[2]:>8}")
    finally:
        for server in servers:
            stop(server)
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
            if found is not None:
                drop_extensions(db.session, extensions(db.session) - found)
            db.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
