"""Readable rows of the account history (django-auditlog entries): field labels and choice labels
in the interface language instead of raw values."""

from django import template
from django.utils.translation import gettext_lazy, pgettext

from privacy.masking import mask_phone

register = template.Library()

_BOOLEANS = {"True": gettext_lazy("yes"), "False": gettext_lazy("no"), "None": "—", "": "—"}


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
    if text in _BOOLEANS:
        return str(_BOOLEANS[text])
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        field = None
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(text, text))
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
        old, new = _value(model, name, old), _value(model, name, new)
        if old != new:  # a new account lists its empty fields too: leave those out
            rows.append((str(_label(model, name)), old, new))
    return rows


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def entry_subject(entry) -> str:
    """What the entry is about, readable: "API token · 王芳" rather than knox's digest."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    label = {
        ("knox", "authtoken"): pgettext("audit subject", "API token"),
        ("otp_totp", "totpdevice"): pgettext("audit subject", "authenticator app"),
    }.get((entry.content_type.app_label, entry.content_type.model))
    if label is None:
        label = str(model._meta.verbose_name) if model else entry.content_type.model
    name = entry.object_repr
    if " : " in name:  # knox: "<digest> : <owner>"
        name = name.split(" : ", 1)[1]
    return f"{label} · {name[:80]}"
