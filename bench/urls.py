"""redgrid.urls plus the baseline views (bench.settings selects this module)."""

from django.urls import path

from bench import views
from redgrid.urls import handler404, handler500  # noqa: F401 - the same error pages
from redgrid.urls import urlpatterns as redgrid_urlpatterns

urlpatterns = [
    path("bench/constant/", views.constant, name="bench-constant"),
    path("bench/insert/", views.insert, name="bench-insert"),
    path("bench/signed-in/", views.signed_in, name="bench-signed-in"),
    path("bench/signed-in-page/", views.signed_in_page, name="bench-signed-in-page"),
    path("bench/limited/", views.limited, name="bench-limited"),
    path("bench/form/", views.form, name="bench-form"),
    *redgrid_urlpatterns,
]
