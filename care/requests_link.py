"""The seam between household pairing and the requests desk (requests_desk).

A need raised on a visit becomes a request in one step (`need_to_request`); the need keeps a
foreign key to the request and the request reaches its origin through `request.care_needs`. When
the request is closed, a follow-up visit (回访) becomes due (care.selectors.follow_ups_due).
Everything in care that knows about the requests desk is in this module.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from requests_desk.models import Category, Request, Stage
from requests_desk.services import request_create, request_reroute


def closed_request_q() -> Q:
    """Needs whose request is closed (the follow-up visit is then due)."""
    return Q(request__stage=Stage.CLOSED)


def request_categories():
    """Sub-classes a need can be filed under (active, with a time limit)."""
    return Category.objects.filter(parent__isnull=False, active=True).select_related("parent")


@transaction.atomic
def need_to_request(*, need, category, by) -> Request:
    """Turn a need raised on a visit into a request on the requests desk, linked both ways.

    The request is placed at the household (its point when known, else its community) and
    carries only the need and the building — never the resident's name, phone, ID number or
    door (the address is encrypted in care; a request's address is plain text): the handling
    unit reaches the household through the pair (data minimisation, PIPL).
    """
    need = (
        type(need)
        .objects.select_for_update(of=("self",))
        .select_related("visit__household__grid__community")
        .get(pk=need.pk)
    )
    if need.request_id is not None:
        raise ValidationError(
            _("This need is already a request (%(code)s).") % {"code": need.request.code}
        )
    household = need.visit.household
    if household.anonymised_at:
        raise ValidationError(_("This household has been anonymised."))
    request = request_create(
        source=Request.Source.HOUSEHOLD_VISIT,
        category=category,
        description=need.description,
        location=household.location,
        community=household.grid.community_id if household.location is None else None,
        address=household.building,
        created_by=by,
    )
    if request.grid_id != household.grid_id:
        # Without a point the desk places the request in the community only; the household's
        # grid is known here, so route it there (DOMAIN.md: events go first to the locality).
        request = request_reroute(case=request, grid=household.grid)
    need.request = request
    need.save(update_fields=["request"])
    return request
