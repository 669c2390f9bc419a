"""French plurals (network_space/core/catalog.py): the catalogue holds every plural message of the
sources, and the site says "0 réponse", "1 réponse", "2 réponses" in Python code and in templates,
in a request and in the worker (an application context without a request, as emails are made)."""
from babel.messages.mofile import read_mo
from flask import render_template_string
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
    for a moment (flask-babel's force_locale, say an email in the recipient's language) is followed
    inside, and left behind after: English has no catalogue here, so English's rule ("0 réponses")
    shows that the other catalogue was used."""
    def rendered():
        return _forms(lambda n: render_template_string(
            '{{ ngettext("%(num)d réponse", "%(num)d réponses", n) }} {{ _("Accueil") }}', n=n))

    with app.test_request_context("/"):
        before = rendered()
        with force_locale("en"):
            forced = rendered()
        after = rendered()
    assert before == after == ["0 réponse Accueil", "1 réponse Accueil", "2 réponses Accueil", "12 réponses Accueil"]
    assert forced == ["0 réponses Accueil", "1 réponse Accueil", "2 réponses Accueil", "12 réponses Accueil"]
