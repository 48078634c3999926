from importlib import import_module

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.routes import KeptRoutes
from redgrid import views

# Each app owns its pages (urls.py) and its REST endpoints (api_urls.py, mounted under /api/v1/).
API_APPS = [
    "grids",
    "party_branches",
    "volunteers",
    "service_points",
    "requests_desk",
    "care",
    "patrols",
    "notifications",
    "reports",
]

handler404 = "redgrid.views.not_found"
handler500 = "redgrid.views.server_error"

routes = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("map/", include("grids.urls")),
    path("imports/", include("grids.import_urls")),
    path("branches/", include("party_branches.urls")),
    path("volunteer/", include("volunteers.urls")),
    path("positions/", include("service_points.urls")),
    path("requests/", include("requests_desk.urls")),
    path("areas/", include("requests_desk.area_urls")),
    path("open311/v2/", include("requests_desk.open311_urls")),
    path("care/", include("care.urls")),
    path("patrols/", include("patrols.urls")),
    path("inbox/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    # Every app's API routes in one list: nested empty-prefix includes cost each app before the
    # one that answers a failed resolver, an exception and its list of routes tried (issue 17).
    path(
        "api/v1/",
        include(
            [route for app in API_APPS for route in import_module(f"{app}.api_urls").urlpatterns]
        ),
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Empty prefixes last: every path that reaches one is tried against all of its routes.
    path("", include("dashboards.urls")),
    # Stored files, only through the owner's rules (core.files); no MEDIA_URL route in any mode.
    path("", include("core.urls")),
]

# Each path resolved once per process (core.routes): the same routes, names and reversing.
urlpatterns = [KeptRoutes(routes)]
