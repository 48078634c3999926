"""The signed-in user of a session, read in one statement with what every page asks of them.

Every staff page used to load the user, then their own and their groups' permissions (Django's
ModelBackend: two queries at the first `has_perm`) and the bell's unread count (a third): four
statements, each compiled by the ORM. Here the user's row, both permission lists and the values
apps register with `read_with_user` are one SQL statement, built once per process (issue 17). Nothing is
kept between requests, so a granted or revoked permission, a role change or a message read shows
on the very next page, and no user ever gets another's answer.

PostgreSQL only (the lists are arrays); other databases load the user as Django does and the
permissions and extras are asked for when used.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections

from core import prepared
from core.rows import Columns

# name → SQL of a scalar subquery, "{user}" standing for the user's id column.
_EXTRAS: dict[str, str] = {}
# Built once per process (and again when an extra is registered): (sql, the user's columns).
_statement: tuple[str, Columns] | None = None

# The attribute the extras are left in on a user read by `user_load`.
EXTRAS_ATTRIBUTE = "session_extras"


def read_with_user(name: str, sql: str) -> None:
    """Have `sql` (a scalar subquery; `{user}` is the user's id column) read with the session's
    user; its value is then `session_extra(user, name)`. Apps register in AppConfig.ready()."""
    global _statement
    _EXTRAS[name] = sql
    _statement = None


def session_extra(user: Any, name: str) -> Any:
    """The value of `name` read with `user` for this request, or None when it was not (another
    database, or a user not read from a session: a login, a token, a test's own instance)."""
    extras = getattr(user, EXTRAS_ATTRIBUTE, None)
    return None if extras is None else extras.get(name)


def _quote(name: str) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(name)


def _permission_names(source: str, permission_id: str, where: str) -> str:
    """ARRAY of "app_label.codename" of the permissions whose id is `permission_id` in the rows
    of `source` that match `where`."""
    permission, content_type = Permission._meta.db_table, ContentType._meta.db_table
    return (
        f"ARRAY(SELECT ct.app_label || '.' || p.codename FROM {source} "
        f"JOIN {_quote(permission)} p ON p.id = {permission_id} "
        f"JOIN {_quote(content_type)} ct ON ct.id = p.content_type_id WHERE {where})"
    )


def _build() -> tuple[str, Columns]:
    user_model = get_user_model()
    meta = user_model._meta
    user_columns = Columns(user_model)
    user_id = f"u.{_quote(meta.pk.column)}"
    # Django's many-to-many tables: the user's own permissions, their groups, the groups'.
    own, member = meta.get_field("user_permissions"), meta.get_field("groups")
    granted = Group._meta.get_field("permissions")
    columns = [user_columns.select("u")]
    columns.append(
        _permission_names(
            f"{_quote(own.m2m_db_table())} o",
            f"o.{_quote(own.m2m_reverse_name())}",
            f"o.{_quote(own.m2m_column_name())} = {user_id}",
        )
    )
    columns.append(
        _permission_names(
            f"{_quote(member.m2m_db_table())} m JOIN {_quote(granted.m2m_db_table())} g "
            f"ON g.{_quote(granted.m2m_column_name())} = m.{_quote(member.m2m_reverse_name())}",
            f"g.{_quote(granted.m2m_reverse_name())}",
            f"m.{_quote(member.m2m_column_name())} = {user_id}",
        )
    )
    columns.extend(f"({sql.format(user=user_id)})" for sql in _EXTRAS.values())
    sql = f"SELECT {', '.join(columns)} FROM {_quote(meta.db_table)} u WHERE {user_id} = %s"
    return sql, user_columns


def supported() -> bool:
    """Whether `user_load` may be used (PostgreSQL); otherwise load the user as Django does."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def user_load(user_id: Any) -> Any:
    """The user `user_id` with their own and their groups' permissions (ModelBackend's caches)
    and the registered extras; None if there is no such user. PostgreSQL only (`supported`)."""
    global _statement
    if _statement is None:
        _statement = _build()
    sql, user_columns = _statement
    # Prepared on the connection (core.prepared): PostgreSQL planned this statement (the user, two
    # permission lists, the extras) in ~0.29 ms on every signed-in request and ran it in ~0.04.
    row = prepared.fetchone(sql, [user_id])
    if row is None:
        return None
    count = len(user_columns)
    user = user_columns.build(row[:count])
    own, grouped = row[count], row[count + 1]
    if not user.is_superuser:
        # ModelBackend._get_permissions' caches, as its two queries would have filled them
        # (a superuser's are every permission: left to ModelBackend, which asks when needed).
        user._user_perm_cache = set(own)
        user._group_perm_cache = set(grouped)
    setattr(user, EXTRAS_ATTRIBUTE, dict(zip(_EXTRAS, row[count + 2 :], strict=True)))
    return user
