from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access
from reports import exports, selectors, services
from reports.forms import FilterForm, RunForm
from reports.models import ReportRun, ReportSubscription

# The staff gate (core.access) with the reports' permission.
staff_required = access.staff_required(permission="reports.view_report")


@staff_required
def index(request):
    user = request.user
    filters = FilterForm(request.GET or None)
    period = level = None
    if filters.is_valid():
        period, level = filters.cleaned_data["period"], filters.cleaned_data["level"]
    page = Paginator(selectors.latest_reports(user, period=period, level=level), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/index.html",
        {
            "filters": filters,
            "page_obj": page,
            "reports": page.object_list,
            "run_form": RunForm() if user.has_perm("reports.add_reportrun") else None,
            "runs": selectors.runs_for(user),
            "subscribed": ReportSubscription.objects.filter(user=user).exists(),
        },
    )


@staff_required
@require_POST
def run_start(request):
    user = request.user
    if not user.has_perm("reports.add_reportrun"):
        raise PermissionDenied
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = services.report_run_start(period=form.cleaned_data["period"], by=user)
        except ValidationError as exc:
            form.add_error("period", exc)
        else:
            messages.success(
                request,
                _("Generation of the reports for %(month)s has started.")
                % {"month": run.period.strftime("%Y-%m")},
            )
            return redirect("reports:index")
    for error in form.errors.get("period", []):
        messages.error(request, error)
    return redirect("reports:index")


@staff_required
def run_progress(request, pk):
    run = get_object_or_404(ReportRun, pk=pk)
    return render(request, "reports/_run.html", {"run": run})


@staff_required
def detail(request, pk):
    user = request.user
    report = selectors.report_for(user, pk)
    previous = selectors.previous_of(report)
    tables = selectors.report_tables(report, previous)
    charts = [
        {
            "title": str(t["title"]),
            "labels": [str(r["label"]) for r in t["rows"] if r["unit"] == "count"],
            "current": [r["value"] for r in t["rows"] if r["unit"] == "count"],
            "previous": [r["previous"] for r in t["rows"] if r["unit"] == "count"],
        }
        for t in tables
    ]
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "previous": previous,
            "tables": tables,
            "charts": {"series": [_("This month"), _("Previous month")], "sections": charts},
            "versions": selectors.versions_of(report),
        },
    )


@staff_required
def download_xlsx(request, pk):
    report = selectors.report_for(request.user, pk)
    response = HttpResponse(
        exports.report_xlsx(report),
        content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename_for(report, "xlsx")}"'
    )
    return response


@staff_required
def download_pdf(request, pk):
    report = selectors.report_for(request.user, pk)
    response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename_for(report, "pdf")}"'
    )
    return response


@staff_required
@require_POST
def subscription(request):
    user = request.user
    if services.subscription_toggle(user=user):
        if user.email:
            messages.success(request, _("You will receive your area's monthly report by e-mail."))
        else:
            messages.warning(
                request,
                _(
                    "Subscribed, but your account has no e-mail address: ask "
                    "an administrator to add one."
                ),
            )
    else:
        messages.success(request, _("You will no longer receive the monthly report by e-mail."))
    return redirect("reports:index")
