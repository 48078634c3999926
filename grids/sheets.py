"""The key places' import (grids.sheet_import): .xlsx, .csv or GeoJSON points, checked like the
admin's form (grids.services.key_place_check_location: the point lies in its area grid)."""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sheets import Column, choice_table, missing_errors, text
from grids.models import AreaGrid, KeyPlace
from grids.services import key_place_check_location
from grids.sheet_import import RowResult, SheetKind, scoped, sheet_kind

KIND_ALIASES = {
    "住宅小区": "residential_estate",
    "小区": "residential_estate",
    "工业园区": "industrial_park",
    "园区": "industrial_park",
    "建筑工地": "building_site",
    "工地": "building_site",
    "学校": "school",
    "市场": "market",
    "农贸市场": "market",
    "其他": "other",
}


def point_of(values: dict, errors: list[str]) -> Point | None:
    """The row's lon/lat as a WGS-84 point; a message when they are not numbers in range."""
    lon, lat = text(values.get("lon")), text(values.get("lat"))
    if not lon and not lat:
        return None
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        errors.append(_("Longitude and latitude must be numbers, e.g. 113.93 and 22.76."))
        return None
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        errors.append(_("Longitude and latitude are out of range (WGS-84 degrees)."))
        return None
    return Point(x, y, srid=4326)


def current_grids(user) -> dict[str, AreaGrid]:
    """The grids in force the user may import into, by code (one query)."""
    return {g.code: g for g in scoped(AreaGrid.objects.current().defer("boundary"), user)}


LON = Column(
    "lon", gettext_lazy("Longitude"), "经度", example=113.935, help=gettext_lazy("WGS-84 degrees")
)
LAT = Column(
    "lat", gettext_lazy("Latitude"), "纬度", example=22.768, help=gettext_lazy("WGS-84 degrees")
)


@sheet_kind
class KeyPlaceSheet(SheetKind):
    name = "key_places"
    title = gettext_lazy("Import key places")
    intro = gettext_lazy(
        "One row per key place (an estate, an industrial park, a building site…), or a GeoJSON "
        "file of points. Each place must lie in its area grid, as in the admin; leave the grid "
        "code empty to take the grid the point lies in."
    )
    permission = "grids.add_keyplace"
    done_url = "admin:grids_keyplace_changelist"
    order = 50
    geojson = True
    accept = ".xlsx,.csv,.geojson,.json"
    columns = (
        Column("name", gettext_lazy("Place name"), "名称", required=True, example="光明花园"),
        Column(
            "kind",
            gettext_lazy("Kind"),
            "类型",
            required=True,
            example="住宅小区",
            help=gettext_lazy("住宅小区, 工业园区, 建筑工地, 学校, 市场 or 其他"),
        ),
        Column(
            "grid",
            gettext_lazy("Area grid code"),
            "网格编码",
            example="44031100100101",
            help=gettext_lazy("Optional: found from the point when empty."),
        ),
        Column("address", gettext_lazy("Address"), "地址", example="光明大道88号"),
        LON,
        LAT,
        Column("notes", gettext_lazy("Notes"), "备注"),
    )
    preview_headers = (
        gettext_lazy("Place name"),
        gettext_lazy("Kind"),
        gettext_lazy("Area grid"),
    )

    def check(self, rows, *, user):
        from grids.locate import locate

        grids = current_grids(user)
        kinds = choice_table(KeyPlace.Kind.choices, KIND_ALIASES)
        existing = set(scoped(KeyPlace.objects.all(), user).values_list("grid__code", "name"))
        seen: dict[tuple[str, str], int] = {}
        results = []
        for line, values in rows:
            errors = missing_errors(self.columns, values)
            name, code = text(values.get("name")), text(values.get("grid"))
            kind = kinds.get(text(values.get("kind")).lower())
            if text(values.get("kind")) and kind is None:
                errors.append(_('Unknown kind "%(value)s".') % {"value": text(values.get("kind"))})
            location = point_of(values, errors)
            if location is None and not errors:
                errors.append(_("Give the place's longitude and latitude."))
            grid = grids.get(code) if code else None
            if code and grid is None:
                errors.append(
                    _('Unknown area grid "%(value)s" (or outside your jurisdiction).')
                    % {"value": code}
                )
            if not code and location is not None:
                found = locate(location)
                grid = grids.get(found.grid.code) if found.inside else None
                if grid is None:
                    errors.append(_("This point lies in no area grid of your jurisdiction."))
            place = KeyPlace(
                grid=grid,
                name=name[:120],
                kind=kind or "",
                address=text(values.get("address"))[:200],
                location=location,
                notes=text(values.get("notes")),
            )
            if not errors and grid is not None:
                key = (grid.code, name)
                if key in existing:
                    errors.append(_("This grid already has a key place of that name."))
                elif key in seen:
                    errors.append(
                        _("Duplicate: the same place is on row %(line)s.") % {"line": seen[key]}
                    )
                seen.setdefault(key, line)
                try:
                    place.full_clean()
                    key_place_check_location(place)
                except ValidationError as error:
                    errors.extend(error.messages)
            results.append(
                RowResult(
                    line=line,
                    values=values,
                    errors=errors,
                    obj=place,
                    display=[
                        name,
                        place.get_kind_display() if kind else "",
                        grid.name if grid else code,
                    ],
                )
            )
        return results

    def write(self, rows, *, user):
        return len(KeyPlace.objects.bulk_create([row.obj for row in rows]))
