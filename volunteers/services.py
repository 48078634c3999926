"""Writes and rules of the volunteer action: registration lifecycle, needs list, sign-ups, hours."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import add_months
from notifications.services import notification_enqueue
from volunteers import texts
from volunteers.conf import conf
from volunteers.hours import hours_between
from volunteers.models import Activity, NeedsListItem, Registration, SignUp

if TYPE_CHECKING:
    from accounts.models import User
    from core.texts import Text
    from grids.models import AreaGrid, Community
    from party_branches.models import PartyMember


# --- Registration ----------------------------------------------------------------------------------
def registration_cutoff(on: datetime.date | None = None) -> datetime.date:
    """Registrations confirmed on or before this day have expired on `on`."""
    return add_months(on or timezone.localdate(), -conf.REGISTRATION_MONTHS)


def current_registration_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """Approved and confirmed within the validity period (for filters and Count(filter=...))."""
    return Q(
        **{
            f"{prefix}status": Registration.Status.APPROVED,
            f"{prefix}confirmed_on__gt": registration_cutoff(on),
        }
    )


def registration_expires_on(registration: Registration) -> datetime.date | None:
    if registration.confirmed_on is None:
        return None
    return add_months(registration.confirmed_on, conf.REGISTRATION_MONTHS)


def registration_is_current(registration: Registration, on: datetime.date | None = None) -> bool:
    on = on or timezone.localdate()
    expires = registration_expires_on(registration)
    return (
        registration.status == Registration.Status.APPROVED and expires is not None and expires > on
    )


def _notify_member(registration: Registration, subject: str | Text, body: str | Text) -> None:
    user = registration.member.user
    if user is not None:
        notification_enqueue(
            kind="volunteer_registration",
            subject=subject,
            body=body,
            user=user,
            link=reverse("volunteers:mine"),
        )


@transaction.atomic
def registration_submit(
    *,
    member: PartyMember,
    community: Community,
    grid: AreaGrid,
    skills: str = "",
    by: User | None = None,
) -> Registration:
    """A member's registration (their own online form, or entered by staff) awaiting approval."""
    if grid.community_id != community.pk:
        raise ValidationError({"grid": _("The area grid must lie in the chosen community.")})
    if Registration.objects.filter(
        member=member, status__in=[Registration.Status.SUBMITTED, Registration.Status.APPROVED]
    ).exists():
        raise ValidationError(
            _(
                "This member already has a registration awaiting approval or "
                "approved; re-confirm it instead of registering again."
            ),
            code="duplicate",
        )
    registration = Registration(
        member=member, community=community, grid=grid, skills=skills, submitted_by=by
    )
    registration.full_clean()
    registration.save()
    return registration


def _lock_pending(registration: Registration) -> Registration:
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("member__user")
        .get(pk=registration.pk)
    )
    if registration.status != Registration.Status.SUBMITTED:
        raise ValidationError(
            _("Only a registration awaiting approval can be decided."), code="not_pending"
        )
    return registration


@transaction.atomic
def registration_approve(*, registration: Registration, by: User) -> Registration:
    registration = _lock_pending(registration)
    registration.status = Registration.Status.APPROVED
    registration.decided_at = timezone.now()
    registration.decided_by = by
    registration.confirmed_on = timezone.localdate()
    registration.return_reason = ""
    registration.save()
    _notify_member(
        registration,
        texts.APPROVED(),
        texts.APPROVED_BODY(
            grid=registration.grid.name,
            date=registration_expires_on(registration).isoformat(),
        ),
    )
    return registration


@transaction.atomic
def registration_return(*, registration: Registration, by: User, reason: str) -> Registration:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the registration.")})
    registration = _lock_pending(registration)
    registration.status = Registration.Status.RETURNED
    registration.decided_at = timezone.now()
    registration.decided_by = by
    registration.return_reason = reason
    registration.save()
    _notify_member(registration, texts.RETURNED(), reason)
    return registration


