"""French numbers, the one way pages, documents and charts write them."""
from __future__ import annotations

from flask_babel import force_locale

from network_space.core.numbers import french_number, french_percent


def test_numbers_are_written_the_french_way():
    assert french_number(1234567) == "1\u202f234\u202f567"
    assert french_number(12.5, 1) == "12,5" and french_number(12.0, 1) == "12,0"
    assert french_number(0.25, 2, trim=True) == "0,25" and french_number(1.0, 2, trim=True) == "1"
    assert french_number(1500.5, 2, trim=True) == "1\u202f500,5"
    assert french_number(None) == "—"


def test_ratios_are_written_as_percentages():
    assert french_percent(0.3461) == "34,6\u00a0%"
    assert french_percent(0.75) == "75\u00a0%" and french_percent(2.0) == "200\u00a0%"
    assert french_percent(None) == "—"


def test_pages_write_numbers_as_their_reader_does(app):
    """The `number` and `percent` filters: French for a French reader, "1,234.5" and "34.6%" for an
    English one ("12,5" would read as a hundred and twenty-five)."""
    # Values as variables, as in the site's templates (Jinja computes a filter of constants once).
    template = app.jinja_env.from_string("{{ n|number(1) }} · {{ ratio|percent }} · {{ missing|number }}")
    values = dict(n=1234.5, ratio=0.3461, missing=None)
    with app.test_request_context():
        with force_locale("fr"):
            assert template.render(**values) == "1\u202f234,5 · 34,6\u00a0% · —"
        with force_locale("en"):
            assert template.render(**values) == "1,234.5 · 34.6% · —"
