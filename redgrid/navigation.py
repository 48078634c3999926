"""Site navigation assembled from the apps: each AppConfig may declare `nav_items`.

An entry is (url_name, label, audience) where audience is "public", "staff" (logged-in users with
a staff role), "managers" (users who look after other accounts: district admins, street and
community staff) or "user" (any logged-in user). Apps add their own entries without editing templates.

The entries' URLs are reversed once per process and URLconf (they are names without arguments,
declared in code): a page only picks those of its user's audience and marks the active one
(issue 17: the menu's sixteen `reverse()` calls were a tenth of a staff page's template time).
"""

from django.apps import apps
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse

from core.access import is_staff
from core.bounded import Bounded

# (resolver, script prefix) → ((url, label, audience), …) of the entries that reverse.
_reversed = Bounded(17)


def _entries() -> tuple[tuple[str, object, str], ...]:
    # The resolver object is new whenever the URLconf changes (clear_url_caches, tests).
    key = (get_resolver(get_urlconf()), get_script_prefix())
    entries = _reversed.get(key)
    if entries is None:
        found = []
        for config in apps.get_app_configs():
            for url_name, label, audience in getattr(config, "nav_items", ()):
                try:
                    found.append((reverse(url_name), label, audience))
                except NoReverseMatch:
                    continue
        entries = tuple(found)
        _reversed.keep(key, entries)
    return entries


def navigation_for(request):
    user = getattr(request, "user", None)
    logged_in = bool(user and user.is_authenticated)
    is_staff_role = is_staff(user)
    manager = logged_in and bool(getattr(user, "manages_accounts", 0))
    items = []
    for url, label, audience in _entries():
        if audience == "staff" and not is_staff_role:
            continue
        if audience == "managers" and not manager:
            continue
        if audience == "user" and not logged_in:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return items
