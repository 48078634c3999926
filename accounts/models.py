"""Users and their roles. Each user with a role is bound to exactly one node of the hierarchy.

Also: the one-time links and SMS codes with which an account's owner sets a password
(PasswordToken), and the staff .xlsx uploads waiting between preview and import
(StaffImportBatch).
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVELS
from grids.jurisdiction import Jurisdiction
from grids.models import NODE_MODELS, AreaKeys
from privacy.crypto import EncryptedTextField


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
# Rank of each hierarchy level: a user manages accounts only at a strictly lower level.
LEVEL_RANK = {"district": 0, "street": 1, "community": 2, "grid": 3}
# Roles that work in the admin site (Django's is_staff) and manage the accounts below them.
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
    def manages_accounts(self) -> bool:
        """District admins, street and community staff create and look after the accounts of
        the levels below them (accounts.rules)."""
        return self.is_superuser or self.role in ADMIN_SITE_ROLES

    @property
    def may_sign_in(self) -> bool:
        """Active accounts with a role (or superusers). A roleless account has no jurisdiction
        and nobody who looks after it, so it cannot sign in by password, session or token."""
        return self.is_active and (self.is_superuser or bool(self.role))

    @property
    def requires_second_factor(self) -> bool:
        """Accounts that may see full personal data confirm each sign-in with a TOTP code."""
        return self.is_superuser or self.may_reveal_personal_data

    @property
    def node(self):
        if not self.role:
            return None
        return getattr(self, ROLE_LEVEL[self.role])


class PasswordTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class PasswordToken(models.Model):
    """A one-time way for an account's owner to set a password.

    A *link* is made when an account is created (activation), when a higher-level admin issues a
    new one, or when its owner asks for a reset by e-mail; an *SMS code* when its owner asks for a
    reset by SMS. Only a digest of the secret is stored: the secret itself is shown once to the
    person who made it, or sent, and never kept. A token is used once; issuing a new one for the
    same account ends the earlier ones.
    """

    class Kind(models.TextChoices):
        LINK = "link", _("one-time link")
        SMS_CODE = "sms_code", _("SMS code")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_tokens",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used or ended"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    objects = PasswordTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("password link or code")
        verbose_name_plural = _("password links and codes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "kind", "used_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user}"


class StaffImportBatch(models.Model):
    """An uploaded staff .xlsx between its preview and its import. The file holds names and
    phone numbers, so it is kept encrypted in the database (never under MEDIA_ROOT), emptied
    once imported and deleted when the import is abandoned; batches left unimported are deleted
    after a day (accounts.staff_import)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content = EncryptedTextField(_("file content"), blank=True)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("accounts created"), default=0)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"
