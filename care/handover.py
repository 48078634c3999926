"""Handover of a leaving person's household pairings (accounts.handover).

A grid worker's active pairings end ("handed over") and each household is paired again with the
successor and the same registered Party members, so the history shows who visited when. A Party
member's place in active pairings passes to the successor (the same household, the same
pairing). Both go through care.services (pairing_end, pairing_create)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.handover import HandoverStep, handover_step
from care.models import Pairing
from care.services import pairing_create, pairing_end


@handover_step("care.pairings", gettext_lazy("Household pairings"), order=30)
class Pairings(HandoverStep):
    def _as_worker(self, user):
        return Pairing.objects.in_force().filter(worker=user)

    def _as_member(self, user):
        return Pairing.objects.in_force().filter(members=user)

    def pending(self, user) -> int:
        return self._as_worker(user).count() + self._as_member(user).count()

    def problems(self, *, user, successor) -> list[str]:
        both = self._as_member(user).filter(members=successor).count()
        if both:
            return [
                _("%(name)s is already paired with %(n)s of these households.")
                % {"name": successor, "n": both}
            ]
        return []

    def hand_over(self, *, user, successor, by) -> int:
        today = timezone.localdate()
        count = 0
        for pairing in (
            self._as_worker(user).select_related("household__grid").prefetch_related("members")
        ):
            members = list(pairing.members.all())
            pairing_end(
                pairing=pairing,
                reason=_("handed over to %(name)s") % {"name": successor},
                end_date=max(today, pairing.start_date),
            )
            try:
                pairing_create(
                    household=pairing.household,
                    worker=successor,
                    members=members,
                    start_date=max(today, pairing.start_date),
                    by=by,
                )
            except ValidationError as exc:
                raise ValidationError(
                    _("Household %(household)s: %(problem)s")
                    % {"household": pairing.household, "problem": " ".join(exc.messages)}
                ) from exc
            count += 1
        for pairing in self._as_member(user):
            pairing.members.remove(user)
            pairing.members.add(successor)
            count += 1
        return count
