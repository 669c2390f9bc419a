"""What notifications keep about people (the notification centre, preferences, follows): export,
erasure and retention, declared to core/privacy.py."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, select

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.privacy import BASIS_PUBLIC_TASK, ERASED_NAME, Retention, register_personal_data
from network_space.extensions import db
from network_space.notifications.models import Follow, Notification, NotificationPreference
from network_space.notifications.registry import CATEGORIES, CHANNEL_LABELS


def export_notifications(user) -> dict:
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    preferences = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        .order_by(NotificationPreference.category))
    follows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    return {
        "notifications": [
            {"date": n.created_at, "type": n.kind_label, "titre": n.title, "lien": n.url, "lue_le": n.read_at,
             "canal": str(CHANNEL_LABELS.get(n.channel, n.channel))}
            for n in notifications
        ],
        "preferences": [
            {"categorie": str(CATEGORIES[p.category].label) if p.category in CATEGORIES else p.category,
             "canal": str(CHANNEL_LABELS.get(p.channel, p.channel))}
            for p in preferences
        ],
        "suivis": [{"type": f.target_type, "identifiant": f.target_id, "depuis": f.created_at} for f in follows],
    }


def erase_notifications(user) -> None:
    """Their notification centre, preferences and follows go. Notifications other members got
    about what they did named them (e.g. an announcement's author): the name is replaced there."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    db.session.execute(delete(Follow).where(Follow.user_id == user.id))
    name, replacement = user.full_name, str(ERASED_NAME)
    escaped, escaped_replacement = json.dumps(name, ensure_ascii=False)[1:-1], json.dumps(replacement)[1:-1]
    for notification in db.session.scalars(select(Notification).where(Notification.actor_id == user.id)):
        notification.title = notification.title.replace(name, replacement)[:300]
        notification.context_json = notification.context_json.replace(escaped, escaped_replacement)


def purge_read_notifications(cutoff: datetime) -> int:
    return db.session.execute(
        delete(Notification).where(Notification.read_at.is_not(None), Notification.created_at < cutoff)
    ).rowcount


def register() -> None:
    register_personal_data(
        "notifications", _l("Notifications, préférences et suivis"), order=20,
        data=_l("Notifications reçues sur le site, préférences d'envoi par catégorie, éléments suivis "
                "(territoires, ressources, événements…)."),
        purpose=_l("Prévenir chaque membre de ce qui le concerne, selon les préférences qu'il a choisies."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Les notifications non lues, les préférences et les suivis tant que le compte existe."),
        export=export_notifications, erase=erase_notifications,
        retentions=(Retention(_l("Notifications lues"), "NOTIFICATION_RETENTION_DAYS", purge_read_notifications),),
    )
