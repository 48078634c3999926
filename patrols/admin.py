from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grids.admin import JurisdictionScopedAdmin, MapAdmin
from patrols.models import CheckIn, Finding, Patrol, PatrolPlan


class PatrolPlanForm(forms.ModelForm):
    class Meta:
        model = PatrolPlan
        fields = ("grid", "key_place", "frequency_days", "active")

    def clean(self):
        cleaned = super().clean()
        place, grid = cleaned.get("key_place"), cleaned.get("grid")
        if place is not None and grid is not None and place.grid_id != grid.pk:
            self.add_error("key_place", _("This key place is not in this area grid."))
        return cleaned


@admin.register(PatrolPlan)
class PatrolPlanAdmin(JurisdictionScopedAdmin):
    form = PatrolPlanForm
    list_display = ("key_place", "grid", "frequency_days", "active")
    list_filter = ("active", "grid__community")
    list_editable = ("frequency_days", "active")
    list_select_related = ("key_place", "grid")
    autocomplete_fields = ("grid", "key_place")


class CheckInInline(admin.TabularInline):
    model = CheckIn
    fields = ("key_place", "at", "distance_m")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Patrol)
class PatrolAdmin(MapAdmin):
    list_display = ("worker", "grid", "started_at", "ended_at")
    list_filter = ("grid__community", "started_at")
    list_select_related = ("worker", "grid")
    readonly_fields = ("grid", "worker", "started_at", "ended_at")
    inlines = [CheckInInline]


@admin.register(Finding)
class FindingAdmin(MapAdmin):
    list_display = ("kind", "grid", "key_place", "outcome", "created_at")
    list_filter = ("kind", "outcome", "grid__community")
    list_select_related = ("grid", "key_place")
    search_fields = ("description",)
    readonly_fields = ("patrol", "grid", "created_at")
