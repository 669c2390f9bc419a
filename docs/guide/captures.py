"""Screenshots of the member guide, taken in a real browser on a throw-away demo site.

    .venv/bin/python docs/guide/captures.py [--only NAME ...]

Creates a temporary instance (SQLite, files, search index), migrates it, loads the demo network
(`flask seed-demo`), builds the search index, serves the site on a free local port, logs in with
Debian's Chromium driven by Playwright (never `playwright install`) and writes viewport-sized PNGs
into docs/guide/images/, reduced to a 256-colour palette so that they stay small in git.
Nothing outside the temporary directory and docs/guide/images/ is touched.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.helpers import browser_log_in, free_port  # noqa: E402 - as bench/ does

IMAGES = Path(__file__).resolve().parent / "images"
FLASK = str(Path(sys.executable).with_name("flask"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# The browser's own widgets (the file picker's button) in French, as members see them: needs
# Debian's chromium-l10n; without it they stay in English and nothing else changes.
CHROMIUM_ENV = {"LANGUAGE": "fr", "LANG": "fr_FR.UTF-8"}
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
PASSWORD = "demo-reseau-2026"  # the demo network's (network_space/core/demo.py)
MEMBER = "helene.martin@demo.example"
COANIMATOR = "claire.dumas@demo.example"
ADMIN = "admin@demo.example"


@dataclass
class Shot:
    name: str  # file name in images/, without .png
    user: str | None  # email of the demo account, None: logged out
    path: str  # may use {ids} placeholders, filled from the demo database
    viewport: dict
    scroll_to: str | None = None  # CSS selector brought to the top of the viewport first


SHOTS = [
    Shot("connexion", None, "/login", DESKTOP),
    Shot("tableau-de-bord", MEMBER, "/", DESKTOP),
    Shot("tableau-de-bord-mobile", MEMBER, "/", PHONE),
    Shot("notifications", MEMBER, "/notifications/", DESKTOP),
    Shot("preferences-notifications", MEMBER, "/notifications/settings", DESKTOP),
    Shot("bibliotheque", MEMBER, "/library/?q=heures+d%27insertion", DESKTOP),
    Shot("recherche", MEMBER, "/search?q=bailleur", DESKTOP),
    Shot("ressource", MEMBER, "/library/{resource}", DESKTOP),
    Shot("annuaire", MEMBER, "/directory/", DESKTOP),
    Shot("organisation", MEMBER, "/directory/{organisation}", DESKTOP),
    Shot("reunions", MEMBER, "/meetings/", DESKTOP),
    Shot("reunion-sondage", MEMBER, "/meetings/{poll_meeting}", DESKTOP),
    Shot("compte-rendu", MEMBER, "/meetings/{minutes_meeting}/minutes", DESKTOP),
    Shot("agenda-mois", MEMBER, "/events/", DESKTOP),
    Shot("agenda-mois-mobile", MEMBER, "/events/", PHONE, scroll_to=".calendar-month"),
    Shot("evenement", MEMBER, "/events/{full_event}", DESKTOP),
    Shot("mon-agenda", MEMBER, "/events/mon-agenda", DESKTOP),
    Shot("discussions", MEMBER, "/discussions/", DESKTOP),
    Shot("discussion", MEMBER, "/discussions/{writeup_thread}", DESKTOP),
    Shot("fiches", MEMBER, "/discussions/fiches", DESKTOP),
    Shot("membres", MEMBER, "/members/", DESKTOP),
    Shot("profil", MEMBER, "/profile", DESKTOP),
    Shot("admin-emails", ADMIN, "/admin/emails", DESKTOP),
    Shot("journal-audit", ADMIN, "/admin/audit", DESKTOP),
]

# The demo objects the guide shows, found in the demo database after seeding.
IDS_SQL = {
    # The resource with the most versions and comments: the page shows both.
    "resource": "SELECT r.id FROM library_resource r ORDER BY"
                " (SELECT count(*) FROM library_version v WHERE v.resource_id = r.id)"
                " + (SELECT count(*) FROM library_comment c WHERE c.resource_id = r.id) DESC, r.id LIMIT 1",
    # The partner with the most contacts.
    "organisation": "SELECT o.id FROM organisation o ORDER BY"
                    " (SELECT count(*) FROM organisation_contact c WHERE c.organisation_id = o.id) DESC, o.id LIMIT 1",
    "poll_meeting": "SELECT id FROM meeting WHERE status = 'poll' ORDER BY id LIMIT 1",
    "minutes_meeting": "SELECT id FROM meeting WHERE status = 'published' ORDER BY id DESC LIMIT 1",
    # The demo's full job dating, with its waiting list.
    "full_event": "SELECT id FROM event WHERE title LIKE '%Tilleuls%' ORDER BY id LIMIT 1",
    # The write-up of the cleaning contract reserved to an ESAT, with its replies.
    "writeup_thread": "SELECT id FROM discussion_thread WHERE kind = 'writeup' AND title LIKE '%ESAT%' LIMIT 1",
}


def environment(instance: Path, port: int) -> dict[str, str]:
    """A development configuration of its own: nothing from the caller's database, mail or paths."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MAIL_", "SEARCH_", "NS_", "DATABASE_URL", "TEST_DATABASE_URL", "DATA_DIR",
                                  "SECRET_KEY", "SITE_", "FLASK_"))}
    env.update({
        "FLASK_APP": "wsgi.py",
        "NS_CONFIG": "development",
        "NS_INSTANCE_DIR": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'network_space.sqlite'}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "MAIL_SUPPRESS_SEND": "1",
    })
    return env


