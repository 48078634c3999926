"""Pages: the public map and list of positions, a position's page, rooms' weekly calendars with
booking, and the coverage report. Thin: parse, call a selector or service, render."""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.gzip import gzip_page
from django.views.generic import TemplateView

from core import page_cache
from core.access import StaffRequiredMixin
from grids.jurisdiction import get_scoped_object_or_404
from grids.selectors import map_view, map_view_at_mark
from service_points import answers, selectors, services
from service_points.conf import conf
from service_points.forms import BookingForm, PositionFilterForm
from service_points.hours import opening_intervals
from service_points.models import Booking, Tier, Weekday


def filter_kwargs(form: PositionFilterForm) -> dict:
    """Selector arguments from a bound filter form (invalid fields are ignored)."""
    data = (
        form.cleaned_data
        if form.is_valid()
        else {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    )
    near = None
    if data.get("lat") is not None and data.get("lon") is not None:
        near = Point(data["lon"], data["lat"], srid=4326)
    return {
        "q": data.get("q") or "",
        "tier": data.get("tier") or "",
        "function": data.get("function"),
        "facility": data.get("facility"),
        "open_now": bool(data.get("open_now")),
        "near": near,
    }


def _list_rows(page, *, near: bool) -> list[dict]:
    """What the list shows of each position of `page`, read once: the template reading model
    instances, their methods, managers and URL tags row by row took most of its rendering."""
    tiers = {value: str(label) for value, label in Tier.choices}
    detail = reverse("service_points:detail", args=[0])[: -len("0/")]
    rows = []
    for p in page:
        area = p.subgrid or p.grid or p.community
        rows.append(
            {
                "url": f"{detail}{p.pk}/",
                "name": p.name,
                "tier": p.tier,
                "tier_label": tiers.get(p.tier, p.tier),
                "is_open": p.is_open,
                "distance": getattr(p, "distance", None) if near else None,
                "address": p.address,
                "area": area.name,
                "facilities": [f.label for f in p.facilities.all()],
            }
        )
    return rows


class PositionListView(TemplateView):
    """Public: map and list of service positions with filters and "nearest to me".

    Its content (position_list_content.html: filters, map, list, pages) is the same for every
    visitor and kept per state of the positions, language and query string (answers); what an
    anonymous visitor sees is kept whole, with a hole for the CSRF token (core.page_cache)."""

    template_name = "service_points/position_list.html"
    content_template_name = "service_points/position_list_content.html"
    current: answers.State | None = None
    form_valid = True

    def get(self, request, *args, **kwargs):
        self.current = answers.state() if answers.kept_query(request) else None
        # With the state, the map's first view is this process's for its boundary mark (no
        # round trip to the shared cache).
        self.map_view = (
            map_view_at_mark(self.current.boundaries) if self.current is not None else map_view()
        )
        if self.current is None or not answers.anonymous_get(request):
            return super().get(request, *args, **kwargs)
        kept = self._version("list")
        answer = page_cache.cached_answer(request, kept, stored=answers.stored(kept))
        if answer is not None:
            return answer
        response = super().get(request, *args, **kwargs)
        response.render()
        if not self.form_valid:  # a page per wrong code sent: not kept
            return response
        return page_cache.page_keep(kept, response)

    def _version(self, name: str) -> page_cache.PageVersion:
        assert self.current is not None
        return answers.version(
            name,
            self.current,
            self.request.META.get("QUERY_STRING", ""),
            # What else the page shows: the map's first view and tiles, the page size.
            self.map_view.bounds,
            (settings.REDGRID_TILE_URL, settings.REDGRID_TILE_ATTRIBUTION),
            (settings.REDGRID_TILE_DATUM, conf.PAGE_SIZE),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.current is None:
            context["content"] = self.content()[0]
        else:
            context["content"] = answers.fragment(self._version("list-content"), self.content)
        return context

    def content(self) -> tuple[str, bool]:
        """The page's content, rendered (without the request: what it reads of it is here), and
        whether its filters were valid."""
        at = self.current.at if self.current is not None else None
        params = self.request.GET
        form = PositionFilterForm(params or None)
        args = filter_kwargs(form) if params else filter_kwargs(PositionFilterForm({}))
        page = Paginator(selectors.positions_list_page(**args, at=at), conf.PAGE_SIZE).get_page(
            params.get("page")
        )
        query = params.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page": page,
            "rows": _list_rows(page, near=args["near"] is not None),
            "near": args["near"],
            "query": query.urlencode(),
            # The "Clear location" link: every parameter's last value but the place and page.
            "query_without_location": "".join(
                f"{quote(k)}={quote(v)}&"
                for k, v in params.items()
                if k not in ("lat", "lon", "page")
            ),
            "map_url": reverse("service_points:map-data"),
            "detail_url": reverse("service_points:detail", args=[0]),
            "tile_url": settings.REDGRID_TILE_URL,
            "tile_attribution": settings.REDGRID_TILE_ATTRIBUTION,
            "tile_datum": settings.REDGRID_TILE_DATUM,
            "map_view": self.map_view,
            "map_i18n": {
                "tiers": dict(Tier.choices),
                "open": _("Open now"),
                "closed": _("Closed now"),
                "details": _("Details"),
                "you": _("You are here"),
                "noGeo": _("Your browser cannot share its location."),
                "geoDenied": _("Location was not shared."),
                "locating": _("Finding your location…"),
                "shown": _("positions on the map"),
            },
        }
        self.form_valid = not params or form.is_valid()
        return render_to_string(self.content_template_name, context), self.form_valid


def _map_data(request, at: datetime.datetime | None = None) -> JsonResponse:
    form = PositionFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    rows = selectors.positions_for_map(**filter_kwargs(form), at=at)
    # Chinese names as UTF-8 (3 bytes a character), not \\uXXXX escapes (6).
    return JsonResponse(
        {"fields": selectors.MAP_FIELDS, "rows": rows}, json_dumps_params={"ensure_ascii": False}
    )


@gzip_page  # public data, no secret in it: compressed to about a third
def position_map_data(request):
    """The public map's pins (GET, same filters as the list): {"fields": [...], "rows": [...]},
    a few tens of bytes a position (selectors.positions_for_map) instead of the API's full
    GeoJSON features, kept until the positions change (answers). Bad filters answer 400 with the
    translated messages."""
    current = answers.state() if answers.kept_query(request) else None
    if current is None:
        return _map_data(request)
    kept = answers.version("map", current, answers.filters_sent(request))
    return answers.answer(request, kept, lambda: _map_data(request, current.at), compressed=True)


class PositionDetailView(TemplateView):
    template_name = "service_points/position_detail.html"

    def get_context_data(self, pk, **kwargs):
        context = super().get_context_data(**kwargs)
        position = selectors.position_public_detail(pk)
        if position is None:
            raise Http404
        today = timezone.localdate()
        hours = list(position.opening_hours.all())
        weekly = [
            (label, [h for h in hours if h.weekday == value]) for value, label in Weekday.choices
        ]
        context.update(
            position=position,
            weekly=weekly,
            exceptions=[e for e in position.opening_exceptions.all() if e.date >= today][:10],
            today_intervals=opening_intervals(
                hours, position.opening_exceptions.all(), today, today
            ),
            activities=selectors.upcoming_public_activities(position),
            usage=selectors.position_usage(position),
            may_book=services.may_book(self.request.user),
        )
        return context


class RoomListView(StaffRequiredMixin, TemplateView):
    permission = "service_points.view_room"
    template_name = "service_points/room_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rooms"] = selectors.rooms_for(self.request.user).order_by(
            "position__community__code", "position__name", "name"
        )
        return context


