"""Inbox messages rendered once per process (the dashboard shows the newest unread ones on every
view: rendering each through notifications/_message.html cost ≈ 0.4 ms a message; issue 17).

A message's shown fields (subject, body, system text, link, urgency, time) are written once and
never changed; whether it is read is part of the key (the dashboard shows unread ones), and so are
the language, the script prefix (its links) and the time zone (its time). The CSRF token is put in
per request.
"""

from collections.abc import Iterable

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.bounded import Bounded
from notifications.selectors import Unread

_SLOT = "notification-csrf-slot-8d2e6a41"
_KEPT = Bounded(2048)


def unread_html(messages: Iterable[Unread], *, csrf_token: str) -> SafeString:
    """The unread messages (notifications.selectors.unread_inbox) as
    notifications/_message.html renders them, one after another. A message is built from its
    row only when its HTML is not kept yet."""
    context_key = (get_language(), get_script_prefix(), timezone.get_current_timezone_name())
    parts = []
    for unread in messages:
        key = (unread.pk, True, *context_key)
        html = _KEPT.get(key)
        if html is None:
            message = unread.message()
            html = _KEPT.keep(
                key,
                render_to_string(
                    "notifications/_message.html", {"message": message, "csrf_token": _SLOT}
                ),
            )
        parts.append(html)
    return mark_safe("".join(parts).replace(_SLOT, str(conditional_escape(csrf_token))))  # noqa: S308
