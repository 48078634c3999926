"""bench.breakdown's clock: a part's time excludes the parts it calls, and the wrappers go."""

import time

from bench import breakdown


class Worker:
    def outer(self):
        time.sleep(0.02)
        self.inner()
        time.sleep(0.01)
        return "outer"

    def inner(self):
        time.sleep(0.03)
        return "inner"


class Child(Worker):
    pass


def _run(parts):
    with breakdown.Installed(parts) as installed:
        breakdown.CLOCK.reset()
        result = Child().outer()
        breakdown.CLOCK._charge()
    return result, dict(breakdown.CLOCK.spent), dict(breakdown.CLOCK.calls), installed


def test_each_part_is_charged_only_its_own_time():
    result, spent, calls, installed = _run(
        {"outer": [f"{__name__}:Worker.outer"], "inner": [f"{__name__}:Worker.inner"]}
    )
    assert result == "outer" and not installed.missing
    assert calls == {"outer": 1, "inner": 1}
    # Its two sleeps (30 ms), not the inner one's too (60 ms); slack for a busy machine.
    assert 0.028 <= spent["outer"] < 0.055
    assert spent["inner"] >= 0.029
    assert spent.get(breakdown.HANDLING, 0) < spent["outer"]


def test_the_wrappers_are_removed_and_an_inherited_method_is_wrapped_on_the_named_class_only():
    original = Worker.__dict__["inner"]
    _result, spent, _calls, _installed = _run({"inner": [f"{__name__}:Child.inner"]})
    assert spent["inner"] >= 0.029 and spent[breakdown.HANDLING] >= 0.028
    assert "inner" not in Child.__dict__ and Worker.__dict__["inner"] is original


def test_a_target_missing_from_this_checkout_is_reported_not_fatal():
    _result, spent, _calls, installed = _run({"gone": [f"{__name__}:Worker.nothing_here"]})
    assert installed.missing == [f"{__name__}:Worker.nothing_here"]
    assert spent[breakdown.HANDLING] >= 0.055  # nothing named: all of it is the rest
