"""Household pairing (包格联户): households, residents with care tags, pairings, visits, needs,
and services from social organisations.

Residents' phone and ID numbers, tag details (disability type and grade, mental-disorder risk level)
and the condition noted on a visit are sensitive personal information (DOMAIN.md §5): they are
encrypted at rest (privacy.crypto) and looked up only through blind indexes. Who may see a person is
decided in one place, `care.selectors.residents_visible_to`.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import PrivateImageField
from core.lookups import TranslatedName
from core.periods import InForceQuerySet
from core.texts import join_clauses, label_separator
from core.uploads import RandomName
from privacy.crypto import EncryptedTextField
from privacy.masking import mask_address


class Household(models.Model):
    jurisdiction_field = "grid"

    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        related_name="care_households",
        verbose_name=_("area grid"),
    )
    subgrid = models.ForeignKey(
        "grids.SubGrid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_households",
        verbose_name=_("sub-grid"),
    )
    # The door a vulnerable person lives behind: encrypted like a phone number, found only by the
    # keyed digest of its normalised text (care.services.address_index), shown masked.
    address = EncryptedTextField(_("address"))
    address_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The estate and building (e.g. 光明花园3栋), no door number: plain, for sorting visit rounds.
    building = models.CharField(_("building"), max_length=100, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["grid__code", "building", "id"]
        indexes = [models.Index(fields=["grid", "building"])]

    def __str__(self):
        if self.anonymised_at:
            return str(_("anonymised household #%(id)s") % {"id": self.pk})
        return f"{self.building} {self.address_masked}".strip()

    @property
    def address_masked(self) -> str:
        return mask_address(self.address)


class Resident(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class LegalBasis(models.TextChoices):
        STATUTORY_DUTY = "statutory_duty", _("statutory duty")
        CONSENT = "consent", _("separate consent")

    jurisdiction_field = "household__grid"

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=20,
        choices=LegalBasis.choices,
        default=LegalBasis.STATUTORY_DUTY,
    )
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_scope = models.CharField(_("consent scope"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="care_resident_consent_has_date_and_scope",
                condition=~Q(legal_basis="consent")
                | (Q(consent_date__isnull=False) & ~Q(consent_scope="")),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def tag_details(self) -> str:
        """All tag details of the person on one line (revealed through privacy.services only)."""
        return join_clauses(
            f"{t.tag.label}{label_separator()}{t.details}" for t in self.tags.all() if t.details
        )


class CareTag(TranslatedName):
    """A kind of vulnerability (data, not code): elderly living alone, disability, mental disorder…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    default_frequency_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), help_text=_("Default visit frequency for people with this tag.")
    )
    details_label = models.CharField(
        _("details asked for"),
        max_length=100,
        blank=True,
        help_text=_("e.g. disability type and grade; stored encrypted."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("care tag")
        verbose_name_plural = _("care tags")
        ordering = ["ordering", "code"]
        constraints = [
            models.CheckConstraint(
                name="care_tag_frequency_positive", condition=Q(default_frequency_days__gte=1)
            )
        ]


class ResidentTag(models.Model):
    jurisdiction_field = "resident__household__grid"

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="tags", verbose_name=_("resident")
    )
    tag = models.ForeignKey(
        CareTag, on_delete=models.PROTECT, related_name="resident_tags", verbose_name=_("care tag")
    )
    details = EncryptedTextField(_("details"), blank=True)
    frequency_days = models.PositiveSmallIntegerField(
        _("visit every (days), this person"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the tag's default."),
    )
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("care tag of a resident")
        verbose_name_plural = _("care tags of residents")
        constraints = [
            models.UniqueConstraint(fields=["resident", "tag"], name="care_one_tag_per_resident"),
            models.CheckConstraint(
                name="care_tag_override_positive",
                condition=Q(frequency_days__isnull=True) | Q(frequency_days__gte=1),
            ),
        ]

    def __str__(self):
        return f"{self.resident} · {self.tag}"


class PairingQuerySet(InForceQuerySet):
    """`in_force(on)`: the pairings active on `on`; `end_date` is the day the pairing ended."""


class Pairing(models.Model):
    """A household paired with a grid worker and one or more registered Party members."""

    jurisdiction_field = "household__grid"

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("household")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_pairings",
        verbose_name=_("grid worker"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="care_member_pairings",
        blank=True,
        verbose_name=_("registered Party members"),
    )
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end_date__isnull=True),
                name="care_one_open_pairing_per_household",
            ),
            models.CheckConstraint(
                name="care_pairing_period",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
            models.CheckConstraint(
                name="care_pairing_end_has_reason",
                condition=Q(end_date__isnull=True) | ~Q(end_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.worker}"


class Visit(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("by phone")

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("visit")
        FOLLOW_UP = "follow_up", _("follow-up visit")

    jurisdiction_field = "household__grid"

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="visits", verbose_name=_("household")
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_visits",
        verbose_name=_("visited by"),
    )
    visited_on = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ROUTINE)
    met = models.CharField(_("who was met"), max_length=200, blank=True)
    condition = EncryptedTextField(_("condition"), blank=True)
    follow_up_of = models.ForeignKey(
        "HouseholdNeed",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of the need"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["household", "-visited_on"]),
            # Visits of a month across an area (monthly report, dashboards' month figures).
            models.Index(fields=["visited_on"], name="care_visit_visited_on_idx"),
        ]

    def __str__(self):
        return f"{self.visited_on} · {self.household}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit")
    )
    image = PrivateImageField(_("photo"), upload_to=RandomName("care/visits"))

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")


class HouseholdNeed(models.Model):
    """A need of a paired household, raised on a visit (走访); it may become a request on the
    requests desk (linked both ways: `need.request` and, from the request, `request.care_needs`).
    Not to be confused with volunteers.NeedsListItem, an item a community publishes for members to
    take up."""

    jurisdiction_field = "visit__household__grid"

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="needs", verbose_name=_("visit")
    )
    description = models.TextField(_("need"))
    request = models.ForeignKey(
        "requests_desk.Request",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_needs",
        verbose_name=_("request"),
    )

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["id"]

    def __str__(self):
        return self.description[:40]


class ServiceProject(models.Model):
    """A service run by a social organisation that residents can be referred to."""

    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("social organisation"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    tags = models.ManyToManyField(
        CareTag, related_name="service_projects", blank=True, verbose_name=_("for people with")
    )
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("People served at once."))
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.organisation}）"


class Referral(models.Model):
    class Status(models.TextChoices):
        REFERRED = "referred", _("referred")
        IN_SERVICE = "in_service", pgettext_lazy("referral", "in service")
        DONE = "done", _("done")
        DECLINED = "declined", _("declined")

    OPEN_STATUSES = (Status.REFERRED, Status.IN_SERVICE)

    jurisdiction_field = "resident__household__grid"

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("resident")
    )
    project = models.ForeignKey(
        ServiceProject,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("service project"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REFERRED
    )
    referred_on = models.DateField(_("referred on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "project"],
                condition=Q(status__in=["referred", "in_service"]),
                name="care_one_open_referral_per_project",
            ),
            models.CheckConstraint(
                name="care_referral_closed_has_date",
                condition=Q(status__in=["referred", "in_service"]) | Q(closed_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.resident} → {self.project}"
