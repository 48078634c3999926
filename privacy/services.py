"""Access to personal data: reveal a full value, record exports, in one place.

Who may reveal: a user with `may_reveal_personal_data` (or a superuser) who can also see the record
(the caller passes the record fetched through its jurisdiction-scoped selector) and whose sign-in
was confirmed with a second factor (django-otp's middleware marks the request's user verified; an
API token, a user loaded outside a request or an unconfirmed session never is). Every reveal and
every export is written to the audit log before the value is returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from privacy.models import AuditLogEntry

if TYPE_CHECKING:
    from typing import NoReturn

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model
    from django.http import HttpRequest

    from accounts.models import User

MIN_PURPOSE_LENGTH = 4


def _client(request: HttpRequest | None) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:300]


def holds_reveal_right(user: User | AnonymousUser | None) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or getattr(user, "may_reveal_personal_data", False))
    )


def second_factor_verified(user: User | AnonymousUser | None) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def may_reveal(user: User | AnonymousUser | None) -> bool:
    return holds_reveal_right(user) and second_factor_verified(user)


def _refuse_reveal(user: User | AnonymousUser | None, message: str) -> NoReturn:
    if holds_reveal_right(user) and not second_factor_verified(user):
        raise PermissionDenied(
            _(
                "Revealing personal data needs a sign-in confirmed with your authenticator app "
                "(not possible with an API token)."
            )
        )
    raise PermissionDenied(message)


def _clean_purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if len(purpose) < MIN_PURPOSE_LENGTH:
        raise ValidationError(
            _("State the purpose of this access (at least %(n)s characters).")
            % {"n": MIN_PURPOSE_LENGTH},
            code="purpose_required",
        )
    return purpose


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    purpose: str,
    subject: Model | None = None,
    subject_label: str = "",
    fields: str = "",
    request: HttpRequest | None = None,
    record_count: int = 1,
) -> AuditLogEntry:
    ip, agent = _client(request)
    return AuditLogEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=str(actor) if actor is not None else "",
        action=action,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
        subject_label=subject_label[:200],
        fields=fields[:200],
        purpose=_clean_purpose(purpose),
        ip_address=ip,
        user_agent=agent,
        record_count=record_count,
    )


def personal_data_reveal(
    *,
    user: User,
    subject: Model,
    field: str,
    purpose: str,
    subject_label: str,
    request: HttpRequest | None = None,
) -> str:
    """The full value of `subject.<field>` for an authorised user, logged; PermissionDenied else."""
    if not may_reveal(user):
        _refuse_reveal(user, _("Your role may not reveal personal data."))
    audit_record(
        actor=user,
        action=AuditLogEntry.Action.REVEAL,
        purpose=purpose,
        subject=subject,
        subject_label=subject_label,
        fields=field,
        request=request,
    )
    return getattr(subject, field) or ""


def personal_data_export_record(
    *,
    user: User,
    model: type[Model],
    purpose: str,
    record_count: int,
    request: HttpRequest | None = None,
    unmasked: bool = False,
) -> AuditLogEntry:
    """Log an export (masked unless `unmasked`, which needs reveal rights)."""
    if unmasked and not may_reveal(user):
        _refuse_reveal(user, _("Your role may not export unmasked personal data."))
    return audit_record(
        actor=user,
        action=AuditLogEntry.Action.EXPORT,
        purpose=purpose,
        subject_label=str(model._meta.verbose_name_plural),
        fields=_("unmasked") if unmasked else _("masked"),
        request=request,
        record_count=record_count,
    )
