"""Pages of the requests desk: the resident's form and status page (public), the staff queue and
case page (jurisdiction-scoped). Views parse, call a service or selector, and render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access
from core.errors import form_add_errors
from privacy.masking import mask_name, mask_phone
from privacy.services import may_reveal, personal_data_export_record, personal_data_reveal
from requests_desk import flow, pending, selectors, services
from requests_desk.conf import conf
from requests_desk.exports import queue_xlsx
from requests_desk.forms import (
    ActionForm,
    BulkDispatchForm,
    QueueExportForm,
    QueueFilterForm,
    RatingForm,
    ReportForm,
    RevealForm,
    StaffEntryForm,
)
from requests_desk.models import Rating, Request, Stage
from requests_desk.throttle import submission_allow


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _map_context():
    return {
        "map_i18n": {
            "tap": _("Tap the map where the problem is."),
            "chosen": _("Place chosen. Tap again to move it."),
            "locating": _("Finding your location…"),
            "noGeo": _(
                "Your browser cannot share its location; tap the map or choose the community."
            ),
            "denied": _("Location was not shared; tap the map or choose the community."),
        }
    }


# "Just created" on the status page: a short-lived signed cookie rather than a session, so that a
# resident's report writes no session row (one less write per submission, and nothing kept about
# the resident on the server beyond the request itself).
NEW_CODE_COOKIE = "rg_new_request"
NEW_CODE_SALT = "requests_desk.new_code"
NEW_CODE_SECONDS = 600


def _remember_new_code(response, code: str):
    response.set_signed_cookie(
        NEW_CODE_COOKIE,
        code,
        salt=NEW_CODE_SALT,
        max_age=NEW_CODE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _just_created(request, code: str) -> bool:
    remembered = request.get_signed_cookie(
        NEW_CODE_COOKIE, default=None, salt=NEW_CODE_SALT, max_age=NEW_CODE_SECONDS
    )
    return remembered == code


def _report(request, form_class, template, *, source, created_by=None):
    form = form_class(request.POST or None, request.FILES or None)
    nearby = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = data.get("pending_photos", "")
        try:
            if created_by is None:
                submission_allow(ip=_client_ip(request), phone=data.get("reporter_phone", ""))
            # The photos kept from the previous showing of the form, then the new ones.
            photos = pending.pending_photos_with(token=token, uploads=data.get("photos"))
            if not data.get("confirm_new") and data["location"] is not None:
                nearby = list(
                    services.nearby_open(category=data["category"], location=data["location"])
                )
            if not nearby:
                created = services.request_create(
                    source=data.get("source") or source,
                    category=data["category"],
                    description=data["description"],
                    location=data["location"],
                    community=data.get("community"),
                    address=data.get("address", ""),
                    reporter_name=data.get("reporter_name", ""),
                    reporter_phone=data.get("reporter_phone", ""),
                    reporter_email=data.get("reporter_email", ""),
                    consent=data.get("consent"),
                    created_by=created_by,
                    photos=photos,
                    client_ip=_client_ip(request),
                )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if not nearby:
                pending.pending_photos_discard(token)
                if created_by is not None:
                    messages.success(
                        request, _("Request %(code)s entered.") % {"code": created.code}
                    )
                    return redirect("requests_desk:case", code=created.code)
                response = redirect("requests_desk:status", code=created.code)
                _remember_new_code(response, created.code)
                return response
            # Shown again with the nearby requests: keep the photos (a browser cannot refill
            # a file input), referenced by a signed token in a hidden field.
            if data.get("photos"):
                token = pending.pending_photos_store(
                    photos=photos[len(photos) - len(data["photos"]) :], token=token
                )
            form = form_class(request.POST, initial={"confirm_new": True})
            form.data = form.data.copy()
            form.data["confirm_new"] = "on"
            form.data["pending_photos"] = token
    return render(
        request,
        template,
        {
            "form": form,
            "nearby": nearby,
            **_map_context(),
            "kept_photos": pending.pending_photos_urls(form["pending_photos"].value() or ""),
            "max_photos": conf.MAX_PHOTOS,
        },
    )


def report_new(request):
    """The resident's form (public, no account)."""
    return _report(
        request, ReportForm, "requests_desk/report_form.html", source=Request.Source.RESIDENT_FORM
    )


def status_lookup(request):
    code = (request.GET.get("code") or "").strip().upper()
    if code and selectors.public_request(code) is not None:
        return redirect("requests_desk:status", code=code)
    if code:
        messages.error(request, _("No request has that tracking code."))
    return render(request, "requests_desk/status_lookup.html", {"code": code})


