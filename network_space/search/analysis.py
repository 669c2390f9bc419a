"""French text analysis: accents are folded BEFORE stemming, so that the Snowball stemmer sees
the same letters whatever the user typed ("Isere" = "Isère", "evenement" = "Événements")."""
from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

# Letters, digits and intra-word dots ("L2113-12" gives "l2113", "12"; "N.B." stays one token).
_TOKEN = r"\w+(\.?\w+)*"


_FRENCH_STEMMER = stemmer_for_language("fr")


@lru_cache(maxsize=100_000)
def stem_french(word: str) -> str:
    """Whoosh's French Snowball stemmer behind functools' cache: StemFilter's own cache costs
    several microseconds per word, a tenth of the indexing time. (A module-level function, so
    the schema stored in the index pickles it by name.)"""
    return _FRENCH_STEMMER(word)


def french_analyzer():
    return (
        RegexTokenizer(_TOKEN)
        | LowercaseFilter()
        | StopFilter(lang="fr")
        | CharsetFilter(accent_map)
        | StemFilter(stemfn=stem_french, cachesize=None)
    )


def spelling_analyzer():
    """Whole words, folded but not stemmed: the vocabulary "did you mean" picks from."""
    return RegexTokenizer(_TOKEN) | LowercaseFilter() | StopFilter(lang="fr", minsize=3) | CharsetFilter(accent_map)


def fold(text: str) -> str:
    """Lower-case, accent-free form of a word (for comparing a suggestion with the query)."""
    return text.lower().translate(accent_map)


_WORDS = re.compile(_TOKEN.replace("(", "(?:"))  # the same tokens, as findall() strings
_ANALYZER = french_analyzer()


@lru_cache(maxsize=100_000)
def index_term(word: str) -> str | None:
    """The term french_analyzer() indexes for one word, None for a stop word (cached: the
    vocabulary of a network's documents is a few tens of thousands of words)."""
    return next((token.text for token in _ANALYZER(word)), None)


def find_terms(text: str, terms: set[str]) -> list[tuple[str, int, int]]:
    """(term, start, end) of the words of ``text`` that french_analyzer() indexes as one of
    ``terms``. The distinct words are listed by the regex engine, and only those that match
    are searched again for their places: a long text costs little more than one findall()."""
    wanted = {word for word in set(_WORDS.findall(text)) if index_term(word) in terms}
    if not wanted:
        return []
    # Whole tokens only: not "abc" inside "abc.def" or "abcd".
    alternatives = "|".join(re.escape(word) for word in sorted(wanted, key=len, reverse=True))
    places = re.compile(rf"(?<![\w.])(?:{alternatives})(?!\.?\w)")
    return [(index_term(m.group()), m.start(), m.end()) for m in places.finditer(text)]
