"""The current request's catalogue, looked up once per locale, for templates and dates.

flask-babel finds the catalogue anew for every string: proxies to `g`, attribute probes, the
locale's name rebuilt as a dictionary key (~12 µs a string), and Jinja's `_()` adds two more
layers of `Context.call` and a `Markup % {}` (~36 µs a string in a template). A page says 50 to 180
of them (the discussions list: ~6 ms of its time). Here the locale is still flask-babel's at every
call (so `force_locale` is honoured), read where flask-babel keeps it, and the catalogue and the
locale's name are kept in `g` beside the locale object they belong to; templates call Jinja's
newstyle gettext rewritten without its detours (`template_gettext` and its kin): a string costs
~4 µs in a template.

Python code keeps flask-babel's gettext (`from flask_babel import gettext as _`): its strings are
few per page. Texts declared at import time (forms, labels of codes, registries) use this module's
`lazy_gettext`: flask-babel's own lazy string, translated through the same kept catalogue (a page
shows up to sixty such labels: the directory's kinds, services and facets); so do the dates of
core/dates.py (a list shows one per line) with this module's `gettext`.

flask-babel's private state is read in `_babel_locale` only; tests/core/test_catalog.py checks it
against `get_locale()`, and the template callables against Jinja's own wrappers.
"""
from __future__ import annotations

import functools
import unicodedata

from babel.support import NullTranslations
from flask import g, has_app_context
from flask_babel import LazyString, force_locale, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup, escape

SITE_LANGUAGE = "fr"
# Those with a catalogue (translations/, network_space/core/catalog.py), each named in itself: the
# profile form offers them as they are.
LANGUAGES = {"fr": "Français", "en": "English"}


def language_of(person) -> str:
    """The language someone reads: a member's choice; the site's for anyone else (guests,
    invitees, an address)."""
    language = getattr(person, "language", None)
    return language if language in LANGUAGES else SITE_LANGUAGE


def in_language_of(person):
    """``with in_language_of(user):`` what is written inside (an email, its subject) is in their
    language, whoever's request or worker task writes it."""
    return force_locale(language_of(person))


def in_site_language(function):
    """For a function that writes to people without an account (guests, an invitation): their
    messages are in the site's language, whoever's request calls it."""
    @functools.wraps(function)
    def written_in_site_language(*args, **kwargs):
        with force_locale(SITE_LANGUAGE):
            return function(*args, **kwargs)

    return written_in_site_language


def _babel_locale(kept):
    """The locale flask-babel's get_locale() would answer in this context (`kept` being `g`
    itself), or None when it has not chosen one yet. flask-babel keeps its choice, and the one
    force_locale() imposes for a moment, in `g._flask_babel.babel_locale`; reading it there costs a
    fifth of get_locale(), which resolves `g` through its proxy three times per string."""
    return getattr(getattr(kept, "_flask_babel", None), "babel_locale", None)


def _current() -> tuple[object, str, NullTranslations]:
    """(locale, its name, catalogue); outside any context, flask-babel's answer (no locale,
    the null catalogue), named "fr" like the site's default."""
    if not has_app_context():
        return get_locale(), "fr", get_translations()
    # `g` itself once, not through its proxy at each look (a page asks ~100 times).
    kept = g._get_current_object()
    locale = _babel_locale(kept) or get_locale()
    found = getattr(kept, "_ns_i18n", None)
    if found is None or found[0] is not locale:
        found = kept._ns_i18n = (locale, str(locale), get_translations())
    return found


def locale_name() -> str:
    return _current()[1]


# French sets a colon apart with a space ("Erreur : …"), English does not ("Error: …"): a label
# followed by a colon, in a template, is written {{ _("Erreur")|colon }}.
COLONS = {"fr": " :", "en": ":"}


def colon_sign() -> str:
    """" :" or ":", for the reader's language (documents write "label" + colon_sign() + " ")."""
    return COLONS.get(locale_name(), COLONS[SITE_LANGUAGE])


# French sets a semicolon apart as it does a colon ("2025 : 120 heures ; 2026 : 140 heures").
SEMICOLONS = {"fr": " ; ", "en": "; "}


def semicolon_join(parts) -> str:
    """``parts`` in one sentence, separated by semicolons as the reader's language writes them."""
    return SEMICOLONS.get(locale_name(), SEMICOLONS[SITE_LANGUAGE]).join(parts)


def colon(label) -> Markup:
    return escape(label) + colon_sign()


def reader_filter(function):
    """A Jinja filter whose output depends on the reader's language (numbers, dates, colons).
    Jinja computes a filter of constants once, when it compiles the template (`{{ 1|percent }}`
    would say "100 %" to every reader); a filter that takes the context is computed each time."""
    @functools.wraps(function)
    @pass_context
    def in_reader_language(_context, *args, **kwargs):
        return function(*args, **kwargs)

    return in_reader_language


def gettext(string: str, **variables) -> str:
    """flask-babel's gettext through the kept catalogue: templates' `_()`, and what Python says
    many times on a page (lazy labels, dates in a list)."""
    translated = _current()[2].ugettext(string)
    return translated % variables if variables else translated


def lazy_gettext(string: str, **variables) -> LazyString:
    """flask-babel's lazy_gettext (the same LazyString, which forms and WTForms know), translated
    when displayed in the reader's language at the time, as flask-babel's gettext would."""
    return LazyString(gettext, string, **variables)


# Templates' gettext, ngettext, pgettext and npgettext: what Jinja's newstyle wrappers
# (jinja2.ext._make_new_gettext and its kin) do, in the same order, minus their detours: the
# catalogue looked up directly instead of through a second `Context.call`, and no `Markup % {}`
# when there is nothing to format (no variables and no "%%" to unescape). As there: the message
# becomes Markup where the template autoescapes, and its variables are escaped into it.

def _formatted(context, translated: str, variables: dict):
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables if variables or "%" in translated else translated


@pass_context
def template_gettext(__context, __string: str, **variables):
    return _formatted(__context, _current()[2].ugettext(__string), variables)


@pass_context
def template_ngettext(__context, __singular: str, __plural: str, __num: int, **variables):
    variables.setdefault("num", __num)
    return _formatted(__context, _current()[2].ungettext(__singular, __plural, __num), variables)


@pass_context
def template_pgettext(__context, __string_ctx: str, __string: str, **variables):
    variables.setdefault("context", __string_ctx)
    return _formatted(__context, _current()[2].upgettext(__string_ctx, __string), variables)


@pass_context
def template_npgettext(__context, __string_ctx: str, __singular: str, __plural: str, __num: int, **variables):
    variables.setdefault("context", __string_ctx)
    variables.setdefault("num", __num)
    return _formatted(__context, _current()[2].unpgettext(__string_ctx, __singular, __plural, __num), variables)


TEMPLATE_CALLABLES = {"gettext": template_gettext, "ngettext": template_ngettext,
                      "pgettext": template_pgettext, "npgettext": template_npgettext}


def init_app(app) -> None:
    # Newstyle gettext (the `{% trans %}` blocks pass their variables to the callables, which
    # format and escape them), with this module's callables in place of Jinja's wrappers; `_` is
    # the same function as `gettext` instead of Jinja's alias that resolves `gettext` in the
    # context at every call.
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(TEMPLATE_CALLABLES, _=template_gettext)
    app.jinja_env.filters["colon"] = reader_filter(colon)


def fold(text: str | None) -> str:
    """Lower-case and strip accents, so that "Hélène" is found by "helene" on every database, and
    names sort as a reader expects ("CC de l'Oisans" before "CC Saint-Marcellin")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
