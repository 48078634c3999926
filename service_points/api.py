"""REST API: positions as GeoJSON (public read, same filters as the map), rooms and bookings
(jurisdiction-scoped; bookings written through services.booking_create)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.query import BIGINT_MAX, query_choice, query_int
from grids.jurisdiction import get_scoped_object_or_404
from service_points import answers, selectors, services
from service_points.forms import PositionFilterForm
from service_points.models import Booking
from service_points.serializers import (
    BookingSerializer,
    RoomSerializer,
    position_feature,
    position_features,
)
from service_points.views import filter_kwargs

FEATURE_COLLECTION = inline_serializer(
    "PositionFeatureCollection",
    {
        "type": serializers.CharField(),
        "features": serializers.ListField(child=serializers.DictField()),
    },
)
FEATURE = inline_serializer(
    "PositionFeature",
    {
        "type": serializers.CharField(),
        "id": serializers.IntegerField(),
        "geometry": serializers.DictField(),
        "properties": serializers.DictField(),
    },
)


class PositionListView(APIView):
    """Active service positions as a GeoJSON FeatureCollection (public). With `lat`/`lon` the
    features are nearest first and carry `distance_m`."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="positions_list",
        parameters=[
            OpenApiParameter("tier", str, enum=["centre", "grid_position", "micro_site"]),
            OpenApiParameter("function", str, description="function code, e.g. political"),
            OpenApiParameter("facility", str, description="facility code, e.g. book_bar"),
            OpenApiParameter(
                "open_now",
                str,
                enum=["true", "false", "on"],
                description='"true" or "on": only positions open now (Asia/Shanghai)',
            ),
            OpenApiParameter(
                "lat",
                {"type": "number", "minimum": -90, "maximum": 90},
                description="WGS-84 latitude; give lon with it (one without the other is a 400)",
            ),
            OpenApiParameter(
                "lon",
                {"type": "number", "minimum": -180, "maximum": 180},
                description="WGS-84 longitude; give lat with it (one without the other is a 400)",
            ),
            OpenApiParameter("q", str, description="name or address contains"),
        ],
        responses=FEATURE_COLLECTION,
    )
    def get(self, request):
        current = answers.state() if answers.kept_query(request) else None
        if current is None or request.accepted_renderer.format != "json":
            return Response(self._collection(request))
        # The JSON text is kept until the positions change (answers); the browsable API is
        # rendered each time.
        kept = answers.version(
            "api", current, answers.filters_sent(request), request.accepted_media_type
        )
        return answers.answer(request, kept, lambda: self._json(request, current.at))

    def _collection(self, request, at=None) -> dict:
        query_choice(request.query_params, "open_now", ("true", "false", "on"))
        form = PositionFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        rows = selectors.positions_feature_rows(**filter_kwargs(form), at=at)
        return {"type": "FeatureCollection", "features": position_features(rows)}

    def _json(self, request, at) -> HttpResponse:
        """The collection as the JSON renderer writes it (what Response would send)."""
        renderer = request.accepted_renderer
        body = renderer.render(
            self._collection(request, at), request.accepted_media_type, self.get_renderer_context()
        )
        return HttpResponse(body, content_type=renderer.media_type)


class PositionDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="positions_retrieve", responses=FEATURE)
    def get(self, request, pk: int):
        position = selectors.position_public_detail(pk)
        if position is None:
            raise NotFound(_("No service position has this number."))
        return Response(position_feature(position))


class RoomListView(generics.ListAPIView):
    """Rooms in the user's jurisdiction."""

    serializer_class = RoomSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.rooms_for(self.request.user).order_by("position__name", "name")


class RoomDetailView(generics.RetrieveAPIView):
    serializer_class = RoomSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return get_scoped_object_or_404(
            selectors.rooms_for(self.request.user), self.request.user, pk=self.kwargs["pk"]
        )


def _service_call(function, **kwargs):
    """The service's answer; its ValidationError answers 400 (core.errors.exception_handler)."""
    try:
        return function(**kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


class BookingListView(generics.ListCreateAPIView):
    """Bookings of rooms in the user's jurisdiction; staff and grid heads create them. Refused
    with 400 and a message when the slot is taken or outside opening hours."""

    serializer_class = BookingSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        qs = selectors.bookings_for(self.request.user).order_by("starts_at")
        params = self.request.query_params
        room = query_int(params, "room")
        if room is not None:
            qs = qs.filter(room_id=room)
        status_value = query_choice(params, "status", Booking.Status.values)
        if status_value:
            qs = qs.filter(status=status_value)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "room",
                {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX},
                description="room id",
            ),
            OpenApiParameter("status", str, enum=Booking.Status.values),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # A room outside the user's jurisdiction does not exist for them.
        room = get_scoped_object_or_404(
            selectors.rooms_for(request.user), request.user, pk=data["room"].pk
        )
        booking = _service_call(
            services.booking_create,
            room=room,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            purpose=data["purpose"],
            title=data["title"],
            attendees_expected=data.get("attendees_expected"),
            by=request.user,
        )
        return Response(self.get_serializer(booking).data, status=status.HTTP_201_CREATED)


class BookingDetailView(generics.RetrieveAPIView):
    serializer_class = BookingSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return get_scoped_object_or_404(
            selectors.bookings_for(self.request.user), self.request.user, pk=self.kwargs["pk"]
        )


class BookingCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=BookingSerializer)
    def post(self, request, pk: int):
        booking = get_scoped_object_or_404(
            selectors.bookings_for(request.user), request.user, pk=pk
        )
        booking = _service_call(services.booking_cancel, booking=booking, by=request.user)
        return Response(BookingSerializer(booking).data)
