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


def test_every_failed_message_is_put_back_at_once(app, client, login_as, smtp):
    """After a long outage of the SMTP server, every message failed: one button (asked first)
    puts them all back in the queue, and the worker sends each once."""
    from network_space.core.outbox import STATUS_SENT, deliver_pending

    login_as("admin")
    with app.test_request_context():
        for i in range(3):
            failed = queue_email("test_message", f"membre{i}@example.org", f"Message {i}")
            failed.status, failed.attempts, failed.last_error = STATUS_FAILED, 20, "ConnectionRefusedError: [Errno 111]"
        queue_email("test_message", "deja@example.org", "Déjà parti").status = STATUS_SENT
        db.session.commit()
    listing = client.get("/admin/emails").get_data(as_text=True)
    assert "Réessayer les 3 messages en échec" in listing
    assert "data-confirm=\"Remettre les 3 messages en échec dans la file d'envoi ?\"" in listing
    response = client.post("/admin/emails/retry-failed", data={"csrf_token": csrf_token(listing)})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/emails?status=pending"
    assert "3 messages seront renvoyés au prochain passage du worker." in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert deliver_pending().sent == 3
    assert sorted(m["To"] for m in smtp.messages) == [f"membre{i}@example.org" for i in range(3)]
    assert "email.retry_all" in _actions(app)
    # Nothing failed any more: the button is gone, and a stale page's post says so.
    listing = client.get("/admin/emails").get_data(as_text=True)
    assert "messages en échec" not in listing.split("</nav>")[1].split("<table")[0]
    client.post("/admin/emails/retry-failed", data={"csrf_token": csrf_token(listing)})
    assert "Aucun message en échec." in client.get("/admin/emails").get_data(as_text=True)
