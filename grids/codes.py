"""The hierarchy's code rule (DOMAIN.md §2), in one place (the lengths: core.hierarchy.TABLE).

district: 6 digits (statistical division code, e.g. 440311)
street:   district + 3 digits            (440311001)
community: street + 3 digits             (440311001001)
area grid: community + 2-digit serial    (44031100100101)
sub-grid:  area grid + 2-digit serial, "00" reserved for "not subdivided" (4403110010010101)
"""

import re

from django.utils.translation import gettext as _

from core.hierarchy import CODE_LENGTH, Level

_DIGITS = re.compile(r"^\d+$")


def code_problem(level: str, code: str, parent_code: str | None) -> str | None:
    """Return a short, translated description of what is wrong with `code`, or None if valid.

    Keeping the rule text here means the import, the admin and the API all explain a bad code the
    same way.
    """
    if level not in CODE_LENGTH:
        return _("unknown level %(level)s") % {"level": level}
    if not code or not _DIGITS.match(code):
        return _("a code is made of digits only")
    if len(code) != CODE_LENGTH[level]:
        return _("a %(level)s code has %(digits)s digits") % {
            "level": Level(level).label,
            "digits": CODE_LENGTH[level],
        }
    if level == "district":
        return None
    if parent_code is None:
        return _("the parent code is missing")
    if not code.startswith(parent_code):
        return _("a code starts with its parent's code")
    serial = code[len(parent_code) :]
    if set(serial) == {"0"}:
        return _("the serial after the parent's code cannot be all zeros")
    return None


def child_code(parent_code: str, level: str, serial: int) -> str:
    width = CODE_LENGTH[level] - len(parent_code)
    return f"{parent_code}{serial:0{width}d}"
