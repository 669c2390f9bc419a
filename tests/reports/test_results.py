"""Consolidation (validated only, N vs N-1, sectors, PNAD, what is missing), the SVG charts read
back as XML, the exports opened back with openpyxl, python-docx, odfpy and pypdf, and the
consolidated page in a bounded number of queries."""
from __future__ import annotations

import html as htmllib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import docx
import openpyxl
import pytest
from odf import draw, opendocument
from pypdf import PdfReader
from sqlalchemy import insert, select

from network_space.accounts.models import Structure
from network_space.accounts.reference import ensure_territories
from network_space.extensions import db
from network_space.reports import queries
from network_space.reports.models import Campaign, Contribution, ContributionValue, Indicator, campaign_territory
from tests.helpers import count_queries

SVG = "{http://www.w3.org/2000/svg}"


def _contribution(campaign, territory, structure, status, values: dict, texts: dict | None = None):
    indicators = {i.code: i for i in db.session.scalars(select(Indicator))}
    contribution = Contribution(campaign=campaign, territory=territory, structure=structure, status=status,
                                revision=1, confirmations={})
    db.session.add(contribution)
    for code, number in values.items():
        contribution.values.append(ContributionValue(indicator=indicators[code], number=number))
    for code, text in (texts or {}).items():
        contribution.values.append(ContributionValue(indicator=indicators[code], text=text))
    return contribution


@pytest.fixture
def two_years(app):
    """2025: La Métro (Sud) and CAPI (Nord) validated. 2026: La Métro validated, CAPI only sent,
    the Trièves expected and silent."""
    with app.app_context():
        t = ensure_territories()
        metro, capi, trieves = t["La Métro"], t["CAPI"], t["Trièves"]
        structure = Structure(name="Structure (test)", kind="epci")
        db.session.add(structure)
        y2025 = Campaign(year=2025, title="Bilan 2025", deadline=date(2026, 3, 31), territories=[metro, capi])
        y2026 = Campaign(year=2026, title="Bilan 2026", deadline=date(2027, 3, 31), territories=[metro, capi, trieves])
        db.session.add_all([y2025, y2026])
        base = {"contracts_with_clause": 10, "contracts_notified": 40, "participants": 50, "public_rsa": 20,
                "public_young": 15, "route_direct_hire": 30, "outcome_durable_job": 12}
        _contribution(y2025, metro, structure, "validated", base | {"hours_achieved": 40000})
        _contribution(y2025, capi, structure, "validated", base | {"hours_achieved": 10000, "contracts_notified": 0})
        _contribution(y2026, metro, structure, "validated", base | {"hours_achieved": 48000, "contracts_with_clause": 12},
                      {"highlights": "Un **marché réservé** ESAT"})
        _contribution(y2026, capi, structure, "submitted", base | {"hours_achieved": 99999},
                      {"highlights": "Pas encore validé"})
        db.session.commit()


def test_consolidation_counts_validated_only_and_compares_years(app, two_years):
    with app.app_context():
        c = queries.consolidate(2026)
        hours = c.indicator("hours_achieved")
        assert c.years == [2025, 2026]
        assert c.total(2026, hours.id) == 48000  # CAPI's 99 999 (only sent) does not count
        assert c.total(2025, hours.id) == 50000
        # Like for like: La Métro alone was validated both years (48 000 vs 40 000), not 48 000
        # against both territories' 50 000 of 2025, which would read as a fall.
        assert c.compared_territories() == {t.id for t in c.territories if t.label == "La Métro"}
        assert c.change(hours.id) == pytest.approx(20.0)
        assert c.total(2025, hours.id, "sud") == 40000 and c.total(2025, hours.id, "nord") == 10000
        assert [t.label for t in c.missing_territories()] == ["CAPI", "Trièves"]
        assert c.status_counts == {"validated": 1, "submitted": 1}
        assert c.pnad() == (pytest.approx(30.0), 1)  # 12 / 40, La Métro alone gave notified contracts
        assert c.pnad(2025) == (pytest.approx(25.0), 1)  # CAPI's 0 notified is left out
        assert c.fte() == pytest.approx(48000 / 1607)
        assert [(t.label, text) for t, _s, _i, text in c.highlights] == [("La Métro", "Un **marché réservé** ESAT")]


