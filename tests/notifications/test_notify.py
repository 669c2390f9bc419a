"""notify(): in-app rows and, per preference, an immediate email through the real SMTP server,
a digest later, the site only, or nothing; mandatory kinds ignore preferences."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from network_space.announcements.models import Announcement
from network_space.core.models import utcnow
from network_space.core.outbox import OutboxMessage, deliver_pending
from network_space.extensions import db
from network_space.notifications.models import Notification, NotificationPreference
from network_space.notifications.services import get_preferences, notify, set_preference


def _notifications(user_id=None):
    query = select(Notification).order_by(Notification.id)
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    return list(db.session.scalars(query))


def test_default_immediate_email_with_link_and_unsubscribe_headers(ctx, smtp, make_user, announcement):
    actor = make_user("coanimator", full_name="Claire Co-animatrice")
    member = make_user(full_name="Paul Facilitateur")
    target = db.session.get(Announcement, announcement())

    created = notify("test.meeting", [member], target, actor=actor, message="Nouvelle salle : B12")
    db.session.commit()

    assert len(created) == 1
    row = _notifications(member.id)[0]
    assert (row.kind, row.category, row.channel) == ("test.meeting", "meetings", "immediate")
    assert row.title == "Réunion plénière du 12 mars"
    assert row.url == f"/annonces/{target.id}"
    assert (row.target_type, row.target_id, row.actor_id) == ("announcement", target.id, actor.id)
    assert row.read_at is None and row.context == {"message": "Nouvelle salle : B12"}

    assert deliver_pending().sent == 1
    [message] = smtp.to(member.email)
    assert message["Subject"] == "Réunion modifiée : Réunion plénière du 12 mars"
    text = message.get_body(("plain",)).get_content()
    assert "Bonjour Paul Facilitateur" in text and "Nouvelle salle : B12" in text
    assert f"http://localhost/annonces/{target.id}" in text and "Par Claire Co-animatrice" in text
    assert message["List-Unsubscribe"].startswith("<http://localhost/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip("<>") in text


def test_the_default_subject_is_in_the_recipients_language(ctx, smtp, make_user, announcement):
    """Without a subject of its own, a notice is titled "<kind> : <title>": the kind's name and
    the colon in each recipient's language."""
    target = db.session.get(Announcement, announcement())
    english, french = make_user(language="en"), make_user(language="fr")
    for member in (english, french):
        set_preference(member, "library", "immediate")
    notify("library.new_resource", [english, french], target)
    db.session.commit()
    assert deliver_pending().sent == 2
    assert smtp.to(english.email)[0]["Subject"] == "New resource: Réunion plénière du 12 mars"
    assert smtp.to(french.email)[0]["Subject"] == "Nouvelle ressource : Réunion plénière du 12 mars"


@pytest.mark.parametrize(
    ("channel", "rows", "emails"),
    [("immediate", 1, 1), ("daily", 1, 0), ("weekly", 1, 0), ("site", 1, 0), ("none", 0, 0)],
)
def test_each_preference_path(ctx, smtp, make_user, announcement, channel, rows, emails):
    member = make_user()
    set_preference(member, "meetings", channel)
    db.session.commit()
    notify("test.meeting", [member], db.session.get(Announcement, announcement()))
    db.session.commit()

    stored = _notifications(member.id)
    assert len(stored) == rows
    if rows:
        assert stored[0].channel == channel
    deliver_pending()
    assert len(smtp.messages) == emails


def test_digest_path_reaches_the_member_through_the_digest(ctx, smtp, make_user, announcement):
    from network_space.notifications.digests import send_digests

    member = make_user()
    set_preference(member, "library", "daily")
    db.session.commit()
    notify("test.resource", [member], db.session.get(Announcement, announcement("Guide des clauses")))
    db.session.commit()
    deliver_pending()
    assert smtp.messages == []

    assert send_digests("daily", now=utcnow() + timedelta(days=1)) == 1
    deliver_pending()
    [message] = smtp.to(member.email)
    assert "Guide des clauses" in message.get_body(("plain",)).get_content()


def test_mandatory_kind_ignores_preferences_and_has_no_unsubscribe(ctx, smtp, make_user):
    member = make_user()
    for category in get_preferences(member):
        set_preference(member, category, "none")
    db.session.commit()
    notify("test.security", [member], title="Votre mot de passe a été changé", url="/")
    db.session.commit()
    deliver_pending()
    [message] = smtp.to(member.email)
    assert message["List-Unsubscribe"] is None
    assert "Vous recevez cet email car" not in message.get_body(("plain",)).get_content()


