"""The dashboards' quick number formatting (dashboards_values.fixed) gives floatformat's text."""

import random
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from dashboards.templatetags.dashboards_values import fixed, indicator_value

VALUES = [
    0,
    0.0,
    -0.0,
    0.04,
    -0.04,
    0.05,
    -0.05,
    0.25,
    0.35,
    1.005,
    2.675,
    12.345,
    -12.345,
    33.3333333,
    66.66666666666667,
    99.95,
    99.99,
    100,
    100.0,
    5,
    -7,
    999.95,
    999.94,
    -999.95,
    1000,
    1000.04,
    12345.678,
    -98765.4321,
    1e-7,
    -1e-7,
    1e21,
    float("inf"),
    float("nan"),
    Decimal("12.35"),
    Decimal("-0.05"),
    Decimal("999.999"),
    Decimal("1234.5"),
    Decimal("NaN"),
    True,
    "12.5",
    "abc",
]
_random = random.Random(17)
VALUES += [_random.uniform(-1200, 1200) for _ in range(400)]
VALUES += [round(_random.uniform(0, 100), 1) for _ in range(200)]
VALUES += [round(_random.uniform(0, 100), 2) for _ in range(200)]


@pytest.mark.parametrize("language", ["zh-hans", "en", "de"])
@pytest.mark.parametrize("places", [1, 2])
def test_fixed_is_floatformat(language, places):
    with translation.override(language):
        for value in VALUES:
            assert fixed(value, places) == floatformat(value, places), value


@pytest.mark.parametrize("thousands", [True, False])
def test_fixed_is_floatformat_with_or_without_grouping(settings, thousands):
    settings.USE_THOUSAND_SEPARATOR = thousands
    for value in VALUES:
        assert fixed(value, 1) == floatformat(value, 1), value


def test_indicator_values_as_before():
    with translation.override("zh-hans"):
        assert indicator_value(None, "rate") == "—"
        assert indicator_value(12.25, "rate") == "12.3%"
        assert indicator_value(-0.04, "rate") == "0.0%"
        assert indicator_value(3.456, "score") == "3.46"
        assert indicator_value(1.25, "per1000") == "1.3"
        assert indicator_value(7, "count") == "7"
