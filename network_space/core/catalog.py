"""The message catalogues. The site's strings are written in French, in the sources.

- French (``translations/fr``), for plurals only: gettext without a catalogue chooses between
  singular and plural by English's rule (singular for 1 only): "0 réponses". French takes the
  singular for 0 and 1: "0 réponse". The catalogue gives every plural message its two French forms
  under the French rule (Plural-Forms: n > 1, from Babel's CLDR data); the other strings need no
  entry, they are shown as written. It is built from the sources, never edited.
- English (``translations/en``), for the members who choose English in their profile: the ``.po``
  is the translators' file, kept in git. Rebuilding adds the new messages of the sources
  (untranslated: shown in French until someone translates them), drops those the sources no longer
  say, keeps every translation, and compiles the ``.mo`` gettext loads.

After adding or changing a message, in Python or in a template, rebuild both:

    .venv/bin/python -m network_space.core.catalog

then translate the new entries of ``translations/en/LC_MESSAGES/messages.po`` (those with an
empty ``msgstr``) and rebuild once more. tests/core/test_catalog.py fails until then: it compares
both catalogues with the sources, and checks that each translation keeps the placeholders and
HTML tags of its French message."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from config import BASE_DIR as ROOT, Config

TRANSLATIONS = Path(Config.BABEL_TRANSLATION_DIRECTORIES)
LOCALE = "fr"
ENGLISH = "en"
DOMAIN = "messages"
# Fixed, so that rebuilding an unchanged catalogue changes no byte.
_DATE = datetime(2026, 11, 30, tzinfo=timezone.utc)
_HEADERS = {
    LOCALE: ("# The plurals of network_space's French messages, built from the sources by\n"
             "# network_space/core/catalog.py: rebuild it rather than editing it."),
    ENGLISH: ("# network_space's messages in English. Translate the entries whose msgstr is empty, then\n"
              "# rebuild with network_space/core/catalog.py (it adds and drops entries as the sources change)."),
}
# The sources' translation functions: gettext's usual names, and flask-babel's lazy one as the
# site imports it (``lazy_gettext as _l``) for texts declared at import time (forms, registries).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# Where the strings are, and how to read them: Python, and the templates with Jinja's own extractor
# (the one pybabel uses), given the extension the site adds (``do``) and told to fail on a template
# it cannot parse: by default it skips it silently, and its messages would be missing unnoticed.
_SOURCES = (
    (ROOT / "network_space", [("**.py", "python")], {}),
    (ROOT / "templates", [("**.html", "jinja2.ext:babel_extract"), ("**.txt", "jinja2.ext:babel_extract")],
     {pattern: {"extensions": "jinja2.ext.do", "silent": "false"} for pattern in ("**.html", "**.txt")}),
)

# What a translation must keep of its message: the values put in (%(name)s, %(num)d, %s, and %%
# which Jinja's formatting turns into %) and the HTML tags.
PLACEHOLDER = re.compile(r"%\([A-Za-z_0-9]+\)[sdif]|%[sd]|%%")
TAG = re.compile(r"</?[A-Za-z][^>]*>")

Message = str | tuple[str, str]


def source_messages() -> set[Message]:
    """Every message the sources pass to a translation function: a string, or (singular, plural)."""
    found: set[Message] = set()
    for folder, method_map, options_map in _SOURCES:
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
                str(folder), method_map, options_map, keywords=KEYWORDS):
            if isinstance(message, tuple):
                if len(message) == 2 and all(message):
                    found.add(message)
            elif message:
                found.add(message)
    return found


def plural_messages() -> set[tuple[str, str]]:
    """Every (singular, plural) pair the sources pass to ngettext."""
    return {message for message in source_messages() if isinstance(message, tuple)}


def path(suffix: str, locale: str = LOCALE) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


def _catalogue(locale: str) -> Catalog:
    return Catalog(locale=locale, domain=DOMAIN, header_comment=_HEADERS[locale], project="network_space",
                   version="", creation_date=_DATE, revision_date=_DATE, last_translator="network_space",
                   language_team="network_space", fuzzy=False)


def build(messages: set[tuple[str, str]]) -> Catalog:
    """The French catalogue: each plural message, its two forms as written."""
    catalog = _catalogue(LOCALE)
    for singular, plural in sorted(messages):
        catalog.add((singular, plural), string=(singular, plural))
    return catalog


def read_english() -> Catalog:
    """The English catalogue as the translators left it (empty if there is none yet)."""
    if not path("po", ENGLISH).exists():
        return _catalogue(ENGLISH)
    with path("po", ENGLISH).open("rb") as po:
        return read_po(po, locale=ENGLISH, domain=DOMAIN)


def build_english(messages: set[Message], translated: Catalog) -> Catalog:
    """Every message of the sources, with its translation when ``translated`` has one."""
    catalog = _catalogue(ENGLISH)
    for message in sorted(messages, key=lambda m: m if isinstance(m, tuple) else (m,)):
        known = translated.get(message[0] if isinstance(message, tuple) else message)
        if isinstance(message, tuple):
            string = tuple(known.string) if known is not None and isinstance(known.string, (list, tuple)) else ("", "")
        else:
            string = known.string if known is not None and isinstance(known.string, str) else ""
        catalog.add(message, string=string)
    return catalog


def untranslated(catalog: Catalog) -> list[Message]:
    return [message.id for message in catalog if message.id and not all(
        message.string if isinstance(message.string, (list, tuple)) else (message.string,))]


def _write(catalog: Catalog, locale: str) -> None:
    path("po", locale).parent.mkdir(parents=True, exist_ok=True)
    with path("po", locale).open("wb") as po:
        write_po(po, catalog, omit_header=False, width=120, no_location=True)
    with path("mo", locale).open("wb") as mo:
        write_mo(mo, catalog)  # an untranslated message is left out: gettext shows the French


def write() -> tuple[int, int, int]:
    """Rebuild translations/fr and translations/en from the sources: (French plurals, English
    messages, English messages still to translate)."""
    messages = source_messages()
    french = build({message for message in messages if isinstance(message, tuple)})
    _write(french, LOCALE)
    english = build_english(messages, read_english())
    _write(english, ENGLISH)
    return len(french), len(english), len(untranslated(english))


if __name__ == "__main__":
    plurals, total, missing = write()
    print(f"{plurals} messages au pluriel dans {path('mo').relative_to(ROOT)}")
    print(f"{total} messages dans {path('po', ENGLISH).relative_to(ROOT)}, dont {missing} à traduire")