def test_defaults_are_not_stored(ctx, make_user):
    member = make_user()
    assert get_preferences(member)["meetings"] == "immediate"
    assert get_preferences(member)["library"] == "weekly"
    set_preference(member, "library", "daily")
    set_preference(member, "meetings", "immediate")
    db.session.commit()
    assert [(p.category, p.channel) for p in db.session.scalars(select(NotificationPreference))] == [("library", "daily")]
    set_preference(member, "library", "weekly")  # back to the default: the row goes
    db.session.commit()
    assert db.session.scalars(select(NotificationPreference)).all() == []
    with pytest.raises(ValueError):
        set_preference(member, "security", "none")
    with pytest.raises(ValueError):
        set_preference(member, "library", "pigeon")


def test_actor_inactive_and_duplicates_are_skipped(ctx, smtp, make_user, announcement):
    actor = make_user("coanimator")
    member = make_user()
    gone = make_user(active=False)
    target = db.session.get(Announcement, announcement())
    notify("test.meeting", [member, member.id, actor, gone, None], target, actor=actor)
    db.session.commit()
    assert [n.user_id for n in _notifications()] == [member.id]
    deliver_pending()
    assert [m["To"] for m in smtp.messages] == [member.email]


def test_nothing_when_the_change_is_rolled_back(ctx, smtp, make_user, announcement):
    member = make_user()
    notify("test.meeting", [member], db.session.get(Announcement, announcement()))
    db.session.rollback()
    assert _notifications() == []
    assert deliver_pending().sent == 0


def test_unknown_kind_and_foreign_objects_are_refused(ctx, make_user):
    member = make_user()
    with pytest.raises(KeyError):
        notify("nope.kind", [member], title="x")
    with pytest.raises(TypeError):
        notify("test.meeting", [member], object())


def test_smtp_down_for_hours_then_delivered_once(ctx, smtp, make_user, announcement):
    members = [make_user() for _ in range(3)]
    notify("test.meeting", members, db.session.get(Announcement, announcement()))
    db.session.commit()
    smtp.stop()
    for _ in range(4):  # several tries while the server is down
        db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert deliver_pending().sent == 0
    smtp.start()
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert deliver_pending().sent == 3
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert deliver_pending().sent == 0
    assert sorted(m["To"] for m in smtp.messages) == sorted(m.email for m in members)


def test_one_message_id_and_a_one_click_unsubscribe_header_as_sent(app, smtp, make_user):
    """On the raw bytes the SMTP server received: one Message-ID, the outbox's; List-Unsubscribe
    as <https://…> (RFC 8058), not an encoded word, with List-Unsubscribe-Post."""
    user = make_user()
    with app.test_request_context():
        notify("test.meeting", [user.id], title="Réunion plénière du 12 mars", url="/meetings/")
        db.session.commit()
        message_id = db.session.scalar(select(OutboxMessage.message_id))
        assert deliver_pending().sent == 1
    raw = smtp.envelopes[0].content
    headers = raw.split(b"\r\n\r\n", 1)[0]
    lines = headers.split(b"\r\n")
    assert [line for line in lines if line.lower().startswith(b"message-id:")] == [
        b"Message-ID: " + message_id.encode()]
    unsubscribe = [line for line in lines if line.startswith(b"List-Unsubscribe:")]
    assert len(unsubscribe) == 1 and b"=?" not in unsubscribe[0]
    assert re.fullmatch(rb"List-Unsubscribe: <http://localhost/notifications/unsubscribe/[\w.-]+>", unsubscribe[0])
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines


def test_each_reader_s_notification_is_stored_in_their_language(ctx, client, make_user, announcement):
    """A lazy text of the context ("Raison : …") is read in each reader's language when the rows
    are written (the centre shows them as stored), whatever the language of who caused them."""
    from network_space.core.i18n import lazy_gettext as _l

    actor = make_user("coanimator", language="fr")
    french, english = make_user(language="fr"), make_user(language="en")
    target = db.session.get(Announcement, announcement())
    notify("test.meeting", [french, english], target, actor=actor,
           message=_l("Raison : %(reason)s", reason="grève des transports"))
    db.session.commit()
    assert _notifications(french.id)[0].context == {"message": "Raison : grève des transports"}
    assert _notifications(english.id)[0].context == {"message": "Reason: grève des transports"}
    with client.session_transaction() as session:
        session["_user_id"] = english.session_token
    assert "Reason: grève des transports" in client.get("/notifications/").get_data(as_text=True)
