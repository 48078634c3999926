"""REST API of the hierarchy: area grids as GeoJSON and `locate`."""

import datetime
import json

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ratelimit import Rate, client_address
from grids import gazetteer
from grids.conf import conf
from grids.locate import locate
from grids.selectors import grids_for_map


def staff_names_shown(request) -> bool:
    """The public map names a grid head only when the district opts in
    (REDGRID_PUBLIC_STAFF_NAMES) or for staff; the public sees the grid, its unit."""
    user = getattr(request, "user", None)
    return bool(
        settings.REDGRID_PUBLIC_STAFF_NAMES
        or (user is not None and user.is_authenticated and getattr(user, "is_staff_role", False))
    )


def grid_feature(grid, *, staff_names: bool = True) -> dict:
    return {
        "type": "Feature",
        "id": grid.code,
        "geometry": json.loads(grid.geojson),
        "properties": {
            "code": grid.code,
            "name": grid.name,
            "community": grid.community.name,
            "community_code": grid.community.code,
            "street": grid.community.street.name,
            "street_code": grid.community.street.code,
            "population": grid.population,
            "households": grid.households,
            "grid_head": (grid.grid_head_name or None) if staff_names else None,
        },
    }


_FEATURE_COLLECTION = inline_serializer(
    "GridFeatureCollection",
    {
        "type": serializers.CharField(),
        "features": serializers.ListField(child=serializers.DictField()),
    },
)


class TooManyLooks(APIException):
    status_code = 429
    default_code = "throttled"


def places_allow(request) -> None:
    """Count one look at the gazetteer from this address (search or "which grid"); 429 with a
    translated message when it used up the window (core.ratelimit)."""
    rate = Rate.of(conf.RATE_LIMIT_PLACES)
    if not gazetteer.search_allowed(client_address(request)):
        raise TooManyLooks(
            _("Too many place searches from your network. Please try again in %(n)s minutes.")
            % {"n": rate.minutes}
        )


def _parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError({"on": _("Give the date as YYYY-MM-DD.")}) from exc


class GridListView(APIView):
    """Area grids in force as a GeoJSON FeatureCollection (public: boundaries are published)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("street", str, description="street code"),
            OpenApiParameter("community", str, description="community code"),
            OpenApiParameter("q", str, description="name contains, or code starts with"),
            OpenApiParameter("on", OpenApiTypes.DATE, description="date (default today)"),
        ],
        responses=_FEATURE_COLLECTION,
        operation_id="grids_list",
    )
    def get(self, request):
        grids = grids_for_map(
            street_code=request.query_params.get("street"),
            community_code=request.query_params.get("community"),
            query=request.query_params.get("q"),
            on=_parse_date(request.query_params.get("on")),
        )
        names = staff_names_shown(request)
        return Response(
            {
                "type": "FeatureCollection",
                "features": [grid_feature(g, staff_names=names) for g in grids],
            }
        )


class GridDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="grids_detail",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="date (default today)")],
        responses=inline_serializer(
            "GridFeature",
            {
                "type": serializers.CharField(),
                "properties": serializers.DictField(),
                "geometry": serializers.DictField(),
            },
        ),
    )
    def get(self, request, code: str):
        grid = grids_for_map(code=code, on=_parse_date(request.query_params.get("on"))).first()
        if grid is None:
            raise NotFound(_("No area grid has the code %(code)s.") % {"code": code})
        return Response(grid_feature(grid, staff_names=staff_names_shown(request)))


def _lonlat(request) -> tuple[float, float]:
    errors = {}
    values = {}
    for name, low, high in (("lon", -180, 180), ("lat", -90, 90)):
        raw = request.query_params.get(name)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            errors[name] = _("%(name)s must be a number.") % {"name": name}
            continue
        if not low <= value <= high:
            errors[name] = _("%(name)s must be between %(low)s and %(high)s.") % {
                "name": name,
                "low": low,
                "high": high,
            }
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return values["lon"], values["lat"]


def _place_schema(name="Place", **kwargs):
    return inline_serializer(
        name,
        {
            "ref": serializers.CharField(),
            "kind": serializers.CharField(),
            "kind_label": serializers.CharField(),
            "name": serializers.CharField(),
            "address": serializers.CharField(),
            "lon": serializers.FloatField(),
            "lat": serializers.FloatField(),
            "grid": serializers.DictField(allow_null=True),
            "community": serializers.DictField(allow_null=True),
            "distance_m": serializers.IntegerField(allow_null=True),
        },
        **kwargs,
    )


class PlaceSearchView(APIView):
    """The district's gazetteer (grids.gazetteer): communities, grids, key places, service
    positions and their addresses whose name or address contains `q`. Public, rate-limited per
    client address; offline (no external geocoder)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="places_search",
        parameters=[OpenApiParameter("q", str, required=True, description="name or address")],
        responses=inline_serializer(
            "PlaceList", {"results": serializers.ListField(child=_place_schema())}
        ),
    )
    def get(self, request):
        places_allow(request)
        query = gazetteer.clean_query(request.query_params.get("q"))
        if not query:
            raise ValidationError({"q": _("Type a name or an address to search for.")})
        return Response({"results": [p.as_dict() for p in gazetteer.places_search(query)]})


class PlaceHereView(APIView):
    """What the resident form shows after a tap: the area grid containing the point and the
    nearest known place (within REDGRID_GRIDS_NEAREST_PLACE_METRES). Public, rate-limited."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="places_here",
        parameters=[
            OpenApiParameter(
                "lon", {"type": "number", "minimum": -180, "maximum": 180}, required=True
            ),
            OpenApiParameter(
                "lat", {"type": "number", "minimum": -90, "maximum": 90}, required=True
            ),
        ],
        responses=inline_serializer(
            "PlaceHere",
            {
                "inside": serializers.BooleanField(),
                "grid": serializers.DictField(allow_null=True),
                "nearest": _place_schema("NearestPlace", allow_null=True),
                "text": serializers.CharField(),
            },
        ),
    )
    def get(self, request):
        places_allow(request)
        answer = gazetteer.where(_lonlat(request))
        answer["text"] = gazetteer.where_text(answer)
        return Response(answer)


class LocateView(APIView):
    """Which area grid and sub-grid contain a WGS-84 point."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lon", {"type": "number", "minimum": -180, "maximum": 180}, required=True
            ),
            OpenApiParameter(
                "lat", {"type": "number", "minimum": -90, "maximum": 90}, required=True
            ),
            OpenApiParameter("on", OpenApiTypes.DATE),
        ],
        operation_id="locate",
        responses=inline_serializer(
            "Location",
            {
                "inside": serializers.BooleanField(),
                "grid": serializers.DictField(allow_null=True),
                "subgrid": serializers.DictField(allow_null=True),
                "detail": serializers.CharField(required=False),
            },
        ),
    )
    def get(self, request):
        location = locate(_lonlat(request), on=_parse_date(request.query_params.get("on")))
        if not location.inside:
            return Response(
                {
                    "inside": False,
                    "grid": None,
                    "subgrid": None,
                    "detail": _("This point is outside the district."),
                }
            )
        grid = location.grid
        return Response(
            {
                "inside": True,
                "grid": {
                    "code": grid.code,
                    "name": grid.name,
                    "community": grid.community.name,
                    "street": grid.community.street.name,
                },
                "subgrid": {"code": location.subgrid.code, "name": location.subgrid.name}
                if location.subgrid
                else None,
            }
        )
