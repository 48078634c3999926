"""Site navigation assembled from the apps: each AppConfig may declare `nav_items`.

An entry is (url_name, label, audience) where audience is "public", "staff" (logged-in users with
a staff role), "managers" (users who look after other accounts: district admins, street and
community staff) or "user" (any logged-in user). Apps add their own entries without editing templates.
"""

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from core.access import is_staff


def navigation_for(request):
    user = getattr(request, "user", None)
    logged_in = bool(user and user.is_authenticated)
    is_staff_role = is_staff(user)
    items = []
    for config in apps.get_app_configs():
        for url_name, label, audience in getattr(config, "nav_items", ()):
            if audience == "staff" and not is_staff_role:
                continue
            if audience == "managers" and not (logged_in and getattr(user, "manages_accounts", 0)):
                continue
            if audience == "user" and not logged_in:
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return items
