"""Residents' requests (诉求) and the cases they become (案件), per DOMAIN.md §3.

A Request carries its place in the hierarchy denormalised (street, community, grid) so that queues
and indicators over a million rows filter on indexed columns of one table. Categories, time limits,
departments and the holiday calendar are data. The state machine lives in requests_desk/flow.py;
every transition writes a RequestEvent (the timeline).
"""

import datetime
import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import PrivateImageField
from core.lookups import TranslatedName
from core.uploads import RandomName
from privacy.crypto import EncryptedTextField

# Tracking codes: no 0/O, 1/I/L, so a resident can read one out on the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def random_code(length: int, alphabet: str = CODE_ALPHABET) -> str:
    """`length` characters of `alphabet`, every string equally likely, from the system's secure
    randomness: one number below len(alphabet) ** length, written in that base. (secrets.choice
    for each character reads the system's randomness once per character: a fifth of the time.)"""
    base = len(alphabet)
    number = secrets.randbelow(base**length)
    chars = []
    for _position in range(length):
        number, digit = divmod(number, base)
        chars.append(alphabet[digit])
    return "".join(chars)


def new_tracking_code() -> str:
    return random_code(CODE_LENGTH)


class Department(models.Model):
    """A functional department a case can be dispatched to (城管, 水务, 交通…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("functional department")
        verbose_name_plural = _("functional departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Category(TranslatedName):
    """Two levels: a top class (parent null) and its sub-classes, which carry the time limit."""

    class Kind(models.TextChoices):
        EVENT = "event", _("event")
        COMPONENT = "component", _("component")

    class LimitUnit(models.TextChoices):
        HOURS = "hours", _("working hours")
        DAYS = "days", _("working days")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("top class"),
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    limit_amount = models.PositiveIntegerField(_("time limit"), null=True, blank=True)
    limit_unit = models.CharField(
        _("time limit unit"), max_length=5, choices=LimitUnit.choices, default=LimitUnit.HOURS
    )
    default_department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner unit"),
        help_text=_("Components go first to their owner unit (DOMAIN.md routing rule)."),
    )
    # Extra questions (Open311 attributes): [{"code": "...", "description": "...",
    # "datatype": "string|number|datetime|text|singlevaluelist|multivaluelist",
    # "required": bool, "values": [{"key": "...", "name": "..."}]}]
    attributes = models.JSONField(_("extra questions"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "order", "code"]
        constraints = [
            models.CheckConstraint(
                name="category_subclass_has_limit",
                condition=Q(parent__isnull=True)
                | Q(limit_amount__isnull=False, limit_amount__gt=0),
            ),
        ]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.label} / {self.label}"
        return self.label

    @property
    def is_subclass(self) -> bool:
        return self.parent_id is not None

    def limit_display(self) -> str:
        if not self.limit_amount:
            return ""
        return f"{self.limit_amount} {self.get_limit_unit_display()}"


# The categories' change mark (migration requests_desk 0014: triggers on the category table), as
# a scalar subquery a caller may put into a statement it makes anyway (core.change_marks).
CATEGORIES_MARK_SQL = "(SELECT version FROM requests_desk_categories_mark)"


class Holiday(models.Model):
    """A calendar exception: a weekday off (public holiday) or a weekend working day (调休)."""

    class Kind(models.TextChoices):
        OFF = "off", _("day off")
        WORKDAY = "workday", _("make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.OFF)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class HolidayCalendarYear(models.Model):
    """A year whose official schedule (every day off and make-up working day) is in the holiday
    calendar. The calendar covers time up to the end of the last such year: a deadline that falls
    later is flagged "calendar missing" (requests_desk.worktime), and the district admins are
    reminded before the end comes (requests_desk.reminders)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        verbose_name = _("holiday calendar year")
        verbose_name_plural = _("holiday calendar years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="holiday_year_plausible", condition=Q(year__gte=2000, year__lte=2100)
            )
        ]

    def __str__(self):
        return str(self.year)


def holiday_calendar_covered_until() -> datetime.date | None:
    """The last day the holiday calendar covers (31 December of its last year), or None."""
    last = HolidayCalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    return datetime.date(last, 12, 31) if last else None


