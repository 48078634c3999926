"""Leaving: an account is deactivated (never deleted) and, in the same transaction, the person's
work passes to a named successor.

What a person holds lives in the apps above accounts (open cases in requests_desk, pairings in
care, patrols in patrols), and accounts may not import them (apps import downward only, in
INSTALLED_APPS order). So each app contributes a *handover step* in its own `<app>/handover.py`,
imported at start-up by AccountsConfig.ready, the way apps contribute report sections and
reminder kinds:

    from accounts.handover import HandoverStep, handover_step

    @handover_step("requests.open_cases", gettext_lazy("Open cases assigned"), order=20)
    class OpenCases(HandoverStep):
        def pending(self, user) -> int:
            \"\"\"How many items `user` holds (shown before the handover; 0 = nothing to do).\"\"\"
        def problems(self, *, user, successor) -> list[str]:
            \"\"\"Why `successor` cannot take them (translated), or [] — checked before anything
            is written.\"\"\"
        def hand_over(self, *, user, successor, by) -> int:
            \"\"\"Pass every item to `successor` through the app's own services; returns how
            many.\"\"\"

`user_deactivate` runs every step in order inside one transaction: a step that fails rolls back
all of them and the account stays active. The grid staff assignments step lives here (grids is
below accounts); it is what makes the grid's patrol plans the successor's (patrol reminders go to
the grid's assigned workers).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.models import AuthToken

from accounts import rules
from accounts.models import PasswordToken, User
from grids.models import GridAssignment
from grids.services import assignment_create, assignment_end

STEPS: dict[str, "HandoverStep"] = {}


class HandoverStep:
    name: str = ""
    label = ""
    order: int = 100

    def pending(self, user) -> int:
        raise NotImplementedError

    def problems(self, *, user, successor) -> list[str]:
        return []

    def hand_over(self, *, user, successor, by) -> int:
        raise NotImplementedError


def handover_step(name: str, label, *, order: int = 100):
    """Class decorator: register one instance of the step under `name`."""

    def decorator(cls):
        step = cls()
        step.name, step.label, step.order = name, label, order
        STEPS[name] = step
        return cls

    return decorator


def steps() -> list[HandoverStep]:
    return sorted(STEPS.values(), key=lambda s: (s.order, s.name))


@dataclass
class HandoverPlan:
    """What `user` holds, per step: [(step, count)] with count > 0."""

    items: list[tuple[HandoverStep, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.items


def handover_plan(user) -> HandoverPlan:
    plan = HandoverPlan()
    for step in steps():
        count = step.pending(user)
        if count:
            plan.items.append((step, count))
    return plan


def successor_problems(*, user, successor) -> list[str]:
    """The general rule: an active account with the same role at the same place; then each
    step's own checks."""
    if successor is None:
        return [_("Choose who takes over.")]
    if successor.pk == user.pk:
        return [_("The successor must be someone else.")]
    if not successor.is_active or not successor.role:
        return [_("The successor's account is not active.")]
    if successor.role != user.role or successor.jurisdiction != user.jurisdiction:
        return [
            _("The successor must have the same role at the same place (%(role)s, %(node)s).")
            % {"role": user.get_role_display(), "node": user.node}
        ]
    problems = []
    for step in steps():
        if step.pending(user):
            problems.extend(step.problems(user=user, successor=successor))
    return problems


def successor_candidates(user):
    """Active accounts that could take over from `user` (same role, same node)."""
    if not user.role:
        return User.objects.none()
    level_field = user.jurisdiction.level
    return (
        User.objects.filter(
            is_active=True,
            role=user.role,
            **{f"{level_field}_id": user.jurisdiction.node_id},
        )
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def user_deactivate(*, by, user: User, successor: User | None = None) -> dict[str, int]:
    """Deactivate `user`, handing everything they hold to `successor` first.

    Refused (nothing written) when `by` may not manage the account, when the person holds work and
    no valid successor is named, or when any step refuses. The account is kept with its history;
    its password links and API tokens end; it can no longer sign in (accounts.backends). Returns
    {step name: items handed over}.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if by is not None and not rules.may_manage(by, locked):
        raise PermissionDenied(rules.refusal(by, locked))
    if not locked.is_active:
        raise ValidationError(_("This account is already deactivated."))
    plan = handover_plan(locked)
    if not plan.empty or successor is not None:
        problems = successor_problems(user=locked, successor=successor)
        if problems:
            if successor is None:
                held = "、".join(f"{step.label} {count}" for step, count in plan.items)
                problems = [
                    _("%(name)s still holds work (%(held)s): choose who takes it over.")
                    % {"name": locked, "held": held}
                ]
            raise ValidationError(problems)
    done = {}
    for step, _count in plan.items:
        done[step.name] = step.hand_over(user=locked, successor=successor, by=by)
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    PasswordToken.objects.filter(user=locked, used_at__isnull=True).update(used_at=timezone.now())
    AuthToken.objects.filter(user=locked).delete()
    user.is_active = False
    return done


# --- The grid staff assignments step (grids sits below accounts, so it is registered here) ------
@handover_step("grids.assignments", gettext_lazy("Grid staff assignments"), order=10)
class GridAssignments(HandoverStep):
    """Each current assignment of the person (grid head, grid worker, sent-down staff) ends the
    day before today and the successor gets the same one from today. The grid's patrol plans go
    with it: patrol reminders reach the grid workers assigned to the grid."""

    def _current(self, user):
        return GridAssignment.objects.in_force().filter(user=user).select_related("grid")

    def pending(self, user) -> int:
        return self._current(user).count()

    def hand_over(self, *, user, successor, by) -> int:
        today = timezone.localdate()
        count = 0
        for assignment in self._current(user):
            taken = (
                GridAssignment.objects.in_force()
                .filter(grid=assignment.grid, user=successor, role=assignment.role)
                .exists()
            )
            ended = assignment_end(assignment=assignment, on=today - datetime.timedelta(days=1))
            if not taken:
                # The day after the old assignment ends (today, unless it only started today).
                start = max(today, ended.end_date + datetime.timedelta(days=1))
                assignment_create(
                    grid=assignment.grid, user=successor, role=assignment.role, start_date=start
                )
            count += 1
        return count
