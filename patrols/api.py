"""REST API of grid patrols: the same services and scoping as the pages. A service's
ValidationError answers 400 (core.errors.exception_handler)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from patrols import selectors, services
from patrols.models import CheckIn
from patrols.serializers import CheckInSerializer, FindingSerializer, PatrolSerializer


class PatrolViewSet(viewsets.ReadOnlyModelViewSet):
    """Patrols: a grid worker's own, or those in a staff member's jurisdiction."""

    serializer_class = PatrolSerializer

    def get_queryset(self):
        return selectors.patrols_visible_to(self.request.user).select_related("worker", "grid")

    @extend_schema(request=None, responses={201: PatrolSerializer})
    @action(detail=False, methods=["post"])
    def start(self, request):
        try:
            patrol = services.patrol_start(worker=request.user)
        except DjangoPermissionDenied as error:  # not a grid worker: no object to hide, so 403
            raise PermissionDenied(str(error)) from error
        return Response(PatrolSerializer(patrol).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PatrolSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        patrol = self.get_object()
        try:
            services.patrol_end(patrol=patrol, by=request.user)
        except DjangoPermissionDenied as error:
            raise NotFound from error
        return Response(PatrolSerializer(patrol).data)


class CheckInViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Check-ins; POST checks in (refused with 400 when too far from the place)."""

    serializer_class = CheckInSerializer

    def get_queryset(self):
        return CheckIn.objects.filter(
            patrol__in=selectors.patrols_visible_to(self.request.user).values("pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        if (
            not selectors.patrols_visible_to(self.request.user)
            .filter(pk=data["patrol"].pk)
            .exists()
        ):
            raise NotFound
        try:
            serializer.instance = services.check_in(
                patrol=data["patrol"],
                key_place=data["key_place"],
                lon=data["lon"],
                lat=data["lat"],
                by=self.request.user,
            )
        except DjangoPermissionDenied as error:
            raise NotFound from error


class FindingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FindingSerializer

    def get_queryset(self):
        return selectors.findings_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        if (
            not selectors.patrols_visible_to(self.request.user)
            .filter(pk=data["patrol"].pk)
            .exists()
        ):
            raise NotFound
        try:
            serializer.instance = services.finding_record(
                patrol=data["patrol"],
                by=self.request.user,
                kind=data["kind"],
                description=data["description"],
                key_place=data.get("key_place"),
                lon=data.get("lon"),
                lat=data.get("lat"),
                handled_note=data.get("handled_note", ""),
            )
        except DjangoPermissionDenied as error:
            raise NotFound from error
