"""Benchmark: the discussion pages at scale, over HTTP (gunicorn, 2 workers, PostgreSQL). Builds
5,000 threads and a thread of 500 replies, then times the list (first page, a far page, the
"Non lus" filter with a tag), the write-up cards and the big thread (first and last page of
replies), beside a bare Flask route served the same way in the same run. Target (2-core machine):
p95 <= 150 ms for the list and the thread.

    .venv/bin/python bench/discussions.py [--threads 5000] [--replies 500] [--requests 200]
        [--database-url postgresql+psycopg://ns:ns@127.0.0.1:5432/ns_discussions]

Standalone: it works in a schema of its own, created in that database and dropped at the end
(the database's other schemas are not touched), with a temporary instance directory.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import BARE_TARGET, BENCH, analyze, percentile, serve, stop  # noqa: E402


def timings(url: str, cookie: str | None, count: int, expect: bytes) -> list[float]:
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    times = []
    for i in range(count + 10):  # the first ten warm each worker up and are not counted
        request = urllib.request.Request(url, headers=headers)
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status == 200 and expect in body, (url, response.status)
        if i >= 10:
            times.append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=5000)
    parser.add_argument("--replies", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://ns:ns@127.0.0.1:5432/ns_discussions"))
    args = parser.parse_args()

    from sqlalchemy import create_engine, text

    from network_space import create_app
    from network_space.extensions import db
    from tests.helpers import free_port

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in args.database_url else "?"
    url = f"{args.database_url}{separator}options=-csearch_path%3D{schema}"
    secret = uuid.uuid4().hex * 2
    servers = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = dict(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=secret, DATA_DIR=f"{tmp}/data",
                            SEARCH_INDEX_DIR=f"{tmp}/index")
            app = create_app("development", **settings)
            with app.app_context():
                from network_space.accounts.models import User
                from network_space.core.models import utcnow
                from network_space.discussions.models import DiscussionCategory, Thread
                from network_space.discussions.reference import ensure_default_categories
                from tests.discussions.bulk import add_replies, add_threads

                db.create_all()
                ensure_default_categories()
                members = [User(email=f"membre{i}@example.org", full_name=f"Membre Numéro{i}", password_hash="x")
                           for i in range(20)]
                db.session.add_all(members)
                db.session.commit()
                ids = [m.id for m in members]
                reader = members[0]
                reader.created_at = utcnow().replace(year=2020)  # every thread is news to them
                db.session.commit()
                started = time.perf_counter()
                add_threads(args.threads, ids, reader.id)
                category = db.session.scalar(db.select(DiscussionCategory.id).order_by(DiscussionCategory.id))
                big = Thread(title="Le fil aux 500 réponses", body="Début", category_id=category, author_id=ids[1],
                             last_author_id=ids[1], last_activity_at=utcnow(), kind="question", answer_number=7)
                db.session.add(big)
                db.session.commit()
                add_replies(big.id, args.replies, ids, mention="@membre.numero3")
                big_id, last_page = big.id, -(-args.replies // 50)
                analyze(db.session)
                print(f"Données : {args.threads} discussions et un fil de {args.replies} réponses, "
                      f"créés en {time.perf_counter() - started:.0f} s (PostgreSQL, schéma {schema})")
                with app.test_request_context():
                    cookie = app.session_interface.get_signing_serializer(app).dumps(
                        {"_user_id": reader.session_token, "_fresh": True})

            env = dict(os.environ, NS_CONFIG="development", DATABASE_URL=url, SECRET_KEY=secret,
                       NS_INSTANCE_DIR=tmp, DATA_DIR=f"{tmp}/data", SEARCH_INDEX_DIR=f"{tmp}/index",
                       MAIL_SUPPRESS_SEND="1", FLASK_DEBUG="0")
            bare_port, site_port = free_port(), free_port()
            servers.append(serve(BARE_TARGET, bare_port, env, BENCH))
            servers.append(serve("wsgi:app", site_port, env, ROOT))
            site = f"http://127.0.0.1:{site_port}"
            # The reader opens the big thread's pages once: afterwards every page is read (no write).
            for page in range(1, last_page + 1):
                timings(f"{site}/discussions/{big_id}?page={page}", cookie, 0, b"Le fil aux 500")
            measures = [
                ("route Flask nue (référence)", f"http://127.0.0.1:{bare_port}/", None, b"ok"),
                ("liste, page 1", f"{site}/discussions/", cookie, b"discussions"),
                ("liste, page 100", f"{site}/discussions/?page=100", cookie, b"Page 100 sur"),
                ("liste « Non lus » + mot-clé", f"{site}/discussions/?non_lus=1&etiquette=btp&page=5", cookie,
                 b"non lues"),
                ("fiches retour d'expérience", f"{site}/discussions/fiches?mecanisme=execution", cookie, b"fiches"),
                (f"fil de {args.replies} réponses, page 1", f"{site}/discussions/{big_id}", cookie, b"reply-50"),
                (f"fil de {args.replies} réponses, dernière page", f"{site}/discussions/{big_id}?page={last_page}",
                 cookie, f"reply-{args.replies}".encode()),
            ]
            print(f"HTTP, gunicorn 2 workers, {args.requests} requêtes par page (après 10 d'échauffement) :")
            for label, url_, cookie_, expect in measures:
                times = timings(url_, cookie_, args.requests, expect)
                print(f"  {label:<40} p50 {percentile(times, 50):6.1f} ms   p95 {percentile(times, 95):6.1f} ms")
    finally:
        for server in servers:
            stop(server)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
