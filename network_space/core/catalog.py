"""The French message catalogue, for plurals. The site's strings are written in French, but gettext
without a catalogue chooses between singular and plural by English's rule (singular for 1 only):
"0 réponses". French takes the singular for 0 and 1: "0 réponse". The catalogue gives every plural
message its two French forms under the French rule (Plural-Forms: n > 1, from Babel's CLDR data);
the other strings need no entry, they are shown as written.

After adding or changing an ``ngettext`` message, in Python or in a template, rebuild it:

    .venv/bin/python -m network_space.core.catalog

tests/core/test_catalog.py fails until then (it compares the catalogue with the sources)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from config import BASE_DIR as ROOT, Config

TRANSLATIONS = Path(Config.BABEL_TRANSLATION_DIRECTORIES)
LOCALE = "fr"
DOMAIN = "messages"
# Fixed, so that rebuilding an unchanged catalogue changes no byte.
_DATE = datetime(2026, 11, 30, tzinfo=timezone.utc)
_HEADER = ("# The plurals of network_space's French messages, built from the sources by\n"
           "# network_space/core/catalog.py: rebuild it rather than editing it.")

# Where the strings are, and how to read them: Python, and the templates with Jinja's own extractor
# (the one pybabel uses), given the extension the site adds (``do``) and told to fail on a template
# it cannot parse: by default it skips it silently, and its plurals would be missing unnoticed.
_SOURCES = (
    (ROOT / "network_space", [("**.py", "python")], {}),
    (ROOT / "templates", [("**.html", "jinja2.ext:babel_extract"), ("**.txt", "jinja2.ext:babel_extract")],
     {pattern: {"extensions": "jinja2.ext.do", "silent": "false"} for pattern in ("**.html", "**.txt")}),
)


def plural_messages() -> set[tuple[str, str]]:
    """Every (singular, plural) pair the sources pass to ngettext."""
    found = set()
    for folder, method_map, options_map in _SOURCES:
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
                str(folder), method_map, options_map, keywords=DEFAULT_KEYWORDS):
            if isinstance(message, tuple) and len(message) == 2 and all(message):
                found.add(message)
    return found


def build(messages: set[tuple[str, str]]) -> Catalog:
    catalog = Catalog(locale=LOCALE, domain=DOMAIN, header_comment=_HEADER, project="network_space", version="",
                      creation_date=_DATE, revision_date=_DATE, last_translator="network_space",
                      language_team="network_space", fuzzy=False)
    for singular, plural in sorted(messages):
        catalog.add((singular, plural), string=(singular, plural))
    return catalog


def path(suffix: str) -> Path:
    return TRANSLATIONS / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


def write() -> int:
    """Rebuild translations/fr (the .po to read, the .mo gettext loads); the number of plurals."""
    catalog = build(plural_messages())
    path("po").parent.mkdir(parents=True, exist_ok=True)
    with path("po").open("wb") as po:
        write_po(po, catalog, omit_header=False, width=120, no_location=True)
    with path("mo").open("wb") as mo:
        write_mo(mo, catalog)
    return len(catalog)


if __name__ == "__main__":
    print(f"{write()} messages au pluriel dans {path('mo').relative_to(ROOT)}")
