"""What notifications keep about people (the notification centre, preferences, follows,
announcements): export, erasure and retention, declared to core/privacy.py."""
from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from network_space.core.privacy import BASIS_PUBLIC_TASK, ERASED_NAME, Retention, register_personal_data
from network_space.extensions import db
from network_space.notifications.models import Announcement, Follow, Notification, NotificationPreference
from network_space.notifications.outbox import STATUS_PENDING, STATUS_SENT, OutboxAttachment, OutboxMessage
from network_space.notifications.registry import CATEGORIES, CHANNEL_LABELS


def export_notifications(user) -> dict:
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    preferences = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        .order_by(NotificationPreference.category))
    follows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    announcements = db.session.scalars(
        select(Announcement).where(Announcement.author_id == user.id).order_by(Announcement.id))
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
        "annonces_publiees": [{"date": a.created_at, "titre": a.title, "texte": a.body} for a in announcements],
    }


def erase_notifications(user) -> None:
    """Their notification centre, preferences and follows go; announcements they wrote stay,
    signed "Ancien membre". Notifications other members got about what they did named them
    (e.g. an announcement's author): the name is replaced there too."""
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


def _emails_to(user):
    return or_(OutboxMessage.user_id == user.id, OutboxMessage.recipient == user.email)


def export_emails(user) -> dict:
    messages = db.session.scalars(select(OutboxMessage).where(_emails_to(user)).order_by(OutboxMessage.id))
    return {"emails": [
        {"cree_le": m.created_at, "envoye_le": m.sent_at, "etat": m.status, "objet": m.subject, "texte": m.text_body}
        for m in messages
    ]}


def erase_emails(user) -> None:
    """Every message to them goes, those still waiting too: none is sent after the erasure."""
    ids = select(OutboxMessage.id).where(_emails_to(user))
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(ids)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))


def empty_sent_bodies(cutoff: datetime) -> int:
    """Sent messages keep who, when and the subject (delivery follow-up), not their text."""
    sent = select(OutboxMessage.id).where(OutboxMessage.status == STATUS_SENT, OutboxMessage.sent_at < cutoff)
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(sent)))
    return db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(sent), or_(OutboxMessage.text_body != "",
                                                                    OutboxMessage.html_body != ""))
        .values(text_body="", html_body="").execution_options(synchronize_session=False)
    ).rowcount


def purge_emails(cutoff: datetime) -> int:
    """Sent and failed messages; those still to send stay whatever their age."""
    done = select(OutboxMessage.id).where(OutboxMessage.status != STATUS_PENDING,
                                          func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff)
    db.session.execute(delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(done)))
    return db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(done))
                              .execution_options(synchronize_session=False)).rowcount


def register() -> None:
    register_personal_data(
        "notifications", _l("Notifications, préférences et suivis"), order=20,
        data=_l("Notifications reçues sur le site, préférences d'envoi par catégorie, éléments suivis "
                "(territoires, ressources, événements…), annonces publiées."),
        purpose=_l("Prévenir chaque membre de ce qui le concerne, selon les préférences qu'il a choisies."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Les notifications non lues, les préférences et les suivis tant que le compte existe ; les "
                "annonces tant qu'elles sont utiles au réseau, sans nom après l'effacement du compte."),
        export=export_notifications, erase=erase_notifications,
        retentions=(Retention(_l("Notifications lues"), "NOTIFICATION_RETENTION_DAYS", purge_read_notifications),),
    )
    register_personal_data(
        "emails", _l("Emails envoyés par le site"), order=25,
        data=_l("Adresse du destinataire, objet, texte et date des emails envoyés (invitations, notifications, "
                "résumés, réinitialisation du mot de passe), état de l'envoi."),
        purpose=_l("Envoyer les emails sans en perdre ni en doubler, et permettre aux administrateurs de vérifier "
                   "qu'un message est bien parti."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Le texte jusqu'à l'échéance ci-dessous, puis seuls le destinataire, l'objet et la date, jusqu'à "
                "la suppression du message. Les emails d'un compte effacé sont supprimés, y compris ceux en attente."),
        export=export_emails, erase=erase_emails,
        retentions=(
            Retention(_l("Texte des emails envoyés"), "EMAIL_BODY_RETENTION_DAYS", empty_sent_bodies),
            Retention(_l("Emails envoyés ou en échec"), "EMAIL_RETENTION_DAYS", purge_emails),
        ),
    )
