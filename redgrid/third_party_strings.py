"""Words of other packages that show on RedGrid's pages in a wording we choose.

Django merges every catalogue, and the project's own (LOCALE_PATHS, `locale/`) wins over every
app's, Django's and the libraries'. These msgids are listed here, with `gettext_noop`, so that
`scripts/messages.sh project` keeps them in `locale/` with our Chinese:

* words another catalogue translates in a way that does not fit a staff page (Django admin's and
  DRF's "Filter"/"Filters" as 过滤器, where RedGrid says 筛选);
* django-leaflet's map tools (the admin's geometry editor), which have no Chinese catalogue: their
  titles and tooltips showed in English;
* Leaflet's own controls (zoom buttons, attribution prefix), read by static/js/redgrid-map.js from
  the page (`{% map_strings_script %}` in base.html: redgrid.context_processors.map_strings).

tests/test_translations.py checks that each of them shows our wording.
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    gettext_noop("Filter"),
    gettext_noop("Filters"),
]

# django-leaflet's templatetags/leaflet_tags.py (leaflet_draw_i18n).
LEAFLET_DRAW = [
    gettext_noop("Reset view"),
    gettext_noop("Cancel drawing"),
    gettext_noop("Cancel"),
    gettext_noop("Delete last point drawn"),
    gettext_noop("Delete last point"),
    gettext_noop("Draw a polyline"),
    gettext_noop("Draw a polygon"),
    gettext_noop("Draw a rectangle"),
    gettext_noop("Draw a circle"),
    gettext_noop("Draw a marker"),
    gettext_noop("Click and drag to draw circle."),
    gettext_noop("Click map to place marker."),
    gettext_noop("Click to start drawing shape."),
    gettext_noop("Click to continue drawing shape."),
    gettext_noop("Click first point to close this shape."),
    gettext_noop("<strong>Error:</strong> shape edges cannot cross!"),
    gettext_noop("Click to start drawing line."),
    gettext_noop("Click to continue drawing line."),
    gettext_noop("Click last point to finish line."),
    gettext_noop("Click and drag to draw rectangle."),
    gettext_noop("Release mouse to finish drawing."),
    gettext_noop("Save changes."),
    gettext_noop("Save"),
    gettext_noop("Cancel editing, discards all changes."),
    gettext_noop("Edit layers"),
    gettext_noop("No layers to edit."),
    gettext_noop("Delete layers"),
    gettext_noop("No layers to delete."),
    gettext_noop("Drag handles, or marker to edit feature."),
    gettext_noop("Click cancel to undo changes."),
    gettext_noop("Click on a feature to remove"),
]
