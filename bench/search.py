"""Benchmark: the library search at scale. Generates N French resources (default 20,000 of about
500 words each, deterministic), rebuilds the index, then times a fixed mix of 200 queries in the
engine alone and through the library page over HTTP (gunicorn, 2 workers).

    .venv/bin/python bench/search.py [--n 20000] [--words 500] [--queries 200] [--corpus french]
    .venv/bin/python bench/search.py --backend postgresql --database-url postgresql+psycopg://…/EMPTY_DB

Prints: reindex time and documents per second, index size, peak memory of the reindex process
and of its largest analysing sub-process, and the peak of all of them together (proportional set
size sampled every 0.1 s: memory shared after a fork counts once),
p50/p95 latency of the engine and of the HTTP page, and the first page after each of a few edits
of a resource (as on the site), with the machine's load during each measure. On a PostgreSQL
database, the other engine is measured in the same run on the same corpus, as the reference.
Targets (2-core machine, N = 20,000): page p95 <= 100 ms, reindex < 2 minutes, reindex peak
memory < 500 MB.

Corpus: "synthetic" (default) draws every word from ~400 words, the worst case (nearly every word
searched is in nearly every document); "french" follows real French word frequencies (Zipf's
law over the word list of the Debian package wfrench).

Standalone: builds its own temporary SQLite database (or fills the EMPTY PostgreSQL database
given, and empties it at the end), index and server; nothing else is touched.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import analyze, drop_extensions, extensions, machine_load, percentile, serve, stop  # noqa: E402

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


# The realistic corpus: word frequencies as in real French text (Zipf's law, rank r drawn with
# probability proportional to 1 / r), the ranks being French words: the most frequent function
# words in order, then the network's vocabulary among the first few hundred ranks, then the
# inflected forms of a French word list (Debian package wfrench) in a fixed shuffled order.
FRENCH_WORD_LIST = Path("/usr/share/dict/french")
FUNCTION_WORDS = (
    "de la le et les des en un du une que est pour qui dans a par plus pas au sur ne se ce il sont avec ou "
    "son aux on mais comme elle sa y leur nous tout ses été fait deux cette être peut ont même bien était "
    "entre aussi dont très sans lui encore où ces autres faire après avant si ils notre nos vous votre leurs "
    "chaque selon toute tous ainsi donc car ni moins mieux alors depuis sous vers chez pendant contre"
).split()
ZIPF_EXPONENT = 1.0


def _french_ranks(seed: int) -> list[str]:
    if not FRENCH_WORD_LIST.exists():
        sys.exit(f"{FRENCH_WORD_LIST} manque : installez le paquet Debian wfrench (apt-get install wfrench).")
    rng = random.Random(seed)
    words = [w for w in FRENCH_WORD_LIST.read_text(encoding="utf-8").split() if w.isalpha()]
    rng.shuffle(words)
    ranks = list(FUNCTION_WORDS)
    domain = list(DOMAIN_WORDS)
    # A word of the network's vocabulary every third rank after the function words.
    while domain:
        ranks.append(domain.pop(0))
        ranks.extend(words[:2])
        del words[:2]
    return ranks + words


def make_corpus(n: int, words: int, seed: int = 2026, corpus: str = "synthetic"):
    rng = random.Random(seed)
    start = datetime(2022, 1, 1, tzinfo=timezone.utc)
    if corpus == "french":
        ranks = _french_ranks(seed)
        cumulative = list(accumulate(1 / r ** ZIPF_EXPONENT for r in range(1, len(ranks) + 1)))
        content = len(FUNCTION_WORDS)  # titles: words past the function words

        def text(count):
            return " ".join(rng.choices(ranks, cum_weights=cumulative, k=count))

        def title():
            return " ".join(ranks[content + int(rng.paretovariate(0.6)) % (len(ranks) - content)]
                            for _ in range(rng.randint(3, 7)))
    else:
        vocabulary = DOMAIN_WORDS + COMMON_WORDS * 3

        def text(count):
            return " ".join(rng.choice(vocabulary) for _ in range(count))

        def title():
            return " ".join(rng.choice(DOMAIN_WORDS) for _ in range(rng.randint(3, 7)))
    for i in range(n):
        body = text(words)
        yield {
            "title": f"{title().capitalize()} {i}",
            "summary": text(25),
            "body": body,
            "category": rng.choice(CATEGORIES),
            "tags": rng.sample(TAGS, rng.randint(1, 3)),
            "created_at": start + timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 4)),
            "visibility": "coanimators" if rng.random() < 0.05 else "members",
        }


def corpus_queries(corpus: str, seed: int = 2026) -> tuple[str, ...]:
    """The query mix: the network's words, phrases, typos, operators; with the French corpus,
    also words of every frequency of the word list (common to rare)."""
    if corpus != "french":
        return QUERIES
    ranks = _french_ranks(seed)
    picked = [ranks[r] for r in (150, 400, 1_000, 3_000, 10_000, 30_000, 100_000)]
    return QUERIES + tuple(picked) + (f"{ranks[500]} {ranks[700]}", f'"{ranks[200]} {ranks[90]}"')


def populate(app, n: int, words: int, corpus: str) -> int:
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
        for doc in make_corpus(n, words, corpus=corpus):
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


def _reindex_child(queue, engine: str) -> None:
    from network_space import create_app
    from network_space.search import cli

    app = create_app("development", SEARCH_BACKEND=engine)
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


def _sample_peak(root: int, done: threading.Event, peak: list[int]) -> None:
    while not done.wait(0.1):
        peak[0] = max(peak[0], _tree_pss_kb(root))


def query_mix(count: int, queries=QUERIES) -> list[tuple[str, dict, int, str]]:
    mix = []
    for i in range(count):
        page = 2 if i % 10 == 9 else 1
        sort = "date" if i % 7 == 6 else "relevance"
        mix.append((queries[i % len(queries)], FILTERS[(i // len(queries)) % len(FILTERS)], page, sort))
    return mix


def _index_size(engine: str) -> int:
    from sqlalchemy import text

    from network_space.extensions import db
    from network_space.search.index import index_size_bytes

    if engine == "whoosh":
        return index_size_bytes()
    return db.session.scalar(text(
        "SELECT pg_total_relation_size('search_document') + pg_total_relation_size('search_word')"))


def measure(app, engine: str, reader_id: int, mix, edited_ids) -> dict:
    """Every figure for one engine: reindex, size, memory, engine alone, HTTP page, after edits."""
    from urllib.parse import urlencode

    from network_space.accounts.models import User
    from network_space.extensions import db
    from network_space.library.models import Resource
    from network_space.library.queries import FACETS
    from network_space.search import docsets
    from network_space.search.engine import search
    from network_space.search.index import index_path
    from tests.helpers import free_port

    figures = {"load_start": machine_load()}
    app.config["SEARCH_BACKEND"] = engine
    queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_reindex_child, args=(queue, engine))
    child.start()
    sampled, tree_peak = threading.Event(), [0]
    sampler = threading.Thread(target=_sample_peak, args=(child.pid, sampled, tree_peak), daemon=True)
    sampler.start()
    documents, elapsed, peak_kb, child_peak_kb = queue.get()
    sampled.set()
    sampler.join()
    child.join()
    with app.app_context():
        figures["size"] = _index_size(engine)
        if engine == "postgresql":
            analyze(db.session)
    figures.update(documents=documents, reindex=elapsed, peak_kb=peak_kb, child_peak_kb=child_peak_kb,
                   tree_peak_kb=tree_peak[0])

    engine_times = []
    with app.test_request_context():  # result links are built with url_for
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
    figures["engine"] = engine_times

    if engine == "whoosh":
        # The engine phase wrote the postings it read beside the index for other processes
        # (docsets.SHARED_DIR): remove them, so that the page is measured from cold caches too.
        with app.app_context():
            shutil.rmtree(index_path().resolve() / docsets.SHARED_DIR, ignore_errors=True)
    port = free_port()
    server_log = open(Path(os.environ["NS_INSTANCE_DIR"]) / f"gunicorn-{engine}.log", "w+")
    server = serve("wsgi:app", port, {**os.environ, "SEARCH_BACKEND": engine}, ROOT, log=server_log)
    try:
        base = f"http://127.0.0.1:{port}"

        def fetch(params):
            request = urllib.request.Request(base + "/library/?" + urlencode(params),
                                             headers={"Cookie": f"session={session_cookie}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                assert response.status == 200 and b"Biblioth" in body and b"momentan" not in body
        http_times = []
        for text, filters, page, sort in mix[:10]:
            fetch({"q": text, **filters})
        for text, filters, page, sort in mix:
            params = {"q": text, "page": page, "sort": sort, **filters}
            t0 = time.perf_counter()
            fetch(params)
            http_times.append((time.perf_counter() - t0) * 1000)
        figures["http"] = http_times
        figures["slowest"] = sorted(zip(http_times, mix), reverse=True)[:3]

        # A resource edited as on the site (Whoosh: the index is updated after the commit, the
        # next search reopens it and reads the new segment only; PostgreSQL: the document is
        # written in the edit's transaction).
        after_edit = []
        for resource_id in edited_ids:
            with app.app_context():
                resource = db.session.get(Resource, resource_id)
                resource.title = f"{resource.title} (révisé)"
                db.session.commit()
            t0 = time.perf_counter()
            fetch({"q": "insertion"})
            after_edit.append((time.perf_counter() - t0) * 1000)
        figures["after_edit"] = after_edit
    except BaseException:
        server_log.seek(0)
        print("Journal de gunicorn :\n" + server_log.read()[-5000:], file=sys.stderr)
        raise
    finally:
        stop(server)
        server_log.close()
    figures["load_end"] = machine_load()
    return figures


def report(engine: str, f: dict, reference: bool = False) -> None:
    print(f"\n== Moteur {engine}{' (référence)' if reference else ''} "
          f"— charge de la machine (1 min) : {f['load_start']} au début, {f['load_end']} à la fin ==")
    memory = (f"{f['peak_kb'] / 1024:.0f} Mo (processus principal) + {f['child_peak_kb'] / 1024:.0f} Mo "
              f"(plus gros sous-processus d'analyse) ; tous processus ensemble (PSS) {f['tree_peak_kb'] / 1024:.0f} Mo "
              f"au plus" + (" (serveur PostgreSQL non compris)" if engine == "postgresql" else ""))
    print(f"Réindexation : {f['documents']} documents en {f['reindex']:.1f} s ({f['documents'] / f['reindex']:.0f} docs/s), "
          f"index {f['size'] / 1024 / 1024:.1f} Mo, mémoire max {memory}")
    print(f"Moteur seul : p50 {percentile(f['engine'], 50):.0f} ms, p95 {percentile(f['engine'], 95):.0f} ms "
          f"({len(f['engine'])} requêtes)")
    print(f"Page HTTP (gunicorn, 2 workers) : p50 {percentile(f['http'], 50):.0f} ms, "
          f"p95 {percentile(f['http'], 95):.0f} ms ({len(f['http'])} requêtes)")
    print("Requêtes les plus lentes : " + " ; ".join(f"{m[0]!r} {m[1]} {t:.0f} ms" for t, m in f["slowest"]))
    print("Première recherche après une modification : "
          + ", ".join(f"{t:.0f}" for t in f["after_edit"]) + " ms (une par modification)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="number of resources (default 20,000)")
    parser.add_argument("--words", type=int, default=500, help="words per resource (default 500)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backend", choices=("whoosh", "postgresql"), default="whoosh",
                        help="the search engine measured (default whoosh)")
    parser.add_argument("--corpus", choices=("synthetic", "french"), default="synthetic",
                        help="synthetic: ~400 words everywhere (the worst case); french: Zipf frequencies "
                             "over a French word list (package wfrench)")
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database (needed for --backend postgresql; "
                                               "emptied again at the end)")
    parser.add_argument("--no-reference", action="store_true",
                        help="on PostgreSQL, do not measure the other engine as the reference")
    args = parser.parse_args()
    if args.backend == "postgresql" and not (args.database_url or "").startswith("postgresql"):
        parser.error("--backend postgresql needs --database-url postgresql+psycopg://… (an empty database)")
    engines = [args.backend]
    if args.database_url and not args.no_reference:
        engines.append("whoosh" if args.backend == "postgresql" else "postgresql")

    tmp = Path(tempfile.mkdtemp(prefix="ns-bench-search-"))
    # Before the first import of the application: config.py reads the environment at import.
    os.environ.update(
        NS_CONFIG="development", NS_INSTANCE_DIR=str(tmp),
        DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite",
        SEARCH_INDEX_DIR=str(tmp / "index"), DATA_DIR=str(tmp / "data"), RATELIMIT_ENABLED="0",
        SECRET_KEY="bench-secret", MAIL_SUPPRESS_SEND="1",
    )
    from sqlalchemy import inspect

    from network_space import create_app
    from network_space.extensions import db

    app = create_app("development")
    found = set()  # the extensions the database had: the others are the benchmark's, dropped at the end
    with app.app_context():
        if args.database_url:
            assert not inspect(db.engine).get_table_names(), "the benchmark needs an EMPTY database"
            found = extensions(db.session)
        else:
            assert str(tmp) in app.config["SQLALCHEMY_DATABASE_URI"], "the benchmark must use its own database"
    print(f"Machine : {os.cpu_count()} cœurs, charge (1 min) {machine_load()} ; base "
          f"{'PostgreSQL' if args.database_url else 'SQLite'} ; corpus {args.corpus}")
    try:
        started = time.perf_counter()
        reader_id = populate(app, args.n, args.words, args.corpus)
        print(f"Corpus : {args.n} ressources × ~{args.words} mots, générées en {time.perf_counter() - started:.1f} s")
        with app.app_context():
            db.engine.dispose()
        mix = query_mix(args.queries, corpus_queries(args.corpus))
        figures = {}
        for number, engine in enumerate(engines):
            figures[engine] = measure(app, engine, reader_id, mix, edited_ids=[number * 10 + i + 1 for i in range(4)])
            report(engine, figures[engine], reference=number > 0)
        if len(engines) > 1:
            print("\nRésumé (ms)         " + "".join(f"{e:>22}" for e in engines))
            for label, key, p in (("moteur seul p50", "engine", 50), ("moteur seul p95", "engine", 95),
                                  ("page HTTP p50", "http", 50), ("page HTTP p95", "http", 95)):
                print(f"{label:<20}" + "".join(f"{percentile(figures[e][key], p):>22.0f}" for e in engines))
            print(f"{'réindexation (s)':<20}" + "".join(f"{figures[e]['reindex']:>22.0f}" for e in engines))
    finally:
        if args.database_url:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                drop_extensions(db.session, extensions(db.session) - found)
                db.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
