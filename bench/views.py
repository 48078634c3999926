"""The baselines, measured in the same run as the real pages so that figures are ratios."""

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from bench.models import BaselineRow


def constant(request):
    """A bare Django view returning a constant (full middleware stack, no query)."""
    return HttpResponse(b"ok", content_type="text/plain")


def signed_in(request):
    """A bare view for a signed-in person: what every staff page pays before its own work (the
    full middleware stack, the session read and the user read with their permissions), nothing
    more. Its in-process time is the floor of a signed-in page (issue 17's in-process ratios)."""
    return HttpResponse(b"ok" if request.user.is_authenticated else b"-", content_type="text/plain")


@require_POST
def insert(request):
    """A bare Django view inserting one row (POST with CSRF, like the resident's form)."""
    row = BaselineRow.objects.create(payload=request.POST.get("payload", "")[:200])
    return HttpResponse(str(row.pk), content_type="text/plain", status=201)
