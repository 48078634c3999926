"""Reads of accounts, scoped to the reader's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditlog.models import LogEntry as AuditEntry
from django.contrib.admin.models import LogEntry as AdminEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ROLE_LEVEL, PasswordToken, Role, User
from grids.jurisdiction import scope_queryset
from grids.models import NODE_MODELS

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from django.db.models import QuerySet

LEVELS = ("district", "street", "community", "grid")


def people_for(user: User, *, query: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    """Accounts at or below `user`'s node (inactive ones included), with what the list shows."""
    people = (
        scope_queryset(User.objects.all(), user)
        .select_related("district", "street", "community", "grid")
        .annotate(
            has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .order_by("-is_active", "role", "username")
    )
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
        )
    if role in Role.values:
        people = people.filter(role=role)
    if status == "active":
        people = people.filter(is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    elif status == "not_activated":
        people = people.filter(is_active=True, password__startswith="!")
    return people


def nodes_for(user: User, roles: Iterable[str]) -> dict[str, list]:
    """The current nodes inside `user`'s jurisdiction at the levels of `roles`, by level."""
    levels = [level for level in LEVELS if any(ROLE_LEVEL[Role(r)] == level for r in roles)]
    found = {}
    for level in levels:
        queryset = scope_queryset(NODE_MODELS[level].objects.current(), user).order_by("code")
        found[level] = list(queryset)
    return found


def open_links_of(person: User) -> QuerySet[PasswordToken]:
    return PasswordToken.objects.usable().filter(user=person).order_by("-created_at")


def account_history(*, person: User | None = None) -> QuerySet[Any]:
    """Changes of accounts and rights (django-auditlog), newest first."""
    types = [
        ContentType.objects.get_for_model(model)
        for model in (User, PasswordToken, TOTPDevice, _token_model())
    ]
    entries = AuditEntry.objects.filter(content_type__in=types).select_related(
        "actor", "content_type"
    )
    if person is not None:
        # One person's rights and details, as recorded on their account.
        entries = entries.filter(
            content_type=ContentType.objects.get_for_model(User), object_pk=str(person.pk)
        )
    return entries.order_by("-timestamp", "-pk")


def admin_history() -> QuerySet[AdminEntry]:
    """What staff created, changed and deleted in the admin (Django's admin log), newest first."""
    return AdminEntry.objects.select_related("user", "content_type").order_by("-action_time")


def _token_model() -> type[Any]:
    from knox.models import AuthToken

    return AuthToken
