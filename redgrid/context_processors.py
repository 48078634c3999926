from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from grids.selectors import map_view
from redgrid.navigation import navigation_for


def map_strings() -> dict:
    """What every Leaflet map says in the page's language (static/js/redgrid-map.js reads it from
    the page: base.html's {% map_strings_script %}): the zoom buttons' titles and the
    attribution prefix, which names the project and the map library instead of Leaflet's
    default (a flag)."""
    return {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "attribution": _("RedGrid map · Leaflet"),
    }


def site(request):
    """Values every template may use: the map settings and the navigation for this user."""
    return {
        "tile_url": settings.REDGRID_TILE_URL,
        "tile_attribution": settings.REDGRID_TILE_ATTRIBUTION,
        "tile_datum": settings.REDGRID_TILE_DATUM,
        "nav_items": navigation_for(request),
        # The district's extent (grids.selectors.map_view): read only by pages with a map.
        "map_view": SimpleLazyObject(map_view),
    }
