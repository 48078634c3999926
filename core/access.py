"""The staff gate: who may open a staff page or call a staff endpoint of the API.

A staff page is for a user with a staff role (`user.is_staff_role`: district admin, street and
community staff, grid heads, grid workers; superusers too) who also holds the page's model
permission, when it names one. The one behaviour:

* not logged in: a page redirects to the login page (and back after login); the API answers 403
  (DRF's answer without credentials: the session authenticator has no challenge);
* logged in without a staff role or without the permission: 403 (PermissionDenied, shown by
  templates/403.html). The page exists and its link is in the staff menu, so there is nothing to
  hide; objects outside the user's jurisdiction are a different question and answer 404
  (grids.jurisdiction.get_scoped_object_or_404).

Views use `staff_required` (functions) or `StaffRequiredMixin` (classes); API views use
`IsStaff` (or `IsStaff.with_permission("app.codename")`). All three call `is_staff`.
"""

import functools
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, overload

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def is_staff(user: Any, permission: str | None = None) -> bool:
    """Whether `user` is logged in, has a staff role and (if given) holds `permission`."""
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "is_staff_role", False)
        and (permission is None or user.has_perm(permission))
    )


def require_staff(user: Any, permission: str | None = None) -> None:
    """PermissionDenied (403) unless `is_staff(user, permission)`."""
    if not is_staff(user, permission):
        raise PermissionDenied


@overload
def staff_required(view: View, *, permission: str | None = None) -> View: ...
@overload
def staff_required(
    view: None = None, *, permission: str | None = None
) -> Callable[[View], View]: ...
def staff_required(
    view: View | None = None, *, permission: str | None = None
) -> View | Callable[[View], View]:
    """`@staff_required` or `@staff_required(permission="app.codename")` on a view function."""

    def decorator(func: View) -> View:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require_staff(request.user, permission)
            return func(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator(view) if view is not None else decorator


class StaffRequiredMixin(LoginRequiredMixin):
    """The gate for class-based views; `permission` names the page's model permission."""

    permission: ClassVar[str | None] = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_staff(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)


class IsStaff(BasePermission):
    """The gate for API views (DRF permission class)."""

    permission: ClassVar[str | None] = None

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_staff(request.user, self.permission)

    @classmethod
    def with_permission(cls, permission: str) -> type["IsStaff"]:
        """The gate of an API whose pages need `permission` ("app.codename")."""
        return type(f"IsStaff[{permission}]", (cls,), {"permission": permission})
