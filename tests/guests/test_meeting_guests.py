"""Guests in a meeting as members see it: its Participants panel and its minutes' attendance,
on the pages and in the DOCX / ODT files."""
from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import timedelta

from sqlalchemy import func, select

from network_space.accounts.models import User
from network_space.core.audit import AuditEntry
from network_space.core.models import utcnow
from network_space.extensions import db
from network_space.guests.models import Guest, GuestLink
from network_space.guests.privacy import purge_guests
from network_space.meetings import minutes as minutes_services
from network_space.meetings.models import Meeting
from tests.guests.conftest import fix_first_slot, polled_meeting
from tests.helpers import csrf_token
from tests.meetings.conftest import make_held_meeting

LEA = "Léa Martin (invité·e, Alpes Isère Habitat)"
MARC = "Marc Roux (invité·e, ESAT Les Ateliers du Drac)"


def _rows(xml: str, row_tag: str) -> list[str]:
    """Each table row of a document's XML as its text, cells separated by " | "."""
    rows = []
    for row in re.findall(rf"<{row_tag}[ >].*?</{row_tag}>", xml, flags=re.S):
        cells = re.split(r"</(?:w:tc|table:table-cell)>", row)
        rows.append(" | ".join(html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells if re.sub(r"<[^>]+>", "", c)))
    return rows


def _meeting_with_guests(app, organiser_id, invite_guest):
    """A scheduled meeting with two guests: Léa said she comes, Marc did not answer."""
    with app.app_context():
        meeting_id = make_held_meeting(organiser_id, minutes="Tour de table des chantiers.")
    lea_id, _ = invite_guest(meeting_id=meeting_id)
    marc_id, _ = invite_guest(meeting_id=meeting_id, email="m.roux@esat.example", name="Marc Roux",
                              organisation="ESAT Les Ateliers du Drac")
    with app.app_context():
        db.session.get(GuestLink, lea_id).rsvp = "yes"
        db.session.commit()
    return meeting_id, lea_id, marc_id


