from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from grids.admin import JurisdictionScopedAdmin, MapAdmin, SheetImportAdminMixin
from service_points.forms import ServicePositionAdminForm
from service_points.models import (
    Booking,
    Facility,
    Function,
    OpeningException,
    OpeningHours,
    PositionPhoto,
    Room,
    ServicePosition,
)
from service_points.services import opening_hours_check_overlaps


class OpeningHoursFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = [
            form.instance
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.instance.opens is not None
            and form.instance.closes is not None
        ]
        try:
            opening_hours_check_overlaps(rows)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    show_change_link = True


class PhotoInline(admin.TabularInline):
    model = PositionPhoto
    extra = 0


@admin.register(ServicePosition)
class ServicePositionAdmin(SheetImportAdminMixin, MapAdmin):
    """Staff record positions here; the form runs services.position_validate (tier, parent and
    the served area checked against the point with locate)."""

    form = ServicePositionAdminForm
    sheet_kind = "service_positions"
    list_display = ("name", "tier", "community", "grid", "subgrid", "parent", "is_active")
    list_filter = ("tier", "is_active", "community__street", "functions", "facilities")
    list_select_related = ("community", "grid", "subgrid", "parent")
    search_fields = ("name", "address", "community__name", "grid__name", "grid__code")
    autocomplete_fields = ("community", "grid", "subgrid", "parent")
    filter_horizontal = ("functions", "facilities")
    inlines = [OpeningHoursInline, OpeningExceptionInline, RoomInline, PhotoInline]
    fieldsets = (
        (None, {"fields": ("name", "tier", "parent", "community", "grid", "subgrid", "is_active")}),
        (
            "",
            {
                "fields": (
                    "address",
                    "location",
                    "floor_area",
                    "contact_name",
                    "contact_phone",
                    "description",
                )
            },
        ),
        (
            "",
            {
                "fields": (
                    "functions",
                    "facilities",
                    "displays_grid_structure",
                    "displays_rules",
                    "displays_service_list",
                )
            },
        ),
    )


@admin.register(Room)
class RoomAdmin(JurisdictionScopedAdmin):
    list_display = ("name", "kind", "position", "capacity", "is_bookable")
    list_filter = ("kind", "is_bookable")
    list_select_related = ("position",)
    search_fields = ("name", "position__name")
    autocomplete_fields = ("position",)


@admin.register(Booking)
class BookingAdmin(JurisdictionScopedAdmin):
    """Read-only here: bookings are made on the room calendar or the API (services.booking_create
    checks opening hours and overlaps)."""

    list_display = ("title", "room", "starts_at", "ends_at", "purpose", "status", "booked_by")
    list_filter = ("purpose", "status")
    list_select_related = ("room__position", "booked_by")
    search_fields = ("title", "room__name", "room__position__name")
    date_hierarchy = "starts_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A booking is cancelled (services.booking_cancel keeps it and its history), never
        # deleted: no delete page, no "delete selected" action.
        return False


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_room_kind", "sort_order")


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
