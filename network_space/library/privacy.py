"""What the library keeps about members (resources, file versions, comments): export, erasure,
declared to core/privacy.py."""
from __future__ import annotations

from sqlalchemy import select

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.privacy import BASIS_PUBLIC_TASK, register_personal_data
from network_space.extensions import db
from network_space.library.search import SEARCH_KIND
from network_space.library.models import Resource, ResourceComment, ResourceVersion
from network_space.search import enqueue


def _versions(user):
    return db.session.scalars(
        select(ResourceVersion).where(ResourceVersion.author_id == user.id).order_by(ResourceVersion.id))


def export_library(user) -> dict:
    resources = db.session.scalars(select(Resource).where(Resource.author_id == user.id).order_by(Resource.id))
    comments = db.session.scalars(
        select(ResourceComment).where(ResourceComment.author_id == user.id).order_by(ResourceComment.id))
    return {
        "ressources": [
            {"titre": r.title, "type": str(r.kind_label), "resume": r.summary, "texte": r.body, "lien": r.url,
             "creee_le": r.created_at, "modifiee_le": r.updated_at}
            for r in resources
        ],
        "versions_deposees": [
            {"ressource": v.resource.title, "version": v.number, "fichier": v.original_name, "taille": v.size,
             "note": v.note, "deposee_le": v.created_at}
            for v in _versions(user)
        ],
        "commentaires": [{"ressource": c.resource.title, "date": c.created_at, "texte": c.body} for c in comments],
    }


def uploaded_files(user):
    for version in _versions(user):
        yield f"{version.resource.title} - v{version.number} - {version.original_name}", version.storage_key


def erase_library(user) -> None:
    """Resources, versions and comments stay for the network, signed "Ancien membre" through the
    anonymised account; the documents of their resources carry the author's name: re-indexed."""
    for resource_id in db.session.scalars(select(Resource.id).where(Resource.author_id == user.id)):
        enqueue(SEARCH_KIND, resource_id)


def register() -> None:
    register_personal_data(
        "bibliotheque", _l("Bibliothèque de ressources"), order=30,
        data=_l("Ressources publiées, fichiers déposés (et leurs versions), commentaires et retours "
                "d'expérience, avec leur auteur et leur date."),
        purpose=_l("Partager les outils et les expériences du réseau."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Tant qu'elles sont utiles au réseau ; à l'effacement d'un compte, ses contributions restent, "
                "signées « Ancien membre »."),
        export=export_library, files=uploaded_files, erase=erase_library,
    )