def _parse_day(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


class RoomWeekView(StaffRequiredMixin, TemplateView):
    """A room's week (Monday–Sunday): opening hours and bookings; staff and grid heads book here."""

    permission = "service_points.view_room"

    template_name = "service_points/room_week.html"

    def get_room(self):
        return get_scoped_object_or_404(
            selectors.rooms_for(self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        room = self.get_room()
        day = _parse_day(self.request.GET.get("week"))
        week = selectors.room_week(room, day)
        may_book = services.may_book(self.request.user)
        context.update(
            room=room,
            week=week,
            may_book=may_book,
            days=[(d, week.hours_by_day[d], week.bookings_by_day.get(d, [])) for d in week.days],
            form=form or BookingForm(initial={"date": day}),
        )
        return context

    def post(self, request, pk):
        room = self.get_room()
        form = BookingForm(request.POST)
        if form.is_valid():
            starts_at, ends_at = form.period()
            try:
                services.booking_create(
                    room=room,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    purpose=form.cleaned_data["purpose"],
                    title=form.cleaned_data["title"],
                    attendees_expected=form.cleaned_data["attendees_expected"],
                    by=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request, _("Booked: %(title)s.") % {"title": form.cleaned_data["title"]}
                )
                return redirect(
                    f"{reverse('service_points:room-week', args=[room.pk])}"
                    f"?week={form.cleaned_data['date']:%Y-%m-%d}"
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class BookingCancelView(StaffRequiredMixin, View):
    permission = "service_points.view_room"

    def post(self, request, pk):
        booking = get_scoped_object_or_404(
            selectors.bookings_for(request.user).filter(status=Booking.Status.CONFIRMED),
            request.user,
            pk=pk,
        )
        try:
            services.booking_cancel(booking=booking, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The booking was cancelled."))
        return redirect(
            f"{reverse('service_points:room-week', args=[booking.room_id])}"
            f"?week={timezone.localtime(booking.starts_at):%Y-%m-%d}"
        )


class CoverageView(StaffRequiredMixin, TemplateView):
    permission = "service_points.view_serviceposition"
    template_name = "service_points/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            distance = int(self.request.GET.get("distance") or conf.WALKING_DISTANCE_M)
        except ValueError:
            distance = conf.WALKING_DISTANCE_M
        distance = min(max(distance, 50), 5000)
        context["coverage"] = selectors.coverage_report(
            self.request.user, walking_distance_m=distance
        )
        context["gap_codes"] = {
            "grids": [g.code for g in context["coverage"].grids_without_position],
            "subgrids": [sg.code for sg in context["coverage"].subgrids_without_micro_site],
        }
        return context
