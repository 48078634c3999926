"""The levels of the administrative hierarchy and the one table of what each level is.

District → street → community → area grid → sub-grid (DOMAIN.md §2). This module names levels
only: the models of the hierarchy (District … SubGrid, `grids.models.NODE_MODELS`) and everything
that needs them (jurisdiction, grouping figures by level) live at the bottom of `grids`.

`Level` members are strings ("district", …), so they compare and hash like the plain strings
stored in the database, sent in URLs and used as dictionary keys.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    DISTRICT = "district", _("district")
    STREET = "street", _("street")
    COMMUNITY = "community", _("community")
    GRID = "grid", _("area grid")
    SUBGRID = "subgrid", _("sub-grid")


@dataclass(frozen=True)
class LevelRow:
    """One level of the hierarchy: the length of its codes (the statistical division code rule:
    district 6 digits, street +3, community +3, area grid +2, sub-grid +2) and its neighbours."""

    level: Level
    code_length: int
    parent: Level | None
    child: Level | None


TABLE: Final[Mapping[str, LevelRow]] = {
    Level.DISTRICT: LevelRow(Level.DISTRICT, 6, None, Level.STREET),
    Level.STREET: LevelRow(Level.STREET, 9, Level.DISTRICT, Level.COMMUNITY),
    Level.COMMUNITY: LevelRow(Level.COMMUNITY, 12, Level.STREET, Level.GRID),
    Level.GRID: LevelRow(Level.GRID, 14, Level.COMMUNITY, Level.SUBGRID),
    Level.SUBGRID: LevelRow(Level.SUBGRID, 16, Level.GRID, None),
}

# Every level, top down.
LEVELS: Final[tuple[Level, ...]] = tuple(row.level for row in TABLE.values())
# The levels people are bound to (a role's node) and figures are given for (monthly reports,
# dashboards, the overview): district to area grid. Sub-grids have neither.
AREA_LEVELS: Final[tuple[Level, ...]] = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID)
# (value, label) of AREA_LEVELS, for a field or form that offers area levels.
AREA_LEVEL_CHOICES: Final[list[tuple[str, str | Promise]]] = [
    (lvl.value, lvl.label) for lvl in AREA_LEVELS
]
# Level → the level above it / below it.
PARENT: Final[Mapping[str, Level]] = {
    level: row.parent for level, row in TABLE.items() if row.parent is not None
}
CHILD: Final[Mapping[str, Level]] = {
    level: row.child for level, row in TABLE.items() if row.child is not None
}
# Level → how many digits its codes have.
CODE_LENGTH: Final[Mapping[str, int]] = {level: row.code_length for level, row in TABLE.items()}


def area_child(level: str) -> Level | None:
    """The area level below `level` (None for an area grid: sub-grids are not areas with
    figures of their own)."""
    child = CHILD.get(level)
    return child if child in AREA_LEVELS else None


def level_label(level: str) -> str:
    """The level's translated name ("area grid" / 片区网格)."""
    return str(Level(level).label)
