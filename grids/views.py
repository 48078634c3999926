from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from grids.models import Street


class GridMapView(TemplateView):
    """Public map of all area grids, coloured by street; data comes from the grids API."""

    template_name = "grids/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["streets"] = list(Street.objects.current().order_by("code").values("code", "name"))
        context["map_i18n"] = {
            "community": _("Community"),
            "street": _("Street"),
            "code": _("Code"),
            "gridHead": _("Grid head"),
            "none": _("not assigned"),
            "notFound": _("No grid matches that name or code."),
            "outside": _("You are outside the district."),
            "youAreIn": _("You are in"),
            "noGeo": _("Your browser cannot share its location."),
            "geoDenied": _("Location was not shared."),
            "loading": _("Loading grids…"),
            "loaded": _("grids shown"),
        }
        return context
