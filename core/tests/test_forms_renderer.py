"""core.forms_renderer renders the same HTML as the widget templates it replaces."""

import datetime

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.safestring import mark_safe

from core.forms_renderer import FastTemplatesSetting


class Everything(forms.Form):
    text = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"placeholder": 'a "q" <b>'})
    )
    number = forms.IntegerField(required=False)
    email = forms.EmailField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    choice = forms.ChoiceField(choices=[("", "---------"), ("a", "甲 & <乙>"), ("b", "B")])
    typed = forms.TypedChoiceField(choices=[(i, str(i)) for i in range(5, 0, -1)], coerce=int)
    grouped = forms.ChoiceField(
        choices=[("", "---------"), ("水", [("w1", "供水"), ("w2", "排水")]), ("x", "其他")]
    )
    radio = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(5, 0, -1)], coerce=int, widget=forms.RadioSelect
    )
    checks = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", mark_safe("<i>B</i>"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    flag = forms.BooleanField(required=False)
    multi = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)


def _html(form_data, renderer):
    form = Everything(form_data, renderer=renderer)
    form.is_valid()
    parts = [str(form)]
    for name in ("radio", "checks"):
        parts.extend(radio.tag() for radio in form[name])
        parts.extend(str(radio) for radio in form[name])
    return "\n".join(parts)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "text": '<script>"x"</script>',
            "number": "12",
            "email": "a@b.cn",
            "hidden": "h&i",
            "day": datetime.date(2026, 1, 2).isoformat(),
            "choice": "a",
            "typed": "3",
            "grouped": "w2",
            "radio": "4",
            "checks": ["a", "b"],
            "flag": "on",
            "multi": ["a", "b"],
        },
        {"choice": "zz", "radio": "9", "day": "nonsense"},
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_fast_renderer_matches_the_templates(data, language):
    with translation.override(language):
        assert _html(data, FastTemplatesSetting()) == _html(data, TemplatesSetting())


def test_the_settings_use_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastTemplatesSetting)


def test_the_fast_path_is_taken():
    from core import forms_renderer

    for name in forms_renderer.FAST:
        assert forms_renderer._unchanged(name), name


class Wrapped(Everything):
    """Everything, with help texts (one safe), a required checkbox and labels to escape."""

    agree = forms.BooleanField(label="I <agree>", help_text="Tick & go")
    note = forms.CharField(
        label=mark_safe("<b>Note</b>"), help_text=mark_safe("<i>safe</i>"), required=False
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("number") == 13:
            self.add_error("number", "Unlucky <13> & “quoted”")
            self.add_error("number", "Another one")
        return cleaned


@pytest.mark.parametrize(
    "data",
    [None, {}, {"text": "x", "number": "13", "agree": "on", "hidden": "h"}, {"day": "nonsense"}],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False, "f-%s"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_field_html_matches_field_template(data, auto_id, language):
    from django.template.loader import get_template

    from core.forms_renderer import field_html

    template = get_template("field.html")
    with translation.override(language):
        form = Wrapped(data, auto_id=auto_id)
        form.is_valid()
        for field in form:
            assert field_html(field) == template.render({"field": field}), field.name
    assert form["agree"].field.required


def test_field_html_filter():
    from django.template import engines

    form = Wrapped({"number": "13"})
    form.is_valid()
    html = (
        engines["django"]
        .from_string("{% load fields %}{% for field in form %}{{ field|field_html }}{% endfor %}")
        .render({"form": form})
    )
    wrappers = html.count('<div class="field">') + html.count('<div class="field has-error">')
    assert wrappers == len(form.fields)
    assert "Unlucky &lt;13&gt; &amp; “quoted”" in html and 'class="field has-error"' in html
