"""Who may create and change whose account: the one rule, used by the site pages, the admin, the
imports and the services alike.

Nobody grants themselves power. Role, jurisdiction (node), the care role, the right to reveal
personal data and being active are set only by a user at a *strictly higher* level of the
hierarchy, inside their own jurisdiction, and never on their own account:

* the district admin looks after street staff and everyone below;
* street staff after community staff, grid heads, grid workers and members of their street;
* community staff after the grid heads, grid workers and members of their community;
* grid heads, grid workers and members look after nobody's account;
* superusers after everyone but themselves; only superusers after other superusers and after
  accounts without a role.

Peers (two street staff members of one street) cannot change each other. The right to reveal
personal data is given only by someone who holds it (you cannot hand on what you do not have).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from accounts.models import ADMIN_SITE_ROLES, LEVEL_RANK, ROLE_LEVEL, Role
from grids.jurisdiction import node_within

if TYPE_CHECKING:
    from accounts.models import User
    from grids.models import HierarchyNode


def _rank(role: str) -> int:
    return LEVEL_RANK[ROLE_LEVEL[Role(role)]]


def manageable_roles(actor: User) -> list[Role]:
    """The roles `actor` may give to an account (strictly below their own level)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return []
    if actor.is_superuser:
        return list(Role)
    if actor.role not in ADMIN_SITE_ROLES:
        return []
    return [role for role in Role if _rank(role) > _rank(actor.role)]


def may_hold(actor: User, *, role: str, node: HierarchyNode | None) -> bool:
    """Whether `actor` may create (or move) an account with `role` bound to `node`."""
    if role not in manageable_roles(actor):
        return False
    if node is None or getattr(node, "LEVEL", None) != ROLE_LEVEL[Role(role)]:
        return False
    return actor.is_superuser or node_within(node, actor)


def may_manage(actor: User, user: User) -> bool:
    """Whether `actor` may change `user`'s rights, contact details, password links, second
    factor, or deactivate it. Never one's own account; never a peer's."""
    if actor is None or not actor.is_authenticated or not actor.is_active or user is None:
        return False
    if actor.pk == user.pk:
        return False
    if user.is_superuser:
        return actor.is_superuser
    if actor.is_superuser:
        return True
    if not user.role:
        return False
    return may_hold(actor, role=user.role, node=user.node)


def may_grant_reveal(actor: User | None) -> bool:
    return bool(actor and (actor.is_superuser or actor.may_reveal_personal_data))


def refusal(actor: User, user: User | None = None) -> str:
    """The message that explains a refusal, for forms and PermissionDenied."""
    if user is not None and actor is not None and actor.pk == user.pk:
        return _("Nobody changes the rights of their own account: ask someone at a higher level.")
    return _("You may only change accounts at a lower level than yours, inside your jurisdiction.")
