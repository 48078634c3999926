"""Readable rows of the account history (django-auditlog entries): field labels and choice labels
in the interface language instead of raw values."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()

_BOOLEANS = {"True": _("yes"), "False": _("no"), "None": "—", "": "—"}


@register.filter
def entry_action(entry) -> str:
    return {
        0: pgettext("audit action", "created"),
        1: pgettext("audit action", "changed"),
        2: pgettext("audit action", "deleted"),
        3: pgettext("audit action", "viewed"),
    }.get(entry.action, "")


def _label(model, name):
    try:
        return model._meta.get_field(name).verbose_name if model else name
    except Exception:  # noqa: BLE001 - a field that no longer exists
        return name


def _value(model, name, value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    text = str(value) if value is not None else "None"
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        field = None
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    return text


@register.filter
def entry_changes(entry) -> list[tuple[str, str, str]]:
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, change in (entry.changes_dict or {}).items():
        if isinstance(
            change, dict
        ):  # many-to-many: {"type": "m2m", "operation": …, "objects": […]}
            operation = (
                pgettext("audit action", "added")
                if change.get("operation") == "add"
                else pgettext("audit action", "removed")
            )
            rows.append(
                (
                    str(_label(model, name)),
                    operation,
                    _value(model, name, change.get("objects", [])),
                )
            )
            continue
        old, new = (list(change) + [None, None])[:2]
        rows.append((str(_label(model, name)), _value(model, name, old), _value(model, name, new)))
    return rows
