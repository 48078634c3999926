"""The working page (/dashboard/) and the overview (/overview/). Thin: resolve the area, call the
selectors, render. Inline actions post to the requests desk's and the inbox's own endpoints (the
same permission checks as their full pages)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.access import is_staff, staff_required
from core.periods import month_of
from dashboards import overview as overview_data
from dashboards import selectors
from dashboards.areas import area_of, area_within, breadcrumbs
from dashboards.search import staff_search
from notifications.context_processors import remember_unread


def _member_page(user) -> str:
    """A Party member's own page (the volunteers app's)."""
    return reverse("volunteers:mine")


@login_required
def start(request):
    """Where everyone lands after logging in (LOGIN_REDIRECT_URL): staff on their dashboard,
    Party members on their member page, anyone else on the home page."""
    if is_staff(request.user):
        return redirect("dashboards:dashboard")
    return redirect(_member_page(request.user))


@staff_required
def dashboard(request):
    user = request.user
    area = area_of(user)
    now = timezone.now()
    context = {"area": area, "now": now}
    if area is not None:
        requests = selectors.requests_panel(user, now=now)
        layers = selectors.map_layers(user, area)
        layers["requests"] = requests.pins if requests else []
        inbox = selectors.inbox_panel(user)
        if inbox is not None:
            remember_unread(request, inbox["unread"])  # the bell's count, counted here
        context.update(
            requests=requests,
            layers=layers,
            care=selectors.care_panel(user, today=timezone.localdate()),
            patrols=selectors.patrols_panel(user, now=now),
            registration=selectors.registration_panel(area),
            upcoming=selectors.upcoming_panel(user, area, now=now),
            inbox=inbox,
            figures=selectors.month_figures(user, area, today=timezone.localdate()),
            month=month_of(timezone.localdate()),
            staff=selectors.grid_staff(area) if area.level == "grid" else None,
            map_i18n=overview_data.map_strings(),
        )
    return render(request, "dashboards/dashboard.html", context)


@staff_required
def overview(request):
    user = request.user
    own = area_of(user)
    if own is None:
        return render(request, "dashboards/overview.html", {"area": None})
    level, node = request.GET.get("level"), request.GET.get("id")
    area = area_within(user, level, node) if level and node else own
    indicator = request.GET.get("indicator") or overview_data.DEFAULT_INDICATOR
    data = overview_data.overview_for(user, area, indicator=indicator, today=timezone.localdate())
    chain = breadcrumbs(area)
    crumbs = chain[[c.level for c in chain].index(own.level) :]
    return render(
        request,
        "dashboards/overview.html",
        {
            "area": area,
            "own": own,
            "crumbs": crumbs,
            **data,
            "map_i18n": overview_data.map_strings(),
        },
    )


@staff_required
def search(request):
    """The header's search box: cases, households and members, within the user's scope."""
    results = staff_search(request.user, request.GET.get("q", ""))
    return render(request, "dashboards/search.html", {"results": results})
