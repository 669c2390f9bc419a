"""Invitations, updates and cancellations go through notify(): an in-app notification for each
invitee, the .ics on the immediate email only, the member's "Réunions" preference honoured,
except that a change or a cancellation always emails those who said they would (or might) come."""
from __future__ import annotations

from datetime import date, time

from flask_babel import get_locale
from flask_login import login_user
from icalendar import Calendar
from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.dates import paris_to_utc
from network_space.core.outbox import deliver_pending
from network_space.extensions import db
from network_space.meetings import notices, polls, services
from network_space.meetings.models import Meeting
from network_space.notifications.digests import send_digests
from network_space.notifications.models import Notification
from network_space.notifications.services import set_preference
from tests.meetings.conftest import make_meeting


def _calendar_methods(messages):
    return [Calendar.from_ical(part.get_content())["METHOD"]
            for message in messages for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"]


def _notifications(user_id):
    return [(n.kind, n.channel) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


def _scheduled_meeting(organiser, members, slot=(date(2027, 2, 9), time(9), time(12))):
    meeting_id = make_meeting(organiser.id, invitee_ids=[m.id for m in members], slots=[slot])
    meeting = db.session.get(Meeting, meeting_id)
    services.schedule(meeting, meeting.slots[0].starts_at, meeting.slots[0].ends_at, db.session.get(User, organiser.id))
    db.session.commit()
    return meeting


def test_invitation_is_an_in_app_notification_and_an_email_with_the_ics(ctx, smtp, make_user):
    organiser = make_user("coanimator", email="claire@example.org")
    alice = make_user("member", email="alice@example.org")
    meeting = _scheduled_meeting(organiser, [alice])
    assert _notifications(alice.id) == [("meeting.invitation", "immediate")]
    # The organiser who scheduled it is an invitee too and gets the calendar entry.
    assert _notifications(organiser.id) == [("meeting.invitation", "immediate")]
    notification = db.session.scalar(select(Notification).where(Notification.user_id == alice.id))
    assert notification.title == meeting.title and notification.url == f"/meetings/{meeting.id}"
    assert "9 février 2027" in notification.context["message"]

    deliver_pending()
    [email] = smtp.to("alice@example.org")
    assert email["Subject"].startswith("Invitation : Réunion plénière — ")
    assert email["List-Unsubscribe"] and email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _calendar_methods([email]) == ["REQUEST"]
    text = email.get_body(("plain",)).get_content()
    assert "Vous êtes invité·e à la réunion « Réunion plénière »" in text and "Lieu : Grenoble" in text
    assert "Ne plus recevoir ces emails" in text


def test_preferences_decide_between_email_site_digest_and_nothing(ctx, smtp, make_user):
    organiser = make_user("coanimator")
    by_email, on_site, daily, nothing = (make_user("member", email=f"{name}@example.org")
                                         for name in ("mail", "site", "daily", "none"))
    for user, channel in ((on_site, "site"), (daily, "daily"), (nothing, "none")):
        set_preference(user, "meetings", channel)
    db.session.commit()
    _scheduled_meeting(organiser, [by_email, on_site, daily, nothing])

    assert _notifications(by_email.id) == [("meeting.invitation", "immediate")]
    assert _notifications(on_site.id) == [("meeting.invitation", "site")]
    assert _notifications(daily.id) == [("meeting.invitation", "daily")]
    assert _notifications(nothing.id) == []
    deliver_pending()
    assert _calendar_methods(smtp.to("mail@example.org")) == ["REQUEST"]
    assert smtp.to("site@example.org") == smtp.to("none@example.org") == smtp.to("daily@example.org") == []
    # The daily digest lists the invitation (without an attachment).
    send_digests("daily", now=paris_to_utc(date(2030, 1, 2), time(8, 30)))
    deliver_pending()
    [digest] = smtp.to("daily@example.org")
    assert "Réunion plénière" in digest.get_body(("plain",)).get_content()
    assert _calendar_methods([digest]) == []


def test_change_and_cancellation_always_reach_those_who_said_they_come(ctx, smtp, make_user):
    organiser = make_user("coanimator")
    coming, maybe, not_answered, declined = (make_user("member", email=f"{name}@example.org")
                                             for name in ("coming", "maybe", "silent", "declined"))
    for user in (coming, maybe, not_answered, declined):
        set_preference(user, "meetings", "site")
    db.session.commit()
    meeting = _scheduled_meeting(organiser, [coming, maybe, not_answered, declined])
    for user, answer in ((coming, "yes"), (maybe, "maybe"), (declined, "no")):
        services.rsvp(meeting, db.session.get(User, user.id), answer)
    db.session.commit()
    deliver_pending()
    assert smtp.messages and not any(smtp.to(f"{n}@example.org") for n in ("coming", "maybe", "silent", "declined"))

    actor = db.session.get(User, organiser.id)
    services.schedule(meeting, paris_to_utc(date(2027, 2, 10), time(14)), paris_to_utc(date(2027, 2, 10), time(16)), actor)
    db.session.commit()
    services.cancel_meeting(meeting, actor, "Salle indisponible\nNous reprogrammons en mars.")
    db.session.commit()
    deliver_pending()

    for user in (coming, maybe):
        assert _notifications(user.id) == [("meeting.invitation", "site"), ("meeting.updated_attendee", "immediate"),
                                           ("meeting.cancelled_attendee", "immediate")]
        assert _calendar_methods(smtp.to(user.email)) == ["REQUEST", "CANCEL"]
        cancellation = smtp.to(user.email)[-1]
        assert cancellation["List-Unsubscribe"] is None  # mandatory: nothing to unsubscribe from
        assert cancellation["Auto-Submitted"] == "auto-generated"  # no out-of-office reply to the site
        text = cancellation.get_body(("plain",)).get_content()
        assert "Salle indisponible" in text and "vous aviez prévu de venir" in text
        # The reason's line break shows in the HTML part too (the paragraph keeps its lines).
        html = cancellation.get_body(("html",)).get_content()
        assert '<p style="white-space:pre-line;"><strong>Raison :</strong> Salle indisponible\r\nNous reprogrammons' in html
    for user in (not_answered, declined):
        assert _notifications(user.id) == [("meeting.invitation", "site"), ("meeting.updated", "site"),
                                           ("meeting.cancelled", "site")]
        assert smtp.to(user.email) == []


def test_uninvited_and_poll_cancellation_follow_preferences(ctx, smtp, make_user):
    organiser = make_user("coanimator")
    alice = make_user("member", email="alice@example.org")
    bob = make_user("member", email="bob@example.org")
    set_preference(bob, "meetings", "site")
    db.session.commit()
    meeting = _scheduled_meeting(organiser, [alice, bob])
    services.rsvp(meeting, db.session.get(User, bob.id), "yes")
    meeting.named_members = [m for m in meeting.named_members if m.id != bob.id]
    notices.send_calendar(meeting, "CANCEL", services.sync_invitees(meeting)[1], uninvited=True)
    db.session.commit()
    assert _notifications(bob.id) == [("meeting.invitation", "site"), ("meeting.uninvited", "site")]

    poll_id = make_meeting(organiser.id, invitee_ids=[alice.id], title="Groupe de travail")
    poll = db.session.get(Meeting, poll_id)
    polls.open_poll(poll, db.session.get(User, organiser.id))
    services.cancel_meeting(poll, db.session.get(User, organiser.id), "Sujet reporté")
    db.session.commit()
    assert ("meeting.cancelled", "immediate") in _notifications(alice.id)
    deliver_pending()
    assert smtp.to("bob@example.org") == []
    cancelled = [m for m in smtp.to("alice@example.org") if m["Subject"] == "Annulée : Groupe de travail"]
    assert len(cancelled) == 1 and _calendar_methods(cancelled) == []
    text = cancelled[0].get_body(("plain",)).get_content()
    assert "« Groupe de travail » est annulée" in text and "Sujet reporté" in text and "invitation.ics" not in text


def test_each_email_is_written_in_its_recipients_language(app, ctx, smtp, make_user):
    """An organiser reading the site in English invites a French and an English member: each
    email, its subject, its date and its text, is in its recipient's language, not the sender's."""
    organiser = make_user("coanimator", email="claire@example.org", language="en")
    alice = make_user("member", email="alice@example.org", language="fr")
    bob = make_user("member", email="bob@example.org", language="en")
    with app.test_request_context("/"):
        login_user(db.session.get(User, organiser.id))
        assert str(get_locale()) == "en"  # the organiser's request
        _scheduled_meeting(organiser, [alice, bob])
    deliver_pending()
    [french], [english] = smtp.to("alice@example.org"), smtp.to("bob@example.org")
    assert french["Subject"].startswith("Invitation : Réunion plénière — ") and "9 février 2027" in french["Subject"]
    assert english["Subject"].startswith("Invitation: Réunion plénière — ") and "9 February 2027" in english["Subject"]
    french_text, english_text = (message.get_body(("plain",)).get_content() for message in (french, english))
    assert "Vous êtes invité·e à la réunion « Réunion plénière »." in french_text
    assert "Ne plus recevoir ces emails" in french_text and "February" not in french_text
    assert "You are invited to the meeting “Réunion plénière”." in english_text
    assert "Stop receiving these emails" in english_text and "février" not in english_text
