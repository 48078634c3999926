"""Accounts in the admin: a scoped list; creating and changing accounts happen on the site's
account pages (accounts.people_views), which use the same services and rules. Superusers keep
the admin's change form for the superuser-only flags; rights go through the services there too.

There is no admin for API tokens or authenticator devices: each person makes their own (a token
or a TOTP key made by someone else would let that someone act as them). The admin's login page
is the site's (throttled, with the second-factor step).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import ROLE_LEVEL, Role, User
from accounts.services import user_details_change, user_rights_change
from grids.admin import JurisdictionScopedAdmin

admin.site.site_header = _("RedGrid administration")
admin.site.site_title = _("RedGrid")
admin.site.index_title = _("Grid governance")

for model in (AuthToken, TOTPDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _site_login(request, extra_context=None):
    """One login page for the site and the admin (lock-out, second factor)."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


admin.site.login = _site_login

RIGHTS_FIELDS = ("role", "district", "street", "community", "grid")
FLAG_FIELDS = ("care_role", "may_reveal_personal_data")
DETAIL_FIELDS = ("last_name", "first_name", "phone", "email")


@admin.register(User)
class UserAdmin(JurisdictionScopedAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "node", "is_active")
    list_filter = ("role", "is_active", "care_role")
    search_fields = ("username", "first_name", "last_name")
    list_select_related = ("district", "street", "community", "grid")
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": DETAIL_FIELDS}),
        (
            _("Role and jurisdiction"),
            {"fields": (*RIGHTS_FIELDS, *FLAG_FIELDS, "is_active")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("accounts:person_create")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not request.user.is_superuser:
            person = self.get_object(request, unquote(object_id))  # scoped: None outside
            if person is None:
                raise Http404
            return redirect("accounts:person", pk=person.pk)
        return super().change_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        # Passwords are set by their owner (change page, one-time link, SMS code), never typed in
        # for someone else.
        raise PermissionDenied

    def has_delete_permission(self, request, obj=None):
        return False  # leaving is deactivation with a handover (accounts.handover), never deletion

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined", "is_active", "username"]
        if obj is not None and obj.pk == request.user.pk:
            readonly += [*RIGHTS_FIELDS, *FLAG_FIELDS, "is_staff", "is_superuser"]
        return readonly

    def save_model(self, request, obj, form, change):
        """Only superusers reach this form. Rights and details go through the services (the same
        rules as everywhere); the superuser-only flags are saved as they are."""
        if not change:
            raise PermissionDenied
        original = User.objects.get(pk=obj.pk)
        changed = set(form.changed_data)
        if changed & set(DETAIL_FIELDS):
            name = f"{obj.last_name}{obj.first_name}"
            user_details_change(
                by=request.user, user=original, name=name, phone=obj.phone, email=obj.email
            )
        rights = {}
        if changed & set(RIGHTS_FIELDS):
            rights.update(role=obj.role, node=obj.node)
        for flag in FLAG_FIELDS:
            if flag in changed:
                rights[flag] = getattr(obj, flag)
        if rights:
            user_rights_change(by=request.user, user=original, **rights)
        flags = [f for f in ("is_staff", "is_superuser") if f in changed]
        if flags:
            original.refresh_from_db()
            for flag in flags:
                setattr(original, flag, getattr(obj, flag))
            original.save(update_fields=flags)  # a save, so that the audit log records it

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RightsCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                role = cleaned.get("role", getattr(obj, "role", ""))
                if "role" in self.fields and not role:
                    self.add_error("role", _("Every account has a role."))
                elif "role" in self.fields:
                    level = ROLE_LEVEL[Role(role)]
                    if not cleaned.get(level):
                        self.add_error(level, _("Choose where this role works."))
                    for other in ("district", "street", "community", "grid"):
                        if other != level:
                            cleaned[other] = None
                return cleaned

        return RightsCheckedForm

    @admin.display(description=_("jurisdiction"))
    def node(self, obj):
        return obj.node or "—"

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.display_name
