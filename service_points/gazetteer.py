"""Service positions in the district's gazetteer (grids.gazetteer): found by name or address,
and offered as the nearest known place. Only positions in service."""

from django.utils.translation import gettext_lazy as _

from grids.gazetteer import Source, gazetteer_source


def _positions(on):
    from service_points.models import ServicePosition

    return ServicePosition.objects.filter(is_active=True)


gazetteer_source(
    Source(
        kind="service_position",
        label=_("service position"),
        queryset=_positions,
        point="location",
        address="address",
        fields={
            "grid_code": "grid__code",
            "grid_name": "grid__name",
            "community_code": "community__code",
            "community_name": "community__name",
        },
        order=40,
    )
)
