"""Helpers shared by the tests (and usable by bench/ scripts)."""
from __future__ import annotations

import re
import socket
from contextlib import contextmanager

from sqlalchemy import event

from network_space.extensions import db


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return f"<{self.count} queries>\n" + "\n".join(self.statements)


@contextmanager
def count_queries(app):
    """Count the SQL statements the app runs inside the block (all sessions, all requests)."""
    counter = QueryCounter()
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def free_port() -> int:
    """A free TCP port on loopback (aiosmtpd's Controller(port=0) fails its own self-check)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in page"
    return match.group(1)


def browser_log_in(page, email: str, password: str) -> None:
    """Log in through the login form of the site a Playwright page is on, as a person would."""
    page.goto("/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)
