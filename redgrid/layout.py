"""The site header of every page, rendered once per language and what it shows, then kept per
process (template library `layout`, registered in settings.TEMPLATES; issue 17).

templates/site_header.html — the skip link, brand, search slot, bell, menu and user tools — was
about a millisecond of every page's template time: sixteen menu entries, nine `{% url %}`, ten
translations, two includes. Its HTML depends only on the language, whether the visitor is signed
in, has a staff role or Django's is_staff flag, the unread count and the menu entries (their URLs
and which one is active): that is the key under which the rendered header is kept. What differs
between two visitors of the same key — their name, the page's address and the CSRF token — is
rendered as a placeholder and put in for each page, escaped as the template escapes it. Nothing
of one user is kept (names are put in, never stored), so a header is never another user's.

base.html places it in two parts around its `user_tools_extra` block: `{% site_header_part 0 %}`
and `{% site_header_part 1 %}`. A context without a user or a request (a page rendered without
its request) renders the header as it is, kept nowhere.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.bounded import Bounded

register = template.Library()

TEMPLATE = "site_header.html"
# Placeholders: characters no escaping changes and no rendered text contains.
_BLOCK, _NAME, _PATH, _TOKEN = "\x00block\x00", "\x00name\x00", "\x00path\x00", "\x00csrf\x00"
_KEPT = Bounded(1024)
_PARTS = object()  # the render context's key of this page's two parts


class _Shown:
    """The user or request as the kept header sees them: only what its key holds. Reading
    anything else fails loudly — it would be the first visitor's, kept for everyone."""

    def __init__(self, what: str, **values: Any):
        self.__dict__.update(values, _what=what)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in {"do_not_call_in_templates", "alters_data"}:
            raise AttributeError(name)
        raise RuntimeError(
            f"{TEMPLATE} reads {self._what}.{name}: add it to redgrid.layout's key first"
        )


def _token_kind(token: Any) -> str:
    """How `{% csrf_token %}` shows `token`: nothing, an empty string, or an input."""
    if not token:
        return ""
    return "not provided" if token == "NOTPROVIDED" else "input"


def rendered_parts(context: template.Context) -> tuple[str, str]:
    """The header's two parts rendered for this page as they are (nothing kept)."""
    return _split(get_template(TEMPLATE).render({**context.flatten(), "user_tools_extra": _BLOCK}))


def _parts(context: template.Context) -> tuple[str, str]:
    user, request = context.get("user"), context.get("request")
    if user is None or request is None:
        return rendered_parts(context)
    header = get_template(TEMPLATE)
    signed_in = bool(user.is_authenticated)
    token = context.get("csrf_token")
    kind = _token_kind(token)
    items = context.get("nav_items", ())
    # A label by identity: the apps' lazy translations, one object per entry for the process.
    nav = tuple((item["url"], id(item["label"]), bool(item["active"])) for item in items)
    unread = context.get("inbox_unread") if signed_in else None
    key = (
        header.template,  # a new object when the template is reloaded
        get_language(),
        context.get("LANGUAGE_CODE"),
        signed_in,
        signed_in and bool(user.is_staff_role),
        signed_in and bool(user.is_staff),
        unread,
        bool(context.get("oob_bell")),
        kind,
        nav,
    )
    kept = _KEPT.get(key)
    if kept is None:
        shown_user = _Shown(
            "user",
            is_authenticated=signed_in,
            is_staff_role=key[4],
            is_staff=key[5],
            display_name=_NAME,
        )
        kept = _split(
            header.render(
                {
                    "user": shown_user,
                    "request": _Shown("request", get_full_path=lambda: _PATH),
                    "csrf_token": _TOKEN if kind == "input" else token,
                    "LANGUAGE_CODE": key[2],
                    "inbox_unread": unread,
                    "oob_bell": key[7],
                    "nav_items": items,
                    "user_tools_extra": _BLOCK,
                }
            )
        )
        _KEPT.keep(key, kept)
    name = str(conditional_escape(user.display_name)) if signed_in else ""
    path = str(conditional_escape(request.get_full_path()))
    csrf = str(conditional_escape(token)) if kind == "input" else ""
    return tuple(  # type: ignore[return-value]
        part.replace(_NAME, name).replace(_PATH, path).replace(_TOKEN, csrf) for part in kept
    )


def _split(html: str) -> tuple[str, str]:
    first, second = html.split(_BLOCK)
    return first, second


@register.simple_tag(takes_context=True)
def site_header_part(context: template.Context, part: int) -> SafeString:
    """Part 0 (up to the user tools) or 1 (the rest) of the site header for this page."""
    parts = context.render_context.get(_PARTS)
    if parts is None:
        parts = context.render_context[_PARTS] = _parts(context)
    return mark_safe(parts[part])


@register.simple_tag
def map_strings_script() -> SafeString:
    """The map controls' words in the page's language as a JSON script (static/js/redgrid-map.js
    reads it): the same for every page in a language, so base.html keeps it per language."""
    from django.utils.html import json_script

    from redgrid.context_processors import map_strings

    return json_script(map_strings(), "redgrid-map-i18n")
