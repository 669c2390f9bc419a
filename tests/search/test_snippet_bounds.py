"""Search snippets start at a sentence or at a word, never inside a number or on a separator,
and say with "…" that text was left out."""
from __future__ import annotations

import re

import pytest

from network_space.search.analysis import index_term
from network_space.search.backends.whoosh import _snippet, new_highlighter

pytestmark = pytest.mark.search_backends("whoosh")  # the PostgreSQL engine's extracts are ts_headline()'s

LONG = ("Le bailleur a lancé la consultation en mars pour la résidence des Tilleuls, avec un volume "
        "d'heures calculé sur le montant des travaux et un accompagnement renforcé des entreprises. "
        "Le lot gros œuvre représente 150 000 € de main-d'œuvre · soit 2 100 heures d'insertion "
        "réservées aux publics éligibles, suivies chaque mois par la facilitatrice du territoire "
        "avec les structures d'insertion et le service emploi de la commune, jusqu'à la réception.")


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_snippet_starts_at_the_sentence_of_the_match():
    text = "Un long préambule sur le contexte du marché. " * 5 + "Le lot compte 2 100 heures d'insertion. " + "Suite. " * 3
    snippet = _plain(_snippet(text, {index_term("insertion")}, new_highlighter()))
    assert snippet.startswith("Le lot compte"), snippet


def test_fragments_read_as_extracts():
    snippet = _plain(_snippet(LONG, {index_term("insertion")}, new_highlighter()))
    assert snippet.startswith("…représente 150 000 €"), snippet  # a word, not "000"
    assert snippet.endswith("…") and "… …" not in snippet and "  " not in snippet, snippet
    assert not re.search(r"…\s*[·,;]", snippet), snippet


def test_snippet_never_starts_inside_a_number_nor_on_a_separator():
    text = ("x" * 10 + " ") * 30 + "montant 150 000 € de main-d'œuvre · heures réservées aux publics " + "suite " * 40
    snippet = _plain(_snippet(text, {index_term("réservées")}, new_highlighter()))
    assert snippet.startswith("…"), snippet
    first_word = snippet[1:].split()[0]
    assert first_word[0].isalpha() and first_word not in ("000", "€", "·"), snippet
    assert "réservées" in snippet


def test_among_equally_good_extracts_the_earliest_are_shown_every_time():
    """Whoosh breaks ties between fragments by their objects' memory addresses: the same search
    showed different extracts from one request (or worker) to the next."""
    text = "".join(f"{'des mots sans rapport ' * 12}heures d'insertion du chantier {n}. {'et encore ' * 12}"
                   for n in range(1, 5))
    assert len(text) < 2_000  # all four in the beginning scanned first
    snippets = {_plain(_snippet(text, {index_term("insertion")}, new_highlighter())) for _ in range(20)}
    assert len(snippets) == 1, snippets
    snippet = snippets.pop()
    assert [n for n in range(1, 5) if f"chantier {n}." in snippet] == [1, 2, 3], snippet