def flask(env: dict[str, str], *args: str) -> None:
    """Run a flask command quietly; its output is shown only if it fails."""
    result = subprocess.run([FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the site stopped before answering")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the site did not answer within 60 s")


def demo_ids(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        ids = {}
        for name, sql in IDS_SQL.items():
            row = connection.execute(sql).fetchone()
            if row is None:
                raise SystemExit(f"no demo object for {name!r}: has the demo network changed? ({sql})")
            ids[name] = row[0]
        return ids


def shrink(path: Path) -> None:
    """A 256-colour palette without dithering: flat UI colours stay exact, files shrink ~3×."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def take(base_url: str, shots: list[Shot], ids: dict[str, int]) -> None:
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                            env={**os.environ, **CHROMIUM_ENV})
        try:
            contexts = {}
            for shot in shots:
                key = (shot.user, shot.viewport["width"])
                if key not in contexts:
                    context = browser.new_context(base_url=base_url, viewport=shot.viewport, locale="fr-FR",
                                                  timezone_id="Europe/Paris", device_scale_factor=1)
                    page = context.new_page()
                    page.set_default_timeout(30_000)
                    if shot.user:
                        log_in(page, shot.user)
                    contexts[key] = page
                page = contexts[key]
                response = page.goto(shot.path.format(**ids))
                if response is None or response.status != 200:
                    raise SystemExit(f"{shot.name}: {shot.path} answered {response and response.status}")
                page.wait_for_load_state("networkidle")
                if shot.scroll_to:
                    page.locator(shot.scroll_to).first.evaluate("element => element.scrollIntoView({block: 'start'})")
                target = IMAGES / f"{shot.name}.png"
                page.screenshot(path=str(target))
                shrink(target)
                print(f"  {target.relative_to(ROOT)}  {target.stat().st_size // 1024} Ko")
        finally:
            browser.close()


def log_in(page, email: str) -> None:
    browser_log_in(page, email, PASSWORD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", metavar="NAME", help="take only these screenshots (names without .png)")
    args = parser.parse_args()
    shots = [shot for shot in SHOTS if not args.only or shot.name in args.only]
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)")

    instance = Path(tempfile.mkdtemp(prefix="ns-captures-"))
    port = free_port()
    env = environment(instance, port)
    server = None
    try:
        print(f"Instance de démonstration dans {instance}")
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
        flask(env, "search", "reindex")
        flask(env, "worker", "--once")
        server = subprocess.Popen([FLASK, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url, server)
        take(base_url, shots, demo_ids(instance / "network_space.sqlite"))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
