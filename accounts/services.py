"""Writes to accounts: create, change rights and contact details, deactivate with a handover.

Every path that creates an account or changes its rights (the site's account pages, the admin, the
staff and member imports, the demo loader) goes through these functions, which apply
accounts.rules. `by` is the person acting; `by=None` is the system itself (the demo loader, a
management command run by the operator) and is trusted.

Rights changes are recorded by django-auditlog (accounts.apps registers the fields), with the
acting user taken from the request by accounts.middleware.AuditActorMiddleware.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import rules
from accounts.models import ADMIN_SITE_ROLES, ROLE_LEVEL, Role, User
from core.phones import MOBILE_PHONE

if TYPE_CHECKING:
    from typing import Any

    from grids.models import HierarchyNode

PHONE_PATTERN = MOBILE_PHONE
_UNSET = object()


def user_bind_role(*, user: User, role: str, node: HierarchyNode | None) -> User:
    """Give `user` a role bound to `node` (a District, Street, Community or AreaGrid).

    Clears the other node fields and sets is_staff for the roles that work in the admin site, so
    the database constraint and the admin access always agree with the role. Does not check who
    asks: callers are the services below (and test factories).
    """
    role = Role(role)
    level = ROLE_LEVEL[role]
    if node is None or level != node.LEVEL:
        raise ValueError(f"role {role} is bound to a {level}, got {node!r}")
    user.role = role
    for field in ("district", "street", "community", "grid"):
        setattr(user, field, node if field == level else None)
    user.is_staff = user.is_superuser or role in ADMIN_SITE_ROLES
    return user


def phone_clean(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationError(
            {"phone": _("Enter an 11-digit mainland mobile number, e.g. 13800138000.")}
        )
    return phone


def _check_node_for_role(role: str, node: HierarchyNode | None) -> None:
    level = ROLE_LEVEL[Role(role)]
    if node is None or getattr(node, "LEVEL", None) != level:
        labels = {
            "district": _("a district"),
            "street": _("a street"),
            "community": _("a community"),
            "grid": _("an area grid"),
        }
        raise ValidationError(
            {
                "node": _("A %(role)s is bound to %(level)s.")
                % {"role": Role(role).label, "level": labels[level]}
            }
        )


@transaction.atomic
def user_create(
    *,
    by: User,
    username: str,
    role: str,
    node: HierarchyNode | None,
    name: str = "",
    last_name: str = "",
    first_name: str = "",
    phone: str = "",
    email: str = "",
    password: str | None = None,
    care_role: bool = False,
    may_reveal_personal_data: bool = False,
) -> User:
    """Create an account with its role and node in one step.

    `by` must be allowed to hold `role` at `node` (accounts.rules.may_hold). Without `password`
    the account has none yet: its owner sets one through a one-time link
    (accounts.passwords.link_issue) or an SMS code. A Chinese name is written family name first
    and kept whole (`name`, stored in last_name, which is what User.__str__ shows first).
    """
    _check_node_for_role(role, node)
    if by is not None:
        if not rules.may_hold(by, role=role, node=node):
            raise PermissionDenied(rules.refusal(by))
        if may_reveal_personal_data and not rules.may_grant_reveal(by):
            raise PermissionDenied(
                _("Only someone who may reveal personal data can give that right.")
            )
    user = User(
        username=(username or "").strip(),
        last_name=(name or last_name).strip(),
        first_name="" if name else first_name.strip(),
        phone=phone_clean(phone),
        email=(email or "").strip(),
        care_role=care_role,
        may_reveal_personal_data=may_reveal_personal_data,
    )
    user_bind_role(user=user, role=role, node=node)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationError({"username": _("This login name is already taken.")})
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_rights_change(
    *,
    by: User,
    user: User,
    role: Any = _UNSET,
    node: Any = _UNSET,
    care_role: Any = _UNSET,
    may_reveal_personal_data: Any = _UNSET,
) -> User:
    """Change the role and node, the care role or the right to reveal personal data of `user`.

    Refused (PermissionDenied, nothing saved) unless `by` may manage the account as it is *and*
    as it would be (accounts.rules): nobody changes their own account or a peer's, nobody moves an
    account above their own level or out of their jurisdiction, and only a holder of the reveal
    right gives it.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if by is not None and not rules.may_manage(by, locked):
        raise PermissionDenied(rules.refusal(by, locked))
    new_role = locked.role if role is _UNSET else role
    new_node = (locked.node if role is _UNSET else None) if node is _UNSET else node
    if not new_role:
        raise ValidationError({"role": _("Every account has a role.")})
    if (new_role, new_node) != (locked.role, locked.node):
        _check_node_for_role(new_role, new_node)
        if by is not None and not rules.may_hold(by, role=new_role, node=new_node):
            raise PermissionDenied(rules.refusal(by))
        user_bind_role(user=locked, role=new_role, node=new_node)
    if care_role is not _UNSET:
        locked.care_role = bool(care_role)
    if may_reveal_personal_data is not _UNSET:
        granting = bool(may_reveal_personal_data) and not locked.may_reveal_personal_data
        if granting and by is not None and not rules.may_grant_reveal(by):
            raise PermissionDenied(
                _("Only someone who may reveal personal data can give that right.")
            )
        locked.may_reveal_personal_data = bool(may_reveal_personal_data)
    locked.full_clean()
    locked.save()
    _refresh(user, locked)
    return user


@transaction.atomic
def user_details_change(
    *, by: User, user: User, name: Any = _UNSET, phone: Any = _UNSET, email: Any = _UNSET
) -> User:
    """Change name, mobile phone or e-mail: by the owner, or by someone who manages the account.

    The phone and e-mail are where password codes and links go, so a peer may not change them
    (that would let them reset the account's password).
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if by is not None and by.pk != locked.pk and not rules.may_manage(by, locked):
        raise PermissionDenied(rules.refusal(by, locked))
    if name is not _UNSET:
        locked.last_name, locked.first_name = (name or "").strip(), ""
    if phone is not _UNSET:
        locked.phone = phone_clean(phone)
    if email is not _UNSET:
        locked.email = (email or "").strip()
    locked.full_clean()
    locked.save(update_fields=["last_name", "first_name", "phone", "email"])
    _refresh(user, locked)
    return user


def _refresh(user: User, saved: User) -> None:
    for field in User._meta.concrete_fields:
        setattr(user, field.attname, getattr(saved, field.attname))


@transaction.atomic
def user_reactivate(*, by: User, user: User) -> User:
    locked = User.objects.select_for_update().get(pk=user.pk)
    if by is not None and not rules.may_manage(by, locked):
        raise PermissionDenied(rules.refusal(by, locked))
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    _refresh(user, locked)
    return user
