"""Open311 GeoReport v2, mounted at /open311/v2/ (see requests_desk/open311.py, docs/open311.md)."""

from django.urls import re_path

from requests_desk import open311

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.services, name="services"),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests_collection, name="requests"),
    re_path(r"^requests/(?P<code>[\w-]+)" + FMT, open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FMT, open311.token, name="token"),
    # Extension (mySociety): the public updates, and the reporter's own.
    re_path(r"^servicerequestupdates" + FMT, open311.service_request_updates, name="updates"),
    # Anything else under /open311/v2/ — an unknown endpoint or format — answers the spec's 404.
    re_path(r"^(?P<path>.*)$", open311.not_found, name="not_found"),
]
