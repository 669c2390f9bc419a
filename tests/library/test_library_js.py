"""static/js/library.js in a real browser (Debian's Chromium driven by Playwright) against the app
served on a free port: the upload progress bar goes to 100 % and the resource page follows; a
refused upload comes back with the typed metadata and a French reason.

Runs in `make test` and in CI (which installs Chromium). Skipped only when NS_NO_BROWSER=1 is set.
"""
from __future__ import annotations

import io
import os
import random
import re
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.helpers import free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("NS_NO_BROWSER") == "1", reason="NS_NO_BROWSER=1: browser tests switched off"),
]

CHROMIUM = "/usr/bin/chromium"
TITLE = "Guide des clauses en BTP"
SUMMARY = "Retour d'expérience **Nord-Isère**, à relire."
TAGS = "btp, bailleurs"


@pytest.fixture
def live_server(app):
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        try:
            tab = browser.new_page(base_url=live_server)
            tab.set_default_timeout(30_000)
            yield tab
        finally:
            browser.close()


def big_png() -> bytes:
    """A real PNG of about 3 MB: random pixels do not compress."""
    from PIL import Image

    pixels = random.Random(42).randbytes(1000 * 1000 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (1000, 1000), pixels).save(out, format="PNG")
    return out.getvalue()


def log_in(page, user) -> None:
    page.goto("/login")
    page.fill('input[name="email"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def fill_metadata(page) -> None:
    page.goto("/library/new")
    page.check('input[name="kind"][value="file"]')
    page.fill('input[name="title"]', TITLE)
    page.fill('textarea[name="summary"]', SUMMARY)
    page.fill('input[name="tags"]', TAGS)
    page.select_option('select[name="category_id"]', label="Modèles de clauses")


def watch_progress(page) -> list:
    """Every value the progress bar shows, recorded from the page even across its navigation."""
    seen: list = []
    page.expose_function("recordProgress", lambda value: seen.append(value))
    page.evaluate("""() => {
        const bar = document.querySelector('.upload-progress progress');
        new MutationObserver(() => window.recordProgress(bar.value))
            .observe(document.querySelector('.upload-progress'), {subtree: true, childList: true, characterData: true, attributes: true});
    }""")
    return seen


def test_upload_shows_progress_then_the_resource(page, make_user, tmp_path):
    log_in(page, make_user("member"))
    fill_metadata(page)
    upload = tmp_path / "photo-chantier.png"
    upload.write_bytes(big_png())
    assert upload.stat().st_size > 2 * 1024 * 1024
    page.set_input_files('input[name="file"]', str(upload))
    seen = watch_progress(page)
    page.click('form.library-form button[type="submit"]')
    page.wait_for_url(re.compile(r"/library/\d+$"))
    assert page.inner_text("h1") == TITLE
    assert "Ressource ajoutée à la bibliothèque." in page.inner_text("main")
    assert seen and max(seen) == 100, seen


def test_refused_upload_keeps_what_was_typed(page, make_user, tmp_path):
    log_in(page, make_user("member"))
    fill_metadata(page)
    spoofed = tmp_path / "compte-rendu.pdf"  # a PNG under a PDF name
    spoofed.write_bytes(big_png()[:200_000])
    page.set_input_files('input[name="file"]', str(spoofed))
    page.click('form.library-form button[type="submit"]')
    error = page.locator("#file-error")
    error.wait_for()
    assert "ne correspond pas à son extension « .pdf »" in error.inner_text()
    assert "choisissez à nouveau le fichier" in error.inner_text()
    assert page.input_value('input[name="title"]') == TITLE
    assert page.input_value('textarea[name="summary"]') == SUMMARY
    assert page.input_value('input[name="tags"]') == TAGS
    assert page.is_checked('input[name="kind"][value="file"]')
    # The re-rendered page still runs library.js: the file block is the one shown.
    assert page.is_visible('input[name="file"]') and not page.is_visible('textarea[name="body"]')


@pytest.fixture
def small_limit_page(app, tmp_path):
    """A browser without JavaScript on the site served with a 1 MB upload limit (an app of its own
    on the same database and files: the limit on whole requests is set when the app is made)."""
    from playwright.sync_api import sync_playwright

    from network_space import create_app

    limited = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         DATA_DIR=app.config["DATA_DIR"], SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
                         MAX_UPLOAD_MB=1)
    port = free_port()
    server = make_server("127.0.0.1", port, limited, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                context = browser.new_context(base_url=f"http://localhost:{port}", java_script_enabled=False)
                tab = context.new_page()
                tab.set_default_timeout(30_000)
                yield tab
            finally:
                browser.close()
    finally:
        server.shutdown()
        thread.join()
        with limited.app_context():
            from network_space.extensions import db

            db.engine.dispose()


def test_oversize_upload_without_javascript_keeps_what_was_typed(small_limit_page, make_user, tmp_path):
    page = small_limit_page
    log_in(page, make_user("member"))
    fill_metadata(page)
    upload = tmp_path / "photo-chantier.png"
    upload.write_bytes(big_png())  # about 3 MB: over the 1 MB limit
    page.set_input_files('input[name="file"]', str(upload))
    page.click('form.library-form button[type="submit"]')
    page.wait_for_load_state()
    error = page.locator("#file-error")
    assert "dépasse la taille maximale de 1 Mo" in error.inner_text()
    assert "choisissez à nouveau le fichier" in error.inner_text()
    assert page.input_value('input[name="title"]') == TITLE
    assert page.input_value('textarea[name="summary"]') == SUMMARY
    assert page.input_value('input[name="tags"]') == TAGS
