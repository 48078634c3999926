"""Monthly reports: immutable snapshots of each area's figures for one month.

A report row is never updated (a database trigger refuses UPDATE): regenerating a month writes a
new version beside the old ones. The numbers are a JSON document {section: {metric: value}}
produced by the sections registered in core.report_registry.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.hierarchy import AREA_LEVEL_CHOICES
from grids.models import AreaKeys


class ReportRun(models.Model):
    """One generation of a month's reports for every area (started by beat or by staff)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", pgettext_lazy("report run", "failed")

    period = models.DateField(_("month"), help_text=_("First day of the month."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    total_steps = models.PositiveIntegerField(_("steps"), default=0)
    done_steps = models.PositiveIntegerField(_("steps done"), default=0)
    reports_created = models.PositiveIntegerField(_("reports created"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period__day=1), name="report_run_first_day"),
        ]

    def __str__(self):
        return f"{self.period:%Y-%m} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done_steps / self.total_steps) if self.total_steps else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Report(AreaKeys):
    """One area's figures for one month, as generated at `generated_at` by `code_version`."""

    run = models.ForeignKey(
        ReportRun, on_delete=models.PROTECT, related_name="reports", verbose_name=_("run")
    )
    period = models.DateField(_("month"))
    level = models.CharField(_("level"), max_length=10, choices=AREA_LEVEL_CHOICES)
    node_code = models.CharField(_("area code"), max_length=16)
    node_name = models.CharField(_("area"), max_length=100)
    # The area and its ancestors (AreaKeys, for jurisdiction scoping): a street's report has
    # district and street set, a grid's report all four.
    district = models.ForeignKey(
        "grids.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    version = models.PositiveIntegerField(_("version"))
    numbers = models.JSONField(_("figures"))
    generated_at = models.DateTimeField(_("generated at"))
    code_version = models.CharField(_("code version"), max_length=80)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-period", "level", "node_code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "level", "node_code", "version"],
                name="report_one_row_per_version",
            ),
            models.CheckConstraint(condition=models.Q(period__day=1), name="report_first_day"),
        ]
        indexes = [models.Index(fields=["level", "node_code", "period"])]

    def __str__(self):
        return f"{self.node_name} {self.period:%Y-%m} v{self.version}"

    @property
    def node_id(self):
        return getattr(self, f"{self.level}_id")


class ReportSubscription(models.Model):
    """A staff member who receives their area's monthly report by e-mail (.xlsx attached)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscription",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self):
        return str(self.user)
