"""Daily (08:00 Europe/Paris) and weekly (Monday 08:00) digests, produced by the worker.

The worker calls ``send_digests(frequency)`` every round. It computes the latest slot (the most
recent 08:00, or Monday 08:00, in Paris — DST handled by zoneinfo) and claims it with a
conditional UPDATE of ``DigestRun``: only the first worker to reach a new slot produces it, and a
worker that was down produces the missed slot once when it comes back. Each member gets one
email with their unread, not yet digested items created up to now; every item taken (read or
not) is marked digested in the same transaction, so no item is ever sent twice and a member
with nothing new gets nothing.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import groupby

from flask import current_app, url_for
from flask_babel import gettext as _, ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from network_space.core.dates import PARIS, paris_to_utc
from network_space.core.i18n import in_language_of
from network_space.core.models import utcnow
from network_space.core.outbox import queue_email
from network_space.extensions import db
from network_space.notifications.models import DigestRun, Notification
from network_space.notifications.registry import CATEGORIES, CHANNEL_DAILY, CHANNEL_WEEKLY
from network_space.notifications.services import AUTOMATIC, site_context, unsubscribe_headers, unsubscribe_url

DIGEST_TIME = time(8, 0)
FREQUENCIES = (CHANNEL_DAILY, CHANNEL_WEEKLY)


def latest_slot(frequency: str, now: datetime) -> datetime:
    """The most recent digest time at or before ``now``, as aware UTC."""
    day = now.astimezone(PARIS).date()
    if frequency == CHANNEL_WEEKLY:
        day -= timedelta(days=day.weekday())  # Monday
        step = timedelta(days=7)
    elif frequency == CHANNEL_DAILY:
        step = timedelta(days=1)
    else:
        raise ValueError(f"unknown digest frequency {frequency!r}")
    slot = paris_to_utc(day, DIGEST_TIME)
    if slot > now:
        slot = paris_to_utc(day - step, DIGEST_TIME)
    return slot


def _claim_slot(frequency: str, slot: datetime, now: datetime) -> bool:
    claimed = db.session.execute(
        update(DigestRun)
        .where(DigestRun.frequency == frequency, DigestRun.slot_at < slot)
        .values(slot_at=slot, ran_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        return True
    if db.session.scalar(select(DigestRun.frequency).where(DigestRun.frequency == frequency)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(DigestRun(frequency=frequency, slot_at=slot, ran_at=now))
    except IntegrityError:  # another worker created it first
        return False
    return True


def send_digests(frequency: str, now: datetime | None = None) -> int:
    """Produce the digests of the latest slot if no worker has yet; returns the emails queued.
    A worker task: commits the emails with the items marked digested."""
    now = now or utcnow()
    if not _claim_slot(frequency, latest_slot(frequency, now), now):
        db.session.rollback()
        return 0
    items = list(
        db.session.scalars(
            select(Notification)
            .options(selectinload(Notification.user))
            .where(Notification.channel == frequency, Notification.digested_at.is_(None), Notification.created_at <= now)
            .order_by(Notification.user_id, Notification.created_at, Notification.id)
        )
    )
    sent = 0
    with site_context():
        settings_url = current_app.config["SITE_URL"] + url_for("notifications.settings")
        centre_url = current_app.config["SITE_URL"] + url_for("notifications.index")
        for _user_id, user_items in groupby(items, key=lambda n: n.user_id):
            user_items = list(user_items)
            for item in user_items:
                item.digested_at = now
            unread = [item for item in user_items if item.read_at is None]
            user = user_items[0].user
            if not unread or not user.active:
                continue
            unsubscribe = unsubscribe_url(user.id, f"digest:{frequency}")
            with in_language_of(user):  # the subject's plural in the member's language
                queue_email(
                    "digest",
                    user.email,
                    _digest_subject(frequency, len(unread)),
                    kind=f"digest.{frequency}",
                    user=user,
                    headers={**AUTOMATIC, **unsubscribe_headers(unsubscribe)},
                    frequency=frequency,
                    sections=_sections(unread),
                    count=len(unread),
                    unsubscribe_url=unsubscribe,
                    settings_url=settings_url,
                    centre_url=centre_url,
                )
            sent += 1
    db.session.commit()
    return sent


def _digest_subject(frequency: str, count: int) -> str:
    if frequency == CHANNEL_WEEKLY:
        return ngettext("Votre résumé de la semaine : %(num)d nouveauté", "Votre résumé de la semaine : %(num)d nouveautés", count)
    return ngettext("Votre résumé du jour : %(num)d nouveauté", "Votre résumé du jour : %(num)d nouveautés", count)


def _sections(items: list[Notification]) -> list[tuple[str, list[Notification]]]:
    """Items grouped by category, in the registry's order."""
    order = list(CATEGORIES)
    ordered = sorted(items, key=lambda n: (order.index(n.category) if n.category in order else len(order), n.created_at))
    return [
        (str(CATEGORIES[category].label) if category in CATEGORIES else _("Autres"), list(group))
        for category, group in groupby(ordered, key=lambda n: n.category)
    ]
