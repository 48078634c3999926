"""The case state machine (DOMAIN.md §3, seven steps) — the only place a request changes stage.

    reported ─accept→ accepted ─file→ filed ─dispatch→ dispatched ─start→ handling ─feedback→
    feedback ─verify→ verified ─close→ closed
    reported/accepted ─cancel→ cancelled (with a reason)       reported/accepted/filed ─merge→ merged
    dispatched/handling ─dispatch→ dispatched (re-dispatch, 二次派遣)
    feedback/verified ─rework→ handling (返工)              dispatched/handling ─carry_over→ carried_over
    carried_over ─resume→ handling                          closed ─redo→ dispatched (不满意重办)
    closed ─reopen→ dispatched, closed ─dismiss_reopen→ closed (the reporter asked to reopen)
    dispatched/handling: request_extension, then approve_extension / reject_extension (a higher role)
    contact (the 24-hour call to the resident) and reply (a note, public or internal) keep the stage.

Each Transition lists the roles allowed to make it ("resident" is the resident's own rating, made
without an account). An action that is not allowed raises TransitionRefused with a translated
message and changes nothing. Every transition writes one RequestEvent (the timeline): who, when,
note, attachments, from → to; resident notices (with consent) and staff notices are queued through
notifications.services.notification_enqueue in the same transaction.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import Role
from requests_desk.conf import conf
from requests_desk.models import Category, Request, RequestEvent, Stage
from requests_desk.monthly import monthly_figures_change
from requests_desk.public import unit_and_role
from requests_desk.worktime import WorkCalendar, due_at

RESIDENT = "resident"
HIGHER = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
MANAGERS = HIGHER | {Role.GRID_HEAD}
STAFF = MANAGERS | {Role.GRID_WORKER}


class TransitionRefused(ValidationError):
    """The action is not possible in this stage, for this role, or with these parameters."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple
    target: str | None  # None: the stage does not change
    roles: frozenset
    public: bool = False  # whether the note is shown to the resident by default


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
        ),
        Transition(
            "merge",
            gettext_lazy("Merge into another request"),
            (S.REPORTED, S.ACCEPTED, S.FILED),
            S.MERGED,
            MANAGERS,
            True,
        ),
        Transition("file", gettext_lazy("File as a case"), (S.ACCEPTED,), S.FILED, MANAGERS),
        Transition(
            "dispatch",
            pgettext_lazy("request action", "Dispatch"),
            (S.FILED, S.DISPATCHED, S.HANDLING),
            S.DISPATCHED,
            MANAGERS,
            True,
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
        ),
        Transition(
            "approve_extension",
            gettext_lazy("Approve the extension"),
            (S.DISPATCHED, S.HANDLING),
            None,
            HIGHER,
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
            "feedback", gettext_lazy("Report handling done"), (S.HANDLING,), S.FEEDBACK, STAFF, True
        ),
        Transition("verify", gettext_lazy("Verified on site"), (S.FEEDBACK,), S.VERIFIED, STAFF),
        Transition(
            "rework",
            gettext_lazy("Send back for rework"),
            (S.FEEDBACK, S.VERIFIED),
            S.HANDLING,
            MANAGERS,
        ),
        Transition(
            "close",
            pgettext_lazy("request action", "Close"),
            (S.VERIFIED,),
            S.CLOSED,
            MANAGERS,
            True,
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
        Transition(
            "reply",
            gettext_lazy("Add a note or reply"),
            tuple(s for s in Stage.values if s not in (S.CLOSED, S.CANCELLED, S.MERGED)),
            None,
            STAFF,
            True,
        ),
    ]
}


def role_of(user) -> str:
    if user is None:
        return RESIDENT
    if user.is_superuser:
        return Role.DISTRICT_ADMIN
    return user.role or ""


def _within(request: Request, user) -> bool:
    """Whether the request lies in the user's jurisdiction (no query below district level)."""
    if user is None or user.is_superuser:
        return True
    jurisdiction = user.jurisdiction
    if jurisdiction is None:
        return False
    attribute = {"street": "street_id", "community": "community_id", "grid": "grid_id"}.get(
        jurisdiction.level
    )
    if attribute:
        return getattr(request, attribute) == jurisdiction.node_id
    if jurisdiction.level == "district":
        return request.street.district_id == jurisdiction.node_id
    return False


def _guard(request: Request, transition: Transition) -> str | None:
    """A reason the transition cannot happen now, beyond stage and role, or None."""
    if transition.action == "request_extension" and request.extension_requested_until:
        return _("An extension request is already waiting for approval.")
    if (
        transition.action in ("approve_extension", "reject_extension")
        and not request.extension_requested_until
    ):
        return _("No extension has been requested.")
    if transition.action in ("reopen", "dismiss_reopen") and not request.reopen_requested_at:
        return _("The resident has not asked to reopen this request.")
    if transition.action == "contact" and request.contacted_at:
        return _("The resident has already been contacted.")
    return None


