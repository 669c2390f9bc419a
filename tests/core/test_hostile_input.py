"""Hostile input against the whole site, built from the demo network.

GET: every route of app.url_map, its URL parameters filled with ids of real demo objects and with
absurd ones, as anonymous, member, co-animator and admin; every page a role may open is asked
again with hostile values on every query parameter the code reads (found in the source, and in
the page's own GET forms), with repeated keys and with bytes that are not UTF-8. POST: every form
those pages show, as a member and as a co-animator, with a valid CSRF token and missing,
over-long, NUL, mistyped values.

Never a 500, never English framework text, never a script reflected unescaped, never a signed-in
page or a download that caches may keep, never a charset twice; refused forms say why in French
and give back what was typed. Generic on purpose: a new route or form is swept
without touching this file, unless its URL has a parameter kind not known in tests/core/routes.py (the test says so).
"""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.core.routes import demo_users, fill, get_routes, real_rows, url_of
from tests.demo_network import ROLES
from tests.helpers import csrf_token

ROOT = Path(__file__).resolve().parents[2]

ENGLISH = re.compile(
    r"This field is required|Not a valid|\bInvalid\b|CSRF token|Bad Request|Not Found|Forbidden|"
    r"Method Not Allowed|Request Entity Too Large|Too Many Requests|Internal Server Error|Traceback|"
    r"Field must be|must be between|Please (?:enter|fill|choose)"
)
SCRIPT = "<script>alert(1)</script>"
# Each value stands for a kind of trouble: empty, signs, overflow, NUL, markup, length, quotes and
# brackets (search syntax), digits int() refuses, impossible dates, dates at the ends of Python's
# calendar (the day after overflows), spaces, search operators.
QUERY_VALUES = ["", "-1", "0", "99999999999999999999", "\x00", SCRIPT, "é" * 400, "'\"marché ((%", "²",
                "2026-02-30", "9999-12-31", "0001-01-01", " 1 ", "a OU SAUF *", "1.5"]
# Files and calendars (no page around them) read few parameters: fewer values.
FILE_QUERY_VALUES = ["", "-1", "99999999999999999999", "\x00", "²", "9999-12-31"]
ABSURD_IDS = [0, 987654, 2**31 - 1, 10**20]
ABSURD_TOKENS = ["inexistant", "x" * 3000, "a.b.c", "%00", "'\""]


def _read_arg_names() -> set[str]:
    """Every query-string parameter the code reads by name."""
    pattern = re.compile(r"""(?:args\.get(?:list)?|\bint_arg|\b_int_arg|\bdate_arg|\bpage_arg)\(\s*["'](\w+)["']""")
    names = {"page", "date", "next"}
    for path in (ROOT / "network_space").rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


