"""Numbers the one way pages, documents and charts write them: their reader's."""
from __future__ import annotations

from flask_babel import force_locale

from network_space.core.charts import BAR, Chart, Series, svg
from network_space.core.numbers import fmt_number, fmt_percent


def test_numbers_are_written_the_french_way():
    assert fmt_number(1234567) == "1\u202f234\u202f567"
    assert fmt_number(12.5, 1) == "12,5" and fmt_number(12.0, 1) == "12,0"
    assert fmt_number(0.25, 2, trim=True) == "0,25" and fmt_number(1.0, 2, trim=True) == "1"
    assert fmt_number(1500.5, 2, trim=True) == "1\u202f500,5"
    assert fmt_number(None) == "—"


def test_ratios_are_written_as_percentages():
    assert fmt_percent(0.3461) == "34,6\u00a0%"
    assert fmt_percent(0.75) == "75\u00a0%" and fmt_percent(2.0) == "200\u00a0%"
    assert fmt_percent(None) == "—"


def test_pages_write_numbers_as_their_reader_does(app):
    """The `number` and `percent` filters: French for a French reader, "1,234.5" and "34.6%" for an
    English one ("12,5" would read as a hundred and twenty-five)."""
    # Constants too: Jinja would compute them once, in the language of the first reader.
    template = app.jinja_env.from_string("{{ n|number(1) }} · {{ ratio|percent }} · {{ missing|number }} · "
                                         "{{ 1|percent }}")
    values = dict(n=1234.5, ratio=0.3461, missing=None)
    with app.test_request_context():
        with force_locale("fr"):
            assert template.render(**values) == "1\u202f234,5 · 34,6\u00a0% · — · 100\u00a0%"
        with force_locale("en"):
            assert template.render(**values) == "1,234.5 · 34.6% · — · 100%"


def test_documents_and_charts_write_numbers_as_their_reader_does(app):
    """Code writes numbers for a document or a chart in the language of its context; a chart drawn
    for one language is never served, from the cache, to a reader of the other."""
    chart = Chart("c", "Heures", "Heures par territoire", BAR, ("Grésivaudan",), (Series("Heures", (15186,)),))
    with app.test_request_context():
        with force_locale("en"):
            assert fmt_number(1234.5, 1) == "1,234.5" and fmt_percent(0.35, 1, trim=False) == "35.0%"
            english = svg(chart)
        with force_locale("fr"):
            french = svg(chart)
    assert ">15,186<" in english and ">15\u202f186<" not in english
    assert ">15\u202f186<" in french


def test_chart_ticks_of_small_counts_are_whole_and_distinct(app):
    """Small counts (two participants) get ticks 0, 1, 2, each written once, not 0 0 0 1 1 1 2 2 2."""
    import xml.etree.ElementTree as ET

    from network_space.core.charts import COLUMNS

    for kind, axis in ((BAR, "xtick"), (COLUMNS, "ytick")):
        chart = Chart(f"small-{kind}", "Participants", "d", kind, ("A", "B"), (Series("Participants", (1, 2)),))
        with app.test_request_context():
            root = ET.fromstring(svg(chart))
        labels = [text.text for group in root.iter("{http://www.w3.org/2000/svg}g") if f"-{axis}_" in (group.get("id") or "")
                  for text in group.iter("{http://www.w3.org/2000/svg}text")]
        assert labels and len(labels) == len(set(labels)) and all(label.isdigit() for label in labels), labels


def test_a_file_size_reads_in_the_reader_s_units(app):
    from flask_babel import force_locale

    from network_space.core.numbers import fmt_size

    with app.test_request_context():
        assert [fmt_size(n) for n in (1, 1024, 36_000, 2_500_000)] == ["1\u00a0Ko", "1\u00a0Ko", "36\u00a0Ko", "2,4\u00a0Mo"]
        with force_locale("en"):
            assert [fmt_size(n) for n in (36_000, 2_500_000)] == ["36\u00a0KB", "2.4\u00a0MB"]
