"""Benchmark: the library search at scale. Generates N French resources (default 20,000 of about
500 words each, deterministic), rebuilds the index, then times a fixed mix of 200 queries in the
engine alone and through the library page over HTTP (gunicorn, 2 workers).

    .venv/bin/python bench/search.py [--n 20000] [--words 500] [--queries 200]

Prints: reindex time and documents per second, index size, peak memory of the reindex process
and of its largest analysing sub-process, and the peak of all of them together (proportional set
size sampled every 0.1 s: memory shared after a fork counts once),
p50/p95 latency of the engine and of the HTTP page, and the first page after each of a few edits
of a resource (the index updated after the commit, as on the site). Targets (2-core machine, N = 20,000):
page p95 <= 100 ms, reindex < 2 minutes, reindex peak memory < 500 MB.

Standalone: builds its own temporary SQLite database, index and server; nothing else is touched.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOMAIN_WORDS = (
    "clause sociale insertion facilitateur facilitatrice marché public acheteur bailleur social heures "
    "bénéficiaire demandeur emploi RSA jeune qualification travailleur handicapé RQTH quartier prioritaire "
    "entreprise titulaire sous-traitance co-traitance GEIQ ETTI entreprise d'insertion ESAT EA SIAE "
    "réservé condition exécution critère attribution cahier charges CCAP CCTP lot travaux bâtiment voirie "
    "propreté nettoyage espaces verts restauration collective transport logistique déchets recyclage "
    "numérique formation accompagnement suivi bilan évaluation territoire intercommunalité département "
    "Isère Grenoble Voironnais Vienne Vercors Trièves Grésivaudan Oisans Matheysine Chartreuse réunion "
    "plénière assemblée événement comité pilotage partenaire DDETS France Travail Cap emploi Agefiph "
    "mission locale PLIE contrat durée embauche CDI CDD intérim alternance apprentissage tutorat parcours"
).split()
COMMON_WORDS = (
    "le la les un une des du de et à au aux pour par avec sans sur dans entre vers chez selon pendant "
    "après avant ainsi aussi donc mais or car ni plus moins très bien mieux tout tous toute chaque autre "
    "même leur leurs notre nos votre vos ce cette ces son sa ses il elle ils elles on nous vous qui que "
    "dont où quand comme si est sont était sera peut doit fait faire permet prévoit assure propose "
    "projet action objectif résultat besoin moyen outil méthode modèle document guide fiche note exemple "
    "étape phase point question réponse difficulté solution pratique expérience retour analyse année mois"
).split()
CATEGORIES = ("Guides et méthodes", "Modèles de clauses", "Cahiers des charges et pièces de marché", "Outils de suivi",
              "Fiches métiers et secteurs", "Retours d'expérience", "Bilans et études", "Réglementation", "Communication")
TAGS = ("bailleurs", "btp", "propreté", "espaces verts", "restauration", "suivi", "bilan", "marché réservé",
        "handicap", "jeunes", "RSA", "GEIQ", "SIAE", "formation", "acheteurs", "voirie", "numérique", "transport")
QUERIES = (
    "insertion", "clause sociale", "facilitateur", "bailleurs sociaux", "marché réservé", "heures d'insertion",
    "evenement", "Isere", "assemblee", "travailleurs handicapés", "restauration collective", '"cahier des charges"',
    "GEIQ OU ETTI", "propreté SAUF voirie", "insertoin", "facilitatuer", "", "bilan 2025", "jeunes qualification",
    "espaces verts", "numérique formation", "Vercors", "accompagnement parcours", "CCAP lot travaux", "fac*",
    '"clause', "AND", "*", "recyclage déchets", "mission locale",
)
FILTERS = ({}, {"category": "Modèles de clauses"}, {"tag": "bailleurs"}, {"type": "note"}, {"year": "2025"},
           {"tag": "btp", "category": "Outils de suivi"})


def make_corpus(n: int, words: int, seed: int = 2026):
    rng = random.Random(seed)
    vocabulary = DOMAIN_WORDS + COMMON_WORDS * 3
    start = datetime(2022, 1, 1, tzinfo=timezone.utc)
    for i in range(n):
        body = " ".join(rng.choice(vocabulary) for _ in range(words))
        title = " ".join(rng.choice(DOMAIN_WORDS) for _ in range(rng.randint(3, 7))).capitalize()
        yield {
            "title": f"{title} {i}",
            "summary": " ".join(rng.choice(vocabulary) for _ in range(25)),
            "body": body,
            "category": rng.choice(CATEGORIES),
            "tags": rng.sample(TAGS, rng.randint(1, 3)),
            "created_at": start + timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 4)),
            "visibility": "coanimators" if rng.random() < 0.05 else "members",
        }


def populate(app, n: int, words: int) -> int:
    from sqlalchemy import insert, select

    from network_space.accounts.models import User
    from network_space.extensions import db
    from network_space.library.models import Category, Resource, Tag, resource_tag
    from network_space.library.services import ensure_defaults

    with app.app_context():
        db.create_all()
        ensure_defaults()
        author = User(email="bench@example.org", full_name="Banc d'essai", role="member", password_hash="x")
        db.session.add(author)
        db.session.add_all(Tag(name=t.lower()) for t in TAGS)
        db.session.commit()
        categories = {c.name: c.id for c in db.session.scalars(select(Category))}
        tags = {t.name: t.id for t in db.session.scalars(select(Tag))}
        batch, links, next_id = [], [], 1
        for doc in make_corpus(n, words):
            batch.append({"id": next_id, "kind": "note", "title": doc["title"], "summary": doc["summary"],
                          "body": doc["body"], "category_id": categories[doc["category"]], "author_id": author.id,
                          "visibility": doc["visibility"], "download_count": 0, "view_count": 0,
                          "created_at": doc["created_at"], "updated_at": doc["created_at"]})
            links.extend({"resource_id": next_id, "tag_id": tags[t.lower()]} for t in doc["tags"])
            next_id += 1
            if len(batch) == 1000:
                db.session.execute(insert(Resource), batch)
                db.session.execute(insert(resource_tag), links)
                db.session.commit()
                batch, links = [], []
        if batch:
            db.session.execute(insert(Resource), batch)
            db.session.execute(insert(resource_tag), links)
            db.session.commit()
        user = User(email="lecteur@example.org", full_name="Lecteur", role="member", password_hash="x")
        db.session.add(user)
        db.session.commit()
        return user.id


def _reindex_child(queue) -> None:
    from network_space import create_app
    from network_space.search import cli

    app = create_app("development")
    with app.app_context():
        started = time.perf_counter()
        counts = cli.rebuild()
        elapsed = time.perf_counter() - started
    # The analysing sub-processes are this process's children (joined by now).
    queue.put((sum(counts.values()), elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))


def _tree_pss_kb(root: int) -> int:
    """Proportional set size of a process and all its descendants, in KiB: pages shared after a
    fork count once in the total, unlike a sum of peak RSS."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total


