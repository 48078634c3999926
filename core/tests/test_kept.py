"""{% per_language %} (core.templatetags.kept): rendered once per language, the same HTML as the
enclosed part rendered each time, and no page variable ever kept."""

import pytest
from django.template import engines
from django.utils import translation

TEXT = (
    "{% load i18n kept static %}{% per_language %}<a href=\"{% url 'home' %}\">"
    "{% translate 'Log out' %}</a><link href=\"{% static 'css/redgrid.css' %}\">"
    "{% end_per_language %}"
)


def _render(text, language, context=None):
    with translation.override(language):
        return engines["django"].from_string(text).render(context or {})


def test_the_kept_part_is_the_part_rendered_in_each_language():
    template = engines["django"].from_string(TEXT)
    plain = TEXT.replace("{% per_language %}", "").replace("{% end_per_language %}", "")
    for language in ("zh-hans", "en", "zh-hans", "en"):
        with translation.override(language):
            assert template.render({}) == _render(plain, language)
    with translation.override("en"):
        assert "Log out" in template.render({})
    with translation.override("zh-hans"):
        assert "Log out" not in template.render({})


def test_a_page_variable_inside_fails_loudly():
    template = engines["django"].from_string(
        "{% load kept %}{% per_language %}{{ user.username }}{% end_per_language %}"
    )
    with pytest.raises(RuntimeError, match="user"):
        template.render({"user": {"username": "张三"}})
