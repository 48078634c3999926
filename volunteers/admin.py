from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from grids.admin import JurisdictionScopedAdmin
from volunteers.models import Activity, ActivityCategory, NeedsListItem, Registration, SignUp, Team
from volunteers.services import activity_validate


@admin.register(Registration)
class RegistrationAdmin(JurisdictionScopedAdmin):
    list_display = ("member", "community", "grid", "status", "submitted_at", "confirmed_on")
    list_filter = ("status", "community__street", "community")
    search_fields = ("member__name", "member__workplace", "grid__name", "grid__code")
    list_select_related = ("member", "community", "grid")
    autocomplete_fields = ("member", "grid", "community")
    readonly_fields = ("submitted_at", "submitted_by", "decided_at", "decided_by")
    date_hierarchy = "submitted_at"

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)


@admin.register(NeedsListItem)
class NeedsListItemAdmin(JurisdictionScopedAdmin):
    list_display = ("title", "kind", "community", "grid", "status", "taken_by", "created_at")
    list_filter = ("kind", "status", "community__street", "community")
    search_fields = ("title", "description", "requester")
    list_select_related = ("community", "grid", "taken_by")
    autocomplete_fields = ("taken_by",)


@admin.register(ActivityCategory)
class ActivityCategoryAdmin(admin.ModelAdmin):
    """Categories are district-wide reference data (no jurisdiction)."""

    list_display = ("name", "code", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("name", "code")


class ActivityAdminForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = (
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
            "required_skills",
            "description",
            "status",
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                activity_validate(self.instance)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return cleaned


class SignUpInline(admin.TabularInline):
    model = SignUp
    extra = 0
    fields = ("member", "status", "checked_in_at", "checked_out_at", "hours", "certified_at")
    readonly_fields = ("hours", "certified_at")
    autocomplete_fields = ("member",)


@admin.register(Activity)
class ActivityAdmin(JurisdictionScopedAdmin):
    form = ActivityAdminForm
    list_display = (
        "title",
        "category",
        "community",
        "organiser_branch",
        "starts_at",
        "capacity",
        "status",
    )
    list_filter = ("status", "category", "community__street", "community")
    search_fields = ("title", "description", "address", "required_skills")
    list_select_related = ("category", "community", "organiser_branch")
    autocomplete_fields = ("organiser_branch", "grid", "community")
    date_hierarchy = "starts_at"
    readonly_fields = ("certified_at", "certified_by")
    inlines = [SignUpInline]


@admin.register(SignUp)
class SignUpAdmin(JurisdictionScopedAdmin):
    list_display = (
        "activity",
        "member",
        "status",
        "checked_in_at",
        "checked_out_at",
        "hours",
        "certified_at",
    )
    list_filter = ("status", "check_method", "activity__category", "activity__community")
    search_fields = ("member__name", "activity__title")
    list_select_related = ("activity", "member")
    autocomplete_fields = ("activity", "member")
    readonly_fields = ("hours", "certified_at")


@admin.register(Team)
class TeamAdmin(JurisdictionScopedAdmin):
    list_display = ("name", "community", "grid", "leader", "member_count")
    list_filter = ("community__street", "community")
    search_fields = ("name", "leader__name")
    list_select_related = ("community", "grid", "leader")
    autocomplete_fields = ("leader", "members", "grid", "community")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total
