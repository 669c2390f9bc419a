"""The categories the discussions start with (the migration seeds the same list; admins rename,
add and close categories on /discussions/categories). (name, description, co-animators only,
write-ups) in display order."""
from __future__ import annotations

from sqlalchemy import func, select

from network_space.discussions.models import DiscussionCategory
from network_space.extensions import db

DEFAULT_CATEGORIES = (
    ("Questions et entraide", "Une question de terrain, un coup de main : le réseau répond.", False, False),
    ("Retours d'expérience", "Ce qui a marché, ce qui a coincé : chantiers, marchés réservés, partenariats.",
     False, True),
    ("Veille juridique et réglementaire", "Code de la commande publique, jurisprudence, textes et guides officiels.",
     False, False),
    ("Offres et demandes (postes, partenaires, prestataires)",
     "Postes à pourvoir, recherche de partenaires ou de prestataires.", False, False),
    ("Vie du réseau", "Réunions, groupes de travail, actualités du réseau.", False, False),
    ("Co-animation", "Échanges entre co-animateurs et co-animatrices du réseau.", True, False),
)


def ensure_default_categories() -> list[DiscussionCategory]:
    """The default categories when the table is empty (demo, tests); the categories in order."""
    if not db.session.scalar(select(func.count(DiscussionCategory.id))):
        db.session.add_all(DiscussionCategory(name=name, description=description, position=position,
                                              coanimators_only=restricted, writeups=writeups)
                           for position, (name, description, restricted, writeups) in enumerate(DEFAULT_CATEGORIES, 1))
        db.session.flush()
    return list(db.session.scalars(select(DiscussionCategory).order_by(DiscussionCategory.position,
                                                                       DiscussionCategory.id)))
