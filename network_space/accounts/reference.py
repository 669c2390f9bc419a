"""Reference data: the intercommunalities of Isère and their sector (DESIGN.md §2).

Migration 0002 inserts a frozen copy of this list in every database; ``ensure_territories()``
adds whatever is missing in a database built without migrations (tests, demo)."""
from __future__ import annotations

from sqlalchemy import select

from network_space.accounts.models import SECTOR_NORD, SECTOR_SUD, Territory
from network_space.extensions import db

# (name, short name, sector, SIREN from the official division data, reports/data/epci-38.json)
ISERE_TERRITORIES = (
    ("Grenoble-Alpes Métropole", "La Métro", SECTOR_SUD, "200040715"),
    ("CA du Pays Voironnais", "Pays Voironnais", SECTOR_SUD, "243800984"),
    ("CA Porte de l'Isère", "CAPI", SECTOR_NORD, "243800604"),
    ("Vienne Condrieu Agglomération", "Vienne Condrieu", SECTOR_NORD, "200077014"),
    ("CC Le Grésivaudan", "Grésivaudan", SECTOR_SUD, "200018166"),
    ("CC Bièvre Est", "Bièvre Est", SECTOR_NORD, "243801073"),
    ("CC Bièvre Isère", "Bièvre Isère", SECTOR_NORD, "200059392"),
    ("CC Saint-Marcellin Vercors Isère", "SMVIC", SECTOR_SUD, "200070431"),
    ("CC du Massif du Vercors", "Vercors", SECTOR_SUD, "243801024"),
    ("CC du Trièves", "Trièves", SECTOR_SUD, "200030658"),
    ("CC de la Matheysine", "Matheysine", SECTOR_SUD, "200040657"),
    ("CC de l'Oisans", "Oisans", SECTOR_SUD, "243800745"),
    ("CC Les Balcons du Dauphiné", "Balcons du Dauphiné", SECTOR_NORD, "200068542"),
    ("CC Les Vals du Dauphiné", "Vals du Dauphiné", SECTOR_NORD, "200068567"),
    ("CC Lyon Saint-Exupéry en Dauphiné", "LYSED", SECTOR_NORD, "243800935"),
    ("CC Entre Bièvre et Rhône", "EBER", SECTOR_NORD, "200085751"),
    ("CC Cœur de Chartreuse", "Cœur de Chartreuse", SECTOR_SUD, "200040111"),
)


def ensure_territories() -> dict[str, Territory]:
    """The reference territories by short name, inserting those missing (never duplicating)."""
    existing = {t.name: t for t in db.session.scalars(select(Territory))}
    by_short = {}
    for name, short_name, sector, siren in ISERE_TERRITORIES:
        territory = existing.get(name)
        if territory is None:
            territory = Territory(name=name, short_name=short_name, sector=sector, active=True, siren=siren)
            db.session.add(territory)
        by_short[short_name] = territory
    db.session.flush()
    return by_short
