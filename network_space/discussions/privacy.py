"""What discussions keep about members (threads and replies they wrote, their earlier versions,
what they have read): export, erasure, declared to core/privacy.py."""
from __future__ import annotations

from sqlalchemy import delete, select

from network_space.core.i18n import lazy_gettext as _l
from network_space.core.privacy import BASIS_PUBLIC_TASK, register_personal_data
from network_space.discussions.models import ReadMark, ReadState, Reply, Revision, Thread
from network_space.extensions import db


def export_discussions(user) -> dict:
    threads = db.session.scalars(select(Thread).where(Thread.author_id == user.id).order_by(Thread.id))
    replies = db.session.scalars(select(Reply).where(Reply.author_id == user.id).order_by(Reply.id))
    revisions = db.session.scalars(select(Revision).where(Revision.editor_id == user.id).order_by(Revision.id))
    return {
        "discussions_ouvertes": [
            {"titre": t.title, "le": t.created_at, "message": t.body, "supprimee": t.deleted_at is not None}
            for t in threads
        ],
        "reponses": [
            {"discussion": r.thread.title, "numero": r.number, "le": r.created_at, "message": r.body,
             "supprimee": r.deleted_at is not None}
            for r in replies
        ],
        "versions_precedentes": [{"le": v.created_at, "titre": v.title, "texte": v.body} for v in revisions],
    }


def erase_discussions(user) -> None:
    """What the member has read is forgotten; what they wrote stays in the conversations, under
    "Ancien membre" (the user row stays, anonymised), as a reply in a mailing list archive would."""
    db.session.execute(delete(ReadState).where(ReadState.user_id == user.id))
    db.session.execute(delete(ReadMark).where(ReadMark.user_id == user.id))


def register() -> None:
    register_personal_data(
        "discussions", _l("Discussions"), order=65,
        data=_l("Discussions ouvertes, réponses et leurs versions précédentes, mentions ; ce que le membre a lu "
                "(pour marquer les messages non lus)."),
        purpose=_l("Permettre aux membres d'échanger leurs pratiques et d'en garder la mémoire."),
        legal_basis=(BASIS_PUBLIC_TASK,),
        kept=_l("Tant que la discussion est utile au réseau ; à l'effacement d'un compte, ce qu'il a lu est oublié "
                "et ses messages restent sous le nom « Ancien membre »."),
        export=export_discussions, erase=erase_discussions,
    )
