"""The "Guangming Rainbow" volunteer action (DOMAIN.md §4): registration of Party members with
their community, the needs list, activities, sign-ups, service hours and teams."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lookups import TranslatedName

AREA_PATHS = {
    "district": "community__street__district_id",
    "street": "community__street_id",
    "community": "community_id",
    "grid": "grid_id",
}


class Registration(models.Model):
    """A member's registration (报到) with a community and grid; re-confirmed periodically."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting approval")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        WITHDRAWN = "withdrawn", _("withdrawn")

    jurisdiction_paths = AREA_PATHS

    member = models.ForeignKey(
        "party_branches.PartyMember",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("member"),
    )
    community = models.ForeignKey(
        "grids.Community",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("area grid"),
    )
    skills = models.CharField(
        _("skills"),
        max_length=200,
        blank=True,
        help_text=_("What you can offer, e.g. first aid, legal advice."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    confirmed_on = models.DateField(
        _("last confirmed"),
        null=True,
        blank=True,
        help_text=_("Approval or the latest re-confirmation."),
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["submitted", "approved"]),
                name="one_open_registration_per_member",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(confirmed_on__isnull=False),
                name="approved_registration_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="returned_registration_has_reason",
            ),
        ]
        # Covers "does this member have a current registration" (EXISTS per member in the
        # registration-rate aggregates): with (status, confirmed_on) first, SQLite scanned every
        # approved registration for each member.
        indexes = [
            models.Index(
                fields=["member", "status", "confirmed_on"], name="registration_member_current"
            )
        ]

    def __str__(self):
        return f"{self.member} → {self.grid.name}"


class NeedsListItem(models.Model):
    """An item on a community's needs list: a resident's small wish (微心愿) or a service on offer,
    which a registered member takes up (认领). Not to be confused with care.HouseholdNeed, a need
    raised on a household visit."""

    class Kind(models.TextChoices):
        SMALL_WISH = "small_wish", _("small wish")
        SERVICE = "service", _("service offered")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        TAKEN = "taken", _("taken up")
        DONE = "done", _("done")

    jurisdiction_paths = AREA_PATHS

    community = models.ForeignKey(
        "grids.Community",
        on_delete=models.PROTECT,
        related_name="volunteer_needs",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_needs",
        verbose_name=_("area grid"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    requester = models.CharField(
        _("for whom"),
        max_length=60,
        blank=True,
        help_text=_("Surname and household, e.g. 王阿姨 (no phone numbers)."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    taken_by = models.ForeignKey(
        "party_branches.PartyMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs_taken",
        verbose_name=_("taken up by"),
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    taken_at = models.DateTimeField(_("taken up"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("needs-list item")
        verbose_name_plural = _("needs list")
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(taken_by__isnull=False), name="need_taken_has_member"
            ),
        ]

    def __str__(self):
        return self.title


class ActivityCategory(TranslatedName):
    """Categories are data (seeded from DOMAIN.md §4 by a data migration)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("activity category")
        verbose_name_plural = _("activity categories")
        ordering = ["order", "code"]


class Activity(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open for sign-up")
        CANCELLED = "cancelled", _("cancelled")
        CERTIFIED = "certified", _("record certified")

    jurisdiction_paths = AREA_PATHS

    title = models.CharField(_("title"), max_length=120)
    category = models.ForeignKey(
        ActivityCategory,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("category"),
    )
    community = models.ForeignKey(
        "grids.Community",
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
        verbose_name=_("organising community"),
    )
    organiser_branch = models.ForeignKey(
        "party_branches.PartyBranch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_activities",
        verbose_name=_("organising branch"),
        help_text=_("Empty when the community organises it."),
    )
    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_activities",
        verbose_name=_("area grid"),
    )
    place = models.ForeignKey(
        "service_points.ServicePosition",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_activities",
        verbose_name=_("place"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    required_skills = models.CharField(_("required skills"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    qr_token = models.UUIDField(_("check-in code"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certified by"),
    )

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
        ]
        indexes = [models.Index(fields=["community", "starts_at"])]

    def __str__(self):
        return self.title

    @property
    def organiser_label(self):
        return self.organiser_branch.name if self.organiser_branch_id else self.community.name


class SignUp(models.Model):
    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        CANCELLED = "cancelled", _("cancelled")

    jurisdiction_paths = {level: f"activity__{path}" for level, path in AREA_PATHS.items()}

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="signups", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        "party_branches.PartyMember",
        on_delete=models.PROTECT,
        related_name="signups",
        verbose_name=_("member"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SIGNED_UP
    )
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    check_method = models.CharField(
        _("check-in method"),
        max_length=10,
        blank=True,
        choices=[("staff", _("staff confirmation")), ("qr", _("QR code"))],
    )
    hours = models.DecimalField(_("service hours"), max_digits=5, decimal_places=1, default=0)
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=Q(status="signed_up"),
                name="one_signup_per_member_and_activity",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=models.F("checked_in_at")),
                name="signup_checkout_after_checkin",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="signup_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["member", "certified_at"])]

    def __str__(self):
        return f"{self.member} · {self.activity}"


class Team(models.Model):
    jurisdiction_paths = AREA_PATHS

    name = models.CharField(_("name"), max_length=120)
    community = models.ForeignKey(
        "grids.Community",
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_teams",
        verbose_name=_("area grid"),
        help_text=_("Empty for a community-wide team."),
    )
    leader = models.ForeignKey(
        "party_branches.PartyMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams_led",
        verbose_name=_("leader"),
    )
    members = models.ManyToManyField(
        "party_branches.PartyMember",
        blank=True,
        related_name="volunteer_teams",
        verbose_name=_("members"),
    )
    founded_on = models.DateField(_("founded on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["community__code", "name"]

    def __str__(self):
        return self.name
