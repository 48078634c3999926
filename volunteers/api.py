"""REST API of the volunteer action. Staff roles see their jurisdiction (model permissions
apply); a Party member sees and writes only their own registrations and sign-ups. Writes go
through volunteers.services (the same rules as the pages)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.access import require_staff
from grids.jurisdiction import scope_queryset
from volunteers import selectors, services
from volunteers.models import Activity, Registration, SignUp
from volunteers.serializers import (
    ActivitySerializer,
    DecisionSerializer,
    RegistrationSerializer,
    SignUpSerializer,
)


class OwnOrScopedMixin:
    """Staff: jurisdiction-scoped rows (needs view permission). Members: their own rows."""

    model = None
    member_lookup = "member"

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        user = self.request.user
        queryset = self.base_queryset()
        if user.is_staff_role:
            opts = self.model._meta
            if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                return queryset.none()
            return scope_queryset(queryset, user)
        member = selectors.member_of(user)
        if member is None:
            return queryset.none()
        return queryset.filter(**{self.member_lookup: member})

    def require_staff_perm(self, codename):
        require_staff(self.request.user, f"volunteers.{codename}")


class RegistrationViewSet(OwnOrScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Registrations with a community and grid: submit (a member for themselves, staff for a
    member), approve, return with a reason, re-confirm."""

    serializer_class = RegistrationSerializer
    model = Registration
    queryset = Registration.objects.none()

    def base_queryset(self):
        return Registration.objects.select_related("member", "community", "grid").order_by(
            "-submitted_at"
        )

    def perform_create(self, serializer):
        user = self.request.user
        if user.is_staff_role:
            self.require_staff_perm("add_registration")
            member = serializer.validated_data["member"]
        else:
            member = selectors.member_of(user)
            if member is None:
                raise PermissionDenied
        grid = serializer.validated_data["grid"]
        serializer.instance = services.registration_submit(
            member=member,
            community=grid.community,
            grid=grid,
            skills=serializer.validated_data.get("skills", ""),
            by=user,
        )

    def _decide(self, request, service, **kwargs):
        self.require_staff_perm("change_registration")
        registration = self.get_object()
        registration = service(registration=registration, by=request.user, **kwargs)
        return Response(
            RegistrationSerializer(registration, context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.registration_approve)

    @extend_schema(request=DecisionSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._decide(
            request,
            services.registration_return,
            reason=serializer.validated_data.get("reason", ""),
        )

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def reconfirm(self, request, pk=None):
        registration = self.get_object()
        registration = services.registration_reconfirm(registration=registration, by=request.user)
        return Response(
            RegistrationSerializer(registration, context=self.get_serializer_context()).data
        )


class ActivityViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Volunteer activities: staff see their jurisdiction; a member sees the upcoming open
    activities of the communities they are registered with."""

    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()

    def get_queryset(self):
        user = self.request.user
        if user.is_staff_role:
            return selectors.activities_for(user)
        member = selectors.member_of(user)
        return selectors.activities_open_to(member) if member else Activity.objects.none()

    def perform_create(self, serializer):
        user = self.request.user
        require_staff(user, "volunteers.add_activity")
        serializer.instance = services.activity_save(
            activity=Activity(**serializer.validated_data), by=user
        )


class SignUpViewSet(OwnOrScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Sign-ups: a member signs up (never beyond capacity) and cancels; staff confirm
    check-in and check-out (`check`), which credits hours by the rounding rule."""

    serializer_class = SignUpSerializer
    model = SignUp
    queryset = SignUp.objects.none()

    def base_queryset(self):
        return SignUp.objects.select_related("activity", "member").order_by("-created_at")

    def perform_create(self, serializer):
        member = selectors.member_of(self.request.user)
        if member is None:
            raise PermissionDenied
        activity = serializer.validated_data["activity"]
        # The service refuses activities outside the member's registered community (400).
        serializer.instance = services.signup_create(activity=activity, member=member)

    @extend_schema(request=None, responses=SignUpSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        signup = self.get_object()
        if request.user.is_staff_role:
            self.require_staff_perm("change_signup")
        signup = services.signup_cancel(signup=signup)
        return Response(SignUpSerializer(signup).data)

    @extend_schema(request=None, responses=SignUpSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Staff confirmation: check in, or check out if already checked in."""
        self.require_staff_perm("change_signup")
        signup = services.signup_check(signup=self.get_object(), method="staff", now=timezone.now())
        return Response(SignUpSerializer(signup).data, status=status.HTTP_200_OK)
