"""The INSERT of one new row, as core.db_batch.insert_sql writes it (the same SQL, the same
parameters), with its SQL built once per process (issue 17).

Django's compiler builds an INSERT's SQL again for every row it writes — quoting each column,
compiling each placeholder, asking each value whether it is an expression — and a resident's
submission writes a request and a timeline entry of sixty columns. Here only the values are
computed per row, each by the calls Django's compiler makes (the field's pre_save, then
get_db_prep_save: defaults, auto_now, encryption, geometry, JSON), except where those calls are
known to hand the value back as it is: a str or None of a plain CharField or TextField, None of
a ForeignKey or of a DateTimeField that sets no time itself. The SQL is kept per model, columns
and placeholders (a geometry's placeholder depends on its SRID). A value Django would compile as
an expression, a database other than PostgreSQL, a field whose placeholder needs the compiler:
insert_sql itself, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.gis.db.models import GeometryField
from django.db import DEFAULT_DB_ALIAS, connections, models

from core.db_batch import insert_sql

if TYPE_CHECKING:
    from django.db.models import Field, Model

# How a field's value becomes its parameter: by Django's calls, or as it is when it is a str or
# None (TEXT) or when it is None (NULLABLE).
_GENERAL, _TEXT, _NULLABLE = 0, 1, 2


def _kind(field: Field) -> int:
    if hasattr(field, "get_placeholder"):
        return _GENERAL
    if type(field) in (models.CharField, models.TextField):
        return _TEXT
    if type(field) is models.ForeignKey:
        return _NULLABLE
    if type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add):
        return _NULLABLE
    return _GENERAL


class PreparedInsert:
    """insert_sql([obj]) for one instance of `model`, its SQL kept per process."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self._fields: dict[bool, list[tuple[Field, int]]] | None = None
        self._sql: dict[tuple, str] = {}

    def _fields_for(self, with_pk: bool) -> list[tuple[Field, int]]:
        """insert_sql's columns (the local concrete fields, the automatic key only when set),
        each with its kind."""
        if self._fields is None:
            meta = self.model._meta
            fields = [(f, _kind(f)) for f in meta.local_concrete_fields if not f.generated]
            self._fields = {
                True: fields,
                False: [(f, kind) for f, kind in fields if f is not meta.auto_field],
            }
        return self._fields[with_pk]

    def sql(self, obj: Model) -> tuple[str, list[Any]]:
        """The INSERT of `obj` as SQL and parameters: insert_sql([obj])."""
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            return insert_sql([obj])
        fields = self._fields_for(obj.pk is not None)
        params = []
        placeholders = []
        for field, kind in fields:
            if kind:
                value = getattr(obj, field.attname)
                if value is None or (kind == _TEXT and type(value) is str):
                    params.append(value)
                    continue
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                return insert_sql([obj])
            value = field.get_db_prep_save(value, connection=connection)
            if hasattr(value, "as_sql"):
                return insert_sql([obj])
            if hasattr(field, "get_placeholder"):
                if not isinstance(field, GeometryField):
                    return insert_sql([obj])
                # PostGIS's placeholder reads only the value's SRID (no compiler for a value).
                placeholders.append(field.get_placeholder(value, None, connection))
            params.append(value)
        key = (len(fields), tuple(placeholders))
        sql = self._sql.get(key)
        if sql is None:
            sql = self._sql[key] = self._build(connection, fields, iter(placeholders))
        return sql, params

    def _build(self, connection, fields: list[tuple[Field, int]], placeholders) -> str:
        """What SQLInsertCompiler.as_sql writes for one row without RETURNING."""
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f, _kind in fields)
        values = ", ".join(
            next(placeholders) if hasattr(f, "get_placeholder") else "%s" for f, _kind in fields
        )
        statement = connection.ops.insert_statement(on_conflict=None)
        return f"{statement} {quote(self.model._meta.db_table)} ({columns}) VALUES ({values})"
