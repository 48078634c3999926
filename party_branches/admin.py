from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grids.admin import JurisdictionScopedAdmin
from party_branches.forms import BranchCommitteeMemberAdminForm
from party_branches.models import (
    BranchCommitteeMember,
    CommitteePosition,
    CommunityCommittee,
    CommunityCommitteeMember,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    PartyBranch,
    PartyMember,
    StreetCommittee,
)
from party_branches.services import committee_member_appoint, member_prepare


@admin.register(StreetCommittee)
class StreetCommitteeAdmin(JurisdictionScopedAdmin):
    list_display = ("name", "street")
    search_fields = ("name", "street__name")
    list_select_related = ("street",)


class CommunityCommitteeMemberInline(admin.TabularInline):
    model = CommunityCommitteeMember
    extra = 0
    autocomplete_fields = ("member",)


@admin.register(CommunityCommittee)
class CommunityCommitteeAdmin(JurisdictionScopedAdmin):
    list_display = ("name", "community", "street_committee")
    list_filter = ("street_committee",)
    search_fields = ("name", "community__name", "community__code")
    list_select_related = ("community", "street_committee")
    inlines = [CommunityCommitteeMemberInline]


@admin.register(PartyBranch)
class PartyBranchAdmin(JurisdictionScopedAdmin):
    list_display = ("name", "kind", "grid", "community_committee", "founded_on")
    list_filter = ("kind", "grid__community__street", "grid__community")
    search_fields = ("name", "grid__name", "grid__code")
    list_select_related = ("grid", "community_committee")
    autocomplete_fields = ("grid", "subgrid", "parent")

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)


class PartyMemberAdminForm(forms.ModelForm):
    """Phone and ID number are never shown in full here (reveals go through the logged page);
    they can be entered or replaced."""

    new_phone = forms.CharField(
        label=_("mobile phone"),
        required=False,
        help_text=_("Leave empty to keep the stored number."),
    )
    new_id_number = forms.CharField(
        label=_("ID number"), required=False, help_text=_("Leave empty to keep the stored number.")
    )

    class Meta:
        model = PartyMember
        fields = (
            "name",
            "gender",
            "birth_date",
            "joined_on",
            "full_member_on",
            "workplace",
            "workplace_kind",
            "kind",
            "community",
            "branch",
            "must_register",
            "user",
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        member = self.instance
        if cleaned.get("new_phone"):
            member.phone = cleaned["new_phone"].strip()
        if cleaned.get("new_id_number"):
            member.id_number = cleaned["new_id_number"]
        elif not member.pk:
            self.add_error("new_id_number", _("Enter the ID number."))
            return cleaned
        try:
            member_prepare(member)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "id_number" in exc.error_dict:
                self.add_error("new_id_number", exc.error_dict.pop("id_number"))
                if exc.error_dict:
                    raise ValidationError(exc.error_dict) from exc
            else:
                self.add_error("new_id_number" if exc.code == "id_number" else None, exc)
        return cleaned


@admin.register(PartyMember)
class PartyMemberAdmin(JurisdictionScopedAdmin):
    form = PartyMemberAdminForm
    list_display = (
        "name",
        "status",
        "phone_masked",
        "id_number_masked",
        "kind",
        "workplace",
        "community",
        "branch",
    )
    list_filter = ("kind", "workplace_kind", "must_register", "community__street", "community")
    search_fields = ("name", "workplace")
    list_select_related = ("community", "branch")
    autocomplete_fields = ("community", "branch", "user")
    readonly_fields = ("phone_masked", "id_number_masked")

    @admin.display(description=_("status"))
    def status(self, obj):
        return obj.status_label

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj):
        return obj.phone_masked

    @admin.display(description=_("ID number"))
    def id_number_masked(self, obj):
        return obj.id_number_masked


@admin.register(BranchCommitteeMember)
class BranchCommitteeMemberAdmin(JurisdictionScopedAdmin):
    form = BranchCommitteeMemberAdminForm
    list_display = ("branch", "position", "member", "source", "start_date", "end_date")
    list_filter = (
        "position",
        "source",
        "branch__grid__community__street",
        "branch__grid__community",
    )
    search_fields = ("branch__name", "member__name")
    list_select_related = ("branch", "member")
    autocomplete_fields = ("branch", "member")

    def save_model(self, request, obj, form, change):
        if change or obj.position != CommitteePosition.SECRETARY:
            obj.full_clean()
            return super().save_model(request, obj, form, change)
        # A new secretary goes through the service, which also ends the previous term.
        seat = committee_member_appoint(
            branch=obj.branch,
            member=obj.member,
            position=obj.position,
            source=obj.source,
            start_date=obj.start_date,
            end_date=obj.end_date,
        )
        obj.pk = seat.pk
        obj._state.adding = False


@admin.register(CommunityCommitteeMember)
class CommunityCommitteeMemberAdmin(JurisdictionScopedAdmin):
    list_display = ("committee", "position", "member", "start_date", "end_date")
    list_filter = ("position", "committee")
    search_fields = ("committee__name", "member__name")
    list_select_related = ("committee", "member")
    autocomplete_fields = ("member",)


class MeetingAttendanceInline(admin.TabularInline):
    model = MeetingAttendance
    extra = 0
    autocomplete_fields = ("member",)


class MeetingAttachmentInline(admin.TabularInline):
    model = MeetingAttachment
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(JurisdictionScopedAdmin):
    list_display = ("held_on", "kind", "branch", "place", "place_name")
    list_filter = ("kind", "held_on", "branch__grid__community__street", "branch__grid__community")
    search_fields = ("branch__name", "agenda", "minutes", "place_name")
    list_select_related = ("branch", "place")
    autocomplete_fields = ("branch",)
    date_hierarchy = "held_on"
    inlines = [MeetingAttendanceInline, MeetingAttachmentInline]
    exclude = ("recorded_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
