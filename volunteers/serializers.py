import datetime

from django.utils.translation import gettext as _
from rest_framework import serializers

from grids.jurisdiction import node_within, scope_queryset
from grids.models import AreaGrid, Community
from party_branches.models import PartyBranch, PartyMember
from volunteers.models import Activity, ActivityCategory, Registration, SignUp
from volunteers.services import registration_expires_on, registration_is_current


class RegistrationSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(
        queryset=PartyMember.objects.all(),
        required=False,
        help_text="staff only; members register themselves",
    )
    member_name = serializers.CharField(source="member.name", read_only=True)
    grid = serializers.PrimaryKeyRelatedField(queryset=AreaGrid.objects.current())
    expires_on = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = (
            "id",
            "member",
            "member_name",
            "community",
            "grid",
            "skills",
            "status",
            "submitted_at",
            "decided_at",
            "return_reason",
            "confirmed_on",
            "expires_on",
            "current",
        )
        read_only_fields = (
            "community",
            "status",
            "submitted_at",
            "decided_at",
            "return_reason",
            "confirmed_on",
        )

    def get_expires_on(self, registration) -> datetime.date | None:
        return registration_expires_on(registration)

    def get_current(self, registration) -> bool:
        return registration_is_current(registration)

    def validate(self, attrs):
        user = self.context["request"].user
        if user.is_staff_role:
            member = attrs.get("member")
            if (
                member is None
                or not scope_queryset(PartyMember.objects.filter(pk=member.pk), user).exists()
            ):
                raise serializers.ValidationError(
                    {"member": _("Choose a member in your jurisdiction.")}
                )
            if not node_within(attrs["grid"], user):
                raise serializers.ValidationError(
                    {"grid": _("This area grid is outside your jurisdiction.")}
                )
        return attrs


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class ActivitySerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=ActivityCategory.objects.filter(active=True)
    )
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.current())
    organiser_branch = serializers.PrimaryKeyRelatedField(
        queryset=PartyBranch.objects.all(), required=False, allow_null=True
    )
    grid = serializers.PrimaryKeyRelatedField(
        queryset=AreaGrid.objects.current(), required=False, allow_null=True
    )
    taken = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = (
            "id",
            "title",
            "category",
            "community",
            "organiser_branch",
            "grid",
            "place",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "taken",
            "required_skills",
            "description",
            "status",
        )
        read_only_fields = ("status",)

    def validate(self, attrs):
        user = self.context["request"].user
        if not node_within(attrs["community"], user):
            raise serializers.ValidationError(
                {"community": _("This community is outside your jurisdiction.")}
            )
        return attrs


class SignUpSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all())
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = SignUp
        fields = (
            "id",
            "activity",
            "activity_title",
            "member_name",
            "status",
            "created_at",
            "checked_in_at",
            "checked_out_at",
            "hours",
            "certified_at",
        )
        read_only_fields = (
            "status",
            "created_at",
            "checked_in_at",
            "checked_out_at",
            "hours",
            "certified_at",
        )
