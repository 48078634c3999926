from django.db import transaction

from accounts.models import ADMIN_SITE_ROLES, ROLE_LEVEL, Role, User


def user_bind_role(*, user: User, role: str, node) -> User:
    """Give `user` a role bound to `node` (a District, Street, Community or AreaGrid).

    Clears the other node fields and sets is_staff for the roles that work in the admin site, so
    the database constraint and the admin access always agree with the role.
    """
    role = Role(role)
    level = ROLE_LEVEL[role]
    if node is None or level != node.LEVEL:
        raise ValueError(f"role {role} is bound to a {level}, got {node!r}")
    user.role = role
    for field in ("district", "street", "community", "grid"):
        setattr(user, field, node if field == level else None)
    user.is_staff = role in ADMIN_SITE_ROLES
    return user


@transaction.atomic
def user_create(*, username: str, password: str | None, role: str, node, **fields) -> User:
    user = User(username=username, **fields)
    user_bind_role(user=user, role=role, node=node)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