def test_charts_are_svg_with_title_description_and_their_table(app, client, login_as, two_years):
    login_as("member")
    page = client.get("/reports/2026/results").get_data(as_text=True)
    for key, title in (("chart-hours", "Heures d'insertion réalisées par territoire, 2026"),
                       ("chart-publics", "Participants par public et par territoire, 2026"),
                       ("chart-routes", "Participants par parcours, 2026"),
                       ("chart-outcomes", "Situation des participants six mois après, 2026"),
                       ("chart-evolution", "Évolution des heures d'insertion réalisées, 2025–2026")):
        start = page.index(f'aria-labelledby="{key}-title {key}-desc"')
        svg_text = page[page.rindex("<svg", 0, start):page.index("</svg>", start) + 6]
        root = ET.fromstring(svg_text)  # well-formed XML
        assert root.get("role") == "img"
        assert root.find(f"{SVG}title").text == title
        description = root.find(f"{SVG}desc").text
        assert description and "2026" in description
        assert "<script" not in svg_text and "http" not in svg_text.replace("http://www.w3.org/", "")
        assert f"Données : {title}" in htmllib.unescape(page)  # the table beside it
    assert "48\u202f000" in page and "99\u202f999" not in page
    # The axis keeps the short label, the table beside it gives the whole name it stands for.
    hours = page[page.index('aria-labelledby="chart-hours-title chart-hours-desc"'):]
    svg_part, table_part = hours[:hours.index("</svg>")], hours[hours.index("</svg>"):hours.index("</table>")]
    assert ">La Métro<" in svg_part and "Grenoble-Alpes Métropole" in table_part
    text = htmllib.unescape(page)
    assert "Contributions validées : 1 sur 3 territoires attendus." in text
    assert "sur le seul territoire ayant déclaré ses marchés notifiés." in text  # one territory: singular
    assert "L'évolution compare 2026 et 2025 sur le seul territoire validé les deux années" in text
    assert "2026 : 48\u202f000 heures (1 territoire); " not in text and "2026 : 48\u202f000 heures (1 territoire)." in text
    # French sets a semicolon apart, as it does a colon.
    assert re.search(r"2025 : [0-9\u202f]+ heures \(\d territoires?\) ; 2026 : ", text), text[text.find("2025 : "):][:200]
    assert "Sans contribution validée : CA Porte de l'Isère, CC du Trièves." in text
    assert "+20,0\u00a0%" in text  # year over year (a no-break space before the sign)
    assert "30,0 % (objectif du PNAD : 30 %)" in text


def test_tables_export_as_xlsx_and_excel_fr_csv(app, client, login_as, two_years):
    with app.app_context():  # an admin typed a formula as a label: it must stay text
        indicator = db.session.scalar(select(Indicator).where(Indicator.code == "participants"))
        indicator.label = "=HYPERLINK(\"http://x\")"
        db.session.commit()
    login_as("member")
    response = client.get("/reports/2026/tables/department.xlsx")
    assert 'filename="bilan-2026-departement.xlsx"' in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(next(sheet.iter_rows(max_row=1, values_only=True))) == [
        "Rubrique", "Indicateur", "2026", "2025", "Évolution à périmètre constant (%)", "Nord-Isère", "Sud-Isère"]
    assert rows["Heures d'insertion réalisées"][2:] == (48000, 50000, 20.0, None, 48000)
    csv_lines = client.get("/reports/2026/tables/department.csv").data.decode("utf-8-sig").split("\r\n")
    assert "Heures d'insertion ; réalisées".replace(" ; ", " ") + ";48000;50000;20,0;;48000" in "\n".join(csv_lines)
    assert "=HYPERLINK(\"http://x\")" in rows and all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
    raw = client.get("/reports/2026/tables/territories.csv").data
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").split("\r\n")
    assert lines[0].startswith("Territoire;Secteur;")
    assert lines[1].startswith("Grenoble-Alpes Métropole;Sud-Isère;") and len(lines) == 3  # + final empty
    assert "'=HYPERLINK" in lines[0]
    years = openpyxl.load_workbook(io.BytesIO(client.get("/reports/2026/tables/years.xlsx").data)).active
    assert [c.value for c in years[1]] == ["Rubrique", "Indicateur", "2025", "2026"]


