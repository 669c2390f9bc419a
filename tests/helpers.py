"""Helpers shared by the tests (and usable by bench/ scripts)."""
from __future__ import annotations

import re
import socket
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

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


class _FormsAsBrowser:
    """The forms of a page as a browser sees them: each control belongs to its enclosing form, or
    to the form its ``form`` attribute names; a button may post elsewhere (``formaction``)."""

    def __init__(self, html: str):
        from html.parser import HTMLParser

        self.forms: dict[int, dict] = {}
        self.controls: list[dict] = []
        forms, controls = self.forms, self.controls
        stack: list[int] = []
        state: dict = {"text": None, "select": None}

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                attrs = {k: (v if v is not None else "") for k, v in attrs}
                if tag == "form":
                    forms[len(forms)] = {"id": attrs.get("id"), "action": attrs.get("action", ""),
                                         "method": attrs.get("method", "get").lower()}
                    stack.append(len(forms) - 1)
                elif tag in ("input", "textarea", "select", "button"):
                    control = {"tag": tag, "attrs": attrs, "form": stack[-1] if stack else None,
                               "value": attrs.get("value", ""), "text": "", "options": []}
                    controls.append(control)
                    if tag in ("textarea", "button"):
                        state["text"] = control
                    if tag == "select":
                        state["select"] = control
                elif tag == "option" and state["select"] is not None:
                    state["select"]["options"].append(attrs)

            def handle_data(self, data):
                if state["text"] is not None:
                    state["text"]["text"] += data

            def handle_endtag(self, tag):
                if tag == "form" and stack:
                    stack.pop()
                elif tag in ("textarea", "button"):
                    state["text"] = None
                elif tag == "select":
                    state["select"] = None

        Parser().feed(html)

    def owner(self, control: dict) -> int | None:
        named = control["attrs"].get("form")
        if named:
            return next((i for i, f in self.forms.items() if f["id"] == named), None)
        return control["form"]

    def submission(self, button_text: str, typed: dict[str, str]) -> tuple[str, dict[str, str | list[str]]]:
        """(url, data) a browser posts when ``button_text`` is clicked after ``typed`` was typed."""
        import html as html_module

        button = next(c for c in self.controls
                      if c["tag"] == "button" and " ".join(c["text"].split()) == button_text)
        form = self.owner(button)
        data: dict[str, str] = {}
        for control in self.controls:
            name = control["attrs"].get("name")
            if not name or self.owner(control) != form or "disabled" in control["attrs"]:
                continue
            kind = control["attrs"].get("type", "text").lower()
            if control["tag"] == "button" or kind in ("submit", "button", "reset"):
                continue
            if kind in ("radio", "checkbox") and "checked" not in control["attrs"]:
                continue
            if control["tag"] == "textarea":
                # HTML reads CR LF as LF, and drops the newline that opens a textarea.
                value = html_module.unescape(control["text"]).replace("\r\n", "\n").removeprefix("\n")
            elif control["tag"] == "select":
                chosen = [o for o in control["options"] if "selected" in o] or control["options"][:1]
                value = chosen[0].get("value", "") if chosen else ""
            else:
                value = control["value"]
            if name in typed:
                data[name] = typed[name]
            elif name in data:  # several checked boxes of one name: all are sent
                data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            else:
                data[name] = value
        assert set(typed) <= set(data), f"no such field in the form: {set(typed) - set(data)}"
        if button["attrs"].get("name"):
            data[button["attrs"]["name"]] = button["value"]
        return button["attrs"].get("formaction") or self.forms[form]["action"], data


def submit_as_browser(client, url: str, button_text: str, typed: dict[str, str]):
    """Open ``url``, type ``typed`` into its fields and click the button labelled ``button_text``,
    posting exactly what a browser without JavaScript would post."""
    page = client.get(url)
    action, data = _FormsAsBrowser(page.get_data(as_text=True)).submission(button_text, typed)
    return client.post(action or url, data=data)


@contextmanager
def outage(app):
    """A database that goes away: state["down"] = True refuses every statement from then on, as a
    stopped server does; state["after_commit"] = True makes it happen as the next commit returns."""
    state = {"down": False, "after_commit": False}
    with app.app_context():
        engine = db.engine

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if state["down"]:
            raise OperationalError(statement, parameters, Exception("terminating connection due to administrator command"))

    def committed(session):
        if state["after_commit"]:
            state["down"] = True

    event.listen(engine, "before_cursor_execute", refuse)
    event.listen(db.session, "after_commit", committed)
    try:
        yield state
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
        event.remove(db.session, "after_commit", committed)


def checked_values(html: str, name: str) -> list[str]:
    """The values of the checkboxes named ``name`` that a page shows checked (the checkboxes macro)."""
    import re

    return re.findall(rf'<input type="checkbox" name="{re.escape(name)}" value="([^"]*)" id="[^"]*" checked>', html)
