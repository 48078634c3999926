"""Lists in a sentence follow the reader's language: 、 and ； in Chinese, ", " and "; " in English
(core.texts and the `lists` template library), never a separator typed into a template."""

from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from core.texts import join_clauses, join_list

ROOT = Path(settings.BASE_DIR)


def test_join_list_and_clauses_in_both_languages():
    with translation.override("zh-hans"):
        assert join_list(["甲", "乙", "丙"]) == "甲、乙、丙"
        assert (
            join_clauses(["独居老人：行动不便", "残疾人：视力"])
            == "独居老人：行动不便；残疾人：视力"
        )
    with translation.override("en"):
        assert join_list(["a", "b"]) == "a, b"
        assert join_clauses(["a", "b"]) == "a; b"


def test_the_template_filters_escape_and_join():
    template = Template(
        "{% load lists %}{{ items|join_list }}|{% for x in items %}{{ x }}"
        "{% if not forloop.last %}{% list_separator %}{% endif %}{% endfor %}"
    )
    with translation.override("zh-hans"):
        out = template.render(Context({"items": ["<b>", "乙"]}))
    assert out == "&lt;b&gt;、乙|&lt;b&gt;、乙"


def test_no_template_types_a_chinese_separator():
    typed = []
    for path in ROOT.glob("*/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for mark in ("、", "；"):
            if mark in text:
                typed.append(f"{path.relative_to(ROOT)}: {mark}")
    for path in (ROOT / "templates").glob("**/*.html"):
        text = path.read_text(encoding="utf-8")
        typed += [f"{path.relative_to(ROOT)}: {m}" for m in ("、", "；") if m in text]
    assert not typed, typed
