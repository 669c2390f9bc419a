"""The whole campaign, through the pages as members use them: open → fill → send back →
resubmit → validate → consolidated; who is told what (real SMTP), reminders each once."""
from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta

from sqlalchemy import select

from network_space.accounts.models import fold
from network_space.core.dates import fmt_date, paris_to_utc, paris_today
from network_space.core.outbox import deliver_pending
from network_space.core.scheduler import ScheduledJob, run_due_jobs
from network_space.extensions import db
from network_space.notifications.models import Notification
from network_space.reports import queries
from network_space.reports.models import Campaign, Contribution, ContributionChange
from tests.helpers import csrf_token
from tests.reports.conftest import form_fields, indicator_ids


def _open_campaign(client, network, deadline: date):
    page = client.get("/reports/campaigns/new").get_data(as_text=True)
    response = client.post("/reports/campaigns/new", data={
        "csrf_token": csrf_token(page), "year": "2026", "title": "", "deadline": deadline.isoformat(),
        "territories": [str(network.metro), str(network.capi)], "message": "Merci !"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _fill_url(network, territory=None, structure=None):
    return f"/reports/2026/fill/{territory or network.metro}/{structure or network.metro_structure}"


def test_whole_campaign_flow(app, client, login_as, network, smtp):
    ids = indicator_ids(app)
    deadline = paris_today() + timedelta(days=30)
    login_as(network.coanimator)
    _open_campaign(client, network, deadline)
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert campaign.title == "Bilan 2026" and campaign.is_open
        told = {n.user_id for n in db.session.scalars(select(Notification).where(
            Notification.kind == "report.campaign_opened"))}
        assert told == {network.alice.id, network.bruno.id, network.chloe.id}
        keys = set(db.session.scalars(select(ScheduledJob.key)))
        assert keys == {f"report:{campaign.id}:j-{d}" for d in (14, 3, 0)}
        deliver_pending()
    opened = smtp.to(network.alice.email)
    assert len(opened) == 1 and "Bilan 2026" in opened[0]["Subject"]
    text = opened[0].get_body(("plain",)).get_content()
    with app.test_request_context():
        # The deadline as people read a date, with its year; the co-animators' message quoted.
        assert f"avant le {fmt_date(deadline, year=True)}." in text and deadline.strftime("%d/%m/%Y") not in text
    assert "Le message de la co-animation :\r\nMerci !" in text
    assert "Merci !" in opened[0].get_body(("html",)).get_content()

    # Alice fills a draft: a bad value is refused with a French message, nothing typed is lost.
    login_as(network.alice)
    page = client.get(_fill_url(network)).get_data(as_text=True)
    assert "Heures d&#39;insertion réalisées" in page and "Heures de travail réellement effectuées" in page
    fields = form_fields(page)
    fields.update({f"i-{ids['hours_planned']}": "10 000", f"i-{ids['hours_achieved']}": "12,5",
                   f"i-{ids['participants']}": "-3", f"i-{ids['highlights']}": "Un **bon** chantier", "action": "save"})
    refused = client.post(_fill_url(network), data=fields)
    assert refused.status_code == 422
    text = htmllib.unescape(refused.get_data(as_text=True))
    assert "Indiquez un nombre entier, sans décimale." in text and "Le nombre doit être positif ou nul." in text
    assert 'value="12,5"' in text and 'value="10 000"' in text and "Un **bon** chantier" in text
    with app.app_context():
        assert db.session.scalar(select(Contribution)) is None

    # Valid figures, but achieved hours far above planned: a draft is saved, sending needs a note.
    fields.update({f"i-{ids['hours_achieved']}": "18000", f"i-{ids['participants']}": "40",
                   f"i-{ids['public_rsa']}": "30", f"i-{ids['public_young']}": "20"})
    assert client.post(_fill_url(network), data=fields).status_code == 302
    page = client.get(_fill_url(network)).get_data(as_text=True)
    assert "dépassent de plus de moitié" in page and "dépassent le nombre de participants" in page
    fields = form_fields(page)
    fields.update({"action": "submit", f"i-{ids['public_young']}": "21"})  # one more value, then sent
    refused = client.post(_fill_url(network), data=fields)
    assert refused.status_code == 422
    text = htmllib.unescape(refused.get_data(as_text=True))
    assert "confirmez-les par une note" in text
    # Not sent, but what was typed is saved: leaving the page now loses nothing.
    assert "Vos saisies sont enregistrées en brouillon, mais la contribution n'est pas envoyée." in text
    with app.app_context():
        contribution = db.session.scalar(select(Contribution))
        assert contribution.status == "draft" and contribution.revision == 2
        assert queries.values_of(contribution)[ids["public_young"]] == 21
    fields = form_fields(client.get(_fill_url(network)).get_data(as_text=True))
    fields.update({"note-hours": "Un chantier a doublé ses heures en cours d'année.",
                   "note-publics": "Des participants relèvent de deux publics.", "action": "submit"})
    response = client.post(_fill_url(network), data=fields)
    assert response.status_code == 302 and "/reports/contributions/" in response.headers["Location"]
    contribution_url = response.headers["Location"]

    # The co-animator sends it back; a comment is required.
    login_as(network.coanimator)
    page = client.get(contribution_url).get_data(as_text=True)
    assert "Un chantier a doublé" in page
    token = csrf_token(page)
    refused = client.post(contribution_url + "/send_back", data={"csrf_token": token, "comment": " "})
    assert refused.status_code == 422 and "Dites ce qu&#39;il faut corriger" in refused.get_data(as_text=True)
    client.post(contribution_url + "/send_back", data={"csrf_token": token,
                                                       "comment": "Les 18 000 heures : merci de vérifier."})
    with app.app_context():
        assert db.session.scalar(select(Contribution)).status == "returned"
        deliver_pending()
    returned = [m for m in smtp.to(network.alice.email) if "renvoyée" in m["Subject"]]
    assert len(returned) == 1 and "Les 18 000 heures" in returned[0].get_body(("plain",)).get_content()
    assert [m for m in smtp.to(network.bruno.email) if "renvoyée" in m["Subject"]]  # her colleague too

    # Bruno corrects and resubmits; the co-animator validates.
    login_as(network.bruno)
    page = client.get(_fill_url(network)).get_data(as_text=True)
    assert "Les 18 000 heures" in page
    fields = form_fields(page)
    fields.update({f"i-{ids['hours_achieved']}": "9500", "note-hours": "", "action": "submit"})
    assert client.post(_fill_url(network), data=fields).status_code == 302
    login_as(network.coanimator)
    page = client.get(contribution_url).get_data(as_text=True)
    client.post(contribution_url + "/validate", data={"csrf_token": csrf_token(page), "comment": ""})
    with app.app_context():
        contribution = db.session.scalar(select(Contribution))
        assert contribution.status == "validated"
        actions = [c.action for c in db.session.scalars(select(ContributionChange).order_by(ContributionChange.id))]
        # The sending refused for want of a note saved what was typed (the third "saved").
        assert actions == ["created", "saved", "saved", "saved", "submitted", "returned", "saved", "submitted", "validated"]
        change = db.session.scalars(select(ContributionChange).where(ContributionChange.action == "saved")
                                    .order_by(ContributionChange.id.desc())).first()
        assert {"indicator_id": ids["hours_achieved"], "label": "Heures d'insertion réalisées",
                "old": "18\u202f000", "new": "9\u202f500"} in change.fields
        assert change.actor_id == network.bruno.id

    # Every change is visible with who, when, old → new.
    history = htmllib.unescape(client.get(contribution_url).get_data(as_text=True))
    assert "Bruno Collègue" in history and "18\u202f000" in history and "9\u202f500" in history
    assert "Note de confirmation (heures réalisées)" in history and "(hours)" not in history

    # Consolidated: only the validated contribution counts; CAPI is missing, and said so.
    results = htmllib.unescape(client.get("/reports/2026/results").get_data(as_text=True))
    assert "Contributions validées : 1 sur 2 territoires attendus." in results
    assert "Sans contribution validée : CA Porte de l'Isère." in results
    assert "9\u202f500 heures d'insertion réalisées" in results

    # Closed, the campaign's figures stay as they are: no sending back until it is reopened.
    page = client.get("/reports/2026/").get_data(as_text=True)
    client.post("/reports/2026/close", data={"csrf_token": csrf_token(page)})
    page = client.get(contribution_url).get_data(as_text=True)
    assert "/send_back" not in page
    assert client.post(contribution_url + "/send_back", data={"csrf_token": csrf_token(page),
                                                              "comment": "Trop tard"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Contribution)).status == "validated"
        assert not db.session.scalar(select(Campaign)).is_open


def test_reminders_go_once_to_those_who_have_not_sent(app, client, login_as, network, smtp):
    deadline = paris_today() + timedelta(days=30)
    login_as(network.coanimator)
    _open_campaign(client, network, deadline)
    # Chloé sends hers; Alice and Bruno (La Métro) have not.
    login_as(network.chloe)
    url = _fill_url(network, network.capi, network.capi_structure)
    fields = form_fields(client.get(url).get_data(as_text=True))
    fields["action"] = "submit"
    assert client.post(url, data=fields).status_code == 302
    with app.app_context():
        deliver_pending()
        smtp.messages.clear()
        j14 = paris_to_utc(deadline - timedelta(days=14), __import__("datetime").time(9))
        run_due_jobs(now=j14 + timedelta(minutes=1))
        run_due_jobs(now=j14 + timedelta(minutes=2))  # run again: nothing more
        deliver_pending()
    reminded = {m["To"] for m in smtp.messages}
    assert reminded == {network.alice.email, network.bruno.email}
    body = smtp.messages[0].get_body(("plain",)).get_content()
    assert "dans 14 jours" in body
    # The board's button reminds one row by hand.
    login_as(network.coanimator)
    page = client.get("/reports/2026/").get_data(as_text=True)
    assert "Tableau de complétude" in page and "Non commencée" in page and "Envoyée" in page
    board = page[page.index('id="board"'):]
    summary = board[board.index('<p role="status">'):board.index("</p>")]
    assert not re.search(r"·\s*$", summary)  # a separator between counts, none after the last
    names = re.findall(r'<th scope="row">([^<]+)</th>', board)
    assert names == sorted(names, key=fold), names  # as a reader sorts, capitals and accents aside
    response = client.post("/reports/2026/remind", data={"csrf_token": csrf_token(page),
                                                          "territory_id": network.metro,
                                                          "structure_id": network.metro_structure})
    assert response.status_code == 302
    assert "Rappel envoyé à 2 personnes." in htmllib.unescape(client.get("/reports/2026/").get_data(as_text=True))


def test_a_colleague_saving_meanwhile_is_not_overwritten(app, client, login_as, network):
    ids = indicator_ids(app)
    login_as(network.coanimator)
    _open_campaign(client, network, paris_today() + timedelta(days=30))
    login_as(network.alice)
    alice_form = form_fields(client.get(_fill_url(network)).get_data(as_text=True))
    login_as(network.bruno)
    bruno_form = form_fields(client.get(_fill_url(network)).get_data(as_text=True))
    bruno_form.update({f"i-{ids['participants']}": "12", f"i-{ids['hours_planned']}": "4754",
                       f"i-{ids['hours_achieved']}": "5200", "action": "save"})
    assert client.post(_fill_url(network), data=bruno_form).status_code == 302
    login_as(network.alice)
    alice_form.update({f"i-{ids['participants']}": "15", f"i-{ids['hours_planned']}": "4 754",
                       f"i-{ids['hours_achieved']}": "5000", "action": "save"})
    conflict = client.post(_fill_url(network), data=alice_form)
    text = htmllib.unescape(conflict.get_data(as_text=True))
    assert conflict.status_code == 409 and "Bruno Collègue a enregistré cette contribution" in text
    assert 'value="15"' in text and "Enregistré entre-temps :</strong> 12" in text
    assert "Enregistré entre-temps :</strong> 5\u202f200" in text  # written as a number reads
    # Only where the two differ: the fields both left as they were, or typed alike, say nothing.
    assert text.count("Enregistré entre-temps") == 2
    with app.app_context():
        assert db.session.scalar(select(Contribution)).revision == 1
    # Saving again from the form shown (now on the new revision) is her deliberate choice.
    assert client.post(_fill_url(network), data=form_fields(conflict.get_data(as_text=True)) | {"action": "save"}
                       ).status_code == 302


def test_who_may_see_and_fill_what(app, client, login_as, network):
    login_as(network.coanimator)
    _open_campaign(client, network, paris_today() + timedelta(days=30))
    login_as(network.chloe)  # CAPI: not La Métro's contribution
    assert client.get(_fill_url(network)).status_code == 403
    assert client.get(_fill_url(network, network.metro, network.capi_structure)).status_code == 403
    # The Vercors is not expected: no slot there.
    assert client.get(_fill_url(network, network.vercors, network.capi_structure)).status_code == 404
    login_as(network.alice)
    fields = form_fields(client.get(_fill_url(network)).get_data(as_text=True))
    client.post(_fill_url(network), data=fields | {"action": "save"})
    with app.app_context():
        contribution_id = db.session.scalar(select(Contribution.id))
    login_as(network.chloe)  # a draft of another structure stays with its authors
    assert client.get(f"/reports/contributions/{contribution_id}").status_code == 403
    login_as("member")
    assert client.get("/reports/2026/").status_code == 200
    assert client.post(f"/reports/contributions/{contribution_id}/validate").status_code in (400, 403)


def test_a_tampered_revision_loses_nothing_and_saves_nothing(app, client, login_as, network):
    ids = indicator_ids(app)
    login_as(network.coanimator)
    _open_campaign(client, network, paris_today() + timedelta(days=30))
    login_as(network.alice)
    fields = form_fields(client.get(_fill_url(network)).get_data(as_text=True))
    fields.update({"revision": "abc", f"i-{ids['participants']}": "14", "action": "save"})
    refused = client.post(_fill_url(network), data=fields)
    assert refused.status_code == 422 and 'value="14"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Contribution)) is None
