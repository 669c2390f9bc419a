"""The same expectations of every search engine (the search_backend fixture, autouse in this
directory, runs each test once per engine): French analysis, query syntax, pagination, date order,
facets; and, where both engines can run (PostgreSQL), the same matches from both."""
from datetime import datetime, timedelta, timezone

import pytest

from network_space.extensions import db
from network_space.search import cli as search_cli
from network_space.search.backends import get_backend
from network_space.search.engine import search
from tests.conftest import ON_POSTGRESQL
from tests.search.test_analysis import FRENCH_PAIRS


def _viewer_search(viewer, text, **kwargs):
    from network_space.accounts.models import User

    return search(text, db.session.get(User, viewer.id), **kwargs)


# (query, text): the query finds a member whose presentation is the text (the Whoosh analyser's
# own cases, tests/search/test_analysis.py, and one more).
FRENCH = FRENCH_PAIRS + [("bailleurs", "le bailleur social")]


@pytest.mark.parametrize("query, text", FRENCH)
def test_french_analysis_folds_accents_before_stemming(ctx, make_user, query, text):
    viewer = make_user("member", full_name="Lecteur")
    make_user("member", full_name="Présentée", bio=text)
    make_user("member", full_name="Autre", bio="Rien à voir : chantier de voirie.")
    assert [hit.title for hit in _viewer_search(viewer, query).hits] == ["Présentée"]


CORPUS = {
    "Guide des clauses": "Les facilitateurs accompagnent les bailleurs sociaux en Isère.",
    "Assemblée générale": "Compte rendu des Événements de l'assemblée générale ; cahier des charges du marché.",
    "Propreté urbaine": "Nettoyage et propreté des voiries ; insertion des jeunes.",
    "Marchés réservés": "Les marchés réservés aux ESAT et aux entreprises adaptées (travailleurs handicapés).",
}
QUERIES = [
    ("facilitateur", {"Guide des clauses"}),
    ('"cahier des charges"', {"Assemblée générale"}),
    ('"charges cahier"', set()),
    ("l'assemblée", {"Assemblée générale"}),
    ("propreté SAUF voirie", set()),
    # A negation first excludes from everything; an operator with nothing on one side is dropped.
    ("SAUF voirie", {"Guide des clauses", "Assemblée générale", "Marchés réservés"}),
    ("NON voirie", {"Guide des clauses", "Assemblée générale", "Marchés réservés"}),
    ("ET voirie SAUF", {"Propreté urbaine"}),
    ("propreté OU handicapés", {"Propreté urbaine", "Marchés réservés"}),
    ("propreté OR handicapés", {"Propreté urbaine", "Marchés réservés"}),
    ("bailleurs OU jeunes NON voirie", {"Guide des clauses"}),
    ("fac*", {"Guide des clauses"}),
    ("(clauses OU marchés) ET handicapés", {"Marchés réservés"}),
    ("jeunes insertion", {"Propreté urbaine"}),
    ("jeunes ESAT", set()),
    ("mot-absent", set()),
    ("de la", set()),
    ("*", set(CORPUS)),
]


@pytest.mark.parametrize("query, expected", QUERIES)
def test_query_syntax(ctx, make_user, query, expected):
    viewer = make_user("member", full_name="Lecteur")
    for name, bio in CORPUS.items():
        make_user("member", full_name=name, bio=bio)
    found = {hit.title for hit in _viewer_search(viewer, query).hits}
    assert found & set(CORPUS) == expected


def test_pages_and_newest_first(ctx, make_user):
    from network_space.accounts.models import User

    viewer = make_user("member", full_name="Lecteur")
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    for i in range(23):
        make_user("member", full_name=f"Chargée de mission {i:02d}", job_title="Chargée de mission insertion",
                  created_at=start + timedelta(days=i))
    results = _viewer_search(viewer, "insertion", per_page=10, page=3, sort="date")
    assert (results.total, results.pages, results.page) == (23, 3, 3)
    assert [hit.title for hit in results.hits] == [f"Chargée de mission {i:02d}" for i in (2, 1, 0)]
    # Beyond the last page: the last page.
    beyond = _viewer_search(viewer, "insertion", per_page=10, page=9, sort="date")
    assert beyond.page == 3 and [h.title for h in beyond.hits] == [h.title for h in results.hits]
    first = _viewer_search(viewer, "insertion", per_page=10, sort="date")
    assert [hit.title for hit in first.hits][:2] == ["Chargée de mission 22", "Chargée de mission 21"]
    # Every hit is an object re-read from the database.
    assert all(isinstance(hit.obj, User) for hit in first.hits)


def test_facets_count_the_matches_and_filter(ctx, make_user, app):
    from network_space.accounts.models import Structure, Territory

    viewer = make_user("member", full_name="Lecteur")
    territory = Territory(name="Trièves", sector="sud")
    db.session.add(territory)
    db.session.add_all([Structure(name=f"Régie d'insertion {i}", kind="association" if i % 3 else "epci",
                                  territory=territory if i % 2 else None) for i in range(6)])
    db.session.commit()
    results = _viewer_search(viewer, "insertion", kinds=["accounts.structure"], facet_fields=("subtype", "territory", "kind"))
    assert results.total == 6
    assert results.facets["subtype"] == [("association", 4), ("epci", 2)]
    assert results.facets["territory"] == [(territory.label, 3)]
    assert results.facets["kind"] == [("accounts.structure", 6)]
    narrowed = _viewer_search(viewer, "insertion", facets={"subtype": ["epci"], "territory": [territory.label]})
    assert [hit.title for hit in narrowed.hits] == ["Régie d'insertion 3"]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="both engines run on PostgreSQL only")
@pytest.mark.search_backends("whoosh")
def test_both_engines_find_the_same_documents(ctx, make_user, app):
    """The same corpus indexed by each engine: every query of the syntax and analysis tests, and
    of the benchmark, finds the same documents in the same number."""
    from bench.search import QUERIES as BENCH_QUERIES

    viewer = make_user("member", full_name="Lecteur")
    for name, bio in CORPUS.items():
        make_user("member", full_name=name, bio=bio, job_title="Facilitatrice clauses sociales")
    for query, text in FRENCH:
        make_user("member", full_name=f"Membre {query}", bio=text)
    queries = [q for q, _ in QUERIES] + [q for q, _ in FRENCH] + list(BENCH_QUERIES)
    found = {}
    for name in ("whoosh", "postgresql"):
        app.config["SEARCH_BACKEND"] = name
        search_cli.rebuild()
        found[name] = [(q, sorted(hit.title for hit in _viewer_search(viewer, q, per_page=100).hits)) for q in queries]
        assert get_backend().indexed_counts()["accounts.member"] == 1 + len(CORPUS) + len(FRENCH)
    app.config["SEARCH_BACKEND"] = "whoosh"
    assert found["postgresql"] == found["whoosh"]
    assert sum(1 for _query, titles in found["whoosh"] if titles) > len(queries) // 2  # not vacuous
