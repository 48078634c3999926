"""Masking of personal data for display, exports and prints (DOMAIN.md §5)."""

import re

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_phone(phone: str | None) -> str:
    """138****1234 for a mobile number; other numbers keep their last 4 digits."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_id_number(id_number: str | None) -> str:
    """First 6 and last 4 characters shown: 440311********123X."""
    if not id_number:
        return ""
    value = id_number.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(name: str | None) -> str:
    """张** — the surname only (for lists shown to people without access to the person)."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def mask_free_text(text: str) -> str:
    """Mask any mobile or ID number inside free text (log lines, notes)."""
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _ID.sub(lambda m: m.group(1) + "********" + m.group(3), text)


def mask_address(address: str | None) -> str:
    """光明大道88号光明花园3栋1203 → 光明大道**** : the name before the first number (a road, an
    estate, at most 8 characters) and the rest hidden, so a list tells streets apart without
    giving anyone's door."""
    if not address:
        return ""
    value = address.strip()
    head = ""
    for char in value:
        if char.isdigit() or len(head) >= 8:
            break
        head += char
    if len(head) >= len(value):
        head = value[: max(1, len(value) // 2)]
    return f"{head}****"
