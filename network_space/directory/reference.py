"""The organisation kinds the directory starts with (migration 0005 seeds the same list; admins
add more on /directory/kinds). (slug, name, group) in display order."""
from __future__ import annotations

from sqlalchemy import select

from network_space.directory.models import GROUP_BUYER, GROUP_DISABILITY, GROUP_INSERTION, OrganisationKind
from network_space.extensions import db

DEFAULT_KINDS = (
    ("esat", "ESAT", GROUP_DISABILITY),
    ("ea", "Entreprise adaptée (EA)", GROUP_DISABILITY),
    ("eatt", "Entreprise adaptée de travail temporaire (EATT)", GROUP_DISABILITY),
    ("cap-emploi", "Cap emploi", GROUP_DISABILITY),
    ("agefiph", "Agefiph", GROUP_DISABILITY),
    ("fiphfp", "FIPHFP", GROUP_DISABILITY),
    ("mdph", "MDPH", GROUP_DISABILITY),
    ("reseau-handicap", "Réseau (Gesat, Handeco, UNEA…)", GROUP_DISABILITY),
    ("autre-handicap", "Autre acteur du handicap", GROUP_DISABILITY),
    ("bailleur-social", "Bailleur social", GROUP_BUYER),
    ("commune", "Commune", GROUP_BUYER),
    ("intercommunalite", "Intercommunalité", GROUP_BUYER),
    ("departement", "Département", GROUP_BUYER),
    ("etat", "État", GROUP_BUYER),
    ("etablissement-public", "Hôpital / établissement public", GROUP_BUYER),
    ("entreprise", "Entreprise", GROUP_BUYER),
    ("ei", "Entreprise d'insertion (EI)", GROUP_INSERTION),
    ("ai", "Association intermédiaire (AI)", GROUP_INSERTION),
    ("aci", "Atelier et chantier d'insertion (ACI)", GROUP_INSERTION),
    ("etti", "Entreprise de travail temporaire d'insertion (ETTI)", GROUP_INSERTION),
    ("eiti", "Entreprise d'insertion par le travail indépendant (EITI)", GROUP_INSERTION),
    ("geiq", "GEIQ", GROUP_INSERTION),
)


def ensure_default_kinds() -> dict[str, OrganisationKind]:
    """Create the default kinds that are missing (by slug); returns every kind by slug."""
    kinds = {kind.slug: kind for kind in db.session.scalars(select(OrganisationKind))}
    for position, (slug, name, group) in enumerate(DEFAULT_KINDS, start=1):
        if slug not in kinds:
            kinds[slug] = OrganisationKind(slug=slug, name=name, group=group, position=position * 10, active=True)
            db.session.add(kinds[slug])
    db.session.flush()
    return kinds
