"""The form renderer (settings.FORM_RENDERER): Django's TemplatesSetting, with the few widget
templates every form renders many times built in Python instead of through the template engine.

A 20-option select or four rows of five radio buttons cost one template render per option
(select_option.html, radio_option.html and the input.html/attrs.html they include): about 9 ms for
the status page's rating form and half of the staff queue's time in its filter form's options
(issue 17). The output here is the same HTML, byte for byte, as those templates
(core/tests/test_forms_renderer.py renders every case both ways), including this project's
select_option.html, which shows the empty choice as 请选择 ("Please choose").

Only templates that still resolve to Django's own files (or to templates/django/forms/widgets/
select_option.html, which this module reproduces) take the fast path: overriding one of them in
templates/ puts it back on the template engine automatically.

`field_html` (the `field_html` filter of `{% load fields %}`) is templates/field.html, the wrapper
of one field (label, widget, help, errors), in Python.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.forms import BoundField

DJANGO_WIDGETS = "django/forms/widgets/"
INPUT = DJANGO_WIDGETS + "input.html"
OPTION_INPUTS = {DJANGO_WIDGETS + "radio_option.html", DJANGO_WIDGETS + "checkbox_option.html"}
SELECT = DJANGO_WIDGETS + "select.html"
SELECT_OPTION = DJANGO_WIDGETS + "select_option.html"
# The input widgets whose template is input.html itself (TextInput, NumberInput, EmailInput, …).
INPUT_TEMPLATES = {
    DJANGO_WIDGETS + name
    for name in (
        "text.html",
        "number.html",
        "email.html",
        "url.html",
        "password.html",
        "hidden.html",
        "date.html",
        "datetime.html",
        "time.html",
        "search.html",
        "tel.html",
        "color.html",
    )
}
FAST = {INPUT, SELECT, SELECT_OPTION, *OPTION_INPUTS, *INPUT_TEMPLATES}
PROJECT_SELECT_OPTION = Path(settings.BASE_DIR) / "templates" / SELECT_OPTION


@cache
def _unchanged(template_name: str) -> bool:
    """True when `template_name` (and what it includes) is the file this module reproduces."""
    import django.forms

    django_dir = Path(django.forms.__file__).parent / "templates"
    included = {
        INPUT: [INPUT, DJANGO_WIDGETS + "attrs.html"],
        SELECT: [SELECT, DJANGO_WIDGETS + "attrs.html"],
        SELECT_OPTION: [SELECT_OPTION, DJANGO_WIDGETS + "attrs.html"],
    }.get(
        template_name,
        [template_name, DJANGO_WIDGETS + "input_option.html", INPUT, DJANGO_WIDGETS + "attrs.html"]
        if template_name in OPTION_INPUTS
        else [template_name, INPUT, DJANGO_WIDGETS + "attrs.html"],
    )
    for name in included:
        origin = Path(get_template(name).origin.name)  # type: ignore[attr-defined]
        expected = PROJECT_SELECT_OPTION if name == SELECT_OPTION else django_dir / name
        if origin != expected:
            return False
    return True


def _text(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: str(), escaped unless already safe."""
    shown = str(value)
    return conditional_escape(mark_safe(shown) if isinstance(value, SafeData) else shown)


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _input_option(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input_option.html (radio and checkbox options)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    target = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(target)}"' if target else ""
    # input.html ends with a newline, which the include keeps.
    return f"<label{label_for}>{_input(widget)}\n {conditional_escape(widget['label'])}</label>"


def _select_option(widget: dict[str, Any]) -> str:
    """templates/django/forms/widgets/select_option.html (this project's)."""
    label = widget["label"]
    shown = gettext("Please choose") if label == "---------" else conditional_escape(label)
    return f'<option value="{_text(widget["value"])}"{_attrs(widget["attrs"])}>{shown}</option>'


def _select(widget: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html, or None when an option has its own template."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None
            parts.append(f"\n  {_select_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastTemplatesSetting(TemplatesSetting):
    """TemplatesSetting with the option and input widgets rendered in Python (see the module)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        html = None
        if template_name in FAST and _unchanged(template_name):
            widget: dict[str, Any] = context["widget"]
            if template_name in OPTION_INPUTS:
                html = _input_option(widget)
            elif template_name == INPUT or template_name in INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == SELECT:
                html = _select(widget)
            elif template_name == SELECT_OPTION:
                html = _select_option(widget)
        if html is None:
            return super().render(template_name, context, request=request)
        return mark_safe(html)


def _shown(value: Any) -> str:
    """`{{ value }}` of a string-like value: escaped unless safe."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def field_html(field: BoundField) -> SafeString:
    """templates/field.html for one bound field (its label, widget, help text and errors), built
    in Python: a form of fifteen fields is fifteen includes of that template otherwise (issue 17).
    The same HTML, byte for byte (core/tests/test_forms_renderer.py renders both)."""
    if field.is_hidden:
        inner = str(field)
    else:
        target = _shown(field.id_for_label)
        if getattr(field.field.widget, "input_type", None) == "checkbox":
            label = f'<label for="{target}">{field} {_shown(field.label)}</label>\n  '
        else:
            required = (
                ' <span class="help" aria-hidden="true">*</span>' if field.field.required else ""
            )
            label = f'<label for="{target}">{_shown(field.label)}{required}</label>{field}'
        help_text = (
            f'<p class="help" id="{_shown(field.auto_id)}_helptext">{_shown(field.help_text)}</p>'
            if field.help_text
            else ""
        )
        errors = field.errors
        error_html = (
            f'<div class="field-error" id="{_shown(field.auto_id)}_error">'
            + "".join(f"<p>{_shown(error)}</p>" for error in errors)
            + "</div>"
            if errors
            else ""
        )
        inner = f"\n  {label}\n  {help_text}\n  {error_html}"
    has_error = " has-error" if field.errors else ""
    return mark_safe(f'<div class="field{has_error}">\n  {inner}\n</div>\n')
