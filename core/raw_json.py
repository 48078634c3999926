"""JSON text spliced into a JSON document as is, for data the database already gives as JSON
(PostGIS's ST_AsGeoJSON): parsing it only to encode it again cost more than the rest of a map
page.

`RawJSON.geometry(text)` keeps a GeoJSON geometry in the spacing json.dumps writes (", " and
": "), so a page renders byte for byte what json.loads + json.dumps gave.
`json_script(value, element_id)` is Django's json_script filter (the same encoder, escapes and
markup) that writes each RawJSON it meets as its text.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class RawJSON:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @classmethod
    def geometry(cls, text: str) -> RawJSON:
        """A GeoJSON geometry as PostGIS writes it (no spaces; no strings but the type name,
        which holds neither "," nor ":"), spaced like json.dumps."""
        return cls(text.replace(",", ", ").replace(":", ": "))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawJSON) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"RawJSON({self.text!r})"

    def __getstate__(self) -> str:
        return self.text

    def __setstate__(self, state: str) -> None:
        self.text = state

    def parsed(self) -> Any:
        return json.loads(self.text)


def _escaped(text: str) -> str:
    """Django's json_script escapes (str.replace finds the three characters much quicker than
    str.translate maps every character: a district's map is ~100 kB of JSON)."""
    return text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")


def dumps(value: Any, *, escape: bool = False) -> str:
    """json.dumps(value, cls=DjangoJSONEncoder), with each RawJSON written as its text;
    `escape`: with json_script's escapes (<, > and & as \\u escapes)."""
    raws: list[str] = []
    token = secrets.token_hex(8)

    class Encoder(DjangoJSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, RawJSON):
                raws.append(o.text)
                return f"{token}:{len(raws) - 1}"
            return super().default(o)

    text = json.dumps(value, cls=Encoder)
    if escape:
        text = _escaped(text)
        raws = [_escaped(raw) for raw in raws]
    if not raws:
        return text
    return re.sub(f'"{token}:([0-9]+)"', lambda m: raws[int(m.group(1))], text)


def json_script(value: Any, element_id: str) -> SafeString:
    """Django's json_script filter for a value that may hold RawJSON."""
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(dumps(value, escape=True)),
    )
