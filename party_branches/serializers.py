from django.utils.translation import gettext as _
from rest_framework import serializers

from grids.jurisdiction import node_within, scope_queryset
from grids.models import Community
from party_branches.models import (
    BranchCommitteeMember,
    CommitteePosition,
    PartyBranch,
    PartyMember,
)
from party_branches.selectors import branch_failures
from party_branches.services import member_save


class BranchSerializer(serializers.ModelSerializer):
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    community = serializers.CharField(source="community_committee.community.name", read_only=True)
    secretary = serializers.CharField(source="secretary_name", read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True)
    compliant = serializers.SerializerMethodField()
    failures = serializers.SerializerMethodField()

    class Meta:
        model = PartyBranch
        fields = (
            "id",
            "name",
            "kind",
            "grid_code",
            "grid_name",
            "community",
            "parent",
            "founded_on",
            "secretary",
            "member_count",
            "compliant",
            "failures",
        )

    def _failures(self, branch) -> list[str]:
        if not hasattr(branch, "_failures"):
            branch._failures = [str(f) for f in branch_failures(branch, on=self.context["today"])]
        return branch._failures

    def get_failures(self, branch) -> list[str]:
        return self._failures(branch)

    def get_compliant(self, branch) -> bool:
        return not self._failures(branch)


class AppointSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=PartyMember.objects.all())
    position = serializers.ChoiceField(choices=CommitteePosition.choices)
    source = serializers.ChoiceField(choices=BranchCommitteeMember.Source.choices)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)

    def validate_member(self, member):
        user = self.context["request"].user
        if not scope_queryset(PartyMember.objects.filter(pk=member.pk), user).exists():
            raise serializers.ValidationError(_("No such member in your jurisdiction."))
        return member


class CommitteeSeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = BranchCommitteeMember
        fields = ("id", "branch", "member", "position", "source", "start_date", "end_date")


class MemberSerializer(serializers.ModelSerializer):
    """Phone and ID number: write the full value, read it masked (always)."""

    phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    id_number = serializers.CharField(write_only=True)
    phone_masked = serializers.CharField(read_only=True)
    id_number_masked = serializers.CharField(read_only=True)
    full_member = serializers.SerializerMethodField()
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.current())
    branch = serializers.PrimaryKeyRelatedField(
        queryset=PartyBranch.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = PartyMember
        fields = (
            "id",
            "name",
            "gender",
            "birth_date",
            "phone",
            "phone_masked",
            "id_number",
            "id_number_masked",
            "joined_on",
            "full_member_on",
            "full_member",
            "workplace",
            "workplace_kind",
            "kind",
            "community",
            "branch",
            "must_register",
        )

    def get_full_member(self, member) -> bool:
        return member.is_full_member()

    def validate_community(self, community):
        if not node_within(community, self.context["request"].user):
            raise serializers.ValidationError(_("This community is outside your jurisdiction."))
        return community

    def validate_branch(self, branch):
        if (
            branch is not None
            and not scope_queryset(
                PartyBranch.objects.filter(pk=branch.pk), self.context["request"].user
            ).exists()
        ):
            raise serializers.ValidationError(_("No such branch in your jurisdiction."))
        return branch

    def create(self, validated_data):
        # The service's ValidationError answers 400 (core.errors.exception_handler).
        return member_save(member=PartyMember(**validated_data))


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=[("phone", "phone"), ("id_number", "id_number")])
    purpose = serializers.CharField(max_length=200)
