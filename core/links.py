"""Links to many objects of one kind, reversed once: a page listing fifty cases asks `reverse()`
once, not fifty times (issue 17)."""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

_MARKER = "0CODE0"
# What django.urls.reverse leaves unquoted in a path argument (RFC 3986 sub-delimiters, / ~ : @).
PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


def url_maker(name: str, *args: str) -> Callable[[str], str]:
    """reverse(name, args=[code, *args]) for any code, reversing once: the URL with a marker
    for the code, split around it; the code quoted as reverse() quotes it."""
    head, tail = reverse(name, args=[_MARKER, *args]).split(_MARKER)
    return lambda code: f"{head}{quote(code, safe=PATH_SAFE)}{tail}"
