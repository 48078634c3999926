"""Import of hierarchy boundaries from GeoJSON — the one implementation behind the management command,
the admin upload and the demo loader.

A file is a FeatureCollection; each feature's properties carry `level` (district, street, community,
grid, subgrid), `code`, `name`, `parent` (the parent's code; not for a district) and optionally
`population` and `households`. Every rule is checked for every feature before anything is written;
if any feature breaks a rule the whole file is refused with one message per problem and nothing is
saved.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.core.management.base import CommandError, OutputWrapper
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.hierarchy import CHILD, LEVELS, PARENT, level_label
from core.redraw_registry import NodeMoves, movers_in_order
from grids import codes
from grids.coords import gcj02_to_wgs84_geometry
from grids.models import NODE_MODELS
from grids.selectors import map_view_forget


class ImportRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems

    def command_error(self, stderr: OutputWrapper) -> CommandError:
        """For a management command: each problem on `stderr`, and the error to raise."""
        for problem in self.problems:
            stderr.write(f"- {problem}")
        return CommandError(f"Refused: {len(self.problems)} problem(s); nothing was saved.")


@dataclass
class MoveReport:
    """What followed the redraw, for one kind of row (a mover of core.redraw_registry)."""

    label: str
    count: int
    ambiguous: list[str]


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    moves: list[MoveReport] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.replaced.values())

    @property
    def counts(self) -> list[tuple[str, int, int]]:
        """(level label, new, new versions) per level, for pages."""
        levels = [lvl for lvl in LEVELS if lvl in self.created or lvl in self.replaced]
        return [
            (str(level_label(lvl)), self.created.get(lvl, 0), self.replaced.get(lvl, 0))
            for lvl in levels
        ]

    @property
    def ambiguous(self) -> list[str]:
        return [line for report in self.moves for line in report.ambiguous]


@dataclass
class _Feature:
    index: int
    level: str
    code: str
    name: str
    parent_code: str | None
    geometry: MultiPolygon | None
    population: int
    households: int

    @property
    def label(self) -> str:
        return _("feature %(index)s (%(code)s %(name)s)") % {
            "index": self.index + 1,
            "code": self.code or "?",
            "name": self.name or "?",
        }


def _as_multipolygon(geometry):
    if isinstance(geometry, Polygon):
        return MultiPolygon(geometry, srid=4326)
    if isinstance(geometry, MultiPolygon):
        return geometry
    return None


def _non_negative_int(value) -> int | None:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _parse(data, *, gcj02: bool) -> tuple[list[_Feature], list[str]]:
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [_("The file is not a GeoJSON FeatureCollection.")]
    raw_features = data.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        return [], [_("The file contains no features.")]
    features = []
    for index, raw in enumerate(raw_features):
        props = (raw or {}).get("properties") or {}
        feature = _Feature(
            index=index,
            level=str(props.get("level", "")).strip(),
            code=str(props.get("code", "")).strip(),
            name=str(props.get("name", "")).strip(),
            parent_code=str(props["parent"]).strip() if props.get("parent") else None,
            geometry=None,
            population=_non_negative_int(props.get("population")),
            households=_non_negative_int(props.get("households")),
        )
        if feature.level not in LEVELS:
            problems.append(
                _(
                    "%(feature)s: the level must be one of district, street, community, "
                    "grid, subgrid."
                )
                % {"feature": feature.label}
            )
            continue
        if not feature.name:
            problems.append(_("%(feature)s: the name is missing.") % {"feature": feature.label})
        if feature.population is None or feature.households is None:
            problems.append(
                _("%(feature)s: population and households must be whole numbers of zero or more.")
                % {"feature": feature.label}
            )
            feature.population = feature.population or 0
            feature.households = feature.households or 0
        try:
            geometry = GEOSGeometry(json.dumps(raw.get("geometry")), srid=4326)
        except (GEOSException, ValueError, TypeError):
            geometry = None
        geometry = _as_multipolygon(geometry)
        if geometry is None:
            problems.append(
                _("%(feature)s: the geometry is missing or is not a polygon or multipolygon.")
                % {"feature": feature.label}
            )
        else:
            if gcj02:
                geometry = gcj02_to_wgs84_geometry(geometry)
            if not geometry.valid:
                problems.append(
                    _("%(feature)s: the geometry is invalid (%(reason)s).")
                    % {"feature": feature.label, "reason": geometry.valid_reason}
                )
            elif geometry.empty or geometry.area == 0:
                problems.append(
                    _("%(feature)s: the geometry is empty.") % {"feature": feature.label}
                )
            else:
                feature.geometry = geometry
        features.append(feature)
    return features, problems


def _check(features: list[_Feature], *, on: datetime.date, replace: bool) -> list[str]:  # noqa: C901
    problems: list[str] = []
    tolerance = settings.REDGRID_BOUNDARY_TOLERANCE
    by_code: dict[str, _Feature] = {}
    for feature in features:
        if feature.code in by_code:
            problems.append(
                _("%(feature)s: duplicate code — %(code)s also appears at feature %(other)s.")
                % {
                    "feature": feature.label,
                    "code": feature.code,
                    "other": by_code[feature.code].index + 1,
                }
            )
            continue
        by_code[feature.code] = feature

    # Existing nodes that the file refers to or collides with, one query per level.
    existing = {}
    for level, model in NODE_MODELS.items():
        wanted = {f.code for f in features if f.level == level}
        wanted |= {
            f.parent_code for f in features if f.parent_code and PARENT.get(f.level) == level
        }
        if wanted:
            for node in model.objects.in_force(on).filter(code__in=wanted):
                existing[(level, node.code)] = node

    for feature in features:
        problem = codes.code_problem(feature.level, feature.code, feature.parent_code)
        if problem:
            problems.append(
                _("%(feature)s: the code breaks the code rule (%(rule)s).")
                % {"feature": feature.label, "rule": problem}
            )
        if (feature.level, feature.code) in existing and not replace:
            problems.append(
                _(
                    "%(feature)s: duplicate code — a %(level)s with code %(code)s already "
                    "exists (use the replace option to draw a new version)."
                )
                % {
                    "feature": feature.label,
                    "level": level_label(feature.level),
                    "code": feature.code,
                }
            )
        if feature.level == "district":
            continue
        parent_level = PARENT[feature.level]
        parent_in_file = by_code.get(feature.parent_code or "")
        if parent_in_file is not None and parent_in_file.level != parent_level:
            parent_in_file = None
        parent_existing = existing.get((parent_level, feature.parent_code))
        if parent_in_file is None and parent_existing is None:
            problems.append(
                _(
                    "%(feature)s: unknown parent code %(parent)s — no %(level)s with that "
                    "code exists in the file or in the database."
                )
                % {
                    "feature": feature.label,
                    "parent": feature.parent_code or "—",
                    "level": level_label(parent_level),
                }
            )
            continue
        parent_geometry = (
            parent_in_file.geometry if parent_in_file is not None else parent_existing.boundary
        )
        if feature.geometry is not None and parent_geometry is not None:
            outside = feature.geometry.difference(parent_geometry).area
            if outside > tolerance:
                problems.append(
                    _(
                        "%(feature)s: lies outside its parent %(parent)s — a boundary must "
                        "stay inside its parent's boundary."
                    )
                    % {"feature": feature.label, "parent": feature.parent_code}
                )

    # Sibling overlaps: among the file's features, and against existing siblings not replaced.
    siblings: dict[tuple[str, str], list] = {}
    for feature in features:
        if feature.geometry is not None and feature.parent_code:
            siblings.setdefault((feature.level, feature.parent_code), []).append(feature)
    for (level, parent_code), group in siblings.items():
        model = NODE_MODELS[level]
        parent_field = PARENT[level]  # a child's foreign key is named after its parent's level
        file_codes = {f.code for f in group}
        others = [
            (node.code, node.name, node.boundary)
            for node in model.objects.in_force(on)
            .filter(**{f"{parent_field}__code": parent_code})
            .exclude(code__in=file_codes)
        ]
        for position, feature in enumerate(group):
            prepared = feature.geometry.prepared
            candidates = [(f.code, f.name, f.geometry) for f in group[position + 1 :]] + others
            for other_code, other_name, other_geometry in candidates:
                if not prepared.intersects(other_geometry):
                    continue
                if feature.geometry.intersection(other_geometry).area > tolerance:
                    problems.append(
                        _(
                            "%(feature)s: overlaps its sibling %(code)s %(name)s — "
                            "boundaries of the same parent must not overlap."
                        )
                        % {"feature": feature.label, "code": other_code, "name": other_name}
                    )
    return problems


def _repoint_current_children(old, new) -> None:
    """Children still in force belong to the parent's new version from now on."""
    if old.LEVEL not in CHILD:
        return
    # A child's foreign key to its parent is named after the parent's level.
    child_level, parent_field = CHILD[old.LEVEL], old.LEVEL
    NODE_MODELS[child_level].objects.current().filter(**{parent_field: old}).update(
        **{parent_field: new}
    )


