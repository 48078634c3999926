"""bench.breakdown's clock: a part's time excludes the parts it calls, and the wrappers go.

The clock reads a fake counter that the work below advances by hand: the test is about where
time is charged, not about how long anything takes."""

import pytest

from bench import breakdown


class FakeCounter:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def counter(monkeypatch):
    fake = FakeCounter()
    monkeypatch.setattr(breakdown.time, "perf_counter", fake)
    return fake


class Worker:
    counter: FakeCounter

    def outer(self):
        self.counter.now += 2.0
        self.inner()
        self.counter.now += 1.0
        return "outer"

    def inner(self):
        self.counter.now += 3.0
        return "inner"


class Child(Worker):
    pass


def _run(parts, counter):
    Worker.counter = counter
    with breakdown.Installed(parts) as installed:
        breakdown.CLOCK.reset()
        counter.now += 0.5  # before the first part: request handling
        result = Child().outer()
        counter.now += 0.25
        breakdown.CLOCK._charge()
    return result, dict(breakdown.CLOCK.spent), dict(breakdown.CLOCK.calls), installed


def test_each_part_is_charged_only_its_own_time(counter):
    result, spent, calls, installed = _run(
        {"outer": [f"{__name__}:Worker.outer"], "inner": [f"{__name__}:Worker.inner"]}, counter
    )
    assert result == "outer" and not installed.missing
    assert calls == {"outer": 1, "inner": 1}
    assert spent == {breakdown.HANDLING: 0.75, "outer": 3.0, "inner": 3.0}


def test_the_wrappers_are_removed_and_an_inherited_method_is_wrapped_on_the_named_class_only(
    counter,
):
    original = Worker.__dict__["inner"]
    _result, spent, _calls, _installed = _run({"inner": [f"{__name__}:Child.inner"]}, counter)
    assert spent == {breakdown.HANDLING: 3.75, "inner": 3.0}
    assert "inner" not in Child.__dict__ and Worker.__dict__["inner"] is original


def test_a_target_missing_from_this_checkout_is_reported_not_fatal(counter):
    _result, spent, _calls, installed = _run({"gone": [f"{__name__}:Worker.nothing_here"]}, counter)
    assert installed.missing == [f"{__name__}:Worker.nothing_here"]
    assert spent == {breakdown.HANDLING: 6.75}  # nothing named: all of it is the rest
