"""The catalogues (network_space/core/catalog.py). French: the catalogue holds every plural message
of the sources, and the site says "0 réponse", "1 réponse", "2 réponses" in Python code and in
templates, in a request and in the worker (an application context without a request, as emails
are made). English: every message of the sources is translated, keeping its placeholders and
tags, and a member who chose English reads the site in English."""
import re
from pathlib import Path

from babel.messages.mofile import read_mo
from flask import g, render_template_string
from flask_babel import force_locale, ngettext

from network_space.core import catalog


def test_the_catalogue_holds_the_plurals_of_the_sources():
    with catalog.path("mo").open("rb") as mo:
        stored = read_mo(mo)
    assert stored.plural_forms == "nplurals=2; plural=(n > 1);"
    held = {tuple(message.id) for message in stored if isinstance(message.id, (list, tuple))}
    wanted = catalog.plural_messages()
    assert ("%(num)d réponse", "%(num)d réponses") in wanted
    assert held == wanted, ("rebuild it: .venv/bin/python -m network_space.core.catalog\n"
                            f"missing: {sorted(wanted - held)[:5]}\nleft over: {sorted(held - wanted)[:5]}")


def _forms(render):
    return [render(n) for n in (0, 1, 2, 12)]


def test_french_plurals_in_a_request(app):
    with app.test_request_context("/"):
        in_python = _forms(lambda n: ngettext("%(num)d réponse", "%(num)d réponses", n))
        in_template = _forms(lambda n: render_template_string(
            '{{ ngettext("%(num)d réponse", "%(num)d réponses", n) }}', n=n))
    assert in_python == in_template == ["0 réponse", "1 réponse", "2 réponses", "12 réponses"]


def test_french_plurals_in_the_worker(app):
    with app.app_context():
        assert _forms(lambda n: ngettext("%(num)d personne", "%(num)d personnes", n)) == [
            "0 personne", "1 personne", "2 personnes", "12 personnes"]


def test_templates_follow_a_forced_locale(app):
    """Templates keep the catalogue of the request's locale (core/i18n.py), but a locale forced
    for a moment (flask-babel's force_locale, as an email in its recipient's language) is followed
    inside, and left behind after."""
    def rendered():
        return _forms(lambda n: render_template_string(
            '{{ ngettext("%(num)d réponse", "%(num)d réponses", n) }} {{ _("Accueil") }}', n=n))

    with app.test_request_context("/"):
        before = rendered()
        with force_locale("en"):
            forced = rendered()
        after = rendered()
    assert before == after == ["0 réponse Accueil", "1 réponse Accueil", "2 réponses Accueil", "12 réponses Accueil"]
    assert forced == ["0 replies Home", "1 reply Home", "2 replies Home", "12 replies Home"]


def test_the_locale_is_read_where_flask_babel_keeps_it(app):
    """core/i18n.py reads flask-babel's choice of locale from its private state instead of calling
    get_locale() for every string: the same locale as get_locale() (the oracle) before it chose,
    after, inside a forced locale and a nested one, after them, and in the worker."""
    from flask_babel import get_locale

    from network_space.core import i18n

    def same() -> bool:
        kept = i18n._current()[0]
        return kept is get_locale() and i18n.locale_name() == str(get_locale())

    with app.test_request_context("/"):
        seen = [same()]
        assert i18n._babel_locale(g._get_current_object()) is get_locale()  # read, not recomputed
        with force_locale("en"):
            seen += [same(), i18n.locale_name() == "en"]
            with force_locale("fr"):
                seen += [same(), i18n.locale_name() == "fr"]
            seen += [same(), i18n.locale_name() == "en"]
        seen += [same(), i18n.locale_name() == "fr"]
    with app.app_context():
        seen.append(same())
        with force_locale("en"):
            seen += [same(), i18n.locale_name() == "en"]
    assert all(seen), seen


HOSTILE = '<script>alert("x")</script> & 100 %'
TRANSLATED = [
    '{{ _("Accueil") }}',
    '{{ _("Accueil") ~ "<b>" }}',
    '{{ _("Bonjour %(name)s", name=hostile) }}',
    '{{ _("100 %% sûr") }}',
    '{{ _("<em>%(n)s</em>", n=hostile) }}',
    '{% for n in (0, 1, 2, 12) %}{{ ngettext("%(num)d réponse", "%(num)d réponses", n) }};{% endfor %}',
    '{{ ngettext("%(num)d réponse de %(who)s", "%(num)d réponses de %(who)s", 3, who=hostile) }}',
    '{{ pgettext("menu", "Accueil") }} {{ pgettext("x", "%(context)s: %(v)s", v=hostile) }}',
    '{{ npgettext("x", "%(num)d %(context)s", "%(num)d %(context)ss", 2) }}',
    '{% trans %}Accueil{% endtrans %} {% trans name=hostile %}Bonjour {{ name }}{% endtrans %}',
    '{% for n in (1, 4) %}{% trans count=n %}{{ count }} réponse{% pluralize %}{{ count }} réponses{% endtrans %};{% endfor %}',
]


