"""What announcements keep about members (the announcements they wrote), declared to
core/privacy.py."""
from __future__ import annotations

from sqlalchemy import select

from network_space.announcements.models import Announcement
from network_space.core.i18n import lazy_gettext as _l
from network_space.core.privacy import BASIS_PUBLIC_TASK, register_personal_data
from network_space.extensions import db


def export_announcements(user) -> dict:
    announcements = db.session.scalars(
        select(Announcement).where(Announcement.author_id == user.id).order_by(Announcement.id))
    return {"annonces_publiees": [{"date": a.created_at, "titre": a.title, "texte": a.body} for a in announcements]}


def register() -> None:
    # No erasure of its own: announcements stay for the network, signed "Ancien membre" through
    # the anonymised account (notifications replaces the name in what members were told).
    register_personal_data(
        "annonces", _l("Annonces du réseau"), order=28,
        data=_l("Annonces publiées par les co-animateurs, avec leur auteur et leur date."),
        purpose=_l("Informer les membres du réseau."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Tant qu'elles sont utiles au réseau ; à l'effacement d'un compte, ses annonces restent, signées "
                "« Ancien membre »."),
        export=export_announcements,
    )