def allowed_actions(request: Request, user) -> list[Transition]:
    """The transitions `user` may make on `request` now (for showing only the allowed buttons)."""
    role = role_of(user)
    if role != RESIDENT and not _within(request, user):
        return []
    return [
        t
        for t in TRANSITIONS.values()
        if request.stage in t.sources and role in t.roles and _guard(request, t) is None
    ]


def check(request: Request, action: str, user) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(
            _("Unknown action “%(action)s”.") % {"action": action}, code="unknown"
        )
    role = role_of(user)
    if role not in transition.roles or (role != RESIDENT and not _within(request, user)):
        raise TransitionRefused(
            _("Your role may not do “%(action)s” on this request.") % {"action": transition.label},
            code="role",
        )
    if request.stage not in transition.sources:
        raise TransitionRefused(
            _("“%(action)s” is not possible while the request is %(stage)s.")
            % {"action": transition.label, "stage": request.get_stage_display()},
            code="stage",
        )
    reason = _guard(request, transition)
    if reason:
        raise TransitionRefused(reason, code="guard")
    return transition


def _calendar_for(moment):
    return WorkCalendar.load(timezone.localtime(moment).date())


# --- Effects of each action (beyond setting the stage) --------------------------------------------


def _do_cancel(request, now, by, note, params):
    reason = (params.get("reason") or note or "").strip()
    if not reason:
        raise TransitionRefused(_("Give the reason for cancelling."), code="reason")
    request.cancel_reason = reason[:300]
    return reason


def _do_file(request, now, by, note, params):
    category = params.get("category")
    if category is not None:
        if not isinstance(category, Category):
            category = Category.objects.filter(pk=category, parent__isnull=False).first()
        if category is None or not category.is_subclass:
            raise TransitionRefused(
                _("Choose a sub-class to file the case under."), code="category"
            )
        request.category = category
    request.filed_at = now


def _do_dispatch(request, now, by, note, params):
    from grids.jurisdiction import is_within
    from requests_desk.models import Department

    to_user, to_department = params.get("to_user"), params.get("to_department")
    to_community, to_street = params.get("to_community"), params.get("to_street")
    given = [x for x in (to_user, to_department, to_community, to_street) if x]
    if len(given) != 1:
        raise TransitionRefused(
            _("Choose exactly one unit or person to dispatch to."), code="target"
        )
    request.assignee = None
    request.department = None
    if to_user:
        if to_user.role not in (Role.GRID_WORKER, Role.GRID_HEAD) or not is_within(
            request, to_user
        ):
            raise TransitionRefused(
                _("Dispatch to a grid worker of the request's grid."), code="target"
            )
        request.target, request.assignee = Request.Target.GRID_WORKER, to_user
    elif to_department:
        if not isinstance(to_department, Department) or not to_department.active:
            raise TransitionRefused(_("That department is not active."), code="target")
        request.target, request.department = Request.Target.DEPARTMENT, to_department
    elif to_community:
        if to_community.pk != request.community_id:
            raise TransitionRefused(_("Dispatch to the request's own community."), code="target")
        request.target = Request.Target.COMMUNITY
    else:
        if to_street.pk != request.street_id:
            raise TransitionRefused(
                _("Dispatch to the request's own street office."), code="target"
            )
        request.target = Request.Target.STREET
    first = request.dispatched_at is None
    # The clock starts at dispatch (DOMAIN.md); a re-dispatch keeps the original deadline.
    if first or request.due_at is None:
        request.dispatched_at = now
        request.due_at = due_at(now, request.category, _calendar_for(now))
        request.contact_due_at = now + datetime.timedelta(hours=conf.CONTACT_WITHIN_HOURS)
    # The note is public: it names a unit and role, not the person (requests_desk.public).
    return _("Dispatched to %(target)s.") % {"target": unit_and_role(request)}


def _do_contact(request, now, by, note, params):
    request.contacted_at = now


def _do_request_extension(request, now, by, note, params):
    until = params.get("until")
    if until is None and params.get("working_days"):
        try:
            days = int(params["working_days"])
        except (TypeError, ValueError):
            days = 0
        if days < 1:
            raise TransitionRefused(_("Ask for at least one working day."), code="until")
        until = _calendar_for(now).add_limit(max(request.due_at or now, now), days, "days")
    if until is None or (request.due_at and until <= request.due_at) or until <= now:
        raise TransitionRefused(
            _("The new deadline must be later than the current one."), code="until"
        )
    if not (note or "").strip():
        raise TransitionRefused(_("Explain why more time is needed."), code="note")
    request.extension_requested_until = until
    return None


