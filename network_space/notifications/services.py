"""notify() and everything a part of the site calls to tell members something.

Cross-domain API (all writes happen in the caller's session; the caller commits, see core/transactions.py):

- ``notify(kind, recipients, obj=None, *, actor=None, **context) -> list[Notification]``
  records an in-app notification per recipient and, per each recipient's preference for the
  kind's category, queues an immediate email (outbox) or leaves the item for their digest.
  Recipients are User objects or ids (deduplicated; inactive members and the actor are skipped).
  ``obj`` is a registered target (registry.register_target) or None; then pass ``title=`` and
  optionally ``url=`` in context. Reserved context keys: ``title``, ``url`` (override the
  target's), ``subject`` (email subject), ``message`` (a short text shown in the notification
  and the generic email), ``attachments`` (list of (filename, content_type, bytes) for the
  immediate email only, e.g. an .ics), ``headers`` (extra email headers, e.g. References to group
  a conversation in mail clients), ``headers_for`` (a function of the recipient giving headers
  of their own, e.g. a personal Reply-To). Context is stored as JSON (non-JSON values are stringified) and passed
  as is to the kind's email template.
- ``notify_followers(kind, obj, *, actor=None, followed=None, **context)``: notify the followers
  of ``followed`` (default ``obj``) about ``obj``.
- ``follow(user, obj)``, ``unfollow(user, obj)``, ``is_following(user, obj)``, ``forget_target(obj)``
  (delete its follows, call it when deleting a followable object).
- ``schedule_job(key, run_at, handler, **payload)``, ``cancel_job(key)``, ``cancel_jobs(prefix)``
  and ``@job_handler("name")``: see scheduler.py.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterable

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, delete, exists, func, select, update

from network_space.core.audit import audit
from network_space.core.i18n import in_language_of, language_of
from network_space.core.models import utcnow
from network_space.core.outbox import STATUS_FAILED, OutboxMessage, queue_email, retry_all_failed, retry_now
from network_space.core.scheduler import cancel_job, cancel_jobs, job_handler, schedule_job  # noqa: F401
from network_space.core.transactions import Refusal
from network_space.extensions import db
from network_space.notifications.models import Follow, Notification, NotificationPreference
from network_space.notifications.queries import forget_unread_count
from network_space.notifications.registry import (
    CATEGORIES,
    CHANNEL_IMMEDIATE,
    CHANNEL_NONE,
    CHANNEL_SITE,
    CHANNELS,
    DIGEST_CHANNELS,
    Kind,
    get_kind,
    may_view_target,
    member_model,
    target_model,
    target_type_of,
    user_categories,
)

# Keys of notify()'s context that queue_email() or the generic template use themselves.
_RESERVED = {"attachments", "target", "category", "settings_url", "template", "recipient", "subject", "kind", "user", "headers", "notification", "notification_kind",
             "actor", "url", "unsubscribe_url", "recipient_user", "site_name", "site_url", "title"}


@contextmanager
def site_context():
    """url_for() everywhere: in a request as is, elsewhere (CLI, shell) on SITE_URL."""
    if has_request_context():
        yield
    else:
        with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
            yield


def absolute_url(path: str | None) -> str | None:
    if not path or "://" in path:
        return path
    return current_app.config["SITE_URL"] + path


# --- notify -----------------------------------------------------------------------------------

def _recipient_users(recipients: Iterable, actor) -> list:
    User = member_model()
    ids = {getattr(r, "id", r) for r in recipients or ()}
    ids.discard(None)
    ids.discard(getattr(actor, "id", actor))
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.id)))


def channels_for(users: list, kind: Kind) -> dict[int, str]:
    """Each user's channel for this kind: mandatory → immediate, else preference or default."""
    if kind.mandatory:
        return {user.id: CHANNEL_IMMEDIATE for user in users}
    stored = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.channel).where(
                NotificationPreference.user_id.in_([u.id for u in users]),
                NotificationPreference.category == kind.category,
            )
        ).all()
    )
    return {user.id: stored.get(user.id, kind.default_channel) for user in users}


