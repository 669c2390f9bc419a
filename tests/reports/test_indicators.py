"""Indicators are data: admins add, rename, reorder and retire them without losing past years;
co-animators publish the report in the library; preferences decide who is emailed."""
from __future__ import annotations

import html as htmllib
from datetime import date, timedelta

from sqlalchemy import select

from network_space.core.outbox import deliver_pending
from network_space.extensions import db
from network_space.library.models import Resource
from network_space.notifications.models import Notification, NotificationPreference
from network_space.reports import queries
from network_space.reports.models import Campaign, Contribution, ContributionValue, Indicator
from tests.helpers import csrf_token
from tests.reports.conftest import form_fields
from network_space.core.dates import paris_today


def _indicator(code: str) -> Indicator:
    return db.session.scalar(select(Indicator).where(Indicator.code == code))


def test_admins_add_rename_order_and_retire_without_losing_past_years(app, client, login_as, network):
    login_as("coanimator")
    assert client.get("/reports/indicators").status_code == 403
    login_as("admin")
    page = client.get("/reports/indicators").get_data(as_text=True)
    response = client.post("/reports/indicators", data={
        "csrf_token": csrf_token(page), "label": "Clauses dans les marchés de maîtrise d'œuvre",
        "definition": "Marchés de maîtrise d'œuvre avec une clause.", "group": "contracts", "kind": "number"})
    assert response.status_code == 302
    duplicate = client.post("/reports/indicators", data={
        "csrf_token": csrf_token(page), "label": "clauses dans les marchés de maîtrise d'œuvre", "definition": "",
        "group": "contracts", "kind": "number"})
    assert "Un indicateur porte déjà ce libellé" in htmllib.unescape(duplicate.get_data(as_text=True))
    with app.app_context():
        added = db.session.scalar(select(Indicator).where(Indicator.label.like("Clauses dans%")))
        assert added.code == "clauses_dans_les_marches_de_maitrise_d_uvre" and added.active
        women = _indicator("women")
        # A past year's value of the indicator about to be retired.
        campaign = Campaign(year=2025, title="Bilan 2025", deadline=date(2026, 3, 31), status="closed",
                            territories=[])
        db.session.add(campaign)
        db.session.flush()
        contribution = Contribution(campaign=campaign, territory_id=network.metro, structure_id=network.metro_structure,
                                    status="validated", revision=1, confirmations={})
        contribution.values.append(ContributionValue(indicator=women, number=7))
        db.session.add(contribution)
        db.session.commit()
        women_id, added_id, contribution_id = women.id, added.id, contribution.id
        before = [i.id for i in queries.indicators()]
    client.post(f"/reports/indicators/{added_id}/up", data={"csrf_token": csrf_token(page)})
    client.post(f"/reports/indicators/{women_id}/retire", data={"csrf_token": csrf_token(page)})
    page = client.get(f"/reports/indicators/{women_id}").get_data(as_text=True)
    # The kind of an indicator with values stays: the whole change is refused, the form kept.
    refused = client.post(f"/reports/indicators/{women_id}", data={
        "csrf_token": csrf_token(page), "label": "Dont femmes", "definition": "", "group": "people", "kind": "text"})
    assert "le type de cet indicateur ne peut plus changer" in htmllib.unescape(refused.get_data(as_text=True))
    assert 'value="Dont femmes"' in refused.get_data(as_text=True)
    client.post(f"/reports/indicators/{women_id}", data={"csrf_token": csrf_token(page), "label": "Dont femmes",
                                                           "definition": "Parmi les participants.", "group": "people",
                                                           "kind": "number"})
    with app.app_context():
        after = [i.id for i in queries.indicators()]
        assert after.index(added_id) == before.index(added_id) - 1
        women = db.session.get(Indicator, women_id)
        assert not women.active and women.kind == "number" and women.label == "Dont femmes"
        # Retired: no longer asked in a new form, still shown and counted where it has a value.
        assert women_id not in [i.id for i in queries.form_indicators(None)]
        assert women_id in [i.id for i in queries.form_indicators(db.session.get(Contribution, contribution_id))]
        c = queries.consolidate(2025)
        assert c.total(2025, women_id) == 7 and women_id in [i.id for i in c.indicators]


def test_publishing_the_report_makes_a_library_resource_then_a_new_version(app, client, login_as, network):
    login_as(network.coanimator)
    page = client.get("/reports/campaigns/new").get_data(as_text=True)
    client.post("/reports/campaigns/new", data={
        "csrf_token": csrf_token(page), "year": "2026", "deadline": (paris_today() + timedelta(days=10)).isoformat(),
        "territories": [str(network.metro)]})
    page = client.get("/reports/2026/results").get_data(as_text=True)
    assert "Publier dans la bibliothèque" in page
    # Nothing validated yet: said beside the button, and asked again before publishing.
    partial = "Le bilan ne compte encore aucun territoire validé (1 attendu)."
    assert partial in page and f'data-confirm="{partial} Le publier quand même ?"' in page
    response = client.post("/reports/2026/publish", data={"csrf_token": csrf_token(page), "format": "pdf"})
    assert response.status_code == 302 and "/library/" in response.headers["Location"]
    client.post("/reports/2026/publish", data={"csrf_token": csrf_token(page), "format": "docx"})
    with app.app_context():
        resource = db.session.scalar(select(Resource))
        assert resource.title == "Bilan départemental des clauses sociales 2026"
        assert [v.extension for v in resource.versions] == ["docx", "pdf"]
        assert "Bilan départemental des clauses sociales 2026" in (resource.versions[-1].text or "")
    login_as(network.alice)
    assert client.post("/reports/2026/publish", data={"csrf_token": csrf_token(page)}).status_code == 403


def test_a_facilitator_who_chose_no_email_is_told_on_the_site_only(app, client, login_as, network, smtp):
    with app.app_context():
        db.session.add(NotificationPreference(user_id=network.alice.id, category="reports", channel="site"))
        db.session.commit()
    login_as(network.coanimator)
    page = client.get("/reports/campaigns/new").get_data(as_text=True)
    client.post("/reports/campaigns/new", data={
        "csrf_token": csrf_token(page), "year": "2026", "deadline": (paris_today() + timedelta(days=10)).isoformat(),
        "territories": [str(network.metro)]})
    with app.app_context():
        deliver_pending()
        told = {n.user_id: n.channel for n in db.session.scalars(select(Notification))}
    assert told == {network.alice.id: "site", network.bruno.id: "immediate"}
    assert not smtp.to(network.alice.email) and smtp.to(network.bruno.email)
    login_as(network.alice)
    assert "Bilan départemental" in client.get("/notifications/settings").get_data(as_text=True)
    fields = form_fields(client.get(f"/reports/2026/fill/{network.metro}/{network.metro_structure}").get_data(as_text=True))
    assert "revision" in fields