class FormParser(HTMLParser):
    """The forms of a page: method, action, enctype and fields (name, kind, value). As a browser
    does, a control outside a form joins the one its ``form`` attribute names, and a button with a
    ``formaction`` posts the same fields elsewhere: each such button counts as one more form."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._by_id: dict[str, dict] = {}
        self._elsewhere: list[tuple[str, dict]] = []  # (form id, field) of controls outside their form
        self._formactions: list[tuple[dict | str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                          "multipart": "multipart" in (attrs.get("enctype") or ""), "fields": []}
            self.forms.append(self._form)
            if attrs.get("id"):
                self._by_id[attrs["id"]] = self._form
        elif tag in ("input", "textarea", "select", "button"):
            owner = attrs.get("form") or self._form
            if owner is not None and tag == "button" and attrs.get("formaction"):
                self._formactions.append((owner, attrs["formaction"]))
            if owner is None or not attrs.get("name"):
                return
            kind = attrs.get("type", "text").lower() if tag == "input" else tag
            field = {"name": attrs["name"], "kind": kind, "value": attrs.get("value") or ""}
            if isinstance(owner, str):
                self._elsewhere.append((owner, field))
            else:
                owner["fields"].append(field)
            if tag == "textarea":
                self._textarea = field

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None

    def resolved(self) -> list[dict]:
        for form_id, field in self._elsewhere:
            if form_id in self._by_id:
                self._by_id[form_id]["fields"].append(field)
        for owner, action in self._formactions:
            form = self._by_id.get(owner) if isinstance(owner, str) else owner
            if form is not None:
                self.forms.append(dict(form, action=action))
        return self.forms


def forms_in(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.resolved()


TEXT_KINDS = {"text", "textarea", "email", "url", "search", "tel", "number", "date", "datetime-local", "time"}


def _check(problems: list, label: str, response, signed_in: bool = False) -> str:
    """The page's HTML ('' for anything else), once checked."""
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    response.close()
    if response.status_code >= 500:
        problems.append(f"{label}: {response.status_code}")
        return body
    if response.headers.get("Content-Type", "").count("charset") > 1:
        problems.append(f"{label}: Content-Type {response.headers['Content-Type']!r}")
    attachment = response.headers.get("Content-Disposition", "").startswith("attachment")
    if (signed_in or attachment) and "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"{label}: members' data without Cache-Control: no-store")
    english = ENGLISH.search(body)
    if english:
        problems.append(f"{label}: English text {english.group(0)!r}")
    if SCRIPT in body:
        problems.append(f"{label}: query string reflected unescaped")
    return body


def _open(client, problems: list, label: str, url: str, **kwargs):
    try:
        response = client.open(url, **kwargs)
    except Exception as error:  # noqa: BLE001 - a crash is what we are looking for
        problems.append(f"{label}: {type(error).__name__}: {error}"[:400])
        return None, ""
    return response, _check(problems, label, response, signed_in=not label.startswith("anonymous"))


def _hostile_queries(names: set[str], values=QUERY_VALUES) -> list:
    queries = [[(name, value) for name in sorted(names)] for value in values]
    queries.append([(name, value) for name in sorted(names) for value in ("1", SCRIPT, "")])  # repeated keys
    queries.append("&".join(f"{name}=%ff%fe%C0%AF" for name in sorted(names)))  # not UTF-8
    return queries


@pytest.fixture
def demo(app):
    """The demo network, and a session token per role (demo people, so their own notifications,
    meetings and registrations are in play)."""
    return demo_users(app)


def _log_in(client, token: str | None) -> None:
    with client.session_transaction() as session:
        session.clear()
        if token:
            session["_user_id"] = token
            session["_fresh"] = True


def test_every_get_route_survives_hostile_parameters(app, client, demo):
    names = _read_arg_names()
    problems: list[str] = []
    for role in ("anonymous",) + ROLES:
        user_id, token = demo.get(role, (None, None))
        _log_in(client, token)
        for rule in get_routes(app):
            with app.app_context():
                rows = real_rows(rule, user_id)
            for i, real in enumerate(rows):
                url = url_of(app, rule, fill(rule, real))
                response, body = _open(client, problems, f"{role} GET {url}", url)
                # Refused or redirected before the view reads anything: the plain request tells.
                if response is None or i > 0 or role == "anonymous" or response.status_code != 200:
                    continue
                page_names = {f["name"] for form in forms_in(body)
                              if form["method"] == "get" for f in form["fields"]}
                values = QUERY_VALUES if response.mimetype == "text/html" else FILE_QUERY_VALUES
                for query in _hostile_queries(names | page_names, values):
                    _open(client, problems, f"{role} GET {url} {str(query)[:40]!r}", url, query_string=query)
            if rule.arguments:
                for absurd in ABSURD_IDS:
                    for token_value in ABSURD_TOKENS[:1] if absurd else ABSURD_TOKENS:
                        try:
                            url = url_of(app, rule, fill(rule, {}, absurd_id=absurd, token=token_value))
                        except Exception:  # noqa: BLE001 - an id the converter refuses to build
                            url = re.sub(r"<[^>]+>", str(absurd), rule.rule)
                        _open(client, problems, f"{role} GET {url[:120]}", url)
    assert not problems, "\n".join(sorted(set(problems)))