class Open311Client(models.Model):
    """A client application allowed to post requests through Open311. Only a hash of its key is
    stored; the key itself is shown once when issued."""

    name = models.CharField(_("client name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Stage(models.TextChoices):
    """The stages of a case (DOMAIN.md §3; the moves between them are requests_desk/flow.py).

    The groups below are the one definition of each set of stages; they are set right after the
    class because an enum's members do not exist yet inside its body."""

    REPORTED = "reported", pgettext_lazy("request stage", "reported")
    ACCEPTED = "accepted", pgettext_lazy("request stage", "accepted")
    CANCELLED = "cancelled", pgettext_lazy("request stage", "cancelled")
    FILED = "filed", pgettext_lazy("request stage", "filed")
    DISPATCHED = "dispatched", pgettext_lazy("request stage", "dispatched")
    HANDLING = "handling", pgettext_lazy("request stage", "being handled")
    FEEDBACK = "feedback", pgettext_lazy("request stage", "handling reported")
    VERIFIED = "verified", pgettext_lazy("request stage", "verified on site")
    CLOSED = "closed", pgettext_lazy("request stage", "closed")
    CARRIED_OVER = "carried_over", pgettext_lazy("request stage", "carried over")
    MERGED = "merged", pgettext_lazy("request stage", "merged")

    # Still to be resolved: the queue's "all open", the dashboards' open loads.
    OPEN: ClassVar[tuple["Stage", ...]]
    # Finished: nothing more happens (Open311 reports these as "closed").
    TERMINAL: ClassVar[tuple["Stage", ...]]
    # The handling clock runs: the time limit applies (overdue, nearly due).
    CLOCK: ClassVar[tuple["Stage", ...]]
    # Waiting for the grid head (or staff above) to act: accept, file, dispatch, verify, close.
    WAITING: ClassVar[tuple["Stage", ...]]
    # The steps of the resident's progress bar on the public status page, in order.
    PUBLIC_STEPS: ClassVar[tuple["Stage", ...]]
    # Moving into one of these tells a resident who consented (requests_desk/notices.py).
    NOTIFY_RESIDENT: ClassVar[tuple["Stage", ...]]


Stage.OPEN = (
    Stage.REPORTED,
    Stage.ACCEPTED,
    Stage.FILED,
    Stage.DISPATCHED,
    Stage.HANDLING,
    Stage.FEEDBACK,
    Stage.VERIFIED,
    Stage.CARRIED_OVER,
)
Stage.TERMINAL = (Stage.CLOSED, Stage.CANCELLED, Stage.MERGED)
Stage.CLOCK = (Stage.DISPATCHED, Stage.HANDLING)
Stage.WAITING = (Stage.REPORTED, Stage.ACCEPTED, Stage.FILED, Stage.FEEDBACK, Stage.VERIFIED)
Stage.PUBLIC_STEPS = (
    Stage.REPORTED,
    Stage.ACCEPTED,
    Stage.FILED,
    Stage.DISPATCHED,
    Stage.HANDLING,
    Stage.FEEDBACK,
    Stage.VERIFIED,
    Stage.CLOSED,
)
Stage.NOTIFY_RESIDENT = (
    Stage.ACCEPTED,
    Stage.CANCELLED,
    Stage.DISPATCHED,
    Stage.FEEDBACK,
    Stage.CLOSED,
    Stage.CARRIED_OVER,
    Stage.MERGED,
)


def nearly_due_until(now):
    """The end of the "nearly due" window that starts at `now` (conf.NEARLY_DUE_HOURS)."""
    from requests_desk.conf import conf

    return now + datetime.timedelta(hours=conf.NEARLY_DUE_HOURS)


# The one definition of "overdue" and "nearly due" (DOMAIN.md §3): the handling clock runs and the
# deadline has passed / falls in [now, now + NEARLY_DUE_HOURS). Queue filters, badges, the API,
# dashboards, reminders and indicators all use these.
def overdue_q(now) -> Q:
    return Q(stage__in=Stage.CLOCK, due_at__lt=now)


def nearly_due_q(now) -> Q:
    return Q(stage__in=Stage.CLOCK, due_at__gte=now, due_at__lt=nearly_due_until(now))


# The same predicates for a request's columns read without an instance (the queue's rows).
def is_overdue(stage: str, due_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    return bool(stage in Stage.CLOCK and due_at and due_at < now)


def is_nearly_due(
    stage: str,
    due_at: datetime.datetime | None,
    now: datetime.datetime,
    until: datetime.datetime | None = None,
) -> bool:
    """`until`: nearly_due_until(now), when the caller computed it for many rows."""
    if not (stage in Stage.CLOCK and due_at):
        return False
    return now <= due_at < (until or nearly_due_until(now))


def is_calendar_missing(stage: str, due_calendar_missing: bool) -> bool:
    return bool(stage in Stage.CLOCK and due_calendar_missing)


def due_flags(now: datetime.datetime):
    """(is_overdue, is_nearly_due, is_calendar_missing) of a row's (stage, due_at,
    due_calendar_missing) at `now`, for many rows: the window's end computed once."""
    until = nearly_due_until(now)

    def flags(stage: str, due_at: datetime.datetime | None, calendar_missing: bool) -> tuple:
        return (
            is_overdue(stage, due_at, now),
            is_nearly_due(stage, due_at, now, until),
            is_calendar_missing(stage, calendar_missing),
        )

    return flags


def calendar_missing_q() -> Q:
    """The handling clock runs towards a deadline computed past the holiday calendar."""
    return Q(stage__in=Stage.CLOCK, due_calendar_missing=True)


class RequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(stage__in=Stage.OPEN)

    def overdue(self, now=None):
        return self.filter(overdue_q(now or timezone.now()))

    def nearly_due(self, now=None):
        return self.filter(nearly_due_q(now or timezone.now()))

    def with_due_flags(self, now=None):
        """Annotate flag_overdue and flag_nearly_due (the queue's badges), computed by the
        database with the same predicates as overdue() and nearly_due()."""
        now = now or timezone.now()
        return self.annotate(
            flag_overdue=Case(
                When(overdue_q(now), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            flag_nearly_due=Case(
                When(nearly_due_q(now), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            flag_calendar_missing=Case(
                When(calendar_missing_q(), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )


class Request(models.Model):
    class Source(models.TextChoices):
        RESIDENT_FORM = "resident_form", _("resident form")
        GRID_PATROL = "grid_patrol", _("grid patrol")
        HOTLINE = "hotline", _("hotline 12345")
        REGISTERED_MEMBER = "registered_member", _("registered Party member")
        REFERRAL = "referral", _("referral from above")
        HOUSEHOLD_VISIT = "household_visit", _("household visit")
        OPEN311 = "open311", _("Open311 client")

    class ClosureType(models.TextChoices):
        NORMAL = "normal", _("normal")
        OVERDUE = "overdue", _("overdue")
        ERRONEOUS = "erroneous", _("erroneous")
        SPECIAL = "special", _("special")

    class Target(models.TextChoices):
        GRID_WORKER = "grid_worker", _("grid worker")
        GRID_HEAD = "grid_head", _("grid head")
        COMMUNITY = "community", _("community")
        STREET = "street", _("street office")
        DEPARTMENT = "department", _("functional department")

    jurisdiction_paths = {
        "district": "street__district_id",
        "street": "street_id",
        "community": "community_id",
        "grid": "grid_id",
    }

    code = models.CharField(
        _("tracking code"), max_length=16, unique=True, default=new_tracking_code, editable=False
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # The foreign keys have no index of their own (db_index=False): each is the first column of
    # one in Meta.indexes, partial where the column is mostly empty (issue 17: every INSERT
    # maintains every index of a million-row table).
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("category"),
        db_index=False,
    )
    # GeoReport v2: optional, up to 4,000 characters (the resident form asks for at least 5).
    description = models.TextField(_("description"), max_length=4000, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # GeoReport's address_id: the id of a known place (grids.KeyPlace) the request was placed at.
    address_id = models.CharField(_("place id"), max_length=40, blank=True)
    street = models.ForeignKey(
        "grids.Street",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("street"),
        db_index=False,
    )
    community = models.ForeignKey(
        "grids.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community"),
        db_index=False,
    )
    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area grid"),
        db_index=False,
    )
    # Personal data: encrypted, masked on staff pages, never on public pages or Open311.
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True)
    reporter_email = EncryptedTextField(_("reporter's e-mail"), blank=True)
    # The reporter's account at the Open311 client that forwarded the request (never shown).
    reporter_account_id = EncryptedTextField(_("reporter's account at the client"), blank=True)
    # Indexed in Meta.indexes (request_phone_idx): db_index=True would add a second,
    # varchar_pattern_ops index for LIKE, which nothing asks of a digest.
    reporter_phone_index = models.CharField(max_length=40, blank=True, editable=False)
    consent = models.BooleanField(_("consents to being contacted"), default=False)
    # Keyed digest of who submitted (requests_desk.services.submitter_key) to catch duplicates.
    submitter_key = models.CharField(max_length=40, blank=True, editable=False)
    # Keyed digest of the reporter's secret, handed over only at submission (success page,
    # cookie): the proof of being the reporter for rating and updates (requests_desk/proof.py).
    reporter_proof = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
        db_index=False,
    )
    open311_client = models.ForeignKey(
        Open311Client,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("Open311 client"),
        db_index=False,
    )
    open311_token = models.CharField(max_length=32, blank=True, editable=False)
    media_url = models.URLField(_("media URL"), max_length=2000, blank=True)
    attribute_values = models.JSONField(_("answers to extra questions"), default=dict, blank=True)

    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.REPORTED
    )
    closure_type = models.CharField(
        _("closure type"), max_length=10, choices=ClosureType.choices, blank=True
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    target = models.CharField(_("dispatched to"), max_length=12, choices=Target.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned person"),
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("department"),
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
        db_index=False,
    )
    support_count = models.PositiveIntegerField(_("+1 from other residents"), default=0)
    # Counts the changes made through requests_desk.flow.transition: a form carries the version
    # it was shown with, and a second identical submit (a double tap, a resent form) is refused
    # instead of acting twice. db_default: bulk loaders that write rows directly need no value.
    version = models.PositiveIntegerField(_("version"), default=0, db_default=0, editable=False)

    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The deadline falls past the holiday calendar: it was computed with every weekday counted as a
    # working day there. The queue says so ("calendar missing") until a person looks at it.
    due_calendar_missing = models.BooleanField(_("calendar missing"), default=False)
    contact_due_at = models.DateTimeField(_("contact resident by"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("resident contacted"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handling reported"), null=True, blank=True)
    closed_at = models.DateTimeField(
        pgettext_lazy("request closing time", "closed"), null=True, blank=True
    )
    extension_requested_until = models.DateTimeField(
        _("extension requested until"), null=True, blank=True
    )
    # The reporter asked to reopen the closed case (Open311 servicerequestupdates); staff review
    # it in the queue ("reopen requested") and reopen or dismiss it.
    reopen_requested_at = models.DateTimeField(_("reopening requested"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    redo_count = models.PositiveSmallIntegerField(_("redone after rating"), default=0)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Queue: a grid head's open cases by stage, newest first (keyset on created_at, id).
            models.Index(fields=["grid", "stage", "-created_at"], name="request_grid_stage_idx"),
            models.Index(
                fields=["community", "stage", "-created_at"], name="request_community_stage_idx"
            ),
            models.Index(
                fields=["street", "stage", "-created_at"], name="request_street_stage_idx"
            ),
            models.Index(fields=["stage", "due_at"], name="request_stage_due_idx"),
            models.Index(fields=["-created_at", "-id"], name="request_created_idx"),
            models.Index(fields=["category", "created_at"], name="request_category_idx"),
            models.Index(
                fields=["department", "stage"],
                name="request_department_idx",
                condition=Q(department__isnull=False),
            ),
            # Overdue / nearly-due scans only ever look at cases whose clock runs.
            models.Index(
                fields=["due_at"],
                name="request_clock_due_idx",
                condition=Q(stage__in=list(Stage.CLOCK)),
            ),
            models.Index(fields=["submitter_key", "created_at"], name="request_submitter_idx"),
            models.Index(fields=["reporter_phone_index"], name="request_phone_idx"),
            # Mostly empty columns: a row without a value is not in their index (a resident's
            # new request has none of these); `col = x` and `col IN (…)` imply NOT NULL.
            *(
                models.Index(
                    fields=[name],
                    name=f"request_{name}_idx",
                    condition=Q(**{f"{name}__isnull": False}),
                )
                for name in ("assignee", "created_by", "open311_client", "merged_into")
            ),
            # The queue's "extension requested" and "reopening requested" filters: a few rows.
            models.Index(
                fields=["extension_requested_until"],
                name="request_extension_idx",
                condition=Q(extension_requested_until__isnull=False),
            ),
            models.Index(
                fields=["reopen_requested_at"],
                name="request_reopen_idx",
                condition=Q(reopen_requested_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="request_cancel_has_reason",
                condition=~Q(stage=Stage.CANCELLED) | ~Q(cancel_reason=""),
            ),
            models.CheckConstraint(
                name="request_closed_has_type",
                condition=~Q(stage=Stage.CLOSED) | ~Q(closure_type=""),
            ),
            models.CheckConstraint(
                name="request_merged_has_target",
                condition=~Q(stage=Stage.MERGED) | Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.stage in Stage.OPEN

    # The same predicates as overdue_q / nearly_due_q, for one loaded request (the case page).
    def is_overdue(self, now=None) -> bool:
        return is_overdue(self.stage, self.due_at, now or timezone.now())

    def is_nearly_due(self, now=None) -> bool:
        return is_nearly_due(self.stage, self.due_at, now or timezone.now())

    @property
    def calendar_missing(self) -> bool:
        """The same predicate as calendar_missing_q, for one loaded request."""
        return is_calendar_missing(self.stage, self.due_calendar_missing)

    def contact_overdue(self, now=None) -> bool:
        return bool(
            self.contact_due_at
            and not self.contacted_at
            and self.contact_due_at < (now or timezone.now())
        )

    def target_display(self, *, public: bool = False) -> str:
        """Whom the case is dispatched to (requests_desk.texts.target_label: a person by role and
        name for staff, by role and unit on public pages)."""
        from requests_desk.texts import dispatch_params, target_label

        if not self.target or (self.target == self.Target.DEPARTMENT and not self.department_id):
            return ""
        return target_label(**dispatch_params(self), public=public)

    @property
    def target_public(self) -> str:
        return self.target_display(public=True)


def photo_path(instance, filename):
    """The upload_to of migration 0001 (kept for it); photos are named by core.uploads.RandomName."""
    return f"requests/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.jpg"


class RequestEvent(models.Model):
    """One row of a case's timeline: a transition (or a note) with who, when, from → to."""

    jurisdiction_paths = {
        "district": "request__street__district_id",
        "street": "request__street_id",
        "community": "request__community_id",
        "grid": "request__grid_id",
    }

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    action = models.CharField(_("action"), max_length=30)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        db_index=False,  # Meta.indexes: only the rows with an actor
    )
    # The actor's name when it was written (kept if the account goes); empty with no actor: the
    # resident (shown as such in the reader's language, see actor_shown).
    actor_label = models.CharField(_("by"), max_length=100, blank=True)
    # What the system says about the step (core.texts: a kind and its parameters, shown in the
    # reader's language); `note` is what the person typed.
    message = models.JSONField(_("system text"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A public reply is shown on the resident's status page and in Open311 status_notes.
    public = models.BooleanField(_("shown to the resident"), default=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]
        # The request's own index serves the timelines (a case has a handful of entries, sorted
        # in memory): a second one on (request, created_at) was three times its size, as btree
        # deduplication packs the repeated request ids of one index and not distinct pairs.
        indexes = [
            models.Index(
                fields=["actor"], name="requestevent_actor_idx", condition=Q(actor__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.request_id} {self.action}"

    def text(self, *, public: bool = False) -> str:
        """The system text and the typed note, one per line, in the active language."""
        from core.texts import render

        return "\n".join(x for x in (render(self.message, public=public), self.note) if x)

    @property
    def staff_text(self) -> str:
        return self.text()

    @property
    def public_text(self) -> str:
        return self.text(public=True)

    @property
    def actor_shown(self) -> str:
        if self.actor_id and self.actor is not None:
            return str(self.actor)
        return self.actor_label or str(_("resident"))

    @property
    def action_label(self) -> str:
        """What happened, for the timeline ("Resident contacted", "Dispatch")."""
        from requests_desk.flow import action_label

        return action_label(self.action)

    @property
    def stage_changed(self) -> bool:
        return bool(self.from_stage) and self.from_stage != self.to_stage


class CleanPhotoManager(models.Manager["RequestPhoto"]):
    """The photos that are re-encoded: the only ones any page, API, file view or related
    manager (`case.photos`, `event.photos`, prefetches) ever sees."""

    def get_queryset(self) -> models.QuerySet["RequestPhoto"]:
        return super().get_queryset().filter(pending=False)


class RequestPhoto(models.Model):
    """A re-encoded photo (EXIF and GPS removed): from the resident, or attached to a timeline
    entry by staff (e.g. the photo proving the work was done).

    A resident's upload is stored as it came (`pending`, under a name ending in .bin) and
    re-encoded by a task after the request is saved (requests_desk.uploads.photos_finish), so
    the resident gets their code without waiting for the decoding. Until then the row is hidden
    by the default manager: nothing can list or serve the raw upload. `all_objects` sees it."""

    objects = CleanPhotoManager()
    all_objects = models.Manager()

    jurisdiction_paths = RequestEvent.jurisdiction_paths

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="photos", verbose_name=_("request")
    )
    event = models.ForeignKey(
        RequestEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("timeline entry"),
    )
    image = PrivateImageField(
        _("photo"), upload_to=RandomName("requests"), width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    pending = models.BooleanField(
        _("waiting to be re-encoded"), default=False, db_default=False, editable=False
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(pending=True), name="request_photo_pending_idx"
            )
        ]


class Rating(models.Model):
    """The resident's evaluation after closure (DOMAIN.md step 7), once per request."""

    request = models.OneToOneField(
        Request, on_delete=models.CASCADE, related_name="rating", verbose_name=_("request")
    )
    speed = models.PositiveSmallIntegerField(_("speed"))
    result = models.PositiveSmallIntegerField(_("result"))
    service = models.PositiveSmallIntegerField(_("service"))
    feedback_quality = models.PositiveSmallIntegerField(_("quality of feedback"))
    overall = models.DecimalField(_("average"), max_digits=3, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    satisfied = models.BooleanField(_("satisfied"))
    created_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                name="rating_scores_1_to_5",
                condition=Q(
                    speed__gte=1,
                    speed__lte=5,
                    result__gte=1,
                    result__lte=5,
                    service__gte=1,
                    service__lte=5,
                    feedback_quality__gte=1,
                    feedback_quality__lte=5,
                ),
            ),
        ]


class MonthlyRequestFigures(models.Model):
    """The case indicators' counters for one bucket (street, community, grid) and one local month,
    kept exact by requests_desk.monthly in the same transaction as every write that changes a
    counted field of a request (see that module for the why and the rules).

    Cohort counters (reports … handling_microseconds) count the requests *reported* in `month`
    (local month of created_at, like request_indicators); `closed_in_month` counts the requests
    *closed* in `month` (local month of closed_at, like the queue's closed-day filter), whatever
    month they were reported in. Nothing time-dependent is stored (overdue is computed live)."""

    jurisdiction_paths = Request.jurisdiction_paths

    # "<street>/<community>/<grid or 0>": one unique key that works with a null grid on every
    # database (a unique constraint over a nullable column would not catch duplicates).
    bucket = models.CharField(max_length=64, editable=False)
    month = models.DateField(_("month"))
    street = models.ForeignKey(
        "grids.Street",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("street"),
    )
    community = models.ForeignKey(
        "grids.Community",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("area grid"),
    )
    # Plain integers, not positive ones: a write made around the services (raw SQL, bulk loads)
    # must never make a resident's submission fail; the nightly rebuild repairs any drift.
    reports = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    filed = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)
    handled_on_time = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    extended = models.IntegerField(default=0)
    self_handled = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    # Sum of Rating.overall over the rated requests (the average is this / rated).
    satisfaction_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # Requests with both dispatched_at and handled_at, and the sum of (handled − dispatched).
    handling_count = models.IntegerField(default=0)
    handling_microseconds = models.BigIntegerField(default=0)
    closed_in_month = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly request figures")
        verbose_name_plural = _("monthly request figures")
        db_table = "requests_desk_monthlyfigures"
        constraints = [
            models.UniqueConstraint(fields=["bucket", "month"], name="monthlyfigures_bucket_month"),
        ]
        indexes = [
            models.Index(fields=["grid", "month"], name="monthlyfigures_grid_idx"),
            models.Index(fields=["community", "month"], name="monthlyfigures_community_idx"),
            models.Index(fields=["street", "month"], name="monthlyfigures_street_idx"),
            models.Index(fields=["month"], name="monthlyfigures_month_idx"),
        ]

    def __str__(self):
        return f"{self.bucket} {self.month:%Y-%m}"


class AreaAlert(models.Model):
    """A resident's subscription to alerts of new public reports in an area (a street, community
    or grid, by its code, so that it outlives a redrawn boundary), by e-mail or SMS. Double
    opt-in: nothing is sent before the link sent to the address is followed (confirmed_at).
    Unsubscribing deletes the row (requests_desk.alerts)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    area_code = models.CharField(_("code of the area"), max_length=16, db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Personal data: encrypted; found by its keyed digest (privacy.crypto.blind_index).
    address = EncryptedTextField(_("address"))
    address_index = models.CharField(max_length=40, editable=False)
    created_at = models.DateTimeField(_("subscribed at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("alerts confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert of new reports in an area")
        verbose_name_plural = _("alerts of new reports in an area")
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "channel", "address_index"], name="areaalert_one_per_address"
            ),
        ]

    def __str__(self):
        return f"{self.area_code} · {self.get_channel_display()}"
