"""The case state machine (DOMAIN.md §3, seven steps): the API for every change of a case.

    reported ─accept→ accepted ─file→ filed ─dispatch→ dispatched ─start→ handling ─feedback→
    feedback ─verify→ verified ─close→ closed ─rate→ closed (satisfied) or dispatched (redo)
    reported/accepted ─cancel→ cancelled (with a reason)       reported/accepted/filed ─merge→ merged
    dispatched/handling ─dispatch→ dispatched (re-dispatch, 二次派遣)
    feedback/verified ─rework→ handling (返工)              dispatched/handling ─carry_over→ carried_over
    carried_over ─resume→ handling                          closed ─redo→ dispatched (不满意重办)
    closed ─reopen→ dispatched, closed ─dismiss_reopen→ closed (the reporter asked to reopen)
    dispatched/handling: request_extension, then approve_extension / reject_extension (a higher role)
    contact (the 24-hour call to the resident) and reply (a note, public or internal) keep the stage;
    so does place (a request reported without a point that its address did not route to a grid:
    the community's staff put it in one, on the map or by choosing the grid).

The API (everything else in this module is its implementation):

    transition(*, case, action, by, note="", public=None, photos=(), now=None, version=None,
               **params) -> Request
        Make `action` on the Request `case` as user `by` (None: the resident, without an account).
        `params` are the action's own parameters, declared once in its Transition.params (the
        case page's form and the API take the same names); an undeclared one is a TypeError.
        `version`: the case's version the caller saw (Request.version, carried by the case page's
        forms); when the case has changed since, the action is refused (a double submit, or
        someone else acted first) and nothing changes.
    allowed_actions(case, user, among=None)          the buttons to show on a case
    refusals(case, user) -> [(Transition, reason)]  actions of the stage refused to this user, why
    check(case, action, user) -> Transition         raises TransitionRefused if not allowed now
    may(user, action) -> bool                        whether the role may make it at all
    dispatch_assignees(case, on=None)                the people `case` may be dispatched to
    TRANSITIONS                                      {action: Transition}

Each Transition lists the roles allowed to make it ("resident" is the resident's own rating, made
without an account). Separation of duties (REDGRID_REQUESTS_DESK_SEPARATE_VERIFICATION, on by
default): whoever handled a case — the person it is dispatched to, or who started handling it or
reported it done — may not verify it on site. An action that is not allowed raises TransitionRefused
(a ValidationError) with a translated message and changes nothing. Every transition writes one
RequestEvent (the timeline): who, when, the system's text (a kind and its parameters,
requests_desk/texts.py, shown in the reader's language), the typed note, attachments, from → to;
resident notices (with consent) and staff notices are queued through
notifications.services.notification_enqueue in the same transaction, and the monthly summary
(requests_desk.monthly) is kept exact in it too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import Role, User
from core.texts import moment
from grids.models import Community, GridAssignment, Street
from requests_desk import texts
from requests_desk.conf import conf
from requests_desk.models import Category, Department, Rating, Request, RequestEvent, Stage
from requests_desk.monthly import monthly_figures_change, monthly_figures_rate
from requests_desk.worktime import WorkCalendar, due_at

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from django.db.models import QuerySet
    from django.utils.functional import Promise

RESIDENT = "resident"
HIGHER = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
MANAGERS = HIGHER | {Role.GRID_HEAD}
STAFF = MANAGERS | {Role.GRID_WORKER}


class TransitionRefused(ValidationError):
    """The action is not possible in this stage, for this role, or with these parameters."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: tuple
    to_stage: str | None  # None: the stage does not change
    roles: frozenset
    public: bool = False  # whether the note is shown to the resident by default
    # What a person gives to make the action: the keyword parameters transition() takes for it
    # and, by the same names, the fields of its form on the case page (forms.ActionForm) and of
    # its API call. "note", "public" and "photos" are transition()'s own keywords (every action
    # accepts them); they are listed where the action's form shows them.
    params: tuple = ("note",)
    # Set when the action needs a note: the message that refuses it without one.
    note_required: str | Promise = ""


