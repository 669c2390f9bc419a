"""Retention periods (config.py), applied by the worker through the personal data registry: rows
dated in the past go once older than their period, the others stay."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from network_space.extensions import db

DAY = timedelta(days=1)


@pytest.fixture
def now(app):
    from network_space.core.models import utcnow

    return utcnow()


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_each_period_removes_only_what_is_older(app, make_user, now):
    from network_space.accounts.models import Invitation, LoginAttempt
    from network_space.core.audit import AuditEntry
    from network_space.core.privacy import apply_retention
    from network_space.notifications.models import Notification
    from network_space.core.outbox import OutboxAttachment, OutboxMessage, queue_email

    member = make_user("member")
    with app.app_context():
        def note(age, read):
            db.session.add(Notification(user_id=member.id, kind="k", category="library", channel="site", title=f"{age}",
                                        created_at=now - age * DAY, read_at=now if read else None))
        note(91, True), note(89, True), note(200, False)
        db.session.add_all([LoginAttempt(email="a@example.org", success=False, created_at=now - 31 * DAY),
                            LoginAttempt(email="b@example.org", success=False, created_at=now - 29 * DAY)])
        db.session.add_all([
            Invitation(email="expired-long-ago@example.org", expires_at=now - 91 * DAY),
            Invitation(email="expired-lately@example.org", expires_at=now - 10 * DAY),
            Invitation(email="revoked@example.org", expires_at=now + DAY, revoked_at=now - 100 * DAY),
            Invitation(email="accepted@example.org", expires_at=now - 400 * DAY, accepted_at=now - 400 * DAY),
        ])
        db.session.add_all([AuditEntry(action="old", created_at=now - 366 * DAY),
                            AuditEntry(action="recent", created_at=now - 364 * DAY)])
        messages = {}
        for name, status, age in (("sent-40", "sent", 40), ("sent-10", "sent", 10), ("sent-400", "sent", 400),
                                  ("failed-400", "failed", 400), ("pending-400", "pending", 400)):
            message = queue_email("test_message", f"{name}@example.org", name,
                                  attachments=[("invitation.ics", "text/calendar", b"BEGIN:VCALENDAR")])
            message.status, message.created_at = status, now - age * DAY
            message.sent_at = now - age * DAY if status == "sent" else None
            messages[name] = message
        db.session.commit()
        ids = {name: m.id for name, m in messages.items()}

        results = apply_retention(now)

        assert results["NOTIFICATION_RETENTION_DAYS"] == 1
        assert sorted(db.session.scalars(select(Notification.title))) == ["200", "89"]  # unread stay
        assert list(db.session.scalars(select(LoginAttempt.email))) == ["b@example.org"]
        assert sorted(db.session.scalars(select(Invitation.email))) == ["accepted@example.org",
                                                                         "expired-lately@example.org"]
        assert list(db.session.scalars(select(AuditEntry.action))) == ["recent"]
        remaining = {m.subject: m for m in db.session.scalars(select(OutboxMessage))}
        assert set(remaining) == {"sent-40", "sent-10", "pending-400"}
        assert remaining["sent-40"].text_body == "" and remaining["sent-40"].html_body == ""
        assert remaining["sent-40"].recipient == "sent-40@example.org"  # who and when stay
        assert remaining["sent-10"].text_body and remaining["pending-400"].text_body  # still to send: whole
        attachments = set(db.session.scalars(select(OutboxAttachment.message_id)))
        assert attachments == {ids["sent-10"], ids["pending-400"]}

        # Applied again: nothing more to do.
        again = apply_retention(now)
        assert set(again.values()) == {0}


def test_deactivated_accounts_are_erased_after_their_period(app, make_user, now):
    from dateutil.relativedelta import relativedelta

    from network_space.accounts.models import User
    from network_space.core.audit import AuditEntry
    from network_space.core.privacy import apply_retention

    long_gone = make_user("member", full_name="Parti Depuis Longtemps", active=False,
                          deactivated_at=now - relativedelta(months=24, days=1))
    recent = make_user("member", full_name="Parti Récemment", active=False,
                       deactivated_at=now - relativedelta(months=23))
    dormant = make_user("member", full_name="Jamais Connecté", last_login_at=now - 1000 * DAY)
    with app.app_context():
        assert apply_retention(now)["DEACTIVATED_ACCOUNT_RETENTION_MONTHS"] == 1
        users = {u.id: u for u in db.session.scalars(select(User))}
        assert users[long_gone.id].is_erased and users[long_gone.id].full_name == "Ancien membre"
        assert not users[recent.id].is_erased and users[recent.id].full_name == "Parti Récemment"
        assert users[dormant.id].active and not users[dormant.id].is_erased
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "member.erased"))
        assert entry.actor_id is None and entry.target == f"Ancien membre n°{long_gone.id}"
        assert "durée de conservation" in entry.detail
        assert apply_retention(now)["DEACTIVATED_ACCOUNT_RETENTION_MONTHS"] == 0  # not twice


def test_deactivation_starts_the_clock_and_reactivation_stops_it(app, make_user):
    from network_space.accounts.models import User
    from network_space.accounts.services import set_active

    admin, member = make_user("admin"), make_user("member")
    with app.app_context():
        user, actor = db.session.get(User, member.id), db.session.get(User, admin.id)
        set_active(user, False, actor)
        assert user.deactivated_at is not None
        set_active(user, True, actor)
        assert user.deactivated_at is None


def test_zero_keeps_without_limit(app, make_user, now):
    from network_space.core.audit import AuditEntry
    from network_space.core.privacy import apply_retention

    app.config["AUDIT_RETENTION_DAYS"] = 0
    try:
        with app.app_context():
            db.session.add(AuditEntry(action="ancient", created_at=now - 5000 * DAY))
            db.session.commit()
            assert "AUDIT_RETENTION_DAYS" not in apply_retention(now)
            assert _count(AuditEntry) == 1
    finally:
        app.config["AUDIT_RETENTION_DAYS"] = 365


def test_the_worker_applies_them_at_most_every_interval(app, monkeypatch, now):
    from network_space.core import privacy
    from network_space.core.audit import AuditEntry
    from network_space.core.worker import run_once

    with app.app_context():
        db.session.add(AuditEntry(action="old", created_at=now - 400 * DAY))
        db.session.commit()
    monkeypatch.setitem(app.config, "RETENTION_INTERVAL_SECONDS", 3600)
    monkeypatch.setattr(privacy, "_last_retention", [])
    with app.app_context():
        assert run_once()["retention"]["AUDIT_RETENTION_DAYS"] == 1
        db.session.add(AuditEntry(action="old again", created_at=now - 400 * DAY))
        db.session.commit()
        assert run_once()["retention"] is None  # within the hour: not again
        assert _count(AuditEntry) == 1
    monkeypatch.setitem(app.config, "RETENTION_INTERVAL_SECONDS", 0)
    with app.app_context():
        assert run_once()["retention"]["AUDIT_RETENTION_DAYS"] == 1


def test_a_failing_purge_does_not_stop_the_others(app, monkeypatch, now):
    from network_space.core import privacy
    from network_space.core.audit import AuditEntry

    def broken(cutoff):
        db.session.add(AuditEntry(action="written by the broken purge"))
        db.session.flush()
        raise RuntimeError("disque plein")

    monkeypatch.setitem(privacy._entries, "broken", privacy.PersonalData(
        "broken", "Cassé", "", "", (), "", order=1,
        retentions=(privacy.Retention("Cassé", "BROKEN_RETENTION_DAYS", broken),)))
    monkeypatch.setitem(app.config, "BROKEN_RETENTION_DAYS", 1)
    with app.app_context():
        db.session.add(AuditEntry(action="old", created_at=now - 400 * DAY))
        db.session.commit()
        results = privacy.apply_retention(now)
        assert isinstance(results["BROKEN_RETENTION_DAYS"], RuntimeError)
        assert results["AUDIT_RETENTION_DAYS"] == 1
        assert _count(AuditEntry) == 0  # the broken purge's write was rolled back, the old entry purged


def test_the_email_page_says_why_a_text_is_gone(app, client, login_as, now):
    from network_space.core.outbox import OutboxMessage, queue_email
    from network_space.core.privacy import apply_retention

    with app.app_context():
        message = queue_email("test_message", "ancien@example.org", "Bienvenue")
        message.status, message.sent_at = "sent", now - 31 * DAY
        db.session.commit()
        message_id = message.id
        apply_retention(now)
        assert db.session.get(OutboxMessage, message_id).text_body == ""
    login_as("admin")
    page = client.get(f"/admin/emails/{message_id}").get_data(as_text=True)
    assert "effacé 30 jours après son envoi" in page and "Version texte" not in page
