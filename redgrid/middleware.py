import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware:
    """Sends a Content-Security-Policy header: scripts and data from this site only.

    The admin keeps 'unsafe-inline' for scripts because django-leaflet's map widget writes an inline
    script; every public and staff page outside /admin/ loads its scripts from static files.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        tile_sources = " https: " if settings.REDGRID_TILE_URL else " "
        self.base = (
            "default-src 'self'; img-src 'self' data: blob:" + tile_sources + "; "
            "style-src 'self' 'unsafe-inline'; connect-src 'self'; font-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'; "
        )

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            script = "script-src 'self'"
            if request.path.startswith("/admin/"):
                script += " 'unsafe-inline'"
            response["Content-Security-Policy"] = self.base + script
        return response


def request_carries_nul(request, *, check_form_fields: bool = True) -> bool:
    """Whether the path, the query string, a header or (optionally) the submitted fields hold a
    NUL."""
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any(
        "\x00" in value
        for key, value in request.META.items()
        if key.startswith("HTTP_") and key != "HTTP_COOKIE" and isinstance(value, str)
    ):
        return True
    if any("\x00" in value for _, values in request.GET.lists() for value in values):
        return True
    if request.method not in ("POST", "PUT", "PATCH") or not check_form_fields:
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return any("\x00" in value for _, values in request.POST.lists() for value in values)
    if content_type.startswith("application/json"):
        return b"\\u0000" in request.body or b"\x00" in request.body
    return False


def drop_cookies_with_nul(request) -> None:
    """Treat a cookie holding a NUL as absent. A raw NUL never passes the HTTP server, but a
    quoted cookie value may carry one as an octal escape (`sessionid="\\000…"`), which Django's
    cookie parser decodes; the session lookup would then fail in the database on every page. A
    browser given such a cookie by someone else keeps working, as if it had no session."""
    for name in [n for n, v in request.COOKIES.items() if "\x00" in n or "\x00" in v]:
        del request.COOKIES[name]


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL character in a path, query string or header anywhere, and in the body
    of an API request; ignore cookies that hold one.

    PostgreSQL text cannot hold NUL, so such a value would otherwise surface as a 500 wherever it
    reaches a query. HTML forms are left to Django's form fields, which refuse NUL with a message
    next to the field and keep the rest of the input; Open311 answers in its own error format
    (requests_desk.open311 uses request_carries_nul).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        drop_cookies_with_nul(request)
        if request.path.startswith("/open311/"):
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        if request_carries_nul(request, check_form_fields=is_api):
            message = _("The request contains a NUL character, which is not allowed.")
            if is_api:
                return JsonResponse({"detail": message, "code": "nul_character"}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


# What a database that cannot be reached raises (refused, restarting, a pooler refusing).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    """A lost database connection (PostgreSQL restarting, the network gone) answers 503 with
    Retry-After instead of a 500: clients and load balancers retry, and nothing half-done is kept
    because every write runs in a transaction. Django reconnects on the next request by itself
    (CONN_HEALTH_CHECKS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.warning("database unavailable: %s", type(exception).__name__)
        return database_unavailable(request)


def database_unavailable(request):
    """The 503 with Retry-After of a database that cannot be reached: JSON for API clients. Also
    what redgrid.views.server_error answers when the database failed before the view, in a
    middleware (the session or the user read), where process_exception does not see it."""
    message = _("The service is briefly unavailable. Please try again in a minute.")
    if request.path.startswith(("/api/", "/open311/")) or request.headers.get(
        "Accept", ""
    ).startswith("application/json"):
        response = JsonResponse({"detail": message, "code": "unavailable"}, status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "5"
    return response
