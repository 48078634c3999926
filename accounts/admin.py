from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from accounts.models import User
from accounts.services import user_bind_role
from grids.admin import JurisdictionScopedAdmin

admin.site.login_form = AdminLoginForm
admin.site.site_header = _("RedGrid administration")
admin.site.site_title = _("RedGrid")
admin.site.index_title = _("Grid governance")


@admin.register(User)
class UserAdmin(JurisdictionScopedAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "node", "is_active")
    list_filter = ("role", "is_active", "care_role")
    search_fields = ("username", "first_name", "last_name")
    list_select_related = ("district", "street", "community", "grid")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Role and jurisdiction"),
            {
                "fields": (
                    "role",
                    "district",
                    "street",
                    "community",
                    "grid",
                    "phone",
                    "care_role",
                    "may_reveal_personal_data",
                ),
            },
        ),
    )

    # Permissions come from the role (accounts.backends); only superusers touch these flags.
    superuser_only_fields = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": tuple(
                        f for f in options.get("fields", ()) if f not in self.superuser_only_fields
                    ),
                },
            )
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if obj.role:
            user_bind_role(user=obj, role=obj.role, node=obj.node)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("jurisdiction"))
    def node(self, obj):
        return obj.node or "—"

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.display_name
