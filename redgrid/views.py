import sys
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from kombu import Connection

from redgrid.middleware import DATABASE_UNAVAILABLE, database_unavailable


class HomeView(TemplateView):
    template_name = "home.html"


def _database_status() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the type is reported
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _broker_status() -> dict:
    started = time.monotonic()
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            if settings.CELERY_BROKER_URL.startswith("redis"):
                conn.default_channel.client.ping()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


@never_cache
def healthz(request):
    """200 when the database and the Celery broker answer, 503 otherwise (JSON either way)."""
    database = _database_status()
    broker = _broker_status()
    healthy = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


def server_error(request):
    """500, except for the database errors DatabaseUnavailableMiddleware answers with 503 (it
    cannot be reached, or cannot answer now: OperationalError, InterfaceError). Django answers an
    exception raised in a middleware (a staff page's session read while PostgreSQL restarts) here,
    past that middleware, which sees only the view's; it gets the same 503. Django still logs it
    as an error with its traceback."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request)


def not_found(request, exception=None):
    """404: JSON under /api/ (what an API client can parse, as documented in the schema), the
    site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
