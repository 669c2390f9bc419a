"""Demo announcements, notified to their audience through notify(), so members find them under
the bell."""
from __future__ import annotations

from network_space.core.demo import DemoContext
from network_space.announcements.services import publish_announcement

ANNOUNCEMENTS = (
    ("coanimator_nord", "all", "Bilan départemental 2025 : vos chiffres avant le 15 mars",
     "Bonjour à toutes et à tous,\n\nLe **bilan départemental des clauses sociales** se prépare : merci de "
     "déposer vos tableaux d'heures d'insertion dans la bibliothèque avant le **15 mars**.\n\n"
     "- heures réalisées par donneur d'ordre ;\n- publics bénéficiaires ;\n- structures d'insertion mobilisées.\n\n"
     "Claire"),
    ("coanimator_sud", "sud", "Sud-Isère : atelier bailleurs sociaux à Grenoble",
     "Un atelier commun avec les bailleurs sociaux du Sud-Isère est en préparation. "
     "Répondez au sondage de dates dès qu'il sera ouvert."),
)


def seed(demo: DemoContext) -> None:
    users = demo.data.get("users", {})
    for author_handle, audience, title, body in ANNOUNCEMENTS:
        author = users.get(author_handle)
        if author is not None:
            publish_announcement(author, title, body, audience)
