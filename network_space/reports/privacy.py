"""What the departmental report keeps about members (who opened a campaign, who saved, sent
and reviewed a contribution, each change they made): export, declared to core/privacy.py.

A contribution is the territory's figures, not the member's: erasing an account keeps it, its
history shown under "Ancien membre" (the user row stays, anonymised)."""
from __future__ import annotations

from sqlalchemy import or_, select

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.privacy import BASIS_PUBLIC_TASK, register_personal_data
from network_space.extensions import db
from network_space.reports.models import CHANGE_ACTIONS, Campaign, Contribution, ContributionChange


def export_reports(user) -> dict:
    campaigns = db.session.scalars(select(Campaign).where(Campaign.opened_by_id == user.id).order_by(Campaign.year))
    contributions = db.session.scalars(select(Contribution).where(or_(
        Contribution.updated_by_id == user.id, Contribution.submitted_by_id == user.id,
        Contribution.reviewed_by_id == user.id)).order_by(Contribution.id))
    changes = db.session.scalars(
        select(ContributionChange).where(ContributionChange.actor_id == user.id).order_by(ContributionChange.id))
    return {
        "campagnes_ouvertes": [{"campagne": c.title, "annee": c.year} for c in campaigns],
        "contributions": [
            {"campagne": c.campaign.title, "territoire": c.territory.label, "structure": c.structure.name,
             "etat": c.status_label, "derniere_modification_par_vous": c.updated_by_id == user.id,
             "envoyee_par_vous": c.submitted_by_id == user.id, "relue_par_vous": c.reviewed_by_id == user.id}
            for c in contributions
        ],
        "modifications": [
            {"le": ch.created_at, "contribution": ch.contribution.notification_title(),
             "action": str(CHANGE_ACTIONS.get(ch.action, ch.action)), "commentaire": ch.comment,
             "champs": ch.fields}
            for ch in changes
        ],
    }


def register() -> None:
    register_personal_data(
        "bilan", _l("Bilan départemental"), order=75,
        data=_l("Qui a ouvert une campagne, enregistré, envoyé ou relu une contribution de son territoire, et "
                "l'historique de ses modifications."),
        purpose=_l("Produire le bilan annuel du réseau et pouvoir retracer qui a saisi chaque chiffre."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Tant que le bilan est utile à la mémoire du réseau ; à l'effacement d'un compte, les contributions "
                "restent (ce sont les chiffres du territoire), sous le nom « Ancien membre »."),
        export=export_reports,
    )
