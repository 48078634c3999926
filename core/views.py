"""The base layer's pages: the one view that serves stored files, and the 413 page nginx shows."""

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe

from core.files import file_response
from core.middleware import too_large_response


@require_safe
def file(request: HttpRequest, kind: str, pk: int, name: str) -> HttpResponseBase:
    return file_response(request, kind=kind, pk=pk, name=name)


def too_large(request: HttpRequest) -> HttpResponse:
    """nginx's `error_page 413` (deploy/nginx.conf): it passes the refused request's path."""
    return too_large_response(request, path=request.headers.get("X-Original-URI", ""))
