"""Users and their roles. Each user with a role is bound to exactly one node of the hierarchy."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVELS
from grids.jurisdiction import Jurisdiction
from grids.models import NODE_MODELS, AreaKeys


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("district admin")
    STREET_STAFF = "street_staff", _("street staff")
    COMMUNITY_STAFF = "community_staff", _("community staff")
    GRID_HEAD = "grid_head", _("grid head")
    GRID_WORKER = "grid_worker", _("grid worker")
    PARTY_MEMBER = "party_member", _("Party member")


# The hierarchy level each role is bound to.
ROLE_LEVEL = {
    Role.DISTRICT_ADMIN: "district",
    Role.STREET_STAFF: "street",
    Role.COMMUNITY_STAFF: "community",
    Role.GRID_HEAD: "grid",
    Role.GRID_WORKER: "grid",
    Role.PARTY_MEMBER: "grid",
}
# Roles that work in the admin site (Django's is_staff).
ADMIN_SITE_ROLES = {Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF}
# Roles that see the staff pages (queues, dashboards).
STAFF_ROLES = ADMIN_SITE_ROLES | {Role.GRID_HEAD, Role.GRID_WORKER}


def _bound_to(level):
    fields = {
        "district": Q(district__isnull=False),
        "street": Q(street__isnull=False),
        "community": Q(community__isnull=False),
        "grid": Q(grid__isnull=False),
    }
    condition = fields[level]
    for other, other_condition in fields.items():
        if other != level:
            condition &= ~other_condition
    return condition


class User(AbstractUser, AreaKeys):
    # Bound to one node (AreaKeys' street/community/grid, or district below): only that node's
    # key is set, so users are scoped by jurisdiction_q, not by AreaKeys' paths.
    jurisdiction_paths = None

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    district = models.ForeignKey(
        "grids.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    care_role = models.BooleanField(
        _("care role"),
        default=False,
        help_text=_(
            "Community staff who may see vulnerable residents' records in their community."
        ),
    )
    may_reveal_personal_data = models.BooleanField(
        _("may reveal personal data"),
        default=False,
        help_text=_(
            "May show full phone and ID numbers after stating a purpose; every reveal is logged."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_bound_to_one_node_matching_role",
                condition=(
                    (
                        Q(role="")
                        & Q(district__isnull=True)
                        & Q(street__isnull=True)
                        & Q(community__isnull=True)
                        & Q(grid__isnull=True)
                    )
                    | (Q(role=Role.DISTRICT_ADMIN) & _bound_to("district"))
                    | (Q(role=Role.STREET_STAFF) & _bound_to("street"))
                    | (Q(role=Role.COMMUNITY_STAFF) & _bound_to("community"))
                    | (
                        Q(role__in=[Role.GRID_HEAD, Role.GRID_WORKER, Role.PARTY_MEMBER])
                        & _bound_to("grid")
                    )
                ),
            )
        ]

    def __str__(self):
        full_name = f"{self.last_name}{self.first_name}".strip()
        return full_name or self.username

    @classmethod
    def jurisdiction_q(cls, jurisdiction: Jurisdiction) -> Q:
        """Users bound at or below the given node (a user may sit at any level)."""
        condition = Q(pk__in=[])
        for level in AREA_LEVELS:
            lookup = NODE_MODELS[level].PATH_TO.get(jurisdiction.level)
            if lookup is not None:
                target = f"{level}_id" if lookup == "id" else f"{level}__{lookup}"
                condition |= Q(**{target: jurisdiction.node_id})
        return condition

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def jurisdiction(self) -> Jurisdiction | None:
        if not self.role:
            return None
        level = ROLE_LEVEL[self.role]
        return Jurisdiction(level, getattr(self, f"{level}_id"))

    @property
    def is_staff_role(self) -> bool:
        return self.is_superuser or self.role in STAFF_ROLES

    @property
    def node(self):
        if not self.role:
            return None
        return getattr(self, ROLE_LEVEL[self.role])
