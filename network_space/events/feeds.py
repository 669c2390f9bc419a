"""Personal calendar feeds: each member's secret subscription address (only its hash is stored)
and what it contains (their registrations and meetings, or every event). Writes flush; the view
commits."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from network_space.accounts.models import User
from network_space.core.audit import audit
from network_space.core.models import utcnow
from network_space.events.models import FEED_SCOPES, CalendarFeed
from network_space.extensions import db


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def new_feed_token(user: User, scope: str) -> str:
    """Create or replace the member's feed address; the old one stops working. Returns the
    token, which is shown once and never stored in clear."""
    if scope not in FEED_SCOPES:
        raise ValueError(scope)
    token = secrets.token_urlsafe(32)
    feed = feed_of(user) or CalendarFeed(user_id=user.id)
    feed.token_hash = _hash_token(token)
    feed.scope = scope
    feed.last_used_at = None
    db.session.add(feed)
    audit("calendar_feed.new", target=f"user:{user.id}", actor=user)
    return token


def set_feed_scope(user: User, scope: str) -> None:
    feed = feed_of(user)
    if feed is None or scope not in FEED_SCOPES:
        return
    feed.scope = scope


def revoke_feed(user: User) -> None:
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        audit("calendar_feed.revoke", target=f"user:{user.id}", actor=user)


def feed_for_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash_token(token)))
    if feed is None or not feed.user.active:
        return None
    return feed


def mark_feed_used(feed: CalendarFeed) -> None:
    """Shown on "Mon agenda" so members see whether their subscription works; written at most
    hourly since calendar applications poll often."""
    now = utcnow()
    if feed.last_used_at is None or now - feed.last_used_at > timedelta(hours=1):
        feed.last_used_at = now
