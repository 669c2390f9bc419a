"""Shared fixtures: app, database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), client,
login_as(role), make_user, and a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import email
import email.policy
import os
import threading
from itertools import count

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import text

from network_space import create_app
from network_space.extensions import db
from tests.helpers import free_port
from tests.postgres_cluster import private_postgres  # noqa: F401 - the fixture, for tests that restart PostgreSQL

PASSWORD = "mot-de-passe-solide-2026"
_seq = count(1)

# The search engines each search test runs against: PostgreSQL's needs a PostgreSQL database.
ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")
SEARCH_BACKENDS = ("whoosh", "postgresql") if ON_POSTGRESQL else ("whoosh",)


def pytest_generate_tests(metafunc):
    """A test using the ``search_backend`` fixture runs once per engine (all of them, or those
    its ``search_backends`` marker names): the engines cannot drift apart unnoticed."""
    if "search_backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("search_backends")
        names = [name for name in SEARCH_BACKENDS if marker is None or name in marker.args]
        metafunc.parametrize("search_backend", names, indirect=True)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, hence its own database session, as in
    production: a view that forgets to commit is caught instead of hidden by the test's session."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("ns")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{base / 'test.sqlite'}"
    application = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        DATA_DIR=str(base / "data"),
        SEARCH_INDEX_DIR=str(base / "index"),
    )
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.drop_all()
        db.create_all()
        _seed_reference_data()
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# Rows the migrations seed, which the application expects as after `flask db upgrade`: created
# once with the schema and kept between tests (admins add, rename, retire and delete them).
REFERENCE_TABLES = {"event_kind", "report_indicator"}


def _reference_models():
    """(model, columns kept, rows the migrations insert) for each reference table, from the domains'
    reference lists (tests/core/test_migrations.py checks that `flask db upgrade` inserts the same)."""
    from network_space.events.models import EventKind
    from network_space.events.reference import EVENT_KINDS as kinds
    from network_space.reports.models import Indicator
    from network_space.reports.reference import INDICATORS as indicators

    return (
        (EventKind, ("code", "label", "position"),
         [dict(code=code, label=label, position=i) for i, (code, label) in enumerate(kinds, start=1)]),
        (Indicator, ("code", "label", "definition", "group", "kind", "position", "active"),
         [dict(code=code, group=group, kind=kind, label=label, definition=definition, position=i * 10, active=True)
          for i, (code, group, kind, label, definition) in enumerate(indicators, start=1)]),
    )


def _seed_reference_data():
    for model, columns, rows in _reference_models():
        db.session.add_all(model(**row) for row in rows)
        db.session.commit()
        _reference_rows[model] = {item.id: tuple(getattr(item, c) for c in columns)
                                  for item in db.session.scalars(db.select(model))}


_reference_rows: dict[type, dict[int, tuple]] = {}


def _restore_reference_data():
    """Put the seeded rows back as they were when a test changed them: every test starts from
    the state `flask db upgrade` leaves."""
    for model, columns, _rows in _reference_models():
        saved = _reference_rows[model]
        current = {item.id: item for item in db.session.scalars(db.select(model))}
        if {i: tuple(getattr(item, c) for c in columns) for i, item in current.items()} == saved:
            continue
        db.session.execute(db.delete(model).where(model.id.not_in(list(saved))))
        for item_id, values in saved.items():
            item = current.get(item_id)
            if item is None:  # its id is below the sequence's next value: no clash later
                db.session.add(model(id=item_id, **dict(zip(columns, values))))
            else:
                for column, value in zip(columns, values):
                    setattr(item, column, value)
        db.session.commit()


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        tables = [table for table in reversed(db.metadata.sorted_tables) if table.name not in REFERENCE_TABLES]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()
        _restore_reference_data()


@pytest.fixture
def search_backend(request, app):
    """SEARCH_BACKEND for this test (see pytest_generate_tests), starting with no document."""
    from network_space.search.backends import get_backend

    app.config["SEARCH_BACKEND"] = request.param
    with app.app_context():
        get_backend().clear()
    yield request.param
    app.config["SEARCH_BACKEND"] = "whoosh"


@pytest.fixture
def ctx(app):
    """An app context for calling services and models directly from a test."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    from network_space.accounts.models import User

    def _make(role: str = "member", *, email: str | None = None, password: str = PASSWORD, **fields):
        n = next(_seq)
        with app.app_context():
            user = User(
                email=(email or f"membre{n}@example.org").lower(),
                full_name=fields.pop("full_name", f"Membre {n}"),
                role=role,
                **fields,
            )
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return _make


@pytest.fixture
def login_as(client, make_user):
    """login_as("coanimator") creates a member with that role and opens a session as them."""

    def _login(role_or_user="member", **fields):
        user = make_user(role_or_user, **fields) if isinstance(role_or_user, str) else role_or_user
        with client.session_transaction() as session:
            session["_user_id"] = user.session_token
            session["_fresh"] = True
        return user

    return _login


class SMTPRecorder:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.refuse = False
        self.unknown: set[str] = set()  # addresses refused for good (550), as a server does a mailbox it lacks
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.unknown:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Temporary failure, try again later"
        with self._lock:
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def start(self):
        # A stopped aiosmtpd Controller cannot be restarted: make a new one on the same port.
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in m["To"].lower()]


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free loopback port; the app's mail settings point at it."""
    recorder = SMTPRecorder()
    port = recorder.port = free_port()
    recorder.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SUPPRESS_SEND")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    _reset_mail_state(app)
    try:
        yield recorder
    finally:
        recorder.stop()
        app.config.update(saved)
        _reset_mail_state(app)


def _reset_mail_state(app):
    """Flask-Mail copies its settings at init_app; refresh them after changing the config."""
    from network_space.extensions import mail

    app.extensions["mail"] = mail.init_mail(app.config, app.debug, app.testing)
