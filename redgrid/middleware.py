from django.conf import settings


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
