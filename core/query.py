"""Query-string parameters, parsed one way everywhere: a value that is not what the parameter
takes is a 400 with a translated message naming the parameter — never ignored, never a 500.

The API (DRF views, the pagination class) calls `query_int` / `query_choice` / `query_bool`,
which raise `InvalidQueryParameter`: DRF answers it as a 400 `{"<name>": ["<message>"]}`.
Page views take their filters through a Django form whose integer fields are `IdField` (the same
bounds, the same message) and answer 400 with the form when it is invalid.

Integers are bounded by what the database can hold (PostgreSQL bigint): `?room=99999999999999999999999`
used to reach the database and fail there.
"""

from collections.abc import Collection, Mapping
from typing import Any, overload

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

BIGINT_MAX = 2**63 - 1
TRUE_VALUES = ("true",)
FALSE_VALUES = ("false",)


class InvalidQueryParameter(ValidationError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__({name: [message]}, code="invalid")


def _integer_message(minimum: int, maximum: int) -> str:
    return _("Give a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}


def parse_int(raw: str, *, name: str, minimum: int = 1, maximum: int = BIGINT_MAX) -> int:
    text = (raw or "").strip()
    # Only plain decimal digits (and a sign): no "1e3", "0x10", "١٢", " 5 ", "5.0".
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        raise InvalidQueryParameter(name, _integer_message(minimum, maximum))
    value = int(text)
    if not minimum <= value <= maximum:
        raise InvalidQueryParameter(name, _integer_message(minimum, maximum))
    return value


@overload
def query_int(
    params: Mapping[str, str], name: str, *, minimum: int = ..., maximum: int = ..., default: int
) -> int: ...
@overload
def query_int(
    params: Mapping[str, str],
    name: str,
    *,
    minimum: int = ...,
    maximum: int = ...,
    default: None = None,
) -> int | None: ...
def query_int(
    params: Mapping[str, str],
    name: str,
    *,
    minimum: int = 1,
    maximum: int = BIGINT_MAX,
    default: int | None = None,
) -> int | None:
    """The integer parameter `name` of `params` (a QueryDict), or `default` when absent or
    empty."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    return parse_int(raw, name=name, minimum=minimum, maximum=maximum)


def query_choice(
    params: Mapping[str, str], name: str, choices: Collection[str], *, default: str | None = None
) -> str | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise InvalidQueryParameter(
            name, _("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, choices))}
        )
    return raw


def query_flag(params: Mapping[str, str], name: str, choices: Collection[str]) -> str | None:
    """A flag of an API list (`?overdue=true`): absent is None; any value outside `choices`,
    the empty string included, is a 400 (an HTML form leaves an unticked box out)."""
    raw = params.get(name)
    if raw is None:
        return None
    if raw not in choices:
        raise InvalidQueryParameter(
            name, _("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, choices))}
        )
    return raw


def query_bool(params: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in TRUE_VALUES:
        return True
    if raw.lower() in FALSE_VALUES:
        return False
    raise InvalidQueryParameter(name, _("Give true or false."))


class IdField(forms.IntegerField):
    """An id in a page's query string: a whole number the database can hold."""

    default_error_messages = {
        "invalid": gettext_lazy("Give a whole number."),
        "min_value": gettext_lazy("Give a whole number of at least %(limit_value)s."),
        "max_value": gettext_lazy("Give a whole number of at most %(limit_value)s."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