def _save_node(feature: _Feature, *, valid_from, saved: dict, result: ImportResult, moves: dict):
    """Add the feature's version (closing the current one of its code) and note the move."""
    model = NODE_MODELS[feature.level]
    old = model.objects.current().filter(code=feature.code).first()
    node = model(
        code=feature.code, name=feature.name, boundary=feature.geometry, valid_from=valid_from
    )
    if hasattr(node, "population"):
        node.population = feature.population
        node.households = feature.households
    if feature.level != "district":
        parent_level = PARENT[feature.level]
        parent = saved.get((parent_level, feature.parent_code)) or NODE_MODELS[
            parent_level
        ].objects.in_force(valid_from).get(code=feature.parent_code)
        setattr(node, parent_level, parent)
    counts = result.created
    if old is not None:
        if old.valid_from >= valid_from:
            raise ImportRefused(
                [
                    _(
                        "%(feature)s: the current version starts on %(date)s; a new version "
                        "must start later."
                    )
                    % {"feature": feature.label, "date": old.valid_from}
                ]
            )
        old.valid_to = valid_from
        old.save(update_fields=["valid_to"])
        counts = result.replaced
    counts[feature.level] = counts.get(feature.level, 0) + 1
    node.full_clean()
    node.save()
    if old is not None:
        _repoint_current_children(old, node)
        moves.setdefault(feature.level, {})[old.pk] = node.pk
    saved[(feature.level, feature.code)] = node