def test_templates_translate_as_jinja_s_own_newstyle_gettext(app):
    """The template callables of core/i18n.py against Jinja's own newstyle wrappers given the same
    catalogue (the oracle): the same text, escaping and type, with autoescaping and without (the
    plain-text emails), in French and in English."""
    from jinja2 import Environment

    from network_space.core import i18n

    def environment(autoescape: bool, ours: bool) -> Environment:
        env = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
        if ours:
            env.newstyle_gettext = True
            env.globals.update(i18n.TEMPLATE_CALLABLES, _=i18n.template_gettext)
        else:
            catalogue = lambda: i18n._current()[2]  # noqa: E731
            env.install_gettext_callables(
                gettext=lambda s: catalogue().ugettext(s), ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
                pgettext=lambda c, s: catalogue().upgettext(c, s),
                npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n), newstyle=True)
        return env

    assert app.jinja_env.globals["_"] is i18n.template_gettext and app.jinja_env.newstyle_gettext
    with app.test_request_context("/"):
        for language in ("fr", "en"):
            with force_locale(language):
                for autoescape in (True, False):
                    ours, jinja_s = environment(autoescape, True), environment(autoescape, False)
                    for source in TRANSLATED:
                        got = ours.from_string(source).render(hostile=HOSTILE)
                        expected = jinja_s.from_string(source).render(hostile=HOSTILE)
                        assert got == expected, (language, autoescape, source)
                    call = "{{ x(_('Accueil')) }} {{ x(_('%(a)s', a='<')) }} {{ x(ngettext('a', 'b', 1)) }}"
                    types = [ours.from_string(call).render(x=lambda v: type(v).__name__),
                             jinja_s.from_string(call).render(x=lambda v: type(v).__name__)]
                    assert types[0] == types[1] == ("Markup Markup Markup" if autoescape else "str str str"), types
        with force_locale("en"):
            assert app.jinja_env.from_string('{{ _("Accueil") }}').render() == "Home"
    assert "&lt;script&gt;" in environment(True, True).from_string(TRANSLATED[2]).render(hostile=HOSTILE)


def test_labels_declared_at_import_time_follow_the_reader_s_language(app):
    """core.i18n.lazy_gettext: flask-babel's LazyString, translated through the request's kept
    catalogue, in the language of the moment (a forced one inside, the request's after), and as
    flask-babel's gettext outside any request."""
    from flask_babel import LazyString, gettext

    from network_space.core.i18n import lazy_gettext
    from network_space.directory.models import KIND_GROUPS

    label, counted = KIND_GROUPS["disability"], lazy_gettext("%(num)d réponse", num=1)
    assert isinstance(label, LazyString)
    with app.test_request_context("/"):
        before = (str(label), str(counted), gettext("Secteur du handicap"))
        with force_locale("en"):
            forced = (str(label), render_template_string("{{ label }}", label=label), gettext("Secteur du handicap"))
        after = str(label)
    with app.app_context():
        in_worker = str(label)
    assert before == ("Secteur du handicap", "1 réponse", "Secteur du handicap") and after == in_worker == before[0]
    assert forced == ("Disability sector",) * 3


def _english() -> dict:
    with catalog.path("mo", catalog.ENGLISH).open("rb") as mo:
        return {message.id if isinstance(message.id, str) else tuple(message.id):
                message.string if isinstance(message.string, str) else tuple(message.string)
                for message in read_mo(mo) if message.id}


def test_the_english_catalogue_translates_every_message_of_the_sources():
    stored = catalog.read_english()
    held = {message.id if isinstance(message.id, str) else tuple(message.id) for message in stored if message.id}
    wanted = catalog.source_messages()
    rebuild = "rebuild it: .venv/bin/python -m network_space.core.catalog"
    assert held == wanted, f"{rebuild}\nmissing: {sorted(wanted - held, key=str)[:5]}\nleft over: {sorted(held - wanted, key=str)[:5]}"
    missing = catalog.untranslated(stored)
    assert not missing, f"translate them in {catalog.path('po', catalog.ENGLISH)}: {missing[:10]}"
    compiled = _english()
    for message in stored:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        string = message.string if isinstance(message.string, str) else tuple(message.string)
        assert compiled.get(key) == string, f"{rebuild} ({key!r} differs in the .mo)"
        for french, english in zip(*(((m,) if isinstance(m, str) else m) for m in (message.id, message.string))):
            for pattern in (catalog.PLACEHOLDER, catalog.TAG):
                assert sorted(pattern.findall(french)) == sorted(pattern.findall(english)), (french, english)


def test_a_member_who_chose_english_reads_the_site_in_english(client, login_as):
    login_as("member", language="en")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<a href="/meetings/">Meetings</a>' in page and ">Log out</button>" in page
    assert "Réunions" not in page and "Se déconnecter" not in page
    login_as("member", language="fr")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in page and '<a href="/meetings/">Réunions</a>' in page


def test_a_label_takes_the_colon_of_the_readers_language(client, login_as):
    """French sets the colon apart ("Erreur : …"), English does not ("Error: …"): the templates
    write a label and its colon through the `colon` filter, never a hard-coded " :"; and quote a
    value with the message "« %(text)s »" (English: “…”), never hard-coded French quotes."""
    for language, label in (("en", "Error:"), ("fr", "Erreur :")):
        login_as("member", language=language)
        with client.session_transaction() as session:
            session["_flashes"] = [("error", "…")]
        page = client.get("/").get_data(as_text=True)
        assert f'<span class="flash-label">{label}</span>' in page, language
    templates = Path(__file__).resolve().parents[2] / "templates"
    hard_coded = [str(path.relative_to(templates)) for path in templates.rglob("*") if path.is_file()
                  and re.search(r"\}\} :|« \{\{", path.read_text(encoding="utf-8"))]
    assert hard_coded == []