def notify(kind: str, recipients: Iterable, obj=None, *, actor=None, **context) -> list[Notification]:
    """Tell ``recipients`` about ``obj`` (see the module docstring). Returns the rows created."""
    spec = get_kind(kind)
    target_type = target_type_of(obj) if obj is not None else None
    users = _recipient_users(recipients, actor)
    if not users:
        return []
    target_id = None
    if obj is not None:
        if obj.id is None:
            db.session.flush()
        target_id = obj.id
    given_title = context.pop("title", None)
    with site_context():
        url = context.pop("url", None) or (obj.notification_url() if obj is not None else None)
    # Files (e.g. an .ics) go with the immediate email only, never into the stored context.
    attachments = context.pop("attachments", None)
    extra_headers = context.pop("headers", None) or {}
    headers_for = context.pop("headers_for", None)
    texts: dict[str, tuple[str, str]] = {}

    def texts_for(user) -> tuple[str, str]:
        # The title and the context (a lazy "Raison : …", a date) as this reader reads them: a
        # notification is stored once per reader and shown as stored. Once per language.
        language = language_of(user)
        if language not in texts:
            with in_language_of(user), site_context():
                title = given_title or (obj.notification_title() if obj is not None else spec.label)
                texts[language] = (str(title)[:300], json.dumps(context, default=str, ensure_ascii=False))
        return texts[language]

    channels = channels_for(users, spec)
    created = []
    for user in users:
        channel = channels[user.id]
        if channel == CHANNEL_NONE:
            continue
        title, context_json = texts_for(user)
        notification = Notification(
            user_id=user.id,
            kind=spec.name,
            category=spec.category,
            channel=channel,
            target_type=target_type,
            target_id=target_id,
            title=title,
            url=url[:500] if url else None,
            actor_id=getattr(actor, "id", None),
            context_json=context_json,
            created_at=utcnow(),
        )
        db.session.add(notification)
        created.append(notification)
        if channel == CHANNEL_IMMEDIATE:
            headers = {**extra_headers, **(headers_for(user) if headers_for else {})}
            with in_language_of(user):  # the subject, a lazy _l(...), is read in the recipient's language
                _queue_notification_email(spec, user, notification, obj, actor, context, attachments, headers)
    return created


def _queue_notification_email(spec: Kind, user, notification: Notification, obj, actor, context: dict,
                              attachments, extra_headers: dict) -> None:
    subject = str(context.get("subject") or _("%(kind)s : %(title)s", kind=spec.label, title=notification.title))[:300]
    headers = {**AUTOMATIC, **extra_headers}
    unsubscribe = None
    if not spec.mandatory:
        unsubscribe = unsubscribe_url(user.id, spec.category)
        headers.update(unsubscribe_headers(unsubscribe))
    extra = {k: v for k, v in context.items() if k not in _RESERVED}
    with site_context():
        queue_email(
            spec.email_template,
            user.email,
            subject,
            kind=spec.name,
            user=user,
            headers=headers,
            attachments=attachments,
            notification=notification,
            target=obj,
            notification_kind=spec,
            category=CATEGORIES[spec.category],
            actor=actor,
            url=absolute_url(notification.url),
            unsubscribe_url=unsubscribe,
            settings_url=absolute_url(url_for("notifications.settings")),
            **extra,
        )


# --- following --------------------------------------------------------------------------------

def _target_clause(obj):
    return and_(Follow.target_type == target_type_of(obj), Follow.target_id == obj.id)


def follow(user, obj) -> Follow:
    """Make ``user`` follow ``obj`` (idempotent)."""
    existing = db.session.scalar(select(Follow).where(Follow.user_id == user.id, _target_clause(obj)))
    if existing is not None:
        return existing
    row = Follow(user_id=user.id, target_type=target_type_of(obj), target_id=obj.id, created_at=utcnow())
    db.session.add(row)
    return row


def unfollow(user, obj) -> bool:
    result = db.session.execute(delete(Follow).where(Follow.user_id == user.id, _target_clause(obj)))
    return bool(result.rowcount)


def is_following(user, obj) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(exists().where(Follow.user_id == user.id, _target_clause(obj)))))


def followed_ids(user, model: type) -> set[int]:
    """The ids of the ``model`` objects (a registered target) that ``user`` follows."""
    return set(db.session.scalars(select(Follow.target_id).where(
        Follow.user_id == user.id, Follow.target_type == model.__notification_type__)))


def follower_count(obj) -> int:
    return db.session.scalar(select(func.count(Follow.id)).where(_target_clause(obj))) or 0


def followers_of(obj) -> list:
    """The active followers of ``obj`` who may still view it (it may have been restricted since)."""
    User = member_model()
    followers = db.session.scalars(
        select(User).join(Follow, Follow.user_id == User.id).where(_target_clause(obj), User.active.is_(True))
    )
    return [user for user in followers if may_view_target(user, obj)]