S = Stage
TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            "accept",
            pgettext_lazy("request action", "Accept"),
            (S.REPORTED,),
            S.ACCEPTED,
            STAFF,
            True,
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel as invalid"),
            (S.REPORTED, S.ACCEPTED),
            S.CANCELLED,
            MANAGERS,
            True,
            params=("reason",),
        ),
        Transition(
            "merge",
            gettext_lazy("Merge into another request"),
            (S.REPORTED, S.ACCEPTED, S.FILED),
            S.MERGED,
            MANAGERS,
            True,
            # into: the main request, or its tracking code.
            params=("into", "note"),
        ),
        Transition(
            "file",
            gettext_lazy("File as a case"),
            (S.ACCEPTED,),
            S.FILED,
            MANAGERS,
            # category: a sub-class (or its id); without it the case keeps its category.
            params=("category", "note"),
        ),
        Transition(
            "dispatch",
            pgettext_lazy("request action", "Dispatch"),
            (S.FILED, S.DISPATCHED, S.HANDLING),
            S.DISPATCHED,
            MANAGERS,
            True,
            # target: a User (one of dispatch_assignees), a Department, or the case's own
            # Community or Street.
            params=("target", "note"),
        ),
        Transition("start", gettext_lazy("Start handling"), (S.DISPATCHED,), S.HANDLING, STAFF),
        Transition(
            "contact", gettext_lazy("Resident contacted"), (S.DISPATCHED, S.HANDLING), None, STAFF
        ),
        Transition(
            "request_extension",
            gettext_lazy("Request an extension"),
            (S.DISPATCHED, S.HANDLING),
            None,
            STAFF,
            # working_days: how many more; or until: the new deadline itself.
            params=("working_days", "until", "note"),
            note_required=gettext_lazy("Explain why more time is needed."),
        ),
        Transition(
            "approve_extension",
            gettext_lazy("Approve the extension"),
            (S.DISPATCHED, S.HANDLING),
            None,
            HIGHER,
            # until: another deadline than the one asked for.
            params=("until", "note"),
        ),
        Transition(
            "reject_extension",
            gettext_lazy("Refuse the extension"),
            (S.DISPATCHED, S.HANDLING),
            None,
            HIGHER,
        ),
        Transition(
            "carry_over",
            gettext_lazy("Carry over"),
            (S.DISPATCHED, S.HANDLING),
            S.CARRIED_OVER,
            HIGHER,
            True,
        ),
        Transition(
            "resume", gettext_lazy("Resume handling"), (S.CARRIED_OVER,), S.HANDLING, MANAGERS
        ),
        Transition(
            "feedback",
            gettext_lazy("Report handling done"),
            (S.HANDLING,),
            S.FEEDBACK,
            STAFF,
            True,
            params=("note", "photos"),
            note_required=gettext_lazy("Describe what was done."),
        ),
        Transition("verify", gettext_lazy("Verified on site"), (S.FEEDBACK,), S.VERIFIED, STAFF),
        Transition(
            "rework",
            gettext_lazy("Send back for rework"),
            (S.FEEDBACK, S.VERIFIED),
            S.HANDLING,
            MANAGERS,
            note_required=gettext_lazy("Say what must be redone."),
        ),
        Transition(
            "close",
            pgettext_lazy("request action", "Close"),
            (S.VERIFIED,),
            S.CLOSED,
            MANAGERS,
            True,
            # closure_type: empty (normal or overdue, decided by the deadline), erroneous, special.
            params=("closure_type", "note"),
        ),
        Transition(
            "rate",
            pgettext_lazy("request action", "Rate"),
            (S.CLOSED,),
            None,
            frozenset({RESIDENT}),
            # Scores from 1 to 5. An unsatisfied rating is followed by "redo" (see transition()).
            params=("speed", "result", "service", "feedback_quality", "comment"),
        ),
        Transition(
            "redo",
            gettext_lazy("Redo after an unsatisfied rating"),
            (S.CLOSED,),
            S.DISPATCHED,
            frozenset({RESIDENT}),
            True,
        ),
        # The reporter asked to reopen the closed case (Open311 servicerequestupdates):
        # a manager reopens it (like a redo after an unsatisfied rating) or dismisses the ask.
        Transition(
            "reopen",
            gettext_lazy("Reopen as the resident asked"),
            (S.CLOSED,),
            S.DISPATCHED,
            MANAGERS,
            True,
        ),
        Transition(
            "dismiss_reopen",
            gettext_lazy("Keep closed (dismiss the reopening request)"),
            (S.CLOSED,),
            None,
            MANAGERS,
            True,
        ),
        # A request reported without a point that its address did not route to a grid: the
        # community's staff place it on the map or pick its grid; then it flows as any other.
        Transition(
            "place",
            gettext_lazy("Place in a grid"),
            S.OPEN,
            None,
            HIGHER,
            # grid: an area grid of the case's community; or lat/lon: the point, located.
            params=("grid", "lat", "lon", "note"),
        ),
        Transition(
            "reply",
            gettext_lazy("Add a note or reply"),
            Stage.OPEN,
            None,
            STAFF,
            True,
            params=("note", "public"),
        ),
    ]
}


