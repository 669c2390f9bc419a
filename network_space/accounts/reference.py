"""Reference data: the intercommunalities of Isère and their sector (DESIGN.md §2).

Migration 0002 inserts a frozen copy of this list in every database; ``ensure_territories()``
adds whatever is missing in a database built without migrations (tests, demo)."""
from __future__ import annotations

from sqlalchemy import select

from network_space.accounts.models import SECTOR_NORD, SECTOR_SUD, Territory
from network_space.extensions import db

# (name, short name, sector)
ISERE_TERRITORIES = (
    ("Grenoble-Alpes Métropole", "La Métro", SECTOR_SUD),
    ("CA du Pays Voironnais", "Pays Voironnais", SECTOR_SUD),
    ("CA Porte de l'Isère", "CAPI", SECTOR_NORD),
    ("Vienne Condrieu Agglomération", "Vienne Condrieu", SECTOR_NORD),
    ("CC Le Grésivaudan", "Grésivaudan", SECTOR_SUD),
    ("CC Bièvre Est", "Bièvre Est", SECTOR_NORD),
    ("CC Bièvre Isère", "Bièvre Isère", SECTOR_NORD),
    ("CC Saint-Marcellin Vercors Isère", "SMVIC", SECTOR_SUD),
    ("CC du Massif du Vercors", "Vercors", SECTOR_SUD),
    ("CC du Trièves", "Trièves", SECTOR_SUD),
    ("CC de la Matheysine", "Matheysine", SECTOR_SUD),
    ("CC de l'Oisans", "Oisans", SECTOR_SUD),
    ("CC Les Balcons du Dauphiné", "Balcons du Dauphiné", SECTOR_NORD),
    ("CC Les Vals du Dauphiné", "Vals du Dauphiné", SECTOR_NORD),
    ("CC Lyon Saint-Exupéry en Dauphiné", "LYSED", SECTOR_NORD),
    ("CC Entre Bièvre et Rhône", "EBER", SECTOR_NORD),
    ("CC Cœur de Chartreuse", "Cœur de Chartreuse", SECTOR_SUD),
)


def ensure_territories() -> dict[str, Territory]:
    """The reference territories by short name, inserting those missing (never duplicating)."""
    existing = {t.name: t for t in db.session.scalars(select(Territory))}
    by_short = {}
    for name, short_name, sector in ISERE_TERRITORIES:
        territory = existing.get(name)
        if territory is None:
            territory = Territory(name=name, short_name=short_name, sector=sector, active=True)
            db.session.add(territory)
        by_short[short_name] = territory
    db.session.flush()
    return by_short
