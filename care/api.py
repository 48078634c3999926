"""REST API of household pairing: the same access rule as the site (care.selectors), masked."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound

from care import selectors, services
from care.serializers import HouseholdSerializer, ResidentSerializer, VisitSerializer


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    """Households the user may see, with their visit schedule (overdue first)."""

    serializer_class = HouseholdSerializer

    def get_queryset(self):
        return selectors.households_for_list(self.request.user)


class ResidentViewSet(viewsets.ReadOnlyModelViewSet):
    """Residents the user may see; phone and ID numbers masked."""

    serializer_class = ResidentSerializer

    def get_queryset(self):
        return (
            selectors.residents_visible_to(self.request.user)
            .filter(anonymised_at__isnull=True)
            .prefetch_related("tags__tag")
            .order_by("household_id", "id")
        )


class VisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visits to the households the user may see; POST records one (care.services.visit_record)."""

    serializer_class = VisitSerializer

    def get_queryset(self):
        return (
            selectors.visits_visible_to(self.request.user)
            .select_related("visitor")
            .prefetch_related("needs")
        )

    def perform_create(self, serializer):
        household = serializer.validated_data["household"]
        if not selectors.households_visible_to(self.request.user).filter(pk=household.pk).exists():
            raise NotFound
        data = serializer.validated_data
        try:
            serializer.instance = services.visit_record(
                household=household,
                visitor=self.request.user,
                visited_on=data["visited_on"],
                mode=data.get("mode", "in_person"),
                met=data.get("met", ""),
                condition=data.get("condition", ""),
                needs=data.get("needs", []),
            )
        except DjangoPermissionDenied as error:
            raise NotFound from error
