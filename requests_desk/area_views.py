"""Public transparency pages (no account): an area's month (figures and a map of public
reports), its Atom feeds (requests_desk.feeds) and alerts of new reports by e-mail or SMS
(requests_desk.alerts). What a page shows of a request comes from requests_desk.public."""

import json

from django.contrib import messages
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.errors import form_add_errors
from core.periods import add_months, month_start, parse_month
from core.ratelimit import client_address
from grids.models import Street
from requests_desk import alerts, transparency
from requests_desk.forms import AlertForm


def areas(request):
    """The streets and their communities: the way into the area pages."""
    streets = (
        Street.objects.current().defer("boundary").prefetch_related("communities").order_by("code")
    )
    rows = []
    for street in streets:
        current = [c for c in street.communities.all() if c.valid_to is None]
        rows.append((street, sorted(current, key=lambda c: c.code)))
    return render(request, "requests_desk/areas.html", {"streets": rows})


def _boundary(area) -> dict | None:
    model = type(area.node)
    geojson = (
        model.objects.filter(pk=area.node.pk)
        .annotate(g=AsGeoJSON("boundary", precision=5))
        .values_list("g", flat=True)
        .first()
    )
    return json.loads(geojson) if geojson else None


def area(request, code, *, alert_form=None, status=200):
    """An area's month: received, closed, on time, satisfaction (the database's monthly summary),
    and its public reports of the month on a map and in a list."""
    found = transparency.area_by_code(code)
    if found is None:
        raise Http404
    this_month = month_start(timezone.localdate())
    month_error = ""
    try:
        month = parse_month(request.GET["month"]) if request.GET.get("month") else this_month
    except ValueError:
        month, month_error, status = this_month, _("Give the month as YYYY-MM."), 400
    if month > this_month:
        month, month_error, status = this_month, _("That month has not begun yet."), 400
    reports = transparency.area_reports(found, month=month)
    points = [
        {
            "lat": case.lat,
            "lon": case.lon,
            "title": f"{case.category_name} · {case.stage_label}",
            "url": f"/requests/t/{case.code}/",
            "closed": case.status == "closed",
        }
        for case in reports
        if case.lat is not None
    ]
    return render(
        request,
        "requests_desk/area.html",
        {
            "area": found,
            "parents": _parents(found),
            "children": transparency.area_children(found),
            "month": month,
            "previous_month": add_months(month, -1),
            "next_month": add_months(month, 1) if month < this_month else None,
            "month_error": month_error,
            "figures": transparency.area_figures(found, month),
            "reports": reports,
            "map_data": {"boundary": _boundary(found), "points": points},
            "alert_form": alert_form or AlertForm(),
        },
        status=status,
    )


def _parents(found) -> list:
    node = found.node
    if found.level == "grid":
        return [("street", node.community.street), ("community", node.community)]
    if found.level == "community":
        return [("street", node.street)]
    return []


def alert_subscribe(request, code):
    """Subscribe to alerts of new public reports in the area: double opt-in, and the same answer
    whether or not the address is already subscribed (no enumeration)."""
    found = transparency.area_by_code(code)
    if found is None:
        raise Http404
    if request.method != "POST":
        return redirect("areas:area", code=found.code)
    form = AlertForm(request.POST)
    if not form.is_valid():
        return area(request, code, alert_form=form, status=400)
    contact = form.cleaned_data["contact"]
    if not alerts.subscribe_allowed(ip=client_address(request), contact=contact):
        form.add_error(None, _("Too many subscriptions from your network. Please try later."))
        return area(request, code, alert_form=form, status=429)
    try:
        alerts.alert_subscribe(area=found, contact=contact)
    except ValidationError as exc:
        form_add_errors(form, exc)
        return area(request, code, alert_form=form, status=400)
    messages.success(
        request,
        _(
            "Thank you. A confirmation link was sent to that address unless it already "
            "receives these alerts; the alerts start once the link is followed."
        ),
    )
    return redirect("areas:area", code=found.code)


def alert_confirm(request, token):
    """The link of the confirmation message: a button (a mail scanner's GET confirms nothing)."""
    if request.method == "POST":
        alert = alerts.alert_confirm(token)
        if alert is None:
            return render(request, "requests_desk/alert_link.html", {"invalid": True}, status=400)
        messages.success(request, _("Alerts confirmed. You can stop them from any alert."))
        return redirect("areas:area", code=alert.area_code)
    return render(request, "requests_desk/alert_link.html", {"confirm": True})


@csrf_exempt
def alert_stop(request, token):
    """The one-click unsubscribe link of every alert (its signed token is the authority, so a
    mail client's one-click POST works without a form's CSRF token)."""
    if request.method == "POST":
        if not alerts.alert_unsubscribe(token):
            return render(request, "requests_desk/alert_link.html", {"invalid": True}, status=400)
        return render(request, "requests_desk/alert_link.html", {"stopped": True})
    if alerts.alert_of_stop_token(token) is None:
        return render(request, "requests_desk/alert_link.html", {"invalid": True}, status=400)
    return render(request, "requests_desk/alert_link.html", {"stop": True})