def _sample_peak(root: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.wait(0.1):
        peak[0] = max(peak[0], _tree_pss_kb(root))


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def query_mix(count: int) -> list[tuple[str, dict, int, str]]:
    mix = []
    for i in range(count):
        page = 2 if i % 10 == 9 else 1
        sort = "date" if i % 7 == 6 else "relevance"
        mix.append((QUERIES[i % len(QUERIES)], FILTERS[(i // len(QUERIES)) % len(FILTERS)], page, sort))
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="number of resources (default 20,000)")
    parser.add_argument("--words", type=int, default=500, help="words per resource (default 500)")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ns-bench-search-"))
    # Before the first import of the application: config.py reads the environment at import.
    os.environ.update(
        NS_CONFIG="development", NS_INSTANCE_DIR=str(tmp), DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite",
        SEARCH_INDEX_DIR=str(tmp / "index"), DATA_DIR=str(tmp / "data"), RATELIMIT_ENABLED="0",
        SECRET_KEY="bench-secret", MAIL_SUPPRESS_SEND="1",
    )
    from network_space import create_app
    from tests.helpers import free_port
    from network_space.extensions import db
    from network_space.library.queries import FACETS
    from network_space.search.engine import search
    from network_space.search.index import index_size_bytes

    app = create_app("development")
    assert str(tmp) in app.config["SQLALCHEMY_DATABASE_URI"], "the benchmark must use its own database"
    try:
        started = time.perf_counter()
        reader_id = populate(app, args.n, args.words)
        print(f"Corpus : {args.n} ressources × ~{args.words} mots, générées en {time.perf_counter() - started:.1f} s")
        with app.app_context():
            db.engine.dispose()

        queue = multiprocessing.get_context("fork").Queue()
        child = multiprocessing.get_context("fork").Process(target=_reindex_child, args=(queue,))
        child.start()
        stop, tree_peak = threading.Event(), [0]
        sampler = threading.Thread(target=_sample_peak, args=(child.pid, stop, tree_peak), daemon=True)
        sampler.start()
        documents, elapsed, peak_kb, child_peak_kb = queue.get()
        stop.set()
        sampler.join()
        child.join()
        with app.app_context():
            size = index_size_bytes()
        print(f"Réindexation : {documents} documents en {elapsed:.1f} s ({documents / elapsed:.0f} docs/s), "
              f"index {size / 1024 / 1024:.1f} Mo, mémoire max {peak_kb / 1024:.0f} Mo (processus principal) "
              f"+ {child_peak_kb / 1024:.0f} Mo (plus gros sous-processus d'analyse) ; "
              f"tous processus ensemble (PSS) {tree_peak[0] / 1024:.0f} Mo au plus")

        mix = query_mix(args.queries)
        engine_times = []
        with app.test_request_context():  # result links are built with url_for
            from network_space.accounts.models import User

            reader = db.session.get(User, reader_id)
            for text, filters, page, sort in mix[:10]:  # warm-up: caches, stemmer, file system
                search(text, reader, kinds=["library.resource"], facet_fields=tuple(FACETS.values()))
            for text, filters, page, sort in mix:
                facets = {FACETS[k]: [v] for k, v in filters.items()}
                t0 = time.perf_counter()
                results = search(text, reader, kinds=["library.resource"], facets=facets,
                                 facet_fields=tuple(FACETS.values()), page=page, sort=sort)
                engine_times.append((time.perf_counter() - t0) * 1000)
                assert results.available
            session_cookie = app.session_interface.get_signing_serializer(app).dumps(
                {"_user_id": reader.session_token, "_fresh": True})
        print(f"Moteur seul : p50 {percentile(engine_times, 50):.0f} ms, p95 {percentile(engine_times, 95):.0f} ms "
              f"({len(engine_times)} requêtes)")

        # The engine phase wrote the postings it read beside the index for other processes
        # (docsets.SHARED_DIR): remove them, so that the page is measured from cold caches too.
        with app.app_context():
            from network_space.search import docsets
            from network_space.search.index import index_path

            shutil.rmtree(index_path().resolve() / docsets.SHARED_DIR, ignore_errors=True)
        port = free_port()
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            from urllib.parse import urlencode

            def fetch(params):
                request = urllib.request.Request(base + "/library/?" + urlencode(params),
                                                 headers={"Cookie": f"session={session_cookie}"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    body = response.read()
                    assert response.status == 200 and b"Biblioth" in body
            http_times = []
            for text, filters, page, sort in mix[:10]:
                fetch({"q": text, **filters})
            for text, filters, page, sort in mix:
                params = {"q": text, "page": page, "sort": sort, **filters}
                t0 = time.perf_counter()
                fetch(params)
                http_times.append((time.perf_counter() - t0) * 1000)
            print(f"Page HTTP (gunicorn, 2 workers) : p50 {percentile(http_times, 50):.0f} ms, "
                  f"p95 {percentile(http_times, 95):.0f} ms ({len(http_times)} requêtes)")
            slowest = sorted(zip(http_times, mix), reverse=True)[:3]
            print("Requêtes les plus lentes : " + " ; ".join(f"{m[0]!r} {m[1]} {t:.0f} ms" for t, m in slowest))

            # A resource edited as on the site (the index is updated after the commit): the next
            # search reopens the index and reads the new segment only.
            after_edit = []
            from network_space.library.models import Resource

            for round_ in range(4):
                with app.app_context():
                    resource = db.session.get(Resource, round_ + 1)
                    resource.title = f"{resource.title} (révisé)"
                    db.session.commit()
                t0 = time.perf_counter()
                fetch({"q": "insertion"})
                after_edit.append((time.perf_counter() - t0) * 1000)
            print("Première recherche après une modification : "
                  + ", ".join(f"{t:.0f}" for t in after_edit) + " ms (une par modification)")
        finally:
            server.terminate()
            server.wait(10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
