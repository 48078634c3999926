"""The baselines, measured in the same run as the real pages so that figures are ratios."""

from django.core.cache import cache
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from bench.models import BaselineRow
from core.ratelimit import rate_hit_unless_exceeded_and_get

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