def test_report_as_docx_odt_and_pdf(app, client, login_as, two_years):
    login_as("member")
    response = client.get("/reports/2026/report.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    texts = [p.text for p in document.paragraphs]
    assert "Bilan départemental des clauses sociales 2026" in texts
    assert "Synthèse" in texts and "Faits marquants des territoires" in texts
    assert any("Un marché réservé ESAT" in t for t in texts)  # Markdown rendered, highlights in
    assert not any("Pas encore validé" in t for t in texts)
    assert len(document.inline_shapes) == 5  # the five charts, as pictures
    alts = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert all(alts) and any("48\u202f000" in a for a in alts)
    assert any("Heures d'insertion réalisées" in c.text for table in document.tables for c in table.rows[0].cells)
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert any(name.endswith(".png") for name in archive.namelist())

    odt = opendocument.load(io.BytesIO(client.get("/reports/2026/report.odt").data))
    assert len(odt.getElementsByType(draw.Image)) == 5
    pdf = PdfReader(io.BytesIO(client.get("/reports/2026/report.pdf").data))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Bilan départemental des clauses sociales 2026" in text and "Synthèse" in text
    assert sum(len(page.images) for page in pdf.pages) == 5


def _big_history(years: int, indicators_per_year: int | None = None):
    """``years`` validated campaigns × every territory × every indicator, inserted in bulk."""
    territories = list(ensure_territories().values())
    structure = Structure(name="Structure (bench)", kind="epci")
    db.session.add(structure)
    db.session.flush()
    indicator_ids = [i.id for i in db.session.scalars(select(Indicator).where(Indicator.kind == "number"))]
    for year in range(2027 - years, 2027):
        campaign = Campaign(year=year, title=f"Bilan {year}", deadline=date(year + 1, 3, 31), territories=territories)
        db.session.add(campaign)
        db.session.flush()
        rows = [dict(campaign_id=campaign.id, territory_id=t.id, structure_id=structure.id, status="validated",
                     revision=1, confirmations={}) for t in territories]
        db.session.execute(insert(Contribution), rows)
    ids = list(db.session.scalars(select(Contribution.id)))
    db.session.execute(insert(ContributionValue), [dict(contribution_id=c, indicator_id=i, number=100 + i)
                                                   for c in ids for i in indicator_ids[:indicators_per_year]])
    db.session.commit()


def test_results_page_queries_do_not_grow_with_years_territories_and_indicators(app, client, login_as):
    login_as("member")
    with app.app_context():
        _big_history(1, indicators_per_year=3)
    client.get("/reports/2026/results")  # warm: first-request work is not the page's
    with count_queries(app) as small:
        assert client.get("/reports/2026/results").status_code == 200
    with app.app_context():
        db.session.execute(ContributionValue.__table__.delete())
        db.session.execute(Contribution.__table__.delete())
        db.session.execute(campaign_territory.delete())
        db.session.execute(Campaign.__table__.delete())
        db.session.execute(Structure.__table__.delete())
        db.session.commit()
        _big_history(5)
        assert db.session.query(ContributionValue).count() == 5 * 17 * 41
    with count_queries(app) as big:
        response = client.get("/reports/2026/results")
    assert response.status_code == 200 and "Contributions validées : 17 sur 17 territoires attendus." in \
        htmllib.unescape(response.get_data(as_text=True))
    assert big.count == small.count, big
    assert big.count <= 15, big