def role_of(user: User | None) -> str:
    if user is None:
        return RESIDENT
    if user.is_superuser:
        return Role.DISTRICT_ADMIN
    return user.role or ""


def _within(request: Request, user: User | None) -> bool:
    """Whether the request lies in the user's jurisdiction (no query below district level)."""
    if user is None or user.is_superuser:
        return True
    jurisdiction = user.jurisdiction
    return jurisdiction is not None and jurisdiction.contains(request)


def action_label(action: str) -> str:
    """What an action is called on the timeline ("report" is the case's first entry)."""
    if action == "report":
        return str(pgettext_lazy("request action", "Report"))
    transition = TRANSITIONS.get(action)
    return str(transition.label) if transition else action


# Actions that make their author one who handled the case (separation of duties).
HANDLING_ACTIONS = ("start", "feedback")


def handled_by(case: Request, user: User | None) -> bool:
    """Whether `user` handled `case`: it is dispatched to them, or they started handling it or
    reported it done (one query, only asked on a case waiting to be verified)."""
    if user is None:
        return False
    if case.assignee_id == user.pk:
        return True
    return RequestEvent.objects.filter(
        request_id=case.pk, actor_id=user.pk, action__in=HANDLING_ACTIONS
    ).exists()


def _guard(case: Request, transition: Transition, user: User | None = None) -> str | None:
    """A reason the transition cannot happen now, beyond stage and role, or None."""
    if transition.action == "request_extension" and case.extension_requested_until:
        return _("An extension request is already waiting for approval.")
    if (
        transition.action in ("approve_extension", "reject_extension")
        and not case.extension_requested_until
    ):
        return _("No extension has been requested.")
    if transition.action in ("reopen", "dismiss_reopen") and not case.reopen_requested_at:
        return _("The resident has not asked to reopen this request.")
    if transition.action == "place" and case.grid_id is not None:
        return _("This request is already placed in a grid.")
    if transition.action == "contact" and case.contacted_at:
        return _("The resident has already been contacted.")
    if transition.action == "rate" and Rating.objects.filter(request_id=case.pk).exists():
        return _("This request has already been rated.")
    if transition.action == "verify" and conf.SEPARATE_VERIFICATION and handled_by(case, user):
        return _(
            "You handled this case, so someone else verifies it on site (separation of duties)."
        )
    return None


def _candidates(case: Request, user: User, among: Iterable[str] | None = None) -> list[Transition]:
    """The transitions of the case's stage that `user`'s role may make (guards not yet asked),
    only those named in `among` when given."""
    role = role_of(user)
    if role != RESIDENT and not _within(case, user):
        return []
    return [
        t
        for t in TRANSITIONS.values()
        if case.stage in t.sources and role in t.roles and (among is None or t.action in among)
    ]


