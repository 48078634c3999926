"""A service's refusal (Django's `ValidationError`) shown to people: on a form, and in the API.

Services refuse bad input by raising `django.core.exceptions.ValidationError`, with a message per
field (`{"grid": [...]}`) or without a field. The mapping is the same everywhere:

* a form shows each field's messages on that field when the form has it, the rest (and messages
  without a field) above the form (`form_add_errors`; `rename` maps a service's field names to
  the form's, e.g. `{"phone": "new_phone"}`);
* the API answers 400 with `{field: [messages]}`, messages without a field (and Django's
  `__all__`) under DRF's `non_field_errors` (`api_errors`). `exception_handler`
  (REST_FRAMEWORK["EXCEPTION_HANDLER"]) does this for every API view, so a view lets the service's
  ValidationError propagate; Django's PermissionDenied and Http404 answer 403 and 404 as DRF does.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def error_messages(error: DjangoValidationError) -> list[str]:
    """Every message of the error, field messages included, in order."""
    if hasattr(error, "error_dict"):
        return [str(m) for messages in error.message_dict.values() for m in messages]
    return [str(m) for m in error.messages]


def error_text(error: DjangoValidationError) -> str:
    """All messages as one line (for a flash message or a one-line refusal)."""
    return " ".join(error_messages(error))


def form_add_errors(
    form: forms.BaseForm,
    error: DjangoValidationError,
    *,
    rename: Mapping[str, str] | None = None,
) -> None:
    """Show the service's refusal on `form` (see the module docstring)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        target = (rename or {}).get(field, field)
        form.add_error(target if target in form.fields else None, messages)


def api_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """The API's 400 body for the service's refusal: `{field: [messages]}`."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(error, "error_dict"):
        return {non_field: [str(m) for m in error.messages]}
    body: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = non_field if field == NON_FIELD_ERRORS else field
        body.setdefault(key, []).extend(str(m) for m in messages)
    return body


def api_error(error: DjangoValidationError) -> ValidationError:
    """The service's refusal as DRF's ValidationError (400), for code that must raise one."""
    return ValidationError(api_errors(error))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's own, plus Django's ValidationError as a 400."""
    if isinstance(exc, DjangoValidationError):
        exc = api_error(exc)
    return drf_exception_handler(exc, context)
