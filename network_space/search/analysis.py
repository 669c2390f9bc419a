"""French text analysis: accents are folded BEFORE stemming, so that the Snowball stemmer sees
the same letters whatever the user typed ("Isere" = "Isère", "evenement" = "Événements")."""
from __future__ import annotations

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

# Letters, digits and intra-word dots ("L2113-12" gives "l2113", "12"; "N.B." stays one token).
_TOKEN = r"\w+(\.?\w+)*"


def french_analyzer():
    return (
        RegexTokenizer(_TOKEN)
        | LowercaseFilter()
        | StopFilter(lang="fr")
        | CharsetFilter(accent_map)
        | StemFilter(lang="fr", cachesize=100_000)
    )


def spelling_analyzer():
    """Whole words, folded but not stemmed: the vocabulary "did you mean" picks from."""
    return RegexTokenizer(_TOKEN) | LowercaseFilter() | StopFilter(lang="fr", minsize=3) | CharsetFilter(accent_map)


def fold(text: str) -> str:
    """Lower-case, accent-free form of a word (for comparing a suggestion with the query)."""
    return text.lower().translate(accent_map)
