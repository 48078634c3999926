"""The administrative hierarchy: district → street → community → area grid → sub-grid.

Each node is versioned by validity dates: redrawing a grid closes the old row (valid_to) and adds a
new one with the same code, so requests filed earlier keep pointing at the grid that existed then.
At most one row per code is current (valid_to is null).
"""

import datetime

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.hierarchy import Level
from core.periods import InForceQuerySet

DEFAULT_VALID_FROM = datetime.date(2019, 1, 1)


class HierarchyQuerySet(InForceQuerySet):
    """`in_force(on)`: the versions in force on `on` (valid_from <= on < valid_to)."""

    start_field = "valid_from"
    end_field = "valid_to"

    def current(self):
        """The newest version of each code (still open: no valid_to)."""
        return self.filter(valid_to__isnull=True)


class HierarchyNode(models.Model):
    LEVEL: str = ""
    # Lookup from this node to the primary key of each level at or above it (used by jurisdiction).
    PATH_TO: dict[str, str] = {}

    code = models.CharField(_("code"), max_length=16, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)
    valid_from = models.DateField(_("valid from"), default=DEFAULT_VALID_FROM)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    objects = HierarchyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @classmethod
    def constraints_for(cls, prefix: str):
        return [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name=f"{prefix}_one_current_code",
            ),
            models.UniqueConstraint(fields=["code", "valid_from"], name=f"{prefix}_code_version"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name=f"{prefix}_valid_period",
            ),
        ]


class PopulatedNode(HierarchyNode):
    population = models.PositiveIntegerField(_("population"), default=0)
    households = models.PositiveIntegerField(_("household count"), default=0)

    class Meta(HierarchyNode.Meta):
        abstract = True


class District(HierarchyNode):
    LEVEL = Level.DISTRICT
    PATH_TO = {"district": "id"}

    class Meta(HierarchyNode.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = HierarchyNode.constraints_for("district")


class Street(HierarchyNode):
    LEVEL = Level.STREET
    PATH_TO = {"district": "district_id", "street": "id"}

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="streets", verbose_name=_("district")
    )

    class Meta(HierarchyNode.Meta):
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        constraints = HierarchyNode.constraints_for("street")


class Community(PopulatedNode):
    LEVEL = Level.COMMUNITY
    PATH_TO = {"district": "street__district_id", "street": "street_id", "community": "id"}

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street")
    )

    class Meta(PopulatedNode.Meta):
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = HierarchyNode.constraints_for("community")


class AreaGrid(PopulatedNode):
    LEVEL = Level.GRID
    PATH_TO = {
        "district": "community__street__district_id",
        "street": "community__street_id",
        "community": "community_id",
        "grid": "id",
    }

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )

    class Meta(PopulatedNode.Meta):
        verbose_name = _("area grid")
        verbose_name_plural = _("area grids")
        constraints = HierarchyNode.constraints_for("areagrid")

    def current_grid_head(self):
        """The grid head's assignment today, or None. Use selectors for lists (one query)."""
        return self.assignments.current_grid_heads().select_related("user").first()


class SubGrid(PopulatedNode):
    LEVEL = Level.SUBGRID
    PATH_TO = {
        "district": "grid__community__street__district_id",
        "street": "grid__community__street_id",
        "community": "grid__community_id",
        "grid": "grid_id",
        "subgrid": "id",
    }

    grid = models.ForeignKey(
        AreaGrid, on_delete=models.PROTECT, related_name="subgrids", verbose_name=_("area grid")
    )

    class Meta(PopulatedNode.Meta):
        verbose_name = _("sub-grid")
        verbose_name_plural = _("sub-grids")
        constraints = HierarchyNode.constraints_for("subgrid")


# Level → its model (every level of core.hierarchy.LEVELS).
NODE_MODELS: dict[str, type[HierarchyNode]] = {
    model.LEVEL: model for model in (District, Street, Community, AreaGrid, SubGrid)
}


class AreaKeys(models.Model):
    """Keys to the street, community and area grid an object belongs to, and the jurisdiction
    paths over them (with the subclass's own `district` key: required on a report, optional on a
    user). Each of the three is optional: an object at street level has no community or grid.

    An object that stores its area and every ancestor (a grid's report has all four keys) is
    scoped by these paths. A model whose objects set only their own node's key (a user bound to a
    community has no street key) defines `jurisdiction_q` instead, which scoping prefers."""

    jurisdiction_paths = {
        "district": "district_id",
        "street": "street_id",
        "community": "community_id",
        "grid": "grid_id",
    }

    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        AreaGrid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area grid"),
    )

    class Meta:
        abstract = True


class KeyPlace(models.Model):
    """A place grid workers patrol: an estate, an industrial park, a building site…"""

    class Kind(models.TextChoices):
        RESIDENTIAL_ESTATE = "residential_estate", _("residential estate")
        INDUSTRIAL_PARK = "industrial_park", _("industrial park")
        BUILDING_SITE = "building_site", _("building site")
        SCHOOL = "school", _("school")
        MARKET = "market", _("market")
        OTHER = "other", _("other")

    jurisdiction_field = "grid"

    grid = models.ForeignKey(
        AreaGrid, on_delete=models.PROTECT, related_name="key_places", verbose_name=_("area grid")
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("key place")
        verbose_name_plural = _("key places")
        ordering = ["grid__code", "name"]
        indexes = [models.Index(fields=["grid", "kind"])]

    def __str__(self):
        return self.name


class GridAssignmentQuerySet(InForceQuerySet):
    """`in_force(on)`: the assignments in force on `on`; `end_date` is the last day worked."""

    end_is_last_day = True

    def current_grid_heads(self, on: datetime.date | None = None):
        """The grid-head assignments in force on `on`, newest first (one per grid by rule)."""
        return self.in_force(on).filter(role=GridAssignment.Role.GRID_HEAD).order_by("-start_date")


class GridAssignment(models.Model):
    """A person working in an area grid for a period: grid head, grid worker or sent-down staff."""

    class Role(models.TextChoices):
        GRID_HEAD = "grid_head", _("grid head")
        GRID_WORKER = "grid_worker", _("grid worker")
        SENT_DOWN_STAFF = "sent_down_staff", _("staff sent down from the street or community")

    jurisdiction_field = "grid"

    grid = models.ForeignKey(
        AreaGrid, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("area grid")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grid_assignments",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = GridAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid staff assignment")
        verbose_name_plural = _("grid staff assignments")
        ordering = ["grid__code", "role", "-start_date"]
        constraints = [
            # One open-ended grid head per grid; overlapping dated periods are refused by
            # grids.services.assignment_create, which every write path uses.
            models.UniqueConstraint(
                fields=["grid"],
                condition=Q(role="grid_head", end_date__isnull=True),
                name="one_open_grid_head_per_grid",
                violation_error_message=_("An area grid has one grid head at a time."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_period",
            ),
        ]

    def __str__(self):
        return f"{self.grid.name} · {self.get_role_display()} · {self.user}"