def status(request, code):
    """The public status page: stage, time limit, public replies — never personal data."""
    item = selectors.public_request(code)
    if item is None:
        raise Http404
    shown = item.merged_into if item.stage == Stage.MERGED and item.merged_into else item
    if shown is not item:
        shown = selectors.public_request(shown.code)
    just_created = _just_created(request, item.code)
    try:
        rating = item.rating
    except Rating.DoesNotExist:
        rating = None
    steps = []
    reached = Stage.PUBLIC_STEPS.index(shown.stage) if shown.stage in Stage.PUBLIC_STEPS else -1
    for index, step in enumerate(Stage.PUBLIC_STEPS):
        steps.append({"label": step.label, "done": index <= reached, "current": index == reached})
    response = render(
        request,
        "requests_desk/status.html",
        {
            "item": item,
            "shown": shown,
            "steps": steps,
            "just_created": just_created,
            "rating": rating,
            "rating_form": RatingForm() if item.stage == Stage.CLOSED and rating is None else None,
        },
    )
    if just_created:
        response.delete_cookie(NEW_CODE_COOKIE, samesite="Lax")
    return response


@require_POST
def rate(request, code):
    item = selectors.public_request(code)
    if item is None:
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            flow.transition(case=item, action="rate", by=None, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if item.rating.satisfied:
                messages.success(request, _("Thank you for your rating."))
            else:
                messages.warning(
                    request,
                    _(
                        "Thank you. We are sorry: the request has been sent "
                        "back to be handled again."
                    ),
                )
        return redirect("requests_desk:status", code=item.code)
    messages.error(request, _("Give each score from 1 to 5."))
    return redirect("requests_desk:status", code=item.code)


@require_POST
def support(request, code):
    item = selectors.public_request(code)
    if item is None:
        raise Http404
    if services.request_support(case=item, client_ip=_client_ip(request)):
        messages.success(
            request, _("Thank you: your +1 was added to request %(code)s.") % {"code": item.code}
        )
    else:
        messages.info(request, _("Your +1 was already counted."))
    return redirect("requests_desk:status", code=item.code)


# --- Staff ------------------------------------------------------------------------------------------


# The staff gate (core.access) with the queue's permission.
staff_required = access.staff_required(permission="requests_desk.view_request")


@staff_required
def queue(request):
    """The jurisdiction-scoped queue: filters, sort, keyset pagination, bulk dispatch."""
    form = QueueFilterForm(request.GET or {"stage": "open"}, user=request.user)
    now = timezone.now()
    qs = selectors.requests_for(request.user)
    sort = "new"
    if form.is_valid():
        qs = selectors.queue_filter(qs, **form.filters(), now=now)
        sort = form.cleaned_data["sort"] or "new"
    # The badges come from the same predicates as the filters (computed in the same query).
    qs = qs.with_due_flags(now)
    page = selectors.queue_page(qs, sort=sort, cursor=request.GET.get("after", ""))
    params = request.GET.copy()
    params.pop("after", None)
    next_url = None
    if page.next_cursor:
        params["after"] = page.next_cursor
        next_url = "?" + params.urlencode()
        params.pop("after")
    may_dispatch = flow.may(request.user, "dispatch")
    return render(
        request,
        "requests_desk/queue.html",
        {
            "form": form,
            "page": page,
            "next_url": next_url,
            "first_url": "?" + params.urlencode(),
            "bulk_form": BulkDispatchForm() if may_dispatch else None,
        },
    )


@staff_required
def queue_export(request):
    """The queue's filtered list as .xlsx (the filters of the queue page's link): masked unless
    the user may reveal personal data and asks for it, logged with its purpose either way."""
    filters = QueueFilterForm(request.GET or {"stage": "open"}, user=request.user)
    form = QueueExportForm(request.POST or None)
    if not filters.is_valid():
        return render(
            request,
            "requests_desk/queue_export.html",
            {"filters": filters, "form": form},
            status=400,
        )
    cases = selectors.queue_export_rows(
        request.user, filters=filters.filters(), sort=filters.cleaned_data["sort"] or "new"
    )
    count = cases.count()
    if request.method == "POST" and form.is_valid():
        unmasked = form.cleaned_data["unmasked"]
        if count > conf.EXPORT_MAX_ROWS:
            form.add_error(
                None,
                _("%(n)s requests match; narrow the filters to at most %(max)s.")
                % {"n": count, "max": conf.EXPORT_MAX_ROWS},
            )
        else:
            try:
                with transaction.atomic():
                    personal_data_export_record(
                        user=request.user,
                        model=Request,
                        purpose=form.cleaned_data["purpose"],
                        record_count=count,
                        request=request,
                        unmasked=unmasked,
                    )
            except PermissionDenied as denied:
                form.add_error("unmasked", str(denied))
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                response = HttpResponse(
                    queue_xlsx(cases, unmasked=unmasked),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
                response["Content-Disposition"] = f'attachment; filename="requests-{stamp}.xlsx"'
                response["Cache-Control"] = "no-store"
                return response
    return render(
        request,
        "requests_desk/queue_export.html",
        {
            "filters": filters,
            "form": form,
            "count": count,
            "max_rows": conf.EXPORT_MAX_ROWS,
            "may_reveal": may_reveal(request.user),
            "query": request.GET.urlencode(),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def case_sheet(request, code):
    """The printable case sheet (案件单): the case, its timeline and room for signatures;
    personal data masked."""
    item = selectors.case_for(request.user, code)
    return render(request, "requests_desk/case_sheet.html", _case_context(request, item))


@staff_required
@require_POST
def bulk_dispatch(request):
    form = BulkDispatchForm(request.POST)
    codes = request.POST.getlist("codes")[:200]
    if not form.is_valid() or not codes:
        messages.error(request, _("Choose requests and where to dispatch them."))
        return redirect(request.POST.get("next") or reverse("requests_desk:queue"))
    items = list(
        selectors.requests_for(request.user)
        .filter(code__in=codes)
        .select_related("category", "community", "street")
    )
    done, refused = [], []
    for item in items:
        try:
            with transaction.atomic():
                flow.transition(
                    case=item, action="dispatch", by=request.user, **form.params_for(item)
                )
            done.append(item.code)
        except ValidationError as exc:
            refused.append(f"{item.code}: {' '.join(exc.messages)}")
    if done:
        messages.success(request, _("Dispatched %(n)s requests.") % {"n": len(done)})
    for line in refused:
        messages.error(request, line)
    return redirect(request.POST.get("next") or reverse("requests_desk:queue"))


@staff_required
def staff_enter(request):
    """Staff enter a request for a caller (hotline 12345), from a patrol or a visit."""
    if not request.user.has_perm("requests_desk.add_request"):
        raise PermissionDenied
    return _report(
        request,
        StaffEntryForm,
        "requests_desk/staff_enter.html",
        source=Request.Source.HOTLINE,
        created_by=request.user,
    )


def _case_context(request, item, revealed=None):
    actions = flow.allowed_actions(item, request.user)
    return {
        "item": item,
        "actions": actions,
        "revealed": revealed or {},
        "reporter_name_masked": mask_name(item.reporter_name),
        "reporter_phone_masked": mask_phone(item.reporter_phone),
        "may_reveal": may_reveal(request.user) and bool(item.reporter_phone or item.reporter_name),
        "reveal_form": RevealForm(),
        "now": timezone.now(),
        "pin": {"lat": item.location.y, "lon": item.location.x} if item.location else None,
    }


@staff_required
def case(request, code):
    item = selectors.case_for(request.user, code)
    return render(request, "requests_desk/case.html", _case_context(request, item))


@staff_required
@require_POST
def reveal(request, code):
    item = selectors.case_for(request.user, code)
    form = RevealForm(request.POST)
    revealed = {}
    if form.is_valid():
        try:
            for field in ("reporter_name", "reporter_phone"):
                revealed[field] = personal_data_reveal(
                    user=request.user,
                    subject=item,
                    field=field,
                    purpose=form.cleaned_data["purpose"],
                    subject_label=item.code,
                    request=request,
                )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            revealed = {}
    else:
        messages.error(request, _("State the purpose of this access."))
    return render(request, "requests_desk/case.html", _case_context(request, item, revealed))


@staff_required
def act(request, code, action):
    """One action's form: a full page, or a small fragment for htmx (hx-get / hx-post), so that
    dashboards can embed accept/dispatch inline."""
    item = selectors.case_for(request.user, code)
    if action not in flow.TRANSITIONS:
        raise Http404
    transition = flow.TRANSITIONS[action]
    form = ActionForm(request.POST or None, request.FILES or None, action=action, case=item)
    if request.method == "POST" and form.is_valid():
        try:
            flow.transition(case=item, action=action, by=request.user, **form.params())
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            message = _("%(action)s: done.") % {"action": transition.label}
            if request.htmx:
                item = selectors.case_for(request.user, code)
                return render(
                    request,
                    "requests_desk/fragments/action_done.html",
                    {"item": item, "message": message},
                )
            messages.success(request, message)
            return redirect("requests_desk:case", code=item.code)
    elif request.method == "POST":
        pass
    else:
        try:
            flow.check(item, action, request.user)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
    template = (
        "requests_desk/fragments/action_form.html" if request.htmx else "requests_desk/action.html"
    )
    return render(
        request,
        template,
        {"item": item, "form": form, "transition": transition},
        status=200 if not form.errors or request.method == "GET" else 400,
    )
