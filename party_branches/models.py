"""Party organisations in the grids (DOMAIN.md §1–2).

Street Party working committee → community Party committee → grid Party branch (one per area grid)
→ optional sub-grid branches under a grid branch. Party members carry their phone and ID number
encrypted (privacy.crypto), with a blind index on the ID number for duplicate detection.
Whether a member is probationary or full is derived from `full_member_on`, never typed.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import PrivateFileField
from core.periods import InForceQuerySet
from core.uploads import RandomName
from privacy.crypto import EncryptedTextField
from privacy.masking import mask_id_number, mask_name, mask_phone

COMMUNITY_PATHS = {
    "district": "community__street__district_id",
    "street": "community__street_id",
    "community": "community_id",
}


class TermQuerySet(InForceQuerySet):
    """Seats held for a term: `in_force(on)`; `end_date` ("term ends") is the term's last day."""

    end_is_last_day = True


class StreetCommittee(models.Model):
    """A street Party working committee (街道党工委)."""

    jurisdiction_field = "street"

    street = models.OneToOneField(
        "grids.Street",
        on_delete=models.PROTECT,
        related_name="party_committee",
        verbose_name=_("street"),
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("street Party working committee")
        verbose_name_plural = _("street Party working committees")
        ordering = ["street__code"]

    def __str__(self):
        return self.name


class CommunityCommittee(models.Model):
    """A community Party committee (社区党委)."""

    jurisdiction_field = "community"

    community = models.OneToOneField(
        "grids.Community",
        on_delete=models.PROTECT,
        related_name="party_committee",
        verbose_name=_("community"),
    )
    street_committee = models.ForeignKey(
        StreetCommittee,
        on_delete=models.PROTECT,
        related_name="community_committees",
        verbose_name=_("street Party working committee"),
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("community Party committee")
        verbose_name_plural = _("community Party committees")
        ordering = ["community__code"]

    def __str__(self):
        return self.name


class PartyMemberQuerySet(models.QuerySet):
    def full_members(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(full_member_on__isnull=False, full_member_on__lte=on)

    def probationary(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(full_member_on__isnull=True) | Q(full_member_on__gt=on))


class PartyMember(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class WorkplaceKind(models.TextChoices):
        GOVERNMENT = "government", _("government body")
        PUBLIC_INSTITUTION = "public_institution", _("public institution")
        COMPANY = "company", _("company")
        SOCIAL_ORGANISATION = "social_organisation", _("social organisation")
        NONE = "none", _("none")

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("resident member")
        GRID_WORKER = "grid_worker", _("grid-worker member")
        REGISTERED = "registered", _("registered member from a workplace")
        MOBILE = "mobile", _("mobile member")

    # A member sits in a community (home) and, through the branch, in an area grid.
    jurisdiction_paths = {**COMMUNITY_PATHS, "grid": "branch__grid_id"}

    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    id_number = EncryptedTextField(_("ID number"))
    id_number_index = models.CharField(
        _("ID number index"), max_length=64, editable=False, db_index=True
    )
    joined_on = models.DateField(_("date joined the Party"))
    full_member_on = models.DateField(
        _("date made full member"),
        null=True,
        blank=True,
        help_text=_("Empty while the member is probationary."),
    )
    workplace = models.CharField(_("workplace"), max_length=120, blank=True)
    workplace_kind = models.CharField(
        _("workplace kind"),
        max_length=24,
        choices=WorkplaceKind.choices,
        default=WorkplaceKind.NONE,
    )
    kind = models.CharField(
        _("member kind"), max_length=16, choices=Kind.choices, default=Kind.RESIDENT
    )
    community = models.ForeignKey(
        "grids.Community",
        on_delete=models.PROTECT,
        related_name="party_members",
        verbose_name=_("home community"),
    )
    branch = models.ForeignKey(
        "PartyBranch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("branch"),
    )
    must_register = models.BooleanField(
        _("expected to register"),
        default=True,
        help_text=_(
            "Counts towards the registration rate (members expected to register with "
            "their community of residence)."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_member",
        verbose_name=_("login account"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["community__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="party_member_unique_id"),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(full_member_on__gte=models.F("joined_on")),
                name="party_member_full_after_joining",
            ),
        ]
        indexes = [models.Index(fields=["community", "must_register"])]

    def __str__(self):
        return mask_name(self.name)

    def is_full_member(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.full_member_on is not None and self.full_member_on <= on

    @property
    def status_label(self):
        return _("full member") if self.is_full_member() else _("probationary member")

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)


class PartyBranch(models.Model):
    class Kind(models.TextChoices):
        GRID = "grid", _("grid Party branch")
        SUBGRID = "subgrid", _("sub-grid Party branch")

    jurisdiction_field = "grid"

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GRID)
    community_committee = models.ForeignKey(
        CommunityCommittee,
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("community Party committee"),
    )
    grid = models.ForeignKey(
        "grids.AreaGrid",
        on_delete=models.PROTECT,
        related_name="party_branches",
        verbose_name=_("area grid"),
    )
    subgrid = models.ForeignKey(
        "grids.SubGrid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_branches",
        verbose_name=_("sub-grid"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_branches",
        verbose_name=_("parent grid branch"),
    )
    founded_on = models.DateField(_("founded on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("Party branch")
        verbose_name_plural = _("Party branches")
        ordering = ["grid__code", "kind", "name"]
        constraints = [
            # Full coverage means exactly one grid Party branch per area grid (DOMAIN.md §1).
            models.UniqueConstraint(
                fields=["grid"], condition=Q(kind="grid"), name="one_branch_per_area_grid"
            ),
            models.UniqueConstraint(
                fields=["subgrid"],
                condition=Q(subgrid__isnull=False),
                name="one_branch_per_subgrid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="grid", subgrid__isnull=True, parent__isnull=True)
                    | Q(kind="subgrid", subgrid__isnull=False, parent__isnull=False)
                ),
                name="branch_kind_shape",
            ),
        ]

    def __str__(self):
        return self.name


class CommitteePosition(models.TextChoices):
    SECRETARY = "secretary", _("secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("deputy secretary")
    MEMBER = "member", _("committee member")


class BranchCommitteeMember(models.Model):
    """A seat on a branch committee for a term; the secretary seat follows the secretary rule."""

    class Source(models.TextChoices):
        SENT_DOWN = "sent_down", _("staff sent down from the street or community")
        GRID_WORKER = "grid_worker", _("grid worker")
        PROPERTY_MANAGEMENT = "property_management", _("property-management company")
        SOCIAL_ORGANISATION = "social_organisation", _("social organisation")
        RESIDENT = "resident", _("resident member")

    jurisdiction_field = "branch__grid"

    branch = models.ForeignKey(
        PartyBranch, on_delete=models.CASCADE, related_name="committee", verbose_name=_("branch")
    )
    member = models.ForeignKey(
        PartyMember,
        on_delete=models.PROTECT,
        related_name="branch_positions",
        verbose_name=_("member"),
    )
    position = models.CharField(_("position"), max_length=20, choices=CommitteePosition.choices)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    start_date = models.DateField(_("term starts"), default=timezone.localdate)
    end_date = models.DateField(_("term ends"), null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch committee member")
        verbose_name_plural = _("branch committee members")
        ordering = ["branch", "position", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="branch_committee_term",
            ),
        ]

    def __str__(self):
        return f"{self.branch} · {self.get_position_display()} · {self.member}"


class CommunityCommitteeMember(models.Model):
    """A seat on a community Party committee (qualifies a member as a branch secretary)."""

    jurisdiction_field = "committee__community"

    committee = models.ForeignKey(
        CommunityCommittee,
        on_delete=models.CASCADE,
        related_name="seats",
        verbose_name=_("community Party committee"),
    )
    member = models.ForeignKey(
        PartyMember,
        on_delete=models.PROTECT,
        related_name="community_positions",
        verbose_name=_("member"),
    )
    position = models.CharField(_("position"), max_length=20, choices=CommitteePosition.choices)
    start_date = models.DateField(_("term starts"), default=timezone.localdate)
    end_date = models.DateField(_("term ends"), null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("community Party committee member")
        verbose_name_plural = _("community Party committee members")
        ordering = ["committee", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="community_committee_term",
            ),
        ]

    def __str__(self):
        return f"{self.committee} · {self.get_position_display()} · {self.member}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        BRANCH = "branch", pgettext_lazy("meeting kind", "branch meeting")
        COUNCIL = "council", _("Party-mass council meeting")

    jurisdiction_field = "branch__grid"

    branch = models.ForeignKey(
        PartyBranch, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("branch")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    place = models.ForeignKey(
        "service_points.ServicePosition",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="branch_meetings",
        verbose_name=_("place"),
    )
    place_name = models.CharField(_("place (free text)"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["branch", "held_on"])]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()} · {self.branch}"


class MeetingAttendance(models.Model):
    """One invited person: a branch member (present or absent) or a non-member guest."""

    jurisdiction_field = "meeting__branch__grid"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        PartyMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendance",
        verbose_name=_("member"),
    )
    guest_name = models.CharField(_("non-member attendee"), max_length=60, blank=True)
    guest_affiliation = models.CharField(_("affiliation"), max_length=120, blank=True)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(member__isnull=False),
                name="attendance_once_per_member",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(guest_name=""),
                name="attendance_member_or_guest",
            ),
        ]

    def __str__(self):
        return str(self.member) if self.member_id else self.guest_name


class MeetingAttachment(models.Model):
    jurisdiction_field = "meeting__branch__grid"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=120)
    file = PrivateFileField(_("file"), upload_to=RandomName("meetings"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title


class MemberImportBatch(models.Model):
    """An uploaded .xlsx kept between preview and commit; afterwards only the record of who
    imported how many (the sheet itself is deleted, see party_branches.member_import)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    # Deleted once the import is committed or abandoned (party_branches.member_import).
    file = PrivateFileField(_("file"), upload_to=RandomName("member-imports"), blank=True)
    title = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("members imported"), default=0)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.uploaded_at:%Y-%m-%d %H:%M} {self.title}"