@transaction.atomic
def registration_reconfirm(*, registration: Registration, by: User) -> Registration:
    """Re-confirm an approved registration (also one that has expired) for another period."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.APPROVED:
        raise ValidationError(
            _("Only an approved registration can be re-confirmed."), code="not_approved"
        )
    registration.confirmed_on = timezone.localdate()
    registration.save(update_fields=["confirmed_on"])
    return registration


# --- Needs list ------------------------------------------------------------------------------------
@transaction.atomic
def needs_list_item_take(*, item: NeedsListItem, member: PartyMember) -> NeedsListItem:
    """A member adopts an open item of the needs list (认领)."""
    item = NeedsListItem.objects.select_for_update().get(pk=item.pk)
    if item.status != NeedsListItem.Status.OPEN:
        raise ValidationError(_("Someone has already taken up this item."), code="taken")
    item.status = NeedsListItem.Status.TAKEN
    item.taken_by = member
    item.taken_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def needs_list_item_done(*, item: NeedsListItem, note: str = "") -> NeedsListItem:
    item = NeedsListItem.objects.select_for_update().get(pk=item.pk)
    if item.status != NeedsListItem.Status.TAKEN:
        raise ValidationError(
            _("Only an item that was taken up can be marked done."), code="not_taken"
        )
    item.status = NeedsListItem.Status.DONE
    item.done_at = timezone.now()
    item.done_note = note.strip()
    item.save()
    return item


# --- Activities and sign-ups -----------------------------------------------------------------------
def activity_validate(activity: Activity) -> None:
    activity.full_clean()
    if (
        activity.organiser_branch_id
        and activity.organiser_branch.grid.community_id != activity.community_id
    ):
        raise ValidationError(
            {
                "organiser_branch": _(
                    "The organising branch must belong to the organising community."
                )
            }
        )
    if activity.grid_id and activity.grid.community_id != activity.community_id:
        raise ValidationError({"grid": _("The area grid must lie in the organising community.")})


@transaction.atomic
def activity_save(*, activity: Activity, by: User | None = None) -> Activity:
    if activity.pk is None:
        activity.created_by = by
    activity_validate(activity)
    activity.save()
    return activity


@transaction.atomic
def signup_create(
    *, activity: Activity, member: PartyMember, now: datetime.datetime | None = None
) -> SignUp:
    """Sign a member up. The activity row is locked (SELECT … FOR UPDATE) so concurrent sign-ups
    for the last places are serialised: counting and inserting happen under the same lock, and
    the capacity can never be exceeded."""
    now = now or timezone.now()
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != Activity.Status.OPEN:
        raise ValidationError(_("This activity is not open for sign-up."), code="closed")
    if activity.starts_at <= now:
        raise ValidationError(_("This activity has already started."), code="started")
    registered = Registration.objects.filter(
        current_registration_q(), member=member, community_id=activity.community_id
    ).exists()
    if not registered:
        raise ValidationError(
            _("Only members registered with %(community)s (and re-confirmed in time) can sign up.")
            % {"community": activity.community.name},
            code="not_registered",
        )
    active = SignUp.objects.filter(activity=activity, status=SignUp.Status.SIGNED_UP)
    if active.filter(member=member).exists():
        raise ValidationError(_("You have already signed up for this activity."), code="duplicate")
    if active.count() >= activity.capacity:
        raise ValidationError(
            _("This activity is full (%(capacity)s places).") % {"capacity": activity.capacity},
            code="full",
        )
    return SignUp.objects.create(activity=activity, member=member)


@transaction.atomic
def signup_cancel(*, signup: SignUp, now: datetime.datetime | None = None) -> SignUp:
    now = now or timezone.now()
    signup = (
        SignUp.objects.select_for_update(of=("self",)).select_related("activity").get(pk=signup.pk)
    )
    if signup.checked_in_at or signup.activity.starts_at <= now:
        raise ValidationError(
            _("A sign-up can be cancelled only before the activity starts."), code="too_late"
        )
    signup.status = SignUp.Status.CANCELLED
    signup.save(update_fields=["status"])
    return signup


def _check_window(activity: Activity, now: datetime.datetime) -> None:
    window = datetime.timedelta(minutes=conf.CHECKIN_WINDOW_MINUTES)
    if not activity.starts_at - window <= now <= activity.ends_at + window:
        raise ValidationError(
            _("Check-in and check-out are possible only around the activity's time."), code="window"
        )


@transaction.atomic
def signup_check(*, signup: SignUp, method: str, now: datetime.datetime | None = None) -> SignUp:
    """Check in, or check out if already in; check-out credits the hours by the rounding rule."""
    now = now or timezone.now()
    signup = (
        SignUp.objects.select_for_update(of=("self",)).select_related("activity").get(pk=signup.pk)
    )
    if signup.status != SignUp.Status.SIGNED_UP:
        raise ValidationError(_("This sign-up was cancelled."), code="cancelled")
    if signup.activity.status == Activity.Status.CERTIFIED:
        raise ValidationError(
            _("The record of this activity is already certified."), code="certified"
        )
    if method == "qr":
        _check_window(signup.activity, now)
    if signup.checked_in_at is None:
        signup.checked_in_at = now
        signup.check_method = method
    elif signup.checked_out_at is None:
        signup.checked_out_at = max(now, signup.checked_in_at)
        signup.hours = hours_between(signup.checked_in_at, signup.checked_out_at)
    else:
        raise ValidationError(_("Already checked in and out."), code="done")
    signup.save()
    return signup


@transaction.atomic
def signup_check_by_qr(
    *, activity: Activity, token: str, member: PartyMember, now: datetime.datetime | None = None
) -> SignUp:
    if str(activity.qr_token) != str(token):
        raise PermissionDenied(_("This check-in code is not valid."))
    signup = SignUp.objects.filter(
        activity=activity, member=member, status=SignUp.Status.SIGNED_UP
    ).first()
    if signup is None:
        raise ValidationError(_("You have not signed up for this activity."), code="not_signed_up")
    return signup_check(signup=signup, method="qr", now=now)


@transaction.atomic
def activity_certify(*, activity: Activity, by: User, now: datetime.datetime | None = None) -> int:
    """The organiser certifies the record: the hours of everyone checked out now count.
    Returns the number of sign-ups certified."""
    now = now or timezone.now()
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != Activity.Status.OPEN:
        raise ValidationError(_("Only an open activity can be certified."), code="not_open")
    if activity.ends_at > now:
        raise ValidationError(
            _("The record can be certified after the activity ends."), code="not_ended"
        )
    count = SignUp.objects.filter(
        activity=activity, status=SignUp.Status.SIGNED_UP, checked_out_at__isnull=False
    ).update(certified_at=now)
    activity.status = Activity.Status.CERTIFIED
    activity.certified_at = now
    activity.certified_by = by
    activity.save(update_fields=["status", "certified_at", "certified_by"])
    return count
