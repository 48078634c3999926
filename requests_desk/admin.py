from django.contrib import admin, messages
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grids.admin import JurisdictionScopedAdmin, SheetImportAdminMixin
from requests_desk.models import (
    Category,
    Department,
    Holiday,
    HolidayCalendarYear,
    Open311Client,
    Request,
    RequestEvent,
)
from requests_desk.monthly import monthly_figures_change, monthly_figures_remove
from requests_desk.services import open311_client_create, open311_client_revoke


class SubClassInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = (
        "code",
        "name",
        "kind",
        "limit_amount",
        "limit_unit",
        "default_department",
        "order",
        "active",
    )
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "limit_amount", "limit_unit", "active")
    list_filter = ("kind", "parent", "active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    inlines = [SubClassInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "active")
    search_fields = ("name",)


@admin.register(Holiday)
class HolidayAdmin(SheetImportAdminMixin, admin.ModelAdmin):
    sheet_kind = "holidays"
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(HolidayCalendarYear)
class HolidayCalendarYearAdmin(admin.ModelAdmin):
    """The years whose official schedule is loaded (the import marks them; a year entered in full
    by hand can be marked here)."""

    list_display = ("year", "source", "loaded_at")


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "active", "created_at", "revoked_at")
    fields = ("name",)
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        client, key = open311_client_create(name=obj.name)
        obj.pk = client.pk
        messages.warning(
            request,
            gettext("The key of “%(name)s” is shown only once: %(key)s")
            % {"name": client.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for client in queryset:
            open311_client_revoke(client=client)


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    fields = ("created_at", "action", "from_stage", "to_stage", "actor_label", "note", "public")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Request)
class RequestAdmin(JurisdictionScopedAdmin):
    """Read-mostly: stage changes go through the case page (the state machine)."""

    # A media URL typed without its scheme is read as https (Django 6's default; 5.2 warns).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    list_display = (
        "code",
        "category",
        "stage",
        "grid",
        "community",
        "source",
        "created_at",
        "due_at",
    )
    list_filter = ("stage", "source", "category__parent", "street")
    search_fields = ("code", "address")
    list_select_related = ("category", "grid", "community")
    date_hierarchy = "created_at"
    readonly_fields = (
        "code",
        "source",
        "category",
        "description",
        "location",
        "address",
        "street",
        "community",
        "grid",
        "stage",
        "closure_type",
        "cancel_reason",
        "target",
        "assignee",
        "department",
        "merged_into",
        "created_at",
        "accepted_at",
        "filed_at",
        "dispatched_at",
        "due_at",
        "handled_at",
        "closed_at",
        "open311_client",
        "created_by",
        "support_count",
        "address_id",
        "reopen_requested_at",
    )
    # Personal data is read on the case page through the logged reveal, never here.
    exclude = (
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "reporter_account_id",
        "attribute_values",
    )
    inlines = [RequestEventInline]

    def has_add_permission(self, request):
        return False

    # Edits and deletes keep the monthly request figures exact (requests_desk.monthly).
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = Request.objects.select_for_update().get(pk=obj.pk)
            super().save_model(request, obj, form, change)
            monthly_figures_change(before=before, after=obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            monthly_figures_remove(requests=Request.objects.filter(pk=obj.pk))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            monthly_figures_remove(requests=queryset)
            super().delete_queryset(request, queryset)
