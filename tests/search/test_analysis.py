import pytest

from network_space.search.analysis import french_analyzer

# The Whoosh engine's own parts (tests/search/test_engines.py runs the same checks on both engines).
pytestmark = pytest.mark.search_backends("whoosh")


def terms(text):
    return [t.text for t in french_analyzer()(text)]


# (query, text): the query's terms are among the text's. Also run end to end on both engines
# (tests/search/test_engines.py).
FRENCH_PAIRS = [
    ("facilitateur", "Les facilitateurs du réseau"),
    ("facilitateurs", "un facilitateur"),
    ("evenement", "Événements à venir"),
    ("Événements", "un evenement"),
    ("Isere", "le département de l'Isère"),
    ("isère", "ISERE"),
    ("assemblee", "l'assemblée générale"),
    ("assemblée", "assemblee generale"),
    ("marches reserves", "les marchés réservés"),
    ("clause sociale", "Clauses sociales d'insertion"),
]


@pytest.mark.parametrize("query, text", FRENCH_PAIRS + [("bailleur", "BAILLEURS SOCIAUX"), ("insertion", "Insertion")])
def test_query_terms_found_in_text(query, text):
    assert set(terms(query)) <= set(terms(text))


def test_stop_words_and_apostrophes_are_dropped():
    assert terms("l'assemblée de la commune et des EPCI") == terms("assemblée commune EPCI")


def test_positions_keep_the_original_characters_for_highlighting():
    text = "Réunion des Événements"
    # Whoosh reuses one Token object: read each position as it comes.
    spans = [text[t.startchar:t.endchar] for t in french_analyzer()(text, chars=True)]
    assert spans == ["Réunion", "Événements"]


def test_snippet_words_are_found_again_as_the_analyzer_cuts_them():
    from network_space.search.analysis import find_terms

    text = "Les Facilitateurs et l'assemblée ; facilitatrice. N.B. abc.facilitateur, refacilitateur"
    found = find_terms(text, {"facilit", "assemble"})
    assert [text[start:end] for _term, start, end in found] == ["Facilitateurs", "assemblée", "facilitatrice"]
    assert find_terms(text, {"absent"}) == []
