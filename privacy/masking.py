"""Masking of personal data for display, exports and prints (DOMAIN.md §5)."""

import re

# Free text (descriptions, addresses, notes, log lines): mobile numbers with or without +86 and
# with spaces or dashes between the 3-4-4 groups, landlines with an area code, and ID numbers and
# other long digit runs (15-19 digits: old and new ID numbers, bank cards). `\d` also matches
# full-width digits (１３８…), which residents type with Chinese input methods.
_SEP = r"[ \-\u2010-\u2015\uff0d]?"
_MOBILE = re.compile(
    rf"(?<!\d)((?:(?:\+|00|＋)?[8８][6６]{_SEP})?[1１][3-9３-９]\d)({_SEP}\d{{4}})({_SEP}\d{{4}})(?!\d)"
)
_LANDLINE = re.compile(rf"(?<!\d)([0０]\d{{2,3}}{_SEP})(\d{{3,4}})(\d{{4}})(?!\d)")
_LONG_NUMBER = re.compile(
    r"(?<![0-9A-Za-z\d])(\d{6})((?: ?\d){5,9})( ?\d{3}[\dXx])(?![0-9A-Za-z\d])"
)


def _stars(text: str) -> str:
    return re.sub(r"\d", "*", text)


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


def mask_free_text(text: str | None) -> str:
    """Mask any phone or ID number inside free text: 138****5678, 0755-****1234,
    440311********123X. Used by every public output and by the log filter."""
    if not text:
        return ""
    text = _LONG_NUMBER.sub(lambda m: m.group(1) + _stars(m.group(2)) + m.group(3)[-4:], text)
    text = _MOBILE.sub(lambda m: m.group(1) + _stars(m.group(2)) + m.group(3), text)
    return _LANDLINE.sub(lambda m: m.group(1) + _stars(m.group(2)) + m.group(3), text)


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
