"""Request bodies larger than the upload limit are refused before anything reads them.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE only limits form fields held in memory, and uploaded files
are streamed to disk whatever their size; so a 1 GB body would be read (and written to a temporary
file) before any form could refuse it. This middleware, first in the chain after
SecurityMiddleware, compares the declared Content-Length with REDGRID_UPLOAD_MAX_BYTES and
answers 413 at once: a translated page, JSON under /api/, GeoReport errors under /open311/.
Behind nginx, `client_max_body_size` refuses the same bodies even earlier and shows this page
(deploy/nginx.conf, `error_page 413`).
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core import conf


def _language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def too_large_response(request: HttpRequest, *, path: str | None = None) -> HttpResponse:
    """The 413 answer, in the visitor's language and the format of the part of the site asked."""
    path = path if path is not None else request.path
    mb = conf.upload_max_bytes() // conf.MB
    with translation.override(_language(request)):
        message = _(
            "What you sent is too large: at most %(mb)s MB in all (photos and files included). "
            "Send fewer or smaller files."
        ) % {"mb": mb}
        if path.startswith("/open311/"):
            body = json.dumps([{"code": 413, "description": message}], ensure_ascii=False)
            response = HttpResponse(body, status=413, content_type="application/json")
        elif path.startswith("/api/") or request.headers.get("Accept", "").startswith(
            "application/json"
        ):
            response = JsonResponse({"detail": message, "code": "too_large"}, status=413)
        else:
            response = HttpResponse(
                render_to_string(
                    "core/too_large.html",
                    {"message": message, "LANGUAGE_CODE": translation.get_language()},
                ),
                status=413,
            )
    return response


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > conf.upload_max_bytes():
            return too_large_response(request)
        return self.get_response(request)


class PrivateAnswersNotStoredMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in person or an API token
    (OWASP ASVS 8.2.1): a staff page, a household's record or an API answer must not stay in a
    shared computer's browser cache or a proxy. Answers that set their own Cache-Control (stored
    files, hashed static files) keep it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if (signed_in or "HTTP_AUTHORIZATION" in request.META) and not response.has_header(
            "Cache-Control"
        ):
            response["Cache-Control"] = "private, no-store"
        return response
