"""Patrol pages: the grid worker's phone page and the grid head's coverage page. Thin."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.errors import error_text
from core.periods import month_range, parse_month
from grids.models import KeyPlace
from patrols import selectors, services
from patrols.forms import CheckInForm, FindingForm, HandledForm
from patrols.models import PatrolPlan


def _request_categories():
    from requests_desk.models import Category

    return list(Category.objects.filter(parent__isnull=False, active=True).select_related("parent"))


@staff_required(permission="patrols.view_patrol")
def home(request):
    user = request.user
    refusal = services.patrol_start_refusal(user)
    context = {"may_patrol": refusal is None, "why_not": refusal}
    if refusal is None:
        patrol = selectors.open_patrol(user)
        context["patrol"] = patrol
        if patrol is not None:
            plans = selectors.plans_with_coverage(
                PatrolPlan.objects.filter(grid=patrol.grid, active=True)
            ).order_by("-overdue", "key_place__name")
            places = KeyPlace.objects.filter(grid=patrol.grid).order_by("name")
            context.update(
                plans=plans,
                finding_form=FindingForm(places=places),
                check_ins=patrol.check_ins.select_related("key_place"),
                findings=patrol.findings.select_related("key_place"),
            )
    context["recent"] = selectors.patrols_visible_to(user).select_related("worker", "grid")[:10]
    return render(request, "patrols/home.html", context)


@login_required
@require_POST
def start(request):
    try:
        services.patrol_start(worker=request.user)
    except PermissionDenied as denied:
        # Nothing to hide: the reason is the one the patrols page shows beside no button.
        messages.error(request, str(denied))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Patrol started. Check in at each place you visit."))
    return redirect("patrols:home")


@login_required
@require_POST
def check_in(request, pk):
    patrol = selectors.patrol_for_user_or_404(request.user, pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Share your location to check in."))
        return redirect("patrols:home")
    place = get_object_or_404(KeyPlace, pk=form.cleaned_data["key_place"], grid=patrol.grid)
    try:
        services.check_in(
            patrol=patrol,
            key_place=place,
            lon=form.cleaned_data["lon"],
            lat=form.cleaned_data["lat"],
            by=request.user,
        )
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Checked in at %(place)s.") % {"place": place.name})
    return redirect("patrols:home")


@login_required
@require_POST
def finding_create(request, pk):
    patrol = selectors.patrol_for_user_or_404(request.user, pk)
    places = KeyPlace.objects.filter(grid=patrol.grid)
    form = FindingForm(request.POST, request.FILES, places=places)
    if form.is_valid():
        data = form.cleaned_data
        place = places.filter(pk=data["key_place"]).first() if data["key_place"] else None
        try:
            services.finding_record(
                patrol=patrol,
                by=request.user,
                kind=data["kind"],
                description=data["description"],
                key_place=place,
                lon=data["lon"],
                lat=data["lat"],
                photos=data["photos"],
                handled_note=data["handled_note"],
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The finding has been recorded."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("patrols:home")


@login_required
@require_POST
def finding_handled(request, pk):
    finding = get_object_or_404(
        selectors.findings_visible_to(request.user).select_related("patrol"), pk=pk
    )
    form = HandledForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say how it was handled."))
        services.finding_mark_handled(
            finding=finding, by=request.user, note=form.cleaned_data["handled_note"]
        )
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Marked as handled on the spot."))
    return redirect("patrols:detail", pk=finding.patrol_id)


@login_required
@require_POST
def finding_request(request, pk):
    from requests_desk.models import Category

    finding = get_object_or_404(
        selectors.findings_visible_to(request.user).select_related("patrol", "grid"), pk=pk
    )
    category = Category.objects.filter(
        parent__isnull=False, active=True, pk=request.POST.get("category") or 0
    ).first()
    if category is None:
        messages.error(request, _("Choose the request category."))
        return redirect("patrols:detail", pk=finding.patrol_id)
    try:
        created = services.finding_report(finding=finding, category=category, by=request.user)
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Request %(code)s has been filed from this finding.") % {"code": created.code},
        )
    return redirect("patrols:detail", pk=finding.patrol_id)


@login_required
@require_POST
def end(request, pk):
    patrol = selectors.patrol_for_user_or_404(request.user, pk)
    try:
        services.patrol_end(patrol=patrol, by=request.user, notes=request.POST.get("notes", ""))
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Patrol ended."))
    return redirect("patrols:detail", pk=patrol.pk)


@staff_required(permission="patrols.view_patrol")
def detail(request, pk):
    patrol = selectors.patrol_for_user_or_404(request.user, pk)
    return render(
        request,
        "patrols/detail.html",
        {
            "patrol": patrol,
            "check_ins": patrol.check_ins.select_related("key_place"),
            "findings": patrol.findings.select_related("key_place", "request").prefetch_related(
                "photos"
            ),
            "categories": _request_categories() if patrol.worker_id == request.user.pk else [],
            "handled_form": HandledForm(),
            "is_owner": patrol.worker_id == request.user.pk,
        },
    )


@staff_required(permission="patrols.view_patrol")
def coverage(request):
    """Grid heads and staff: places not visited within their frequency, patrols per worker,
    findings and how they ended — over the last `days` days, or over one calendar `month`
    (YYYY-MM, Asia/Shanghai: the period the dashboards' monthly patrol figure links to)."""
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    since, until = timezone.now() - datetime.timedelta(days=days), None
    month, month_error = _month_param(request.GET.get("month", ""))
    if month is not None:
        since, until = month_range(month)
    plans = selectors.coverage_for(request.user)
    return render(
        request,
        "patrols/coverage.html",
        {
            "days": days,
            "month": month,
            "month_error": month_error,
            "month_last_day": until - datetime.timedelta(days=1) if until else None,
            "overdue_plans": plans.filter(overdue=True)[:200],
            "overdue_count": plans.filter(overdue=True).count(),
            "plan_count": plans.count(),
            "patrol_total": selectors.patrols_in_period(
                request.user, start=since, end=until
            ).count(),
            "per_worker": selectors.patrols_per_worker(request.user, since=since, until=until)[
                :200
            ],
            "findings": selectors.findings_summary(request.user, since=since, until=until),
        },
    )


def _month_param(value: str):
    """(first day of the month, None) for "YYYY-MM"; (None, error) for anything else given."""
    value = value.strip()
    if not value:
        return None, ""
    try:
        if value.count("-") != 1:
            raise ValueError(value)
        return parse_month(value), ""
    except ValueError:
        return None, _("Enter a month as YYYY-MM, for example 2026-05.")
