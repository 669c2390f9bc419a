"""Every write and rule about accounts: what views, CLI commands and tests call."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from network_space.accounts.models import LoginAttempt, User, normalize_email
from network_space.core.audit import audit
from network_space.core.models import utcnow
from network_space.extensions import db


@dataclass
class LoginResult:
    user: User | None = None
    locked: bool = False


def recent_failures(email: str) -> int:
    window_start = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email,
            LoginAttempt.success.is_(False),
            LoginAttempt.created_at >= window_start,
        )
    ) or 0


def authenticate(email: str, password: str, ip_address: str | None) -> LoginResult:
    """Check a login. The lock-out applies to the address typed, whether an account exists or
    not, so neither the message nor the timing tells an attacker which addresses are members."""
    email = normalize_email(email)
    if recent_failures(email) >= current_app.config["LOGIN_MAX_FAILURES"]:
        db.session.add(LoginAttempt(email=email, ip_address=ip_address, success=False))
        audit("login.locked", target=email)
        db.session.commit()
        return LoginResult(locked=True)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        # Hash anyway so that unknown addresses take as long as known ones.
        User(password_hash="").set_password(password or "x")
        ok = False
    else:
        ok = user.check_password(password) and user.active
    db.session.add(LoginAttempt(email=email, ip_address=ip_address, success=ok))
    if ok:
        user.last_login_at = utcnow()
        audit("login.success", target=email, actor=user)
    else:
        audit("login.failure", target=email)
    db.session.commit()
    return LoginResult(user=user if ok else None)


def load_user_by_session_token(token: str) -> User | None:
    if not token:
        return None
    return db.session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))
