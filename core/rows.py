"""Model instances from the values of a raw SQL row, as the ORM would build them.

For the few hot reads written as SQL (issue 17: the status page's prepared statements, the
session's user with their permissions): `Columns(model, names)` names the columns to select and
builds an instance with only those fields loaded, each value passed through the converters the
ORM applies (decryption, geometry, JSON, decimals).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


class Columns:
    """The fields `names` (attnames) of `model`, in the model's order of fields; all of its
    concrete fields when `names` is None."""

    def __init__(self, model: type[models.Model], names: Iterable[str] | None = None):
        wanted = None if names is None else set(names)
        self.model = model
        self.fields = [
            f for f in model._meta.concrete_fields if wanted is None or f.attname in wanted
        ]
        missing = (wanted or set()) - {f.attname for f in self.fields}
        assert not missing, missing
        self.names = [f.attname for f in self.fields]
        self._converters: list[tuple[int, list[Any], Any]] | None = None

    def __len__(self) -> int:
        return len(self.fields)

    def select(self, alias: str) -> str:
        """The columns as `alias.column, …`, in the order `build` takes their values."""
        quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
        return ", ".join(f"{alias}.{quote(f.column)}" for f in self.fields)

    def build(self, values: Sequence[Any]) -> Any:
        """An instance from the selected columns' values."""
        connection = connections[DEFAULT_DB_ALIAS]
        if self._converters is None:
            converters = []
            for index, f in enumerate(self.fields):
                col = f.get_col(self.model._meta.db_table)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if found:
                    converters.append((index, found, col))
            self._converters = converters
        values = list(values)
        for index, found, col in self._converters:
            value = values[index]
            for convert in found:
                value = convert(value, col, connection)
            values[index] = value
        return self.model.from_db(DEFAULT_DB_ALIAS, self.names, values)