def test_minutes_list_guests_with_their_organisation_and_record_their_attendance(app, client, login_as,
                                                                                  invite_guest):
    organiser = login_as("coanimator", full_name="Claire Animatrice")
    meeting_id, lea_id, marc_id = _meeting_with_guests(app, organiser.id, invite_guest)

    editor = client.get(f"/meetings/{meeting_id}/minutes/edit").get_data(as_text=True)
    # Pre-filled from the answers, like a member's: Léa comes, Marc did not answer.
    assert re.search(rf'name="attendance-guest-{lea_id}" value="present" [^>]*checked', editor)
    assert re.search(rf'name="attendance-guest-{marc_id}" value="absent" [^>]*checked', editor)
    assert "invité·e, ESAT Les Ateliers du Drac" in editor

    response = client.post(f"/meetings/{meeting_id}/minutes/edit", data={
        "csrf_token": csrf_token(editor), "body": "Tour de table des chantiers.",
        f"attendance-{organiser.id}": "present", f"attendance-guest-{lea_id}": "excused",
        f"attendance-guest-{marc_id}": "present"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(GuestLink, lea_id).attendance == "excused"
        assert db.session.get(GuestLink, marc_id).attendance == "present"

    page = client.get(f"/meetings/{meeting_id}/minutes").get_data(as_text=True)
    assert f"2 personnes présentes :</strong> Claire Animatrice, {MARC}" in page
    assert f"1 personne excusée :</strong> {LEA}" in page

    docx = client.get(f"/meetings/{meeting_id}/minutes.docx")
    with zipfile.ZipFile(io.BytesIO(docx.data)) as archive:
        rows = _rows(archive.read("word/document.xml").decode(), "w:tr")
    assert rows[:4] == ["Participant·e | Présence", "Claire Animatrice | Présent·e", f"{LEA} | Excusé·e",
                        f"{MARC} | Présent·e"]

    odt = client.get(f"/meetings/{meeting_id}/minutes.odt")
    with zipfile.ZipFile(io.BytesIO(odt.data)) as archive:
        rows = _rows(archive.read("content.xml").decode(), "table:table-row")
    assert rows[:4] == ["Participant·e | Présence", "Claire Animatrice | Présent·e", f"{LEA} | Excusé·e",
                        f"{MARC} | Présent·e"]


def test_a_forged_guest_attendance_is_refused_and_a_revoked_guest_leaves_the_minutes(app, client, login_as,
                                                                                      invite_guest):
    from network_space.guests import services

    organiser = login_as("coanimator")
    meeting_id, lea_id, marc_id = _meeting_with_guests(app, organiser.id, invite_guest)
    with app.app_context():
        services.revoke(db.session.get(GuestLink, marc_id), db.session.get(User, organiser.id))
        db.session.commit()
        meeting = db.session.get(Meeting, meeting_id)
        assert [a.key for a in minutes_services.attendees(meeting)] == [str(organiser.id), f"guest-{lea_id}"]
    editor = client.get(f"/meetings/{meeting_id}/minutes/edit").get_data(as_text=True)
    assert "Marc Roux" not in editor
    client.post(f"/meetings/{meeting_id}/minutes/edit", data={
        "csrf_token": csrf_token(editor), "body": "Relevé", f"attendance-guest-{lea_id}": "partie",
        f"attendance-guest-{marc_id}": "present"})
    with app.app_context():
        # An unknown value is ignored (Léa keeps her expected attendance); a revoked guest is not recorded.
        assert db.session.get(GuestLink, lea_id).attendance is None
        assert db.session.get(GuestLink, marc_id).attendance is None


def _docx_rows(client, meeting_id: int) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(client.get(f"/meetings/{meeting_id}/minutes.docx").data)) as archive:
        return _rows(archive.read("word/document.xml").decode(), "w:tr")


def test_an_erased_guest_stays_in_the_minutes_attendance_without_a_name(app, client, login_as, invite_guest):
    """A guest who erases their data, or whom the retention period erases, keeps their line in the
    attendance of the meetings held, as "Invité·e (données effacées)": the minutes still count
    everyone present; nothing else of the person remains, and their link opens nothing."""
    organiser = login_as("coanimator", full_name="Claire Animatrice")
    with app.app_context():
        meeting_id = make_held_meeting(organiser.id, minutes="Tour de table des chantiers.")
    lea_id, _ = invite_guest(meeting_id=meeting_id)
    marc_id, marc_token = invite_guest(meeting_id=meeting_id, email="m.roux@esat.example", name="Marc Roux",
                                       organisation="ESAT Les Ateliers du Drac")
    with app.app_context():
        db.session.get(GuestLink, lea_id).rsvp = "yes"  # announced, never recorded: counted present
        meeting = db.session.get(Meeting, meeting_id)  # then held, this morning
        meeting.starts_at, meeting.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
        db.session.commit()
    editor = client.get(f"/meetings/{meeting_id}/minutes/edit").get_data(as_text=True)
    client.post(f"/meetings/{meeting_id}/minutes/edit", data={
        "csrf_token": csrf_token(editor), "body": "Tour de table des chantiers.",
        f"attendance-{organiser.id}": "present", f"attendance-guest-{marc_id}": "present"})
    page = client.get(f"/meetings/{meeting_id}/minutes").get_data(as_text=True)
    assert f"3 personnes présentes :</strong> Claire Animatrice, {LEA}, {MARC}" in page

    marc = app.test_client()  # Marc erases his data through his link, which works for a day more
    page_url = f"/partenaire/{marc_token}/effacer"
    marc.post(page_url, data={"csrf_token": csrf_token(marc.get(page_url).get_data(as_text=True))})
    with app.app_context():  # then Léa's invitation ended GUEST_RETENTION_MONTHS ago
        assert purge_guests(utcnow() + timedelta(days=1)) == 1
        db.session.commit()
        assert purge_guests(utcnow() + timedelta(days=2)) == 0  # erased once, not at every round

    erased = "Invité·e (données effacées)"
    page = client.get(f"/meetings/{meeting_id}/minutes").get_data(as_text=True)
    assert f"3 personnes présentes :</strong> Claire Animatrice, {erased}, {erased}" in page
    assert _docx_rows(client, meeting_id)[:4] == ["Participant·e | Présence", "Claire Animatrice | Présent·e",
                                                  f"{erased} | Présent·e", f"{erased} | Présent·e"]
    with app.app_context():
        guests = db.session.execute(select(Guest.name, Guest.email, Guest.organisation_typed, Guest.contact_id)).all()
        assert sorted(guests) == sorted([(erased, f"invite-efface-{guest_id}@anonyme.invalid", None, None)
                                         for guest_id in db.session.scalars(select(Guest.id))])
        links = db.session.scalars(select(GuestLink).order_by(GuestLink.id)).all()
        assert [(link.attendance, link.rsvp, link.revoked_at is not None) for link in links] == [
            ("present", None, True), ("present", None, True)]
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "guest.purge")) == 1
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "guest.forget")) == 1
    assert marc.get(f"/partenaire/{marc_token}").status_code == 410
    manage = client.get(f"/meetings/{meeting_id}/invites").get_data(as_text=True)
    assert erased not in manage and "anonyme.invalid" not in manage  # nobody left to manage


def _participants(page: str) -> str:
    return page[page.index('id="participants"'):page.index("</section>", page.index('id="participants"'))]


def test_participants_panel_lists_the_guests_by_name_and_organisation(app, client, login_as, make_user,
                                                                       invite_guest):
    organiser = make_user("coanimator")
    with app.app_context():
        meeting_id = polled_meeting(organiser.id)
        slot_id = db.session.get(Meeting, meeting_id).slots[0].id
    lea_id, _ = invite_guest(meeting_id=meeting_id)
    marc_id, _ = invite_guest(meeting_id=meeting_id, email="m.roux@esat.example", name="Marc Roux",
                              organisation="ESAT Les Ateliers du Drac")
    with app.app_context():
        from network_space.guests import services
        services.answer_poll(db.session.get(GuestLink, lea_id), {slot_id: "yes"}, None)
        db.session.commit()

    login_as("member")  # a member who sees the meeting, not an organiser
    panel = _participants(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "2 partenaires invité·es (sans compte)" in panel
    assert "Léa Martin — Alpes Isère Habitat <span class=\"muted\">· A répondu au sondage" in panel
    assert "Marc Roux — ESAT Les Ateliers du Drac <span class=\"muted\">· Pas encore répondu" in panel
    assert "@" not in panel  # never their addresses

    with app.app_context():
        fix_first_slot(meeting_id, organiser.id)
        db.session.get(GuestLink, lea_id).rsvp = "yes"
        services.revoke(db.session.get(GuestLink, marc_id), db.session.get(User, organiser.id))
        db.session.commit()
    panel = _participants(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "1 partenaire invité·e (sans compte)" in panel and "Léa Martin — Alpes Isère Habitat" in panel
    assert "Je viens" in panel and "Marc Roux" not in panel