# --- forms --------------------------------------------------------------------------------------

MARKER = "Valeur-tapée-42"
# Last: these make the demo objects other forms point at disappear.
DESTRUCTIVE = re.compile(r"delete|annuler|cancel|revoke|revoquer|archive|desinscription|logout")


def _form_variants(form) -> list[tuple[str, dict]]:
    names = [f for f in form["fields"]
             if not f["name"].endswith("csrf_token") and f["kind"] not in ("submit", "file", "button")]

    def every(value):
        data = {}
        for field in names:
            data.setdefault(field["name"], value)
        return data

    return [
        ("missing", {}),
        ("over-long", every("x" * 120_000)),
        ("NUL", every("ab\x00cd")),
        ("typed", every(MARKER)),
        ("negative", every("-1")),
        ("huge", every("99999999999999999999")),
        ("last day", every("9999-12-31")),
        ("first day", every("0001-01-01")),
    ]


def _kept(form, body: str) -> list[str]:
    """Text fields of the re-rendered form that lost the marker typed in them."""
    lost = []
    sent = {f["name"] for f in form["fields"] if f["kind"] in TEXT_KINDS}
    for again in forms_in(body):
        if again["method"] != "post" or (again["action"] or form["action"]) != form["action"]:
            continue
        for field in again["fields"]:
            if field["name"] in sent and field["kind"] in TEXT_KINDS and MARKER not in field["value"]:
                lost.append(field["name"])
    return lost


@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_hostile_posts(app, client, demo, role):
    user_id, token = demo[role]
    _log_in(client, token)
    problems: list[str] = []
    forms: dict[tuple, dict] = {}
    for rule in get_routes(app):
        with app.app_context():
            rows = real_rows(rule, user_id)
        for real in rows[:1]:
            url = url_of(app, rule, fill(rule, real))
            response = client.get(url)
            response.close()
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for form in forms_in(response.get_data(as_text=True)):
                action = form["action"] or url
                if form["method"] == "post" and action.startswith("/"):
                    form["action"] = action
                    forms.setdefault((action, tuple(sorted(f["name"] for f in form["fields"]))), form)
    assert len(forms) > 20, sorted(forms)
    ordered = sorted(forms.values(), key=lambda f: bool(DESTRUCTIVE.search(f["action"])))
    csrf = csrf_token(client.get("/profile").get_data(as_text=True))
    for form in ordered:
        if "logout" in form["action"]:
            continue
        for label, data in _form_variants(form):
            data = dict(data, csrf_token=csrf)
            # Over 500 kB, the test client spools a multipart body to a file it never closes:
            # the over-long values go url-encoded, which the views read the same way.
            multipart = form["multipart"] and label != "over-long"
            if multipart and label != "missing":
                data["file"] = (io.BytesIO(b"MZ\x90\x00 pas un PDF"), "rapport.pdf")
            name = f"{role} POST {form['action']} ({label})"
            response, body = _open(client, problems, name, form["action"], method="POST", data=data,
                                   content_type="multipart/form-data" if multipart else None)
            if response is None:
                continue
            typed_in = any(f["kind"] in TEXT_KINDS for f in form["fields"])
            if label == "over-long" and typed_in and response.status_code in (301, 302, 303):
                problems.append(f"{name}: 120 000 characters accepted")
            if response.status_code not in (200, 400) or not body:
                continue
            if label == "typed":
                lost = _kept(form, body)
                if lost:
                    problems.append(f"{name}: typed values lost in {lost}")
            if label in ("over-long", "typed", "missing") and not re.search(r'class="(?:field-error|flash[^"]*error)', body) \
                    and "Erreur" not in body:
                problems.append(f"{name}: {response.status_code} without a message")
    assert not problems, "\n".join(sorted(set(problems)))
