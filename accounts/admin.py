from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from accounts.models import User
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
        (_("Role and jurisdiction"), {
            "fields": ("role", "district", "street", "community", "grid", "phone", "care_role",
                       "may_reveal_personal_data"),
        }),
    )

    @admin.display(description=_("jurisdiction"))
    def node(self, obj):
        return obj.node or "—"

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.display_name