def allowed_actions(
    case: Request, user: User, *, among: Iterable[str] | None = None
) -> list[Transition]:
    """The transitions `user` may make on `case` now (for showing only the allowed buttons).
    A list of many cases asks only for the actions it offers (`among`): some guards cost a
    query (who handled the case), which a row that offers no "verify" need not pay."""
    return [t for t in _candidates(case, user, among) if _guard(case, t, user) is None]


def refusals(case: Request, user: User) -> list[tuple[Transition, str]]:
    """The transitions of the case's stage that `user`'s role may make but not now, with the
    reason (shown beside the buttons: why there is no "verify" for the one who handled it)."""
    found = []
    for t in _candidates(case, user):
        reason = _guard(case, t, user)
        if reason and t.action == "verify":
            found.append((t, reason))
    return found


def may(user: User, action: str) -> bool:
    """Whether `user`'s role may make `action` at all (on a case of their jurisdiction in the
    right stage): for offering a control before a case is chosen, e.g. the queue's bulk dispatch."""
    return role_of(user) in TRANSITIONS[action].roles


def check(case: Request, action: str, user: User | None) -> Transition:
    """The Transition `action`, if `user` may make it on `case` now; else TransitionRefused."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(
            _("Unknown action “%(action)s”.") % {"action": action}, code="unknown"
        )
    role = role_of(user)
    if role not in transition.roles or (role != RESIDENT and not _within(case, user)):
        raise TransitionRefused(
            _("Your role may not do “%(action)s” on this request.") % {"action": transition.label},
            code="role",
        )
    if case.stage not in transition.sources:
        raise TransitionRefused(
            _("“%(action)s” is not possible while the request is %(stage)s.")
            % {"action": transition.label, "stage": case.get_stage_display()},
            code="stage",
        )
    reason = _guard(case, transition, user)
    if reason:
        raise TransitionRefused(reason, code="guard")
    return transition


def dispatch_assignees(
    case: Request, *, on: datetime.date | None = None
) -> QuerySet[GridAssignment]:
    """The grid assignments whose person `case` may be dispatched to: the grid workers and grid
    heads assigned to its area grid on `on` (today by default). The one rule behind both the
    dispatch form's choices and the dispatch itself. A request without an area grid (a hotline
    call placed in a community) goes to a unit instead."""
    if case.grid_id is None:
        return GridAssignment.objects.none()
    return (
        GridAssignment.objects.in_force(on)
        .filter(
            grid_id=case.grid_id,
            role__in=[GridAssignment.Role.GRID_WORKER, GridAssignment.Role.GRID_HEAD],
            user__role__in=[Role.GRID_WORKER, Role.GRID_HEAD],
        )
        .select_related("user")
        .order_by("role", "user__username")
    )


def _calendar_for(moment: datetime.datetime) -> WorkCalendar:
    return WorkCalendar.load(timezone.localtime(moment).date())


def _set_due(case: Request, now: datetime.datetime) -> None:
    """The deadline from the sub-class's time limit, and whether it falls past the holiday
    calendar (then computed with every weekday a working day: flagged, never silent)."""
    calendar = _calendar_for(now)
    case.due_at = due_at(now, case.category, calendar)
    case.due_calendar_missing = bool(case.due_at) and not calendar.covers(case.due_at)


# --- Effects of each action (beyond setting the stage) --------------------------------------------


def _do_cancel(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    reason = (params.get("reason") or note or "").strip()
    if not reason:
        raise TransitionRefused(_("Give the reason for cancelling."), code="reason")
    case.cancel_reason = reason[:300]
    return reason


def _do_file(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    category = params.get("category")
    if category is not None:
        if not isinstance(category, Category):
            category = Category.objects.filter(pk=category, parent__isnull=False).first()
        if category is None or not category.is_subclass:
            raise TransitionRefused(
                _("Choose a sub-class to file the case under."), code="category"
            )
        case.category = category
    case.filed_at = now


def _do_dispatch(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    target = params.get("target")
    case.assignee = None
    case.department = None
    if isinstance(target, User):
        assignment = (
            dispatch_assignees(case, on=timezone.localdate(now)).filter(user=target).first()
        )
        if assignment is None:
            raise TransitionRefused(
                _("Dispatch to a grid worker or the grid head now assigned to the request's grid."),
                code="target",
            )
        # The person's role in the grid, as recorded and shown: the grid head or a grid worker.
        case.target = (
            Request.Target.GRID_HEAD
            if assignment.role == GridAssignment.Role.GRID_HEAD
            else Request.Target.GRID_WORKER
        )
        case.assignee = target
    elif isinstance(target, Department):
        if not target.active:
            raise TransitionRefused(_("That department is not active."), code="target")
        case.target, case.department = Request.Target.DEPARTMENT, target
    elif isinstance(target, Community):
        if target.pk != case.community_id:
            raise TransitionRefused(_("Dispatch to the request's own community."), code="target")
        case.target = Request.Target.COMMUNITY
    elif isinstance(target, Street):
        if target.pk != case.street_id:
            raise TransitionRefused(
                _("Dispatch to the request's own street office."), code="target"
            )
        case.target = Request.Target.STREET
    else:
        raise TransitionRefused(
            _("Choose exactly one unit or person to dispatch to."), code="target"
        )
    first = case.dispatched_at is None
    # The clock starts at dispatch (DOMAIN.md); a re-dispatch keeps the original deadline.
    if first or case.due_at is None:
        case.dispatched_at = now
        _set_due(case, now)
        case.contact_due_at = now + datetime.timedelta(hours=conf.CONTACT_WITHIN_HOURS)
    return texts.DISPATCHED.store(**texts.dispatch_params(case))


def _do_contact(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    case.contacted_at = now


def _do_request_extension(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    until = params.get("until")
    if until is None and params.get("working_days"):
        try:
            days = int(params["working_days"])
        except (TypeError, ValueError):
            days = 0
        if days < 1:
            raise TransitionRefused(_("Ask for at least one working day."), code="until")
        until = _calendar_for(now).add_limit(max(case.due_at or now, now), days, "days")
    if until is None or (case.due_at and until <= case.due_at) or until <= now:
        raise TransitionRefused(
            _("The new deadline must be later than the current one."), code="until"
        )
    case.extension_requested_until = until
    return None


def _do_approve_extension(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    case.due_at = params.get("until") or case.extension_requested_until
    case.due_calendar_missing = not _calendar_for(now).covers(case.due_at)
    case.extension_requested_until = None
    case.extension_count += 1
    return texts.NEW_DEADLINE.store(due=moment(case.due_at))


def _do_reject_extension(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    case.extension_requested_until = None


def _do_feedback(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    case.handled_at = now


def _do_rework(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    case.rework_count += 1
    case.handled_at = None


def _do_close(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    closure = params.get("closure_type") or ""
    if closure not in ("", *Request.ClosureType.values):
        raise TransitionRefused(_("Unknown closure type."), code="closure_type")
    if closure in ("", Request.ClosureType.NORMAL, Request.ClosureType.OVERDUE):
        # Normal or overdue is a fact, not a choice: whether handling beat the deadline.
        late = case.due_at and (case.handled_at or now) > case.due_at
        closure = Request.ClosureType.OVERDUE if late else Request.ClosureType.NORMAL
    case.closure_type = closure
    case.closed_at = now


SCORES = ("speed", "result", "service", "feedback_quality")


def _do_rate(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    """The resident's rating (DOMAIN.md step 7), once; it keeps the stage (see transition() for
    what an unsatisfied one sets off)."""
    try:
        scores = [int(params.get(name)) for name in SCORES]
    except (TypeError, ValueError) as exc:
        raise TransitionRefused(_("Give each score from 1 to 5."), code="score") from exc
    if any(s < 1 or s > 5 for s in scores):
        raise TransitionRefused(_("Give each score from 1 to 5."), code="score")
    overall = Decimal(sum(scores)) / 4
    rating = Rating.objects.create(
        request=case,
        **dict(zip(SCORES, scores, strict=True)),
        overall=overall.quantize(Decimal("0.01")),
        comment=(params.get("comment") or "").strip()[:1000],
        satisfied=overall >= conf.UNSATISFIED_BELOW,
        created_at=now,
    )
    monthly_figures_rate(case=case, rating=rating)
    return texts.RATED.store(score=str(rating.overall))


def _do_redo(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    case.redo_count += 1
    case.closure_type = ""
    case.closed_at = None
    case.handled_at = None
    case.dispatched_at = now
    _set_due(case, now)
    case.contact_due_at = now + datetime.timedelta(hours=conf.CONTACT_WITHIN_HOURS)
    case.contacted_at = None


def _do_reopen(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    _do_redo(case, now, by, note, params)
    case.reopen_requested_at = None


def _do_dismiss_reopen(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    case.reopen_requested_at = None


def _do_merge(
    case: Request, now: datetime.datetime, by: User, note: str, params: dict[str, Any]
) -> Any:
    into = params.get("into")
    if isinstance(into, str):
        into = Request.objects.filter(code=into.strip().upper()).first()
    if into is None or into.pk == case.pk or into.stage in (S.CANCELLED, S.MERGED):
        raise TransitionRefused(_("Choose an open request to merge into."), code="into")
    if not _within(into, by):
        raise TransitionRefused(_("Choose an open request to merge into."), code="into")
    case.merged_into = into
    return texts.MERGED_INTO.store(code=into.code)


def _do_place(
    case: Request, now: datetime.datetime, by: User | None, note: str, params: dict[str, Any]
) -> dict[str, Any]:
    from django.contrib.gis.geos import Point

    from grids.locate import locate
    from grids.models import AreaGrid

    grid, lat, lon = params.get("grid"), params.get("lat"), params.get("lon")
    if lat is not None and lon is not None:
        point = Point(float(lon), float(lat), srid=4326)
        grid = locate(point).grid
        if grid is None or grid.community.code != case.community.code:
            raise TransitionRefused(
                _("That place is not in %(community)s. Tap a place inside it.")
                % {"community": case.community.name},
                code="grid",
            )
        case.location = point
    elif isinstance(grid, AreaGrid | int | str):
        grid_id = grid.pk if isinstance(grid, AreaGrid) else grid
        grid = (
            AreaGrid.objects.current()
            .filter(pk=grid_id, community__code=case.community.code)
            .select_related("community__street")
            .first()
        )
        if grid is None:
            raise TransitionRefused(
                _("Choose a grid of %(community)s.") % {"community": case.community.name},
                code="grid",
            )
    else:
        raise TransitionRefused(_("Tap the place on the map or choose the grid."), code="grid")
    case.grid = grid
    case.community = grid.community
    case.street = grid.community.street
    return texts.PLACED.store(grid=grid.name)


# action -> its effect on the case: (case, now, by, note, params) -> what it says, if anything.
EFFECTS: dict[str, Callable[..., Any]] = {
    "place": _do_place,
    "accept": lambda case, now, *a: setattr(case, "accepted_at", now),
    "cancel": _do_cancel,
    "file": _do_file,
    "dispatch": _do_dispatch,
    "contact": _do_contact,
    "request_extension": _do_request_extension,
    "approve_extension": _do_approve_extension,
    "reject_extension": _do_reject_extension,
    "feedback": _do_feedback,
    "rework": _do_rework,
    "close": _do_close,
    "rate": _do_rate,
    "redo": _do_redo,
    "reopen": _do_reopen,
    "dismiss_reopen": _do_dismiss_reopen,
    "merge": _do_merge,
}


# Foreign keys are checked by the database; cleaning them would cost a query each.
NO_CLEAN = [
    "code",
    "location",
    "street",
    "community",
    "grid",
    "category",
    "assignee",
    "department",
    "merged_into",
    "created_by",
    "open311_client",
]

# What transition() copies from the locked row onto the caller's instance before deciding.
LOCKED_FIELDS = (
    "stage",
    "grid_id",
    "due_at",
    "due_calendar_missing",
    "extension_requested_until",
    "contacted_at",
    "dispatched_at",
    "handled_at",
    "closure_type",
    "category_id",
    "rework_count",
    "extension_count",
    "redo_count",
    "reopen_requested_at",
    "merged_into_id",
    "assignee_id",
    "department_id",
    "target",
    "version",
)


def stale_check(case: Request, action: str, version: int | str | None) -> None:
    """Refuse a form made before the case last changed: the same submit a second time (a double
    tap, a resend after "back"), or another person acted first. Checked before the stage, so a
    resent form gets this reason rather than "not allowed at this stage"."""
    if version is None or str(version) == str(case.version):
        return
    raise TransitionRefused(
        _(
            "This case has changed since the form was shown (it is now %(stage)s), so "
            "“%(action)s” was not done again. Check the case as it is now."
        )
        % {"stage": case.get_stage_display(), "action": action_label(action)},
        code="stale",
    )


@transaction.atomic
def transition(
    *,
    case: Request,
    action: str,
    by: User | None,
    note: str = "",
    public: bool | None = None,
    photos: Iterable[Any] = (),
    now: datetime.datetime | None = None,
    version: int | None = None,
    message: dict | None = None,
    **params: Any,
) -> Request:
    """Make `action` on `case` as user `by` (None: the resident). See the module docstring.
    `message` is the system's own text for the timeline entry (core.texts, stored), for callers
    inside the desk; an action's effect may set it instead."""
    from requests_desk.notices import notify_stage_change
    from requests_desk.uploads import photos_save

    locked = Request.objects.select_for_update().get(pk=case.pk)
    # Keep the caller's instance in sync (and its cached relations) after locking.
    for field in LOCKED_FIELDS:
        setattr(case, field, getattr(locked, field))
    stale_check(case, action, version)
    t = check(case, action, by)
    undeclared = sorted(set(params) - set(t.params))
    if undeclared:
        raise TypeError(f"transition {action!r} takes no parameter {', '.join(undeclared)}")
    now = now or timezone.now()
    note = (note or "").strip()
    if t.note_required and not note:
        raise TransitionRefused(str(t.note_required), code="note")
    from_stage = case.stage
    effect = EFFECTS.get(action)
    # An effect returns the system's text (stored, a dict) or a text the person gave in a
    # parameter (the reason for cancelling), shown with the note.
    said = effect(case, now, by, note, params) if effect else None
    if isinstance(said, dict):
        message = said
    elif said and said != note:
        note = f"{said}\n{note}" if note else said
    if t.to_stage is not None:
        case.stage = t.to_stage
    case.version = locked.version + 1
    # The model's check constraints hold by construction (each action refuses with a translated
    # message first, see _guard and the action functions) and the database enforces them in this
    # transaction; validating them here again would cost a query and a savepoint each.
    case.full_clean(exclude=NO_CLEAN, validate_unique=False, validate_constraints=False)
    case.save()
    event = RequestEvent.objects.create(
        request=case,
        action=action,
        from_stage=from_stage,
        to_stage=case.stage,
        actor=by,
        # No actor: the resident (RequestEvent.actor_shown says so in the reader's language).
        actor_label=str(by) if by is not None else "",
        message=message or {},
        note=note,
        public=t.public if public is None else bool(public),
        created_at=now,
    )
    if photos:
        photos_save(case=case, files=photos, event=event)
    if action == "merge":
        RequestEvent.objects.create(
            request=case.merged_into,
            action="reply",
            from_stage=case.merged_into.stage,
            to_stage=case.merged_into.stage,
            actor=by,
            actor_label=str(by),
            message=texts.MERGED_HERE.store(code=case.code),
            created_at=now,
        )
    notify_stage_change(case=case, event=event)
    monthly_figures_change(before=locked, after=case)
    if action == "rate" and not case.rating.satisfied:
        # An unsatisfied rating sends the case back to be redone (不满意重办), in this transaction.
        transition(
            case=case,
            action="redo",
            by=None,
            now=now,
            message=texts.UNSATISFIED.store(
                score=str(case.rating.overall), comment=case.rating.comment or "—"
            ),
        )
    return case
