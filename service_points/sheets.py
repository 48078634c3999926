"""The service positions' import (grids.sheet_import): .xlsx, .csv or GeoJSON points, checked by
services.position_validate like the admin's form (tier, parent and served area agree with each
other and with the point). A centre and its grid positions and micro-sites may come in one file:
a parent is found by name among the rows above it or the positions already recorded."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sheets import Column, choice_table, lookup, missing_errors, text
from grids.models import Community, SubGrid
from grids.sheet_import import RowResult, SheetKind, scoped, sheet_kind
from grids.sheets import LAT, LON, current_grids, point_of
from service_points.models import ServicePosition, Tier
from service_points.services import position_save, position_validate

TIER_ALIASES = {
    "党群服务中心": Tier.CENTRE,
    "中心": Tier.CENTRE,
    "网格党群服务站": Tier.GRID_POSITION,
    "阵地": Tier.GRID_POSITION,
    "站点": Tier.GRID_POSITION,
    "微站点": Tier.MICRO_SITE,
}


@sheet_kind
class ServicePositionSheet(SheetKind):
    name = "service_positions"
    title = gettext_lazy("Import service positions")
    intro = gettext_lazy(
        "One row per Party-mass service centre, grid service position or micro-site, or a "
        "GeoJSON file of points. A centre serves a community (its code); a grid position serves "
        "an area grid and its parent is the community's centre; a micro-site serves a grid or a "
        "sub-grid under a grid position. The point must lie in the area served, as in the admin."
    )
    permission = "service_points.add_serviceposition"
    done_url = "service_points:list"
    geojson = True
    accept = ".xlsx,.csv,.geojson,.json"
    order = 60
    columns = (
        Column(
            "name",
            gettext_lazy("Position name"),
            "名称",
            required=True,
            example="光明社区党群服务中心",
        ),
        Column(
            "tier",
            gettext_lazy("Tier"),
            "层级",
            required=True,
            example="党群服务中心",
            help=gettext_lazy("党群服务中心, 网格党群服务站 or 微站点"),
        ),
        Column(
            "parent",
            gettext_lazy("Parent position"),
            "上级阵地",
            help=gettext_lazy("The parent's name (not for a centre)"),
        ),
        Column(
            "community",
            gettext_lazy("Community code"),
            "社区编码",
            example="440311001001",
            help=gettext_lazy("For a centre: the community it serves"),
        ),
        Column(
            "grid",
            gettext_lazy("Area grid code"),
            "网格编码",
            help=gettext_lazy("For a grid position or micro-site: the area grid it serves"),
        ),
        Column("subgrid", gettext_lazy("Sub-grid code"), "小分格编码"),
        Column("address", gettext_lazy("Address"), "地址", required=True, example="光明大道1号"),
        LON,
        LAT,
        Column("contact_name", gettext_lazy("Contact person"), "联系人"),
        Column(
            "contact_phone",
            gettext_lazy("Contact phone"),
            "联系电话",
            help=gettext_lazy("The position's public service phone"),
        ),
        Column("description", gettext_lazy("Description"), "简介"),
    )
    preview_headers = (
        gettext_lazy("Position name"),
        gettext_lazy("Tier"),
        gettext_lazy("Parent position"),
        gettext_lazy("Served area"),
    )

    def _area(self, values, lookups, errors):
        community = lookup(
            values,
            "community",
            lookups["communities"],
            _('Unknown community "%(value)s" (or outside your jurisdiction).'),
            errors,
        )
        grid = lookup(
            values,
            "grid",
            lookups["grids"],
            _('Unknown area grid "%(value)s" (or outside your jurisdiction).'),
            errors,
        )
        subgrid = lookup(
            values,
            "subgrid",
            lookups["subgrids"],
            _('Unknown sub-grid "%(value)s" (or outside your jurisdiction).'),
            errors,
        )
        return community, grid, subgrid

    def check(self, rows, *, user):
        lookups = {
            "communities": {
                c.code: c for c in scoped(Community.objects.current().defer("boundary"), user)
            },
            "grids": current_grids(user),
            "subgrids": {
                s.code: s
                for s in scoped(SubGrid.objects.current().defer("boundary"), user).select_related(
                    "grid"
                )
            },
            "positions": {
                p.name: p
                for p in scoped(ServicePosition.objects.all(), user).select_related("community")
            },
        }
        tiers = choice_table(Tier.choices, TIER_ALIASES)
        in_file: dict[str, ServicePosition] = {}
        centres_in_file: dict[int, int] = {}
        results = []
        for line, values in rows:
            errors = missing_errors(self.columns, values)
            name = text(values.get("name"))[:120]
            tier = tiers.get(text(values.get("tier")).lower())
            if text(values.get("tier")) and tier is None:
                errors.append(_('Unknown tier "%(value)s".') % {"value": text(values.get("tier"))})
            community, grid, subgrid = self._area(values, lookups, errors)
            parent_name = text(values.get("parent"))
            parent = in_file.get(parent_name) or lookups["positions"].get(parent_name)
            if parent_name and parent is None:
                errors.append(
                    _('Unknown parent position "%(value)s" (a row above, or one recorded).')
                    % {"value": parent_name}
                )
            if name in in_file or name in lookups["positions"]:
                errors.append(_("A service position of that name is already recorded."))
            location = point_of(values, errors)
            if location is None and not errors:
                errors.append(_("Give the position's longitude and latitude."))
            position = ServicePosition(
                name=name,
                tier=tier or "",
                parent=parent,
                community=community,
                grid=grid,
                subgrid=subgrid,
                address=text(values.get("address"))[:200],
                location=location,
                contact_name=text(values.get("contact_name"))[:40],
                contact_phone=text(values.get("contact_phone"))[:30],
                description=text(values.get("description")),
            )
            if not errors:
                errors.extend(self._rules(position, centres_in_file, line))
            if not errors:
                in_file[name] = position
            results.append(
                RowResult(
                    line=line,
                    values=values,
                    errors=errors,
                    obj=position,
                    display=[
                        name,
                        str(Tier(tier).label) if tier else text(values.get("tier")),
                        parent_name,
                        str(subgrid or grid or community or ""),
                    ],
                )
            )
        return results

    def _rules(self, position, centres_in_file, line) -> list[str]:
        """The admin's rules (position_validate, then the model's own), and one centre in service
        per community within the file too."""
        try:
            position_validate(position)
            position.full_clean(exclude=["parent"] if position.parent_id is None else [])
        except ValidationError as error:
            return list(error.messages)
        if position.tier == Tier.CENTRE:
            if position.community_id in centres_in_file:
                return [
                    _("This community already has a centre on row %(line)s.")
                    % {"line": centres_in_file[position.community_id]}
                ]
            centres_in_file[position.community_id] = line
        return []

    @transaction.atomic
    def write(self, rows, *, user):
        saved: dict[str, ServicePosition] = {}
        for row in rows:
            position = row.obj
            if position.parent is not None and position.parent_id is None:
                # A parent from a row above: saved just now, its id set on assignment.
                position.parent = saved[position.parent.name]
            position_save(position=position)
            saved[position.name] = position
        return len(rows)
