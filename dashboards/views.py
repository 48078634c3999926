"""The working page (/dashboard/) and the overview (/overview/). Thin: resolve the area, call the
selectors, render. Inline actions post to the requests desk's and the inbox's own endpoints (the
same permission checks as their full pages)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.access import is_staff, staff_required
from dashboards import overview as overview_data
from dashboards import selectors
from dashboards.areas import area_within
from dashboards.search import staff_search
from grids.selectors import map_view
from notifications.context_processors import remember_unread
from notifications.kept import unread_html


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


# Stands for the request's CSRF token in the panels' kept HTML (each page puts its own in).
CSRF_SLOT = "csrf-slot-5f0b7c1e9a"


def _map_context() -> dict:
    """What a map of the kept HTML reads from the site context processor, and its strings."""
    return {
        "tile_url": settings.REDGRID_TILE_URL,
        "tile_attribution": settings.REDGRID_TILE_ATTRIBUTION,
        "tile_datum": settings.REDGRID_TILE_DATUM,
        "map_view": map_view(),
        "map_i18n": overview_data.map_strings(),
    }


def _panels_html(panels: dict) -> dict:
    """The panels rendered once for as long as they are kept (dashboards/_panels.html, each part
    apart): the page puts them around the inbox. Rendered without the request: the map's settings
    are the site context processor's, the CSRF token a slot."""
    if panels["area"] is None:
        return panels
    context = {**panels, **_map_context(), "csrf_token": CSRF_SLOT}
    html = {
        part: render_to_string("dashboards/_panels.html", {**context, "part": part})
        for part in ("head", "work", "figures", "scripts")
    }
    return {"area": panels["area"], "html": html}


@staff_required
def dashboard(request):
    user = request.user
    now = timezone.now()
    context = {"now": now, **selectors.dashboard_panels(user, now=now, finish=_panels_html)}
    if context["area"] is not None:
        token = get_token(request)
        # The same masked token for the page's other forms (the csrf context processor would
        # mask the secret again: 32 random characters more).
        context["csrf_token"] = token
        context["panels"] = {
            part: mark_safe(html.replace(CSRF_SLOT, token))  # noqa: S308 - rendered by _panels_html
            for part, html in context.pop("html").items()
        }
        inbox = selectors.inbox_panel(user)
        if inbox is not None:
            remember_unread(request, inbox["unread"])  # the bell's count, counted here
            inbox["messages_html"] = unread_html(inbox["messages"], csrf_token=token)
        context["inbox"] = inbox
    return render(request, "dashboards/dashboard.html", context)


@staff_required
def overview(request):
    user = request.user
    level, node = request.GET.get("level"), request.GET.get("id")
    # A node chosen by drilling down is checked against the user's jurisdiction each time.
    area = area_within(user, level, node) if level and node else None
    page = overview_data.overview_page(
        user,
        area=area,
        indicator=request.GET.get("indicator") or overview_data.DEFAULT_INDICATOR,
        now=timezone.now(),
        finish=_overview_html,
    )
    return render(request, "dashboards/overview.html", page)


def _overview_html(data: dict) -> dict:
    """The overview's content rendered once for as long as it is kept (no form of it posts: no
    CSRF token in it)."""
    if data["area"] is None:
        return data
    html = render_to_string("dashboards/_overview_content.html", {**data, **_map_context()})
    return {"area": data["area"], "has_trend": bool(data["trend"]), "content": mark_safe(html)}  # noqa: S308


@staff_required
def search(request):
    """The header's search box: cases, households and members, within the user's scope."""
    results = staff_search(request.user, request.GET.get("q", ""))
    return render(request, "dashboards/search.html", {"results": results})
