"""Reminder kinds of the Party organisations (run by notifications.services.reminders_run).

Recipients are Party members with a login account (PartyMember.user) and community staff
accounts; members without an account are reached by the branch in person.
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from notifications.registry import Reminder, reminder_kind
from party_branches.models import (
    BranchCommitteeMember,
    CommunityCommitteeMember,
    Meeting,
    MeetingAttendance,
    PartyMember,
)

CHUNK = 2000


@reminder_kind(
    "party_branches.meeting_tomorrow",
    gettext_lazy("Branch meeting tomorrow"),
    channels=("inbox", "sms"),
)
def meeting_tomorrow(now):
    """Rule: a branch meeting (or Party-mass council meeting) held tomorrow (Asia/Shanghai)
    reminds, once, on the day before: every member of the branch, every member already on the
    meeting's attendance list and every current member of the branch committee — each who has a
    login account. Staff recipients get a link to the branch page."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    meetings = Meeting.objects.filter(held_on=tomorrow).values("pk")
    # One streaming query: the three groups of recipients as a UNION (which also removes
    # duplicates), each row carrying what the message needs, columns in the same order.
    branch_members = PartyMember.objects.filter(
        user__isnull=False, user__is_active=True, branch__meetings__in=meetings
    ).values_list(
        "branch__meetings__id",
        "user_id",
        "user__role",
        "branch__name",
        "branch__meetings__kind",
        "branch__meetings__place_name",
        "branch__meetings__place__name",
        "branch_id",
    )
    invited = MeetingAttendance.objects.filter(
        meeting__in=meetings, member__user__isnull=False, member__user__is_active=True
    ).values_list(
        "meeting_id",
        "member__user_id",
        "member__user__role",
        "meeting__branch__name",
        "meeting__kind",
        "meeting__place_name",
        "meeting__place__name",
        "meeting__branch_id",
    )
    committee = (
        BranchCommitteeMember.objects.in_force(tomorrow)
        .filter(
            branch__meetings__in=meetings, member__user__isnull=False, member__user__is_active=True
        )
        .values_list(
            "branch__meetings__id",
            "member__user_id",
            "member__user__role",
            "branch__name",
            "branch__meetings__kind",
            "branch__meetings__place_name",
            "branch__meetings__place__name",
            "branch_id",
        )
    )
    rows = branch_members.order_by().union(invited.order_by(), committee.order_by())
    kinds = dict(Meeting.Kind.choices)
    for meeting_id, user_id, role, branch, kind, place_name, position, branch_id in rows.iterator(
        chunk_size=CHUNK
    ):
        staff = role not in ("", None, Role.PARTY_MEMBER)
        place = place_name or position
        facts = {
            "branch": branch,
            "kind": kinds.get(kind, kind),
            "date": tomorrow.isoformat(),
            "place": place,
        }
        yield Reminder(
            object_id=meeting_id,
            recipient_id=user_id,
            period=tomorrow.isoformat(),
            subject=_("Tomorrow: %(kind)s of %(branch)s") % facts,
            body=(
                _("%(branch)s holds a %(kind)s tomorrow (%(date)s) at %(place)s.")
                if place
                else _("%(branch)s holds a %(kind)s tomorrow (%(date)s).")
            )
            % facts,
            link=reverse("party_branches:detail", args=[branch_id]) if staff else "",
        )


@reminder_kind(
    "party_branches.committee_term_expired",
    gettext_lazy("Branch committee term expired"),
    channels=("inbox", "email"),
)
def committee_term_expired(now):
    """Rule: a branch committee seat whose term has ended (term end before today) and that has
    no successor — no later-starting seat of the same position in the same branch whose term
    runs beyond it — reminds, once per seat and term end, every active community staff account
    of the branch's community and every current member of that community's Party committee who
    has a login account (urgent: not held by quiet hours)."""
    from accounts.models import User

    today = timezone.localdate(now)
    recipients: dict[int, set[int]] = {}
    for user_id, community_id in User.objects.filter(
        role=Role.COMMUNITY_STAFF, is_active=True, community__isnull=False
    ).values_list("id", "community_id"):
        recipients.setdefault(community_id, set()).add(user_id)
    for user_id, community_id in (
        CommunityCommitteeMember.objects.in_force(today)
        .filter(member__user__isnull=False, member__user__is_active=True)
        .values_list("member__user_id", "committee__community_id")
    ):
        recipients.setdefault(community_id, set()).add(user_id)
    successor = BranchCommitteeMember.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("end_date")),
        branch=OuterRef("branch"),
        position=OuterRef("position"),
        start_date__gt=OuterRef("start_date"),
    )
    rows = (
        BranchCommitteeMember.objects.filter(
            end_date__lt=today, branch__community_committee__community_id__in=list(recipients)
        )
        .filter(~Exists(successor))
        .values_list(
            "id",
            "branch__community_committee__community_id",
            "branch_id",
            "branch__name",
            "position",
            "end_date",
        )
        .order_by("id")
    )
    positions = dict(BranchCommitteeMember._meta.get_field("position").choices)
    for pk, community_id, branch_id, branch, position, end_date in rows.iterator(chunk_size=CHUNK):
        for user_id in sorted(recipients[community_id]):
            yield Reminder(
                object_id=pk,
                recipient_id=user_id,
                period=end_date.isoformat(),
                subject=_("Committee term expired: %(branch)s") % {"branch": branch},
                body=_(
                    "The term of the %(position)s of %(branch)s ended on %(date)s and no "
                    "successor has been appointed. Arrange the election."
                )
                % {
                    "position": positions.get(position, position),
                    "branch": branch,
                    "date": end_date.isoformat(),
                },
                link=reverse("party_branches:detail", args=[branch_id]),
                urgent=True,
            )
