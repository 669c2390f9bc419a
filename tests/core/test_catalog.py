"""French plurals (network_space/core/catalog.py): the catalogue holds every plural message of the
sources, and the site says "0 réponse", "1 réponse", "2 réponses" in Python code and in templates,
in a request and in the worker (an application context without a request, as emails are made)."""
from babel.messages.mofile import read_mo
from flask import render_template_string
from flask_babel import ngettext

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
