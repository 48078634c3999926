"""REST API of the Party organisations: branches (with the secretary rule's verdict), committee
appointments (through the secretary rule), members (phone and ID always masked; a logged reveal
action for users allowed to reveal). Every queryset is jurisdiction-scoped (outside = 404)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response

from core.access import IsStaff
from party_branches import selectors
from party_branches.models import PartyBranch, PartyMember
from party_branches.serializers import (
    AppointSerializer,
    BranchSerializer,
    CommitteeSeatSerializer,
    MemberSerializer,
    RevealSerializer,
)
from party_branches.services import committee_member_appoint
from privacy.services import personal_data_reveal


class ModelPermissions(DjangoModelPermissions):
    """Model permissions for every method, reads included (view_*)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class BranchViewSet(viewsets.ReadOnlyModelViewSet):
    """Grid and sub-grid Party branches with their current secretary and whether the secretary
    rule holds today (`failures` lists the failing conditions)."""

    serializer_class = BranchSerializer
    permission_classes = [IsStaff, ModelPermissions]
    queryset = PartyBranch.objects.none()

    def get_queryset(self):
        return selectors.branches_for(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=AppointSerializer, responses={201: CommitteeSeatSerializer})
    @action(detail=True, methods=["post"])
    def committee(self, request, pk=None):
        """Seat a member on the committee; a secretary must meet the secretary rule."""
        if not request.user.has_perm("party_branches.add_branchcommitteemember"):
            raise PermissionDenied
        branch = self.get_object()
        serializer = AppointSerializer(
            data=request.data, context={"request": request, "branch": branch}
        )
        serializer.is_valid(raise_exception=True)
        seat = committee_member_appoint(branch=branch, **serializer.validated_data)
        return Response(CommitteeSeatSerializer(seat).data, status=status.HTTP_201_CREATED)


class MemberViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Party members. Phone and ID number are masked in every response; `reveal` returns one
    full value to users allowed to reveal personal data and logs the access."""

    serializer_class = MemberSerializer
    permission_classes = [IsStaff, ModelPermissions]
    queryset = PartyMember.objects.none()

    def get_queryset(self):
        return selectors.members_for(
            self.request.user, query=self.request.query_params.get("q", "")
        )

    @extend_schema(
        request=RevealSerializer,
        responses=inline_serializer(
            "Revealed", {"field": serializers.CharField(), "value": serializers.CharField()}
        ),
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        member = self.get_object()
        serializer = RevealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = serializer.validated_data["field"]
        try:
            value = personal_data_reveal(
                user=request.user,
                subject=member,
                field=field,
                purpose=serializer.validated_data["purpose"],
                subject_label=str(member),
                request=request,
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response({"field": field, "value": value})