def _do_approve_extension(request, now, by, note, params):
    request.due_at = params.get("until") or request.extension_requested_until
    request.extension_requested_until = None
    request.extension_count += 1
    return _("New deadline: %(due)s.") % {
        "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")
    }


def _do_reject_extension(request, now, by, note, params):
    request.extension_requested_until = None


def _do_feedback(request, now, by, note, params):
    if not (note or "").strip():
        raise TransitionRefused(_("Describe what was done."), code="note")
    request.handled_at = now


def _do_rework(request, now, by, note, params):
    if not (note or "").strip():
        raise TransitionRefused(_("Say what must be redone."), code="note")
    request.rework_count += 1
    request.handled_at = None


def _do_close(request, now, by, note, params):
    closure = params.get("closure_type") or ""
    if closure not in ("", *Request.ClosureType.values):
        raise TransitionRefused(_("Unknown closure type."), code="closure_type")
    if closure in ("", Request.ClosureType.NORMAL, Request.ClosureType.OVERDUE):
        # Normal or overdue is a fact, not a choice: whether handling beat the deadline.
        late = request.due_at and (request.handled_at or now) > request.due_at
        closure = Request.ClosureType.OVERDUE if late else Request.ClosureType.NORMAL
    request.closure_type = closure
    request.closed_at = now


def _do_redo(request, now, by, note, params):
    request.redo_count += 1
    request.closure_type = ""
    request.closed_at = None
    request.handled_at = None
    request.dispatched_at = now
    request.due_at = due_at(now, request.category, _calendar_for(now))
    request.contact_due_at = now + datetime.timedelta(hours=conf.CONTACT_WITHIN_HOURS)
    request.contacted_at = None


def _do_reopen(request, now, by, note, params):
    _do_redo(request, now, by, note, params)
    request.reopen_requested_at = None


def _do_dismiss_reopen(request, now, by, note, params):
    request.reopen_requested_at = None


def _do_merge(request, now, by, note, params):
    into = params.get("into")
    if isinstance(into, str):
        into = Request.objects.filter(code=into.strip().upper()).first()
    if into is None or into.pk == request.pk or into.stage in (S.CANCELLED, S.MERGED):
        raise TransitionRefused(_("Choose an open request to merge into."), code="into")
    if not _within(into, by):
        raise TransitionRefused(_("Choose an open request to merge into."), code="into")
    request.merged_into = into
    return _("Merged into %(code)s; it shares that request's resolution.") % {"code": into.code}


EFFECTS = {
    "accept": lambda r, now, *a: setattr(r, "accepted_at", now),
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


@transaction.atomic
def transition(
    *,
    request: Request,
    action: str,
    by,
    note: str = "",
    public: bool | None = None,
    photos=(),
    now=None,
    **params,
) -> Request:
    """Make `action` on `request` as user `by` (None: the resident). See the module docstring."""
    from requests_desk.notices import notify_stage_change
    from requests_desk.uploads import photos_save

    locked = Request.objects.select_for_update().get(pk=request.pk)
    # Keep the caller's instance in sync (and its cached relations) after locking.
    for field in (
        "stage",
        "due_at",
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
    ):
        setattr(request, field, getattr(locked, field))
    t = check(request, action, by)
    now = now or timezone.now()
    note = (note or "").strip()
    from_stage = request.stage
    effect = EFFECTS.get(action)
    auto_note = effect(request, now, by, note, params) if effect else None
    if t.target is not None:
        request.stage = t.target
    # The model's check constraints hold by construction (each action refuses with a translated
    # message first, see _guard and the action functions) and the database enforces them in this
    # transaction; validating them here again would cost a query and a savepoint each.
    request.full_clean(exclude=NO_CLEAN, validate_unique=False, validate_constraints=False)
    request.save()
    text = "\n".join(x for x in (auto_note if auto_note and auto_note != note else "", note) if x)
    event = RequestEvent.objects.create(
        request=request,
        action=action,
        from_stage=from_stage,
        to_stage=request.stage,
        actor=by,
        actor_label=str(by) if by is not None else _("resident"),
        note=text,
        public=t.public if public is None else bool(public),
        created_at=now,
    )
    if photos:
        photos_save(request=request, files=photos, event=event)
    if action == "merge":
        RequestEvent.objects.create(
            request=request.merged_into,
            action="reply",
            from_stage=request.merged_into.stage,
            to_stage=request.merged_into.stage,
            actor=by,
            actor_label=str(by),
            note=_("Request %(code)s was merged into this one.") % {"code": request.code},
            created_at=now,
        )
    notify_stage_change(request=request, event=event)
    monthly_figures_change(before=locked, after=request)
    return request


def status_url(request: Request) -> str:
    return reverse("requests_desk:status", args=[request.code])
