"""The baselines, measured in the same run as the real pages so that figures are ratios."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bench.models import BaselineRow
from core.ratelimit import rate_hit_then, rate_hit_unless_exceeded_and_get
from requests_desk.forms import ReportForm
from requests_desk.tasks import request_photos_finish

# Never refused: the baseline measures the round trip, not the limit.
_UNLIMITED = (10**9, 60)


def constant(request):
    """A bare Django view returning a constant (full middleware stack, no query)."""
    return HttpResponse(b"ok", content_type="text/plain")


def signed_in(request):
    """A bare view for a signed-in person: what every staff page pays before its own work (the
    full middleware stack, the session read and the user read with their permissions), nothing
    more. Its in-process time is the floor of a signed-in page (issue 17's in-process ratios)."""
    return HttpResponse(b"ok" if request.user.is_authenticated else b"-", content_type="text/plain")


@login_required
def signed_in_page(request):
    """The signed-in view as a page: the layout every staff page renders around its own part
    (templates/base.html: the header with the person's navigation, the bell and the sign-out
    form, the footer, the scripts) with an empty content block. Its in-process time is the floor
    of a staff page (issue 17's proof rows for the dashboard, the overview and the queue)."""
    return render(request, "bench/signed_in_page.html")


def limited(request):
    """The constant view plus the one cache round trip the public status page cannot do without:
    its visitor's address counted against the limit every process shares, and the stored page
    read with it (core.ratelimit.rate_hit_unless_exceeded_and_get, as requests_desk.throttle
    calls it). The stored answer is `?bytes=` long, the page's own size. Its in-process time is
    the floor of a page served from the cache under a shared limit (issue 17's proof rows)."""
    size = min(int(request.GET.get("bytes") or 1), 10_000_000)
    ip = request.META.get("REMOTE_ADDR", "")
    key = f"bench:stored-answer:{size}"
    _allowed, stored = rate_hit_unless_exceeded_and_get(
        ("bench-limited", ip, _UNLIMITED), ("bench-limited-miss", ip, _UNLIMITED), get=key
    )
    if stored is None:
        stored = "x" * size
        cache.set(key, stored, 3600)
    return HttpResponse(stored, content_type="text/html; charset=utf-8")


@require_POST
def insert(request):
    """A bare Django view inserting one row (POST with CSRF, like the resident's form)."""
    row = BaselineRow.objects.create(payload=request.POST.get("payload", "")[:200])
    return HttpResponse(str(row.pk), content_type="text/plain", status=201)


@require_POST
def form(request):
    """A bare Django form submission: what any view taking the resident's form pays before its
    own work, and nothing of RedGrid's rules. The browser's body through the same middleware, the
    resident form's own fields validated (requests_desk.forms.ReportForm: every check of the
    input the submission keeps), the one Redis round trip of a submission's two limits, the
    photos' bytes written to the storage as they came and the worker told, one ORM INSERT and a
    redirect with one signed cookie. Its in-process time is the floor of the submission (issue
    17's proof rows): what the submission adds is placing the point, the duplicate check, the
    encrypted fields, the timeline, the grid head's notice, the month's figures, the reporter's
    proof and, with photos, their header check and rows."""
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return HttpResponse(form.errors.as_json(), content_type="application/json", status=400)
    data = form.cleaned_data
    ip = request.META.get("REMOTE_ADDR", "")
    rate_hit_then(
        ("bench-form-ip", ip, _UNLIMITED), ("bench-form-phone", data["reporter_phone"], _UNLIMITED)
    )
    for photo in data["photos"]:
        default_storage.save(f"bench/{uuid.uuid4().hex}.bin", photo)
    row = BaselineRow.objects.create(payload=data["description"][:200])
    if data["photos"]:
        # The worker told that photos wait (the submission's one message to the broker), with
        # nothing for it to do.
        request_photos_finish.apply_async(args=[[]], ignore_result=True, retry=False)
    response = redirect("bench-constant")
    response.set_signed_cookie("bench-form", str(row.pk), salt="bench.form", httponly=True)
    return response
