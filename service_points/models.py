"""Service positions: the three-tier Party-mass service matrix, its opening hours, rooms and bookings.

Tiers: a Party-mass service centre serves a community; a grid Party-mass service position serves an
area grid (its parent is the community's centre); a micro-site serves a sub-grid or an area grid
(its parent is a grid service position). The served area is checked against the point location with
`grids.locate.locate` in `services.position_create/position_update`.

Opening hours are weekly intervals (an interval whose closing time is not after its opening time
crosses midnight) plus dated exceptions. Room bookings never overlap per room: an exclusion
constraint on PostgreSQL, a trigger on SpatiaLite (migration 0003).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import PrivateImageField
from core.lookups import TranslatedName
from core.uploads import RandomName


class Facility(TranslatedName):
    """A facility a position offers (book bar, rest room, first-aid kit…). Data, not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    is_room_kind = models.BooleanField(
        _("bookable room kind"),
        default=False,
        help_text=_("Rooms of this kind (discussion hall, meeting room) can be booked."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["sort_order", "code"]


class Function(TranslatedName):
    """A function a position serves (political, service, cultural, governance). Data, not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("function")
        verbose_name_plural = _("functions")
        ordering = ["sort_order", "code"]


class Tier(models.TextChoices):
    CENTRE = "centre", _("Party-mass service centre")
    GRID_POSITION = "grid_position", _("grid Party-mass service position")
    MICRO_SITE = "micro_site", _("micro-site")


class ServicePosition(models.Model):
    """One position of the three-tier Party-mass service matrix."""

    Tier = Tier

    # A centre sits at community level (no grid): community/street/district staff see it; grid
    # positions and micro-sites are also visible to their area grid's staff.
    jurisdiction_paths = {
        "district": "community__street__district_id",
        "street": "community__street_id",
        "community": "community_id",
        "grid": "grid_id",
        "subgrid": "subgrid_id",
    }

    name = models.CharField(_("name"), max_length=120)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent position"),
    )
    community = models.ForeignKey(
        "grids.Community",
        on_delete=models.PROTECT,
        related_name="service_positions",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_positions",
        verbose_name=_("area grid"),
    )
    subgrid = models.ForeignKey(
        "grids.SubGrid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_positions",
        verbose_name=_("sub-grid"),
    )
    address = models.CharField(_("address"), max_length=200)
    location = models.PointField(_("location"), srid=4326)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=30,
        blank=True,
        help_text=_("The position's public service phone (not a private number)."),
    )
    description = models.TextField(_("description"), blank=True)
    functions = models.ManyToManyField(
        Function, blank=True, related_name="positions", verbose_name=_("functions")
    )
    facilities = models.ManyToManyField(
        Facility, blank=True, related_name="positions", verbose_name=_("facilities")
    )
    displays_grid_structure = models.BooleanField(
        _("displays the grid management structure"), default=False
    )
    displays_rules = models.BooleanField(_("displays the rules"), default=False)
    displays_service_list = models.BooleanField(
        _("displays the registration service list"), default=False
    )
    is_active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service position")
        verbose_name_plural = _("service positions")
        ordering = ["community__code", "tier", "name"]
        indexes = [models.Index(fields=["tier", "is_active"])]
        constraints = [
            models.CheckConstraint(
                name="servicepos_tier_shape",
                condition=(
                    Q(
                        tier=Tier.CENTRE,
                        parent__isnull=True,
                        grid__isnull=True,
                        subgrid__isnull=True,
                    )
                    | Q(
                        tier=Tier.GRID_POSITION,
                        parent__isnull=False,
                        grid__isnull=False,
                        subgrid__isnull=True,
                    )
                    | Q(tier=Tier.MICRO_SITE, parent__isnull=False, grid__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(tier="centre", is_active=True),
                name="servicepos_one_active_centre_per_community",
            ),
            models.CheckConstraint(
                name="servicepos_floor_area_positive",
                condition=Q(floor_area__isnull=True) | Q(floor_area__gt=0),
            ),
        ]

    def __str__(self):
        return self.name


class PositionPhoto(models.Model):
    jurisdiction_paths = {
        level: f"position__{lookup}" for level, lookup in ServicePosition.jurisdiction_paths.items()
    }

    position = models.ForeignKey(
        ServicePosition,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("service position"),
    )
    image = PrivateImageField(_("photo"), upload_to=RandomName("service_points"))
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.caption or self.image.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening interval on a weekday. `closes <= opens` means it runs past midnight."""

    jurisdiction_paths = PositionPhoto.jurisdiction_paths

    position = models.ForeignKey(
        ServicePosition,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        verbose_name=_("service position"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        indexes = [models.Index(fields=["weekday", "opens"])]
        constraints = [
            models.CheckConstraint(
                name="openinghours_weekday_range", condition=Q(weekday__gte=0, weekday__lte=6)
            ),
            models.CheckConstraint(name="openinghours_not_empty", condition=~Q(opens=F("closes"))),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.closes <= self.opens


class OpeningException(models.Model):
    """A dated exception: closed all day (holiday) or special hours replacing the weekly ones."""

    jurisdiction_paths = PositionPhoto.jurisdiction_paths

    position = models.ForeignKey(
        ServicePosition,
        on_delete=models.CASCADE,
        related_name="opening_exceptions",
        verbose_name=_("service position"),
    )
    date = models.DateField(_("date"))
    is_closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "date"], name="openingexception_one_per_day"
            ),
            models.CheckConstraint(
                name="openingexception_closed_or_hours",
                condition=Q(is_closed=True, opens__isnull=True, closes__isnull=True)
                | (
                    Q(is_closed=False, opens__isnull=False, closes__isnull=False)
                    & ~Q(opens=F("closes"))
                ),
            ),
        ]

    def __str__(self):
        return f"{self.position} {self.date}"


class Room(models.Model):
    """A bookable room of a position (discussion hall, meeting room)."""

    class Kind(models.TextChoices):
        DISCUSSION_HALL = "discussion_hall", _("discussion hall")
        MEETING_ROOM = "meeting_room", _("meeting room")

    jurisdiction_paths = PositionPhoto.jurisdiction_paths

    position = models.ForeignKey(
        ServicePosition,
        on_delete=models.PROTECT,
        related_name="rooms",
        verbose_name=_("service position"),
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=10)
    is_bookable = models.BooleanField(_("bookable"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["position__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "name"], name="room_unique_name_per_position"
            ),
        ]

    def __str__(self):
        return f"{self.position.name} · {self.name}"


class Booking(models.Model):
    """A slot booked in a room. Confirmed bookings of one room never overlap (enforced in the DB)."""

    class Purpose(models.TextChoices):
        BRANCH_MEETING = "branch_meeting", _("branch meeting")
        COUNCIL_MEETING = "council_meeting", _("council meeting")
        ACTIVITY = "activity", _("activity")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")

    jurisdiction_paths = {
        level: f"room__{lookup}" for level, lookup in PositionPhoto.jurisdiction_paths.items()
    }

    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    title = models.CharField(_("title"), max_length=120)
    attendees_expected = models.PositiveSmallIntegerField(
        _("expected attendees"), null=True, blank=True
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="room_bookings",
        verbose_name=_("booked by"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["room", "starts_at"])]
        constraints = [
            models.CheckConstraint(name="booking_period", condition=Q(ends_at__gt=F("starts_at"))),
        ]

    def __str__(self):
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M} {self.title}"
