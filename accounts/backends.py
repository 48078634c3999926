"""Who may sign in, and the permissions that follow the role.

Permissions follow the role: each app declares what each role may do (AppConfig.role_permissions).

Declarations are "app_label.model" (all four model permissions) or "app_label.codename". They are
read from code, so a new model's permissions reach the roles without a data migration or a manual
group sync. Which *objects* a user may touch is decided by grids.jurisdiction, not here.
"""

from functools import cache

from django.apps import apps
from django.contrib.auth.backends import ModelBackend

from accounts import session_user

_ACTIONS = ("view", "add", "change", "delete")


@cache
def role_permission_names(role: str) -> frozenset[str]:
    names = set()
    for config in apps.get_app_configs():
        for entry in getattr(config, "role_permissions", {}).get(role, ()):
            app_label, _, rest = entry.partition(".")
            if rest.split("_", 1)[0] in _ACTIONS and "_" in rest:
                names.add(entry)
            else:
                names.update(f"{app_label}.{action}_{rest}" for action in _ACTIONS)
    return frozenset(names)


class RolePermissionBackend(ModelBackend):
    def user_can_authenticate(self, user):
        """Password logins and existing sessions alike: active accounts with a role (superusers
        excepted). Django calls this from authenticate() and from get_user(), so a session of an
        account that lost its role or was deactivated ends on its next request."""
        return bool(getattr(user, "may_sign_in", False))

    def get_user(self, user_id):
        """The session's user, read with their permissions and what apps asked to read with them
        in one statement (accounts.session_user); as ModelBackend on other databases."""
        if not session_user.supported():
            return super().get_user(user_id)
        user = session_user.user_load(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_group_permissions(self, user_obj, obj=None):
        permissions = set(super().get_group_permissions(user_obj, obj))
        if user_obj.is_active and getattr(user_obj, "role", ""):
            permissions |= role_permission_names(user_obj.role)
        return permissions
