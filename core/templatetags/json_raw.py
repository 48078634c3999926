"""{{ value|json_script_raw:"element-id" }}: Django's json_script for data holding RawJSON
(core.raw_json) — the same markup and escapes, each RawJSON written as its text."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from core import raw_json

register = template.Library()


@register.filter
def json_script_raw(value: Any, element_id: str) -> SafeString:
    return raw_json.json_script(value, element_id)