def notify_followers(kind: str, obj, *, actor=None, followed=None, **context) -> list[Notification]:
    """notify() every follower of ``followed`` (default: ``obj`` itself) about ``obj``, among those
    who may view ``obj``."""
    if followed is None:
        return notify(kind, followers_of(obj), obj, actor=actor, **context)
    return notify(kind, [u for u in followers_of(followed) if may_view_target(u, obj)], obj, actor=actor, **context)


def forget_target(obj) -> None:
    """Delete the follows of an object being deleted (notifications keep their copied title)."""
    db.session.execute(delete(Follow).where(_target_clause(obj)))


def load_target(target_type: str, target_id: int):
    model = target_model(target_type)
    return db.session.get(model, target_id) if model is not None else None


# --- in-app centre ----------------------------------------------------------------------------

def mark_read(user, notification_id: int) -> Notification | None:
    notification = db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )
    if notification is not None and notification.read_at is None:
        notification.read_at = utcnow()
        forget_unread_count()
    return notification


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    forget_unread_count()
    return result.rowcount


# --- preferences ------------------------------------------------------------------------------

def default_channel(category: str) -> str:
    return CATEGORIES[category].default_channel


def get_preferences(user) -> dict[str, str]:
    """Every settable category with the member's effective channel."""
    stored = dict(
        db.session.execute(
            select(NotificationPreference.category, NotificationPreference.channel).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {c.name: stored.get(c.name, c.default_channel) for c in user_categories()}


def set_preference(user, category: str, channel: str) -> None:
    """Store a channel, only when it differs from the category's default."""
    if category not in CATEGORIES or CATEGORIES[category].mandatory:
        raise ValueError(f"category {category!r} cannot be set")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    user_id = getattr(user, "id", user)
    row = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.category == category
        )
    )
    if channel == default_channel(category):
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(NotificationPreference(user_id=user_id, category=category, channel=channel))
    else:
        row.channel = channel


def set_preferences(user, channels: dict[str, str]) -> None:
    for category, channel in channels.items():
        set_preference(user, category, channel)


# --- one-click unsubscribe (RFC 8058) -----------------------------------------------------------

# Scopes of an unsubscribe token: a category name, or a digest ("digest:daily", "digest:weekly").
DIGEST_SCOPE_PREFIX = "digest:"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notifications-unsubscribe")


def unsubscribe_token(user_id: int, scope: str) -> str:
    return _serializer().dumps({"u": user_id, "s": scope})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, scope) for a token this site signed, None for anything else."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("s"), str):
        return None
    scope = data["s"]
    valid = scope in CATEGORIES and not CATEGORIES[scope].mandatory
    valid = valid or scope in {DIGEST_SCOPE_PREFIX + c for c in DIGEST_CHANNELS}
    return (data["u"], scope) if valid else None


def unsubscribe_url(user_id: int, scope: str) -> str:
    with site_context():
        return absolute_url(url_for("notifications.unsubscribe", token=unsubscribe_token(user_id, scope)))


# A notice the site sends by itself (RFC 3834): out-of-office replies are not sent back to it.
AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscribe(user, scope: str) -> list[str]:
    """Turn a category off, or move every category delivered by a digest to "site only".

    Returns the categories changed."""
    if scope.startswith(DIGEST_SCOPE_PREFIX):
        frequency = scope[len(DIGEST_SCOPE_PREFIX):]
        changed = [c for c, channel in get_preferences(user).items() if channel == frequency]
        for category in changed:
            set_preference(user, category, CHANNEL_SITE)
        return changed
    set_preference(user, scope, CHANNEL_NONE)
    return [scope]


# --- email delivery (admin) -------------------------------------------------------------------

def retry_email(message: OutboxMessage) -> None:
    """Admin action: a failed message goes back in the queue for the next worker round."""
    if message.status != STATUS_FAILED:
        raise Refusal(_("Seuls les messages en échec peuvent être renvoyés."))
    retry_now(message)
    audit("email.retry", target=f"{message.recipient} — {message.subject}"[:200])


def retry_failed_emails() -> int:
    """Admin action: every failed message back in the queue (after a long outage of the SMTP
    server, one by one would take an afternoon). Returns how many."""
    count = retry_all_failed()
    if not count:
        raise Refusal(_("Aucun message en échec."))
    audit("email.retry_all", target=ngettext("%(num)d message", "%(num)d messages", count))
    return count
