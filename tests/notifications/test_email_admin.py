"""The admin pages of email delivery: every message as sent, its HTML body in a sandbox, a retry."""
from __future__ import annotations

from sqlalchemy import select

from network_space.core.audit import AuditEntry
from network_space.core.outbox import STATUS_FAILED, STATUS_PENDING, OutboxMessage, queue_email
from network_space.extensions import db
from tests.helpers import csrf_token


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_emails_page_shows_bodies_safely_and_retries_failed(app, client, login_as):
    login_as("admin")
    with app.test_request_context():
        message = queue_email("test_message", "x@example.org", "Sujet <script>alert(1)</script>")
        message.status = STATUS_FAILED
        message.attempts = 20
        message.last_error = "SMTPServerDisconnected: boom"
        db.session.commit()
        message_id = message.id
    listing = client.get("/admin/emails").get_data(as_text=True)
    assert "Réessayer" in listing and "SMTPServerDisconnected" in listing and "<script>alert(1)" not in listing
    detail = client.get(f"/admin/emails/{message_id}").get_data(as_text=True)
    assert "Ceci est un message de test" in detail and "sandbox" in detail
    frame = client.get(f"/admin/emails/{message_id}/html")
    assert frame.status_code == 200 and "sandbox" in frame.headers["Content-Security-Policy"]
    assert "script-src" not in frame.headers["Content-Security-Policy"]  # default-src 'none' covers scripts
    client.post(f"/admin/emails/{message_id}/retry", data={"csrf_token": csrf_token(detail)})
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert message.status == STATUS_PENDING and message.attempts == 0
    assert "email.retry" in _actions(app)
