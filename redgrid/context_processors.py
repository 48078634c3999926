from django.conf import settings
from django.utils.functional import SimpleLazyObject

from grids.selectors import map_view
from redgrid.navigation import navigation_for


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
