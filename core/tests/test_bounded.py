"""core.bounded.Bounded: kept values up to a limit; the entries that would pass it empty it."""

from core.bounded import Bounded


def test_kept_values_stay_until_the_limit_then_everything_goes():
    kept = Bounded(2)
    assert kept.keep("a", 1) == 1 and kept.keep("b", 2) == 2
    assert kept == {"a": 1, "b": 2}
    kept.keep("c", 3)
    assert kept == {"c": 3}


def test_room_for_several_entries_empties_it_only_when_they_would_not_fit():
    kept = Bounded(3)
    kept.keep("a", 1)
    kept.room(2)
    assert kept == {"a": 1}
    kept.room(3)
    assert kept == {}


def test_a_value_kept_until_a_moment_is_found_only_before_it():
    kept = Bounded(2)
    assert kept.keep_until("a", 10, "page") == "page"
    assert kept.get_until("a", 9) == "page"
    assert kept.get_until("a", 10) is None
    assert kept.get_until("b", 0) is None
