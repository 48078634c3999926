import pytest
from django.utils import translation

from grids.codes import child_code, code_problem


@pytest.mark.parametrize(
    "level,code,parent",
    [
        ("district", "440311", None),
        ("street", "440311001", "440311"),
        ("community", "440311001003", "440311001"),
        ("grid", "44031100100301", "440311001003"),
        ("subgrid", "4403110010030102", "44031100100301"),
    ],
)
def test_codes_following_the_rule_are_accepted(level, code, parent):
    assert code_problem(level, code, parent) is None


@pytest.mark.parametrize(
    "level,code,parent,reason",
    [
        ("street", "44031101", "440311", "street code has 9 digits"),
        ("street", "44031100A", "440311", "digits only"),
        ("community", "440312001003", "440311001", "starts with its parent"),
        ("grid", "44031100100300", "440311001003", "all zeros"),
        ("subgrid", "4403110010030100", "44031100100301", "all zeros"),
        ("grid", "44031100100301", None, "parent code is missing"),
    ],
)
def test_codes_breaking_the_rule_say_which_part(level, code, parent, reason):
    with translation.override("en"):
        assert reason in code_problem(level, code, parent)


def test_child_codes_pad_the_serial_to_the_level_width():
    assert child_code("440311", "street", 3) == "440311003"
    assert child_code("440311003", "community", 12) == "440311003012"
    assert child_code("440311003012", "grid", 7) == "44031100301207"
    assert child_code("44031100301207", "subgrid", 1) == "4403110030120701"
