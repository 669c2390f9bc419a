"""Several application servers on one PostgreSQL database (docs/exploitation.md, "Plusieurs
serveurs"): two gunicorn servers and two `flask worker` processes, started as an operator would
(production configuration, SEARCH_BACKEND=postgresql, one DATA_DIR, one SECRET_KEY), with a real
SMTP server. What one server does, the other sees at once; a shared limit holds across them; and
the two workers never send a message twice.

Needs PostgreSQL (TEST_DATABASE_URL): skipped on SQLite, which one server only may use."""
from __future__ import annotations

import http.cookiejar
import io
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from network_space.core.models import utcnow
from network_space.extensions import db
from tests.conftest import ON_POSTGRESQL, PASSWORD
from tests.helpers import csrf_token, free_port

pytestmark = [
    pytest.mark.multiserver,
    pytest.mark.skipif(not ON_POSTGRESQL, reason="several servers share a PostgreSQL database (TEST_DATABASE_URL)"),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class Browser:
    """One person's browser: its own cookies, sent to whichever server it talks to (a load
    balancer may send each request elsewhere)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as response:
            return response.read().decode("utf-8")

    def get_bytes(self, url: str) -> bytes:
        with self.opener.open(url, timeout=30) as response:
            return response.read()

    def post(self, url: str, fields: dict, files: dict | None = None) -> str:
        """POST a form (following the redirect, as a browser does); the page reached."""
        if files:
            boundary, body = encode_multipart({**fields, **files})
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode("utf-8")

    def login(self, base: str, email: str, password: str = PASSWORD) -> str:
        token = csrf_token(self.get(base + "/login"))
        return self.post(base + "/login", {"csrf_token": token, "email": email, "password": password})


def _wait_until_up(base: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline, answer = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{base} stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                return
        except urllib.error.HTTPError as error:
            answer = error.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            answer = str(error)
        time.sleep(0.2)
    raise AssertionError(f"{base} did not answer ({answer}):\n{log.read_text()[-3000:]}")


@pytest.fixture
def cluster(app, smtp, tmp_path):
    """Two gunicorn servers and two workers, as in production, on the test database; yields the
    two servers' base URLs. The site's tables exist already (the session's create_all())."""
    ports = [free_port(), free_port()]
    env = dict(
        os.environ,
        NS_CONFIG="production",
        SECRET_KEY=secrets.token_hex(32),  # the same on every server: a session opened on one is valid on the other
        SESSION_COOKIE_SECURE="0",  # plain HTTP on loopback; behind the load balancer in production
        DATABASE_URL=os.environ["TEST_DATABASE_URL"],
        SEARCH_BACKEND="postgresql",
        DATA_DIR=str(tmp_path / "shared-data"),
        NS_INSTANCE_DIR=str(tmp_path / "instance"),
        SEARCH_INDEX_DIR=str(tmp_path / "unused-whoosh-index"),
        SITE_URL=f"http://127.0.0.1:{ports[0]}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
        WORKER_INTERVAL="1",
        FLASK_APP="wsgi.py",
    )
    processes: list[tuple[subprocess.Popen, Path]] = []

    def start(name: str, command: list[str]) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        with log.open("w") as out:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        processes.append((process, log))
        return process

    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        servers = [start(f"gunicorn-{i}", [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"])
                   for i, port in enumerate(ports)]
        for i in range(2):
            start(f"worker-{i}", [str(BIN / "flask"), "worker"])
        for base, server in zip(bases, servers):
            _wait_until_up(base, server, processes[servers.index(server)][1])
        yield bases
    finally:
        for process, _log in processes:
            process.terminate()
        for process, log in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for process, log in processes:
            # A worker that logged a traceback failed a round: not what a test of sharing expects.
            assert "Traceback" not in log.read_text(), f"{log.name}:\n{log.read_text()[-4000:]}"


def test_two_servers_and_two_workers_share_one_site(app, smtp, make_user, cluster):
    from network_space.core.outbox import STATUS_SENT, OutboxMessage, queue_email
    from network_space.core.scheduler import JOB_DONE, ScheduledJob, schedule_job
    from network_space.events.models import REG_REGISTERED, REG_WAITING, Event, Registration

    from network_space.library.services import ensure_defaults

    a, b = cluster
    with app.app_context():
        ensure_defaults()  # the categories, as the migration seeds them
        db.session.commit()
    uploader, first, second, target = (make_user("member", full_name=name) for name in
                                       ("Ulysse Dépôt", "Agathe Premier", "Bruno Second", "Cible Verrou"))

    # A file uploaded on server A: server B finds it by a word of its text and serves its bytes.
    browser = Browser()
    assert "Bienvenue" in browser.login(a, uploader.email)
    form = browser.get(a + "/library/new")
    category = re.search(r'<option value="(\d+)">Modèles de clauses</option>', form).group(1)
    content = "Clause d'insertion pour le chantier des Glycines : 1 200 heures, suivi par la facilitatrice.\n".encode()
    browser.post(a + "/library/new", {
        "csrf_token": csrf_token(form), "kind": "file", "title": "Clause chantier des Glycines",
        "category_id": category, "territory_id": "0", "visibility": "members", "tags": "",
        "clause_mechanism": "execution", "buyer_type": "bailleur",
    }, {"file": FileStorage(io.BytesIO(content), filename="glycines.txt", content_type="text/plain")})
    found = browser.get(b + "/search?q=glycine")  # the same browser session, on the other server
    assert "Clause chantier des Glycines" in found, found[-3000:]
    resource_id = re.search(r'href="/library/(\d+)"[^>]*>\s*Clause chantier des Glycines', found).group(1)
    assert browser.get_bytes(f"{b}/library/{resource_id}/download") == content

    # The last place of an event: one registration on each server at the same moment.
    with app.app_context():
        starts = utcnow() + timedelta(days=10)
        event = Event(title="Forum des Glycines", kind="forum", starts_at=starts, ends_at=starts + timedelta(hours=2),
                      capacity=1, status="planned", sequence=0)
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    racers = []
    for person, base in ((first, a), (second, b)):
        racer = Browser()
        racer.login(base, person.email)
        racers.append((racer, base, csrf_token(racer.get(f"{base}/events/{event_id}"))))
    barrier = threading.Barrier(2)
    pages: list[str] = []

    def register(racer, base, token):
        barrier.wait()
        pages.append(racer.post(f"{base}/events/{event_id}/inscription", {"csrf_token": token}))

    threads = [threading.Thread(target=register, args=racer) for racer in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with app.app_context():
        statuses = sorted(db.session.scalars(select(Registration.status).where(Registration.event_id == event_id)))
    assert statuses == sorted([REG_REGISTERED, REG_WAITING])
    assert sum("Vous êtes inscrit·e." in page for page in pages) == 1
    assert sum("est complet : vous êtes sur la liste d" in page for page in pages) == 1

    # The login lock-out counts the failures made on both servers (LOGIN_MAX_FAILURES = 5).
    attacker = Browser()
    for base in (a, b, a, b, a):
        assert "Adresse email ou mot de passe incorrect." in attacker.login(base, target.email, "pas-le-bon-mot")
    refused = attacker.login(b, target.email)  # the right password, on the server that saw two failures
    assert "Trop de tentatives de connexion" in refused and "Bienvenue" not in refused

    # Emails and due jobs put in one commit while both workers run: each message leaves once.
    with app.app_context():
        for i in range(30):
            queue_email("test_message", f"destinataire{i}@example.org", f"Message partagé {i}")
        past = utcnow() - timedelta(minutes=1)
        reminded = []
        for i in range(6):
            person = make_user("member", full_name=f"Inscrite {i}")
            event = Event(title=f"Atelier {i}", kind="forum", starts_at=starts, ends_at=starts + timedelta(hours=2),
                          status="planned", sequence=0)
            event.registrations = [Registration(user_id=person.id, status=REG_REGISTERED)]
            db.session.add(event)
            db.session.flush()
            schedule_job(f"multiserver:{i}", past, "events.reminder", event_id=event.id, days=7)
            reminded.append(person.email)
        db.session.commit()
    deadline = time.monotonic() + 30
    with app.app_context():
        while time.monotonic() < deadline:
            db.session.rollback()
            jobs_left = db.session.scalar(select(func.count(ScheduledJob.id)).where(ScheduledJob.status != JOB_DONE))
            unsent = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status != STATUS_SENT))
            if not jobs_left and not unsent:
                break
            time.sleep(0.3)
        assert (jobs_left, unsent) == (0, 0)
        expected = set(db.session.scalars(select(OutboxMessage.message_id)))
    time.sleep(2.5)  # two more rounds of each worker: a duplicate would arrive now
    received = Counter(message["Message-ID"] for message in smtp.messages)
    assert set(received) == expected and set(received.values()) == {1}
    assert len([m for m in smtp.messages if m["Subject"].startswith("Message partagé")]) == 30
    for address in reminded:  # each due reminder ran once, whichever worker took it
        assert len(smtp.to(address)) == 1
