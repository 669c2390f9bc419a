"""The schematic map of the coverage: one tile per EPCI, placed roughly where it lies in the
département (north on top), drawn as SVG by templates/reports/_coverage_map.svg. Nothing is
downloaded: the places are this small grid, not geographic shapes. An EPCI the grid does not know
(after a refresh of the data) gets a tile in a last row, so none is left out."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from network_space.reports.coverage import Coverage, Row

# SIREN: (column, row). Nord-Isère on the first two rows, the Alps to the south-east.
LAYOUT = {
    "200077014": (0, 0),  # Vienne Condrieu
    "243801255": (1, 0),  # Collines Isère Nord
    "243800935": (2, 0),  # Lyon Saint-Exupéry en Dauphiné
    "200068542": (3, 0),  # Balcons du Dauphiné
    "200085751": (0, 1),  # Entre Bièvre et Rhône
    "200059392": (1, 1),  # Bièvre Isère
    "243800604": (2, 1),  # Porte de l'Isère
    "200068567": (3, 1),  # Vals du Dauphiné
    "200070431": (0, 2),  # Saint-Marcellin Vercors Isère
    "243801073": (1, 2),  # Bièvre Est
    "243800984": (2, 2),  # Pays Voironnais
    "200040111": (3, 2),  # Cœur de Chartreuse
    "243801024": (1, 3),  # Massif du Vercors
    "200040715": (2, 3),  # Grenoble-Alpes Métropole
    "200018166": (3, 3),  # Le Grésivaudan
    "200030658": (1, 4),  # Trièves
    "200040657": (2, 4),  # Matheysine
    "243800745": (3, 4),  # Oisans
}
COLUMNS = 4
TILE_WIDTH, TILE_HEIGHT, GAP = 150, 78, 8


@dataclass(frozen=True)
class Tile:
    row: Row
    x: int
    y: int
    lines: tuple[str, ...]  # the name, on one or two lines


def tiles(coverage: Coverage) -> tuple[list[Tile], int, int]:
    """The tiles and the drawing's width and height."""
    placed, extra = [], []
    for row in coverage.rows:
        (placed if row.epci.siren in LAYOUT else extra).append(row)
    positions = {row.epci.siren: LAYOUT[row.epci.siren] for row in placed}
    last_row = max((r for _, r in positions.values()), default=-1)
    for index, row in enumerate(extra):
        positions[row.epci.siren] = (index % COLUMNS, last_row + 1 + index // COLUMNS)
    result = []
    for row in placed + extra:
        column, line = positions[row.epci.siren]
        name = row.label if row.territory else row.epci.name
        wrapped = textwrap.wrap(name, 19) or [name]
        if len(wrapped) > 2:
            wrapped = [wrapped[0], textwrap.shorten(" ".join(wrapped[1:]), 19, placeholder="…")]
        result.append(Tile(row, column * (TILE_WIDTH + GAP), line * (TILE_HEIGHT + GAP), tuple(wrapped)))
    rows = max((line for _, line in positions.values()), default=0) + 1
    return result, COLUMNS * (TILE_WIDTH + GAP) - GAP, rows * (TILE_HEIGHT + GAP) - GAP
