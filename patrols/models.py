"""Grid patrols: which key places each grid visits how often, patrols with check-ins at those
places (position recorded and checked against the place), and findings that become requests or
are handled on the spot."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import PrivateImageField
from core.uploads import RandomName


class PatrolPlan(models.Model):
    jurisdiction_field = "grid"

    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        related_name="patrol_plans",
        verbose_name=_("area grid"),
    )
    key_place = models.ForeignKey(
        "grids.KeyPlace",
        on_delete=models.CASCADE,
        related_name="patrol_plans",
        verbose_name=_("key place"),
    )
    frequency_days = models.PositiveSmallIntegerField(
        pgettext_lazy("patrol plan", "visit every (days)"), default=7
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("patrol plan entry")
        verbose_name_plural = _("patrol plans")
        ordering = ["grid__code", "key_place__name"]
        constraints = [
            models.UniqueConstraint(fields=["key_place"], name="patrols_one_plan_per_place"),
            models.CheckConstraint(
                name="patrols_plan_frequency_positive", condition=Q(frequency_days__gte=1)
            ),
        ]

    def __str__(self):
        return f"{self.key_place} · {self.frequency_days}"


class Patrol(models.Model):
    jurisdiction_field = "grid"

    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        related_name="patrols",
        verbose_name=_("area grid"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="patrols",
        verbose_name=_("grid worker"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    track = models.LineStringField(_("track"), srid=4326, null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        # Patrols of a period across an area (monthly report, coverage page, dashboards).
        indexes = [models.Index(fields=["started_at"], name="patrols_patrol_started_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(ended_at__isnull=True),
                name="patrols_one_open_patrol_per_worker",
            ),
            models.CheckConstraint(
                name="patrols_period",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
            ),
        ]

    def __str__(self):
        return f"{self.worker} · {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class CheckIn(models.Model):
    jurisdiction_field = "patrol__grid"

    patrol = models.ForeignKey(
        Patrol, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("patrol")
    )
    key_place = models.ForeignKey(
        "grids.KeyPlace",
        on_delete=models.PROTECT,
        related_name="check_ins",
        verbose_name=_("key place"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    position = models.PointField(pgettext_lazy("where", "position"), srid=4326)
    distance_m = models.FloatField(_("distance from the place (m)"))

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["key_place", "-at"]),
            models.Index(fields=["at"], name="patrols_checkin_at_idx"),  # a month's check-ins
        ]

    def __str__(self):
        return f"{self.key_place} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class Finding(models.Model):
    class Kind(models.TextChoices):
        HAZARD = "hazard", _("safety hazard")
        ILLEGAL_STRUCTURE = "illegal_structure", _("illegal structure")
        RUBBISH = "rubbish", _("rubbish")
        FIRE_RISK = "fire_risk", _("fire risk")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        OPEN = "open", _("not yet decided")
        SELF_HANDLED = "self_handled", _("handled on the spot")
        REPORTED = "reported", _("reported as a request")

    jurisdiction_field = "grid"

    patrol = models.ForeignKey(
        Patrol, on_delete=models.CASCADE, related_name="findings", verbose_name=_("patrol")
    )
    grid = models.ForeignKey(
        "grids.AreaGrid", on_delete=models.PROTECT, related_name="+", verbose_name=_("area grid")
    )
    key_place = models.ForeignKey(
        "grids.KeyPlace",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("key place"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"))
    position = models.PointField(
        pgettext_lazy("where", "position"), srid=4326, null=True, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.OPEN
    )
    handled_note = models.CharField(_("how it was handled"), max_length=300, blank=True)
    request = models.ForeignKey(
        "requests_desk.Request",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patrol_findings",
        verbose_name=_("request"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="patrols_finding_created_idx")]
        constraints = [
            models.CheckConstraint(
                name="patrols_self_handled_has_note",
                condition=~Q(outcome="self_handled") | ~Q(handled_note=""),
            ),
            models.CheckConstraint(
                name="patrols_reported_has_request",
                condition=~Q(outcome="reported") | Q(request__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.description[:30]}"


class FindingPhoto(models.Model):
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="photos", verbose_name=_("finding")
    )
    image = PrivateImageField(_("photo"), upload_to=RandomName("patrols/findings"))

    class Meta:
        verbose_name = _("finding photo")
        verbose_name_plural = _("finding photos")
