"""What the requests desk writes for people, stored as a kind and its parameters (core.texts) and
shown in the reader's language: the timeline's system notes and the inbox messages about cases.

`target_label` is the one wording of whom a case was dispatched to, for staff pages and for public
ones (the status page, the timeline's public notes): public pages name the unit and the role, not
the person.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.texts import choice_label, local_moment, text_kind
from requests_desk.models import Request, Stage

PERSON_TARGETS = (Request.Target.GRID_WORKER, Request.Target.GRID_HEAD)


def target_label(*, target: str, unit: str = "", person: str = "", public: bool = False) -> str:
    """Whom a case is dispatched to. A person as role and name for staff ("网格长 张三"); on a
    public page as role and unit ("网格长（光明社区第一网格）"), never the name. A unit (community,
    street office, department) by its name."""
    if target in PERSON_TARGETS:
        role = str(Request.Target(target).label)
        if public or not person:
            return _("%(role)s (%(unit)s)") % {"role": role, "unit": unit} if unit else role
        return _("%(role)s %(person)s") % {"role": role, "person": person}
    return unit


def dispatch_params(case: Request) -> dict:
    """The parameters of a DISPATCHED text for `case` as it was just dispatched."""
    if case.target in PERSON_TARGETS:
        unit = case.grid.name if case.grid_id else case.community.name
        return {"target": case.target, "unit": unit, "person": str(case.assignee or "")}
    if case.target == Request.Target.DEPARTMENT:
        return {"target": case.target, "unit": case.department.name}
    if case.target == Request.Target.STREET:
        return {"target": case.target, "unit": case.street.name}
    return {"target": case.target, "unit": case.community.name}


def _dispatched(params: dict, public: bool) -> str:
    who = target_label(
        target=params.get("target", ""),
        unit=params.get("unit", ""),
        person=params.get("person", ""),
        public=public,
    )
    return _("Dispatched to %(target)s.") % {"target": who}


# --- The timeline's system notes ------------------------------------------------------------------
REPORTED = text_kind(
    "requests_desk.reported",
    gettext_lazy("Reported through: %(source)s"),
    formats={"source": choice_label(Request.Source)},
)
DISPATCHED = text_kind("requests_desk.dispatched", render=_dispatched)
# Written before dispatches were stored with their parameters: the target as it was worded then.
DISPATCHED_EARLIER = text_kind(
    "requests_desk.dispatched_text", gettext_lazy("Dispatched to %(target)s.")
)
NEW_DEADLINE = text_kind(
    "requests_desk.new_deadline",
    gettext_lazy("New deadline: %(due)s."),
    formats={"due": local_moment},
)
RATED = text_kind("requests_desk.rated", gettext_lazy("Rated %(score)s / 5."))
MERGED_INTO = text_kind(
    "requests_desk.merged_into",
    gettext_lazy("Merged into %(code)s; it shares that request's resolution."),
)
MERGED_HERE = text_kind(
    "requests_desk.merged_here", gettext_lazy("Request %(code)s was merged into this one.")
)
UNSATISFIED = text_kind(
    "requests_desk.unsatisfied",
    gettext_lazy("The resident was not satisfied (%(score)s / 5): %(comment)s"),
)
PLACED = text_kind(
    "requests_desk.placed",
    gettext_lazy("Placed in %(grid)s (it was reported without a map point)."),
)
TIMELINE = (
    REPORTED,
    PLACED,
    NEW_DEADLINE,
    RATED,
    MERGED_INTO,
    MERGED_HERE,
    UNSATISFIED,
    DISPATCHED_EARLIER,
)

# --- Inbox, e-mail and SMS messages about cases ---------------------------------------------------
STAGE = {"stage": choice_label(Stage)}
DUE = {"due": local_moment}
RESIDENT_SUBJECT = text_kind(
    "requests_desk.resident_subject",
    gettext_lazy("Your request %(code)s: %(stage)s"),
    formats=STAGE,
)
RESIDENT_BODY = text_kind(
    "requests_desk.resident_body",
    gettext_lazy("Your request %(code)s is now: %(stage)s. Follow it at %(link)s"),
    formats=STAGE,
)
# The closing notice asks for the rating (the status page's form, or "我的诉求").
RESIDENT_BODY_CLOSED = text_kind(
    "requests_desk.resident_body_closed",
    gettext_lazy(
        "Your request %(code)s has been handled and closed. Please rate how it was handled: "
        "%(link)s"
    ),
)
DISPATCHED_TO_YOU = text_kind(
    "requests_desk.dispatched_to_you", gettext_lazy("Request %(code)s dispatched to you")
)
NEW_IN_GRID = text_kind(
    "requests_desk.new_in_grid", gettext_lazy("New request %(code)s in your grid")
)
DUE_SOON = text_kind("requests_desk.due_soon", gettext_lazy("Request %(code)s is due soon"))
DUE_SOON_BODY = text_kind(
    "requests_desk.due_soon_body",
    gettext_lazy("Request %(code)s must be handled by %(due)s."),
    formats=DUE,
)
OVERDUE = text_kind("requests_desk.overdue", gettext_lazy("Request %(code)s is overdue"))
OVERDUE_BODY = text_kind(
    "requests_desk.overdue_body",
    gettext_lazy("Request %(code)s was due at %(due)s and is not handled yet."),
    formats=DUE,
)
ESCALATED = text_kind(
    "requests_desk.escalated", gettext_lazy("Escalated: request %(code)s is overdue")
)
ESCALATED_HEAD_BODY = text_kind(
    "requests_desk.escalated_head_body",
    gettext_lazy("Request %(code)s in your grid was due at %(due)s and is still not handled."),
    formats=DUE,
)
ESCALATED_COMMUNITY_BODY = text_kind(
    "requests_desk.escalated_community_body",
    gettext_lazy("Request %(code)s in your community was due at %(due)s and is still not handled."),
    formats=DUE,
)
CONTACT = text_kind(
    "requests_desk.contact", gettext_lazy("Contact the resident of request %(code)s")
)
CONTACT_BODY = text_kind(
    "requests_desk.contact_body",
    gettext_lazy("The resident of request %(code)s should have been contacted by %(due)s."),
    formats=DUE,
)
CALENDAR_EMPTY = text_kind(
    "requests_desk.calendar_empty", gettext_lazy("The holiday calendar is empty")
)
CALENDAR_EMPTY_BODY = text_kind(
    "requests_desk.calendar_empty_body",
    gettext_lazy(
        "No official holiday schedule is loaded: deadlines in working days count every "
        "weekday. Import this year's schedule."
    ),
)
CALENDAR_ENDS = text_kind(
    "requests_desk.calendar_ends", gettext_lazy("The holiday calendar ends on %(date)s")
)
CALENDAR_ENDS_BODY = text_kind(
    "requests_desk.calendar_ends_body",
    gettext_lazy(
        "The holiday calendar covers days up to %(date)s. Import the next year's official "
        "schedule (the State Council's holiday arrangements) before then: deadlines that fall "
        "later are flagged “calendar missing”."
    ),
)
INBOX = (
    RESIDENT_SUBJECT,
    RESIDENT_BODY,
    RESIDENT_BODY_CLOSED,
    DISPATCHED_TO_YOU,
    NEW_IN_GRID,
    DUE_SOON,
    DUE_SOON_BODY,
    OVERDUE,
    OVERDUE_BODY,
    ESCALATED,
    ESCALATED_HEAD_BODY,
    ESCALATED_COMMUNITY_BODY,
    CONTACT,
    CONTACT_BODY,
)