def redraw_apply(moves: NodeMoves) -> list[MoveReport]:
    """Run every registered mover (core.redraw_registry) for the closed versions in `moves`."""
    reports = []
    for mover in movers_in_order():
        moved = mover.move(moves=moves)
        reports.append(
            MoveReport(label=str(mover.label), count=moved.count, ambiguous=moved.ambiguous)
        )
    return reports


def import_boundaries(
    data,
    *,
    valid_from: datetime.date | None = None,
    replace: bool = False,
    gcj02: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Check and (unless dry_run) save the boundaries in `data` (parsed GeoJSON).

    Raises ImportRefused listing every problem; in that case nothing is saved. With `replace`, a
    feature whose code is already current closes the old version on `valid_from` and adds a new
    version, so history keeps the old boundary; everything attached to a closed version moves to
    the new one (core.redraw_registry: people, assignments, branches, households, places,
    positions, patrol plans, open requests). A dry run does all of it in a transaction that is
    rolled back, so what it reports — counts, moves and the rows to check — is exactly what the
    commit will do.
    """
    today = timezone.localdate()
    valid_from = valid_from or today
    features, problems = _parse(data, gcj02=gcj02)
    problems += _check(features, on=valid_from, replace=replace)
    if replace and valid_from > today:
        problems.append(
            _(
                "A redraw moves people, places and open requests to the new boundaries at once: "
                "give a valid-from date of today or earlier (import the file on the day it "
                "applies)."
            )
        )
    if problems:
        raise ImportRefused(problems)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        saved: dict[tuple[str, str], object] = {}
        moved_ids: dict[str, dict[int, int]] = {}
        for level in LEVELS:
            for feature in (f for f in features if f.level == level):
                _save_node(
                    feature, valid_from=valid_from, saved=saved, result=result, moves=moved_ids
                )
        moves = NodeMoves(ids=moved_ids, on=valid_from)
        if not moves.empty:
            result.moves = redraw_apply(moves)
        if dry_run:
            transaction.set_rollback(True)
        else:
            transaction.on_commit(map_view_forget)
    return result


def import_boundaries_file(file_obj, **options) -> ImportResult:
    try:
        data = json.load(file_obj)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportRefused([_("The file is not valid JSON: %(error)s") % {"error": exc}]) from exc
    return import_boundaries(data, **options)


def _square(x: float, y: float, w: float, h: float) -> dict:
    ring = [[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def example_collection() -> dict:
    """The boundary import's template: one feature per level with every property it reads
    (offered for download on the admin's import page)."""
    features = [
        ("district", "440399", "示例区", None, _square(114.0, 22.6, 0.2, 0.2), {}),
        ("street", "440399001", "示例街道", "440399", _square(114.0, 22.6, 0.1, 0.2), {}),
        (
            "community",
            "440399001001",
            "示例社区",
            "440399001",
            _square(114.0, 22.6, 0.1, 0.1),
            {"population": 12000, "households": 4200},
        ),
        (
            "grid",
            "44039900100101",
            "示例社区第一网格",
            "440399001001",
            _square(114.0, 22.6, 0.05, 0.1),
            {"population": 6000, "households": 2100},
        ),
        (
            "subgrid",
            "4403990010010101",
            "第一网格第一小分格",
            "44039900100101",
            _square(114.0, 22.6, 0.05, 0.05),
            {},
        ),
    ]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"level": level, "code": code, "name": name}
                | ({"parent": parent} if parent else {})
                | extra,
            }
            for level, code, name, parent, geometry, extra in features
        ],
    }
