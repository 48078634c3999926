"""Every system text kind (core.texts, declared in the apps' texts.py) renders in both languages,
differently where the catalogue translates it, and its Chinese and English wordings parse back
to the same parameters — what the data migrations of existing rows rely on."""

import re
from typing import Any

import pytest
from django.utils import translation

from core.texts import REGISTRY, TextKind, render

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def sample_params(kind: TextKind) -> dict[str, Any]:
    with translation.override("en"):
        names = PLACEHOLDER.findall(str(kind.template))
    params = {}
    for name in names:
        formatter = kind.formats.get(name)
        choices = getattr(formatter, "choices", None)
        if choices:
            params[name] = choices[0][0]
        elif formatter is not None:
            params[name] = "2026-05-01T02:00:00+00:00"
        else:
            params[name] = f"〔{name}〕"
    return params


def test_the_apps_declare_their_kinds() -> None:
    prefixes = {name.split(".")[0] for name in REGISTRY}
    assert {"requests_desk", "patrols", "care", "volunteers"} <= prefixes


@pytest.mark.parametrize("name", sorted(n for n, k in REGISTRY.items() if k.renderer is None))
def test_each_kind_renders_and_parses_back_in_both_languages(name: str) -> None:
    kind = REGISTRY[name]
    params = sample_params(kind)
    stored = kind.store(**params)
    with translation.override("zh-hans"):
        zh = render(stored)
    with translation.override("en"):
        en = render(stored)
    assert zh and en and zh != en, (zh, en)
    with translation.override("en"):  # the msgid is English (CONTRIBUTING)
        assert not re.search(r"[\u4e00-\u9fff]", PLACEHOLDER.sub("", str(kind.template))), name
    for text in (zh, en):
        parsed = kind.parse(text)
        assert parsed is not None, (name, text)
        expected = {
            k: (v if k not in kind.formats or hasattr(kind.formats[k], "choices") else parsed[k])
            for k, v in params.items()
        }
        assert parsed == expected, (name, text, parsed)


def test_a_moment_shows_in_the_district_time() -> None:
    kind = REGISTRY["requests_desk.new_deadline"]
    with translation.override("en"):
        assert (
            render(kind.store(due="2026-05-01T02:00:00+00:00")) == "New deadline: 2026-05-01 10:00."
        )
