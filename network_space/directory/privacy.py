"""What the partner directory keeps about people: the members' edits, and the partners' contact
persons (who are not members). Declared to core/privacy.py."""
from __future__ import annotations

import json

from sqlalchemy import select

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.privacy import BASIS_PUBLIC_TASK, ERASED_NAME, register_personal_data
from network_space.directory.models import Organisation, OrganisationRevision
from network_space.extensions import db


def export_directory(user) -> dict:
    created = db.session.scalars(select(Organisation).where(Organisation.created_by_id == user.id)
                                 .order_by(Organisation.id))
    revisions = db.session.scalars(select(OrganisationRevision).where(OrganisationRevision.actor_id == user.id)
                                   .order_by(OrganisationRevision.id))
    return {
        "organisations_creees": [{"organisation": o.name, "creee_le": o.created_at} for o in created],
        "modifications": [
            {"date": r.created_at, "organisation_id": r.organisation_id, "action": r.action, "changements": r.changes}
            for r in revisions
        ],
    }


def erase_directory(user) -> None:
    """Edits stay (the history of each organisation), signed "Ancien membre" through the
    anonymised account; the history also shows, as text, who last checked a record: replaced."""
    replacement = str(ERASED_NAME)
    pattern = f"%{json.dumps(user.full_name, ensure_ascii=False)[1:-1]}%"
    for revision in db.session.scalars(select(OrganisationRevision).where(
            OrganisationRevision.changes_json.like(pattern))):
        changes = revision.changes
        values = changes.get("last_checked_by")
        if values:
            changes["last_checked_by"] = [replacement if value == user.full_name else value for value in values]
            revision.changes_json = json.dumps(changes, ensure_ascii=False)


def register() -> None:
    register_personal_data(
        "annuaire", _l("Annuaire des partenaires : contributions des membres"), order=40,
        data=_l("Organisations ajoutées et modifications apportées aux fiches de l'annuaire (historique), "
                "vérifications des fiches."),
        purpose=_l("Tenir à jour l'annuaire des partenaires et savoir qui a modifié quoi."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Tant que la fiche existe ; à l'effacement d'un compte, l'historique reste sous le nom "
                "« Ancien membre »."),
        export=export_directory, erase=erase_directory,
    )
    register_personal_data(
        "contacts_partenaires", _l("Annuaire des partenaires : personnes à contacter"), order=45,
        data=_l("Nom, fonction, email et téléphone professionnels des personnes à contacter dans les "
                "organisations partenaires (acheteurs, secteur du handicap, structures d'insertion)."),
        purpose=_l("Permettre aux facilitateurs de joindre leurs interlocuteurs chez les partenaires."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Tant que la personne est le contact de l'organisation : les co-animateurs corrigent ou "
                "retirent un contact sur simple demande de la personne (voir « Vos droits »)."),
    )
