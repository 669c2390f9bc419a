"""Invitees chosen by a rule (all members, a sector, territories) follow the members who join,
move or leave, for every open poll and meeting not yet held (issue 13, item 2). Whoever is added
gets the invitation, .ics attached, through the outbox and real SMTP."""
from __future__ import annotations

import email
from datetime import date, time

from sqlalchemy import select

from network_space.accounts import services as accounts_services
from network_space.accounts.models import Structure, Territory, User
from network_space.core.outbox import deliver_pending
from network_space.extensions import db
from network_space.meetings import polls, services
from network_space.meetings.models import SCOPE_ALL, SCOPE_SECTOR, Meeting
from network_space.notifications.models import Notification
from tests.helpers import csrf_token, links_in
from tests.meetings.conftest import attach_territory, make_meeting

SLOT = (date(2027, 3, 9), time(9), time(12))


def _scheduled(organiser_id: int, slot=SLOT, **fields) -> int:
    meeting_id = make_meeting(organiser_id, slots=[slot], **fields)
    meeting = db.session.get(Meeting, meeting_id)
    services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at, db.session.get(User, organiser_id))
    db.session.commit()
    return meeting_id


def _invitee_ids(meeting_id: int) -> set[int]:
    db.session.expire_all()
    return {i.user_id for i in db.session.get(Meeting, meeting_id).invitees}


def _raw_calendars(smtp, address: str) -> list[bytes]:
    """The .ics of each message to ``address``, as the bytes that reached the SMTP server (after
    the MIME transfer decoding), with folded lines unfolded (RFC 5545 §3.1)."""
    found = []
    for envelope in smtp.envelopes:
        if address not in envelope.rcpt_tos:
            continue
        for part in email.message_from_bytes(envelope.content).walk():
            if part.get_content_type() == "text/calendar":
                found.append(part.get_payload(decode=True).replace(b"\r\n ", b""))
    return found


def test_a_newcomer_who_accepts_the_invitation_is_invited_to_meetings_for_all(app, client, login_as, smtp):
    coanimator = login_as("coanimator", email="claire@example.org")
    with app.app_context():
        meeting_id = _scheduled(coanimator.id, invite_scope=SCOPE_ALL, title="Plénière de mars")
        structure = Structure(name="CC du Trièves", kind="epci")
        db.session.add(structure)
        db.session.commit()
        structure_id = structure.id
        deliver_pending()
    page = client.get("/admin/invitations").get_data(as_text=True)
    client.post("/admin/invitations", data={"csrf_token": csrf_token(page), "email": "nina@example.org",
                                            "role": "member", "structure": structure_id, "message": ""})
    with app.app_context():
        deliver_pending()
    [invitation_mail] = smtp.to("nina@example.org")
    path = "/" + [l for l in links_in(invitation_mail.get_body(("plain",)).get_content()) if "/invitation/" in l][0].split("/", 3)[3]
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    page = client.get(path).get_data(as_text=True)
    response = client.post(path, data={"csrf_token": csrf_token(page), "full_name": "Nina Nouvelle",
                                       "password": "une phrase assez longue", "confirm": "une phrase assez longue"})
    assert response.status_code == 302
    with app.app_context():
        nina = db.session.scalar(select(User).where(User.email == "nina@example.org"))
        assert nina.id in _invitee_ids(meeting_id)
        deliver_pending()
    [calendar] = _raw_calendars(smtp, "nina@example.org")
    assert b"METHOD:REQUEST\r\n" in calendar and b"SUMMARY:Pl\xc3\xa9ni\xc3\xa8re de mars\r\n" in calendar
    assert b"mailto:nina@example.org" in calendar.lower()
    assert b"DTSTART:20270309T080000Z" in calendar or b"DTSTART;TZID=Europe/Paris:20270309T090000" in calendar
    assert [m for m in smtp.to("nina@example.org") if m["Subject"].startswith("Invitation : Plénière de mars")]
    # The meeting page offers her the "Je viens" button.
    assert "Je viens" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)


def test_moving_territory_follows_sector_meetings_and_polls(ctx, smtp, make_user):
    organiser = make_user("coanimator", email="claire@example.org")
    alice = make_user("member", email="alice@example.org")
    nord, sud = Territory(name="CAPI", sector="nord"), Territory(name="Trièves", sector="sud")
    db.session.add_all([nord, sud])
    db.session.commit()
    attach_territory(alice.id, sud.id)
    db.session.commit()
    meeting_id = _scheduled(organiser.id, invite_scope=SCOPE_SECTOR, invite_sector="nord", title="Réunion Nord")
    poll_id = make_meeting(organiser.id, invite_scope=SCOPE_SECTOR, invite_sector="nord", title="Sondage Nord",
                           slots=[SLOT])
    polls.open_poll(db.session.get(Meeting, poll_id), db.session.get(User, organiser.id), None)
    db.session.commit()
    assert alice.id not in _invitee_ids(meeting_id) | _invitee_ids(poll_id)

    accounts_services.update_profile(db.session.get(User, alice.id), [db.session.get(Territory, nord.id)])
    db.session.commit()
    assert alice.id in _invitee_ids(meeting_id) and alice.id in _invitee_ids(poll_id)
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.user_id == alice.id)))
    assert kinds == {"meeting.invitation", "meeting.poll"}
    deliver_pending()
    assert [c for c in _raw_calendars(smtp, "alice@example.org") if b"METHOD:REQUEST" in c]

    # Back to the south: out of both, and the meeting leaves her calendar (CANCEL).
    accounts_services.update_profile(db.session.get(User, alice.id), [db.session.get(Territory, sud.id)])
    db.session.commit()
    assert alice.id not in _invitee_ids(meeting_id) | _invitee_ids(poll_id)
    deliver_pending()
    assert any(b"METHOD:CANCEL" in c for c in _raw_calendars(smtp, "alice@example.org"))


def test_a_deactivated_member_is_removed_and_a_held_meeting_is_untouched(ctx, smtp, make_user):
    admin = make_user("admin")
    organiser = make_user("coanimator")
    bob = make_user("member", email="bob@example.org")
    upcoming_id = _scheduled(organiser.id, invite_scope=SCOPE_ALL, title="À venir")
    held_id = _scheduled(organiser.id, invite_scope=SCOPE_ALL, title="Déjà tenue",
                         slot=(date(2026, 1, 12), time(9), time(12)))
    services.mark_past_meetings_held()
    db.session.commit()
    assert bob.id in _invitee_ids(upcoming_id) and bob.id in _invitee_ids(held_id)

    accounts_services.set_active(db.session.get(User, bob.id), False, db.session.get(User, admin.id))
    db.session.commit()
    assert bob.id not in _invitee_ids(upcoming_id)
    assert bob.id in _invitee_ids(held_id)  # the past stays as it was: he was invited, and came or not

    # A newcomer joins the upcoming meeting, not the one already held.
    carla = make_user("member", email="carla@example.org")
    accounts_services.set_active(db.session.get(User, carla.id), False, db.session.get(User, admin.id))
    accounts_services.set_active(db.session.get(User, carla.id), True, db.session.get(User, admin.id))
    db.session.commit()
    assert carla.id in _invitee_ids(upcoming_id) and carla.id not in _invitee_ids(held_id)
    deliver_pending()
    assert smtp.to("bob@example.org") == [m for m in smtp.to("bob@example.org") if "Invitation" in m["Subject"]]
    assert len(_raw_calendars(smtp, "carla@example.org")) == 1
