"""bench.run: the growth rows pooled over turns, throughput against the ceiling beside it, and the
status page's warm-up."""

import pytest

from bench.run import Row, _growth_pooled, warm_every_path


def _answer(requests, runs, sql, queries=4):
    return {
        "requests": requests,
        "pages": {
            "queue": {
                "path": "/requests/queue/?stage=",
                "user": "demo-street",
                "ms": sorted(runs)[len(runs) // 2],
                "runs_ms": runs,
                "sql_ms": sorted(sql)[len(sql) // 2],
                "runs_sql_ms": sql,
                "queries": queries,
                "status": 200,
            }
        },
    }


def test_the_rounds_requests_are_pooled_before_the_median():
    # One slow round alone (a busy machine for a minute) moves its own median, not the pooled.
    rounds = [
        _answer(1_000, [3.0, 3.1, 3.2], [1.0, 1.0, 1.1]),
        _answer(1_000, [6.0, 6.2, 6.4], [2.0, 2.1, 2.2]),
        _answer(1_001, [3.1, 3.3, 2.9], [1.1, 0.9, 1.0]),
    ]
    page = _growth_pooled(rounds)["pages"]["queue"]
    assert page["ms"] == 3.2  # median of the nine
    assert page["sql_ms"] == 1.1
    assert page["samples"] == 9
    assert (page["queries"], page["status"], page["path"]) == (4, 200, "/requests/queue/?stage=")
    assert _growth_pooled(rounds)["requests"] == 1_001  # the last round's count


def _targets(monkeypatch, adjacent: dict, **by_key: Row) -> dict:
    """bench.run.targets over `by_key`, with `adjacent` as the ceilings measured beside."""
    from bench import run

    monkeypatch.setattr(run, "INPROC", {})
    monkeypatch.setattr(run, "ADJACENT", adjacent)
    run.targets(by_key)
    return by_key


def test_a_throughput_ratio_is_taken_against_the_ceiling_measured_just_before_it(monkeypatch):
    submit = _targets(
        monkeypatch,
        {"submit": 1_200.0},
        insert=Row(name="baseline: insert", rps=1_000.0, errors=0),
        submit=Row(name="resident submission", rps=290.0, errors=0),
    )["submit"]
    assert round(submit.ratio, 4) == round(290 / 1_200, 4)  # not 0.29 against the first
    assert submit.ok is False  # 0.24 < 0.25
    assert "just before it 1,200 req/s" in submit.note and "1,000 req/s: 0.29" in submit.note


def test_the_first_visits_row_is_shown_against_the_ceiling_beside_it_without_a_target(
    monkeypatch,
):
    first = _targets(
        monkeypatch,
        {"status_first": 2_000.0},
        constant=Row(name="baseline: constant view", rps=2_500.0, errors=0),
        status_first=Row(name="first visits", rps=220.0, errors=0),
    )["status_first"]
    assert round(first.ratio, 4) == 0.11  # 220 / 2,000, not / 2,500
    assert first.ok is None and not first.target  # shown, never counted as met or missed
    assert "no target of its own" in first.note


class _FakeWrk:
    """What bench.run.Wrk.run is asked, answering `per_run` requests each time."""

    def __init__(self, per_run):
        self.per_run, self.calls = per_run, []

    def run(self, name, paths, *, duration=None, pick="random", **options):
        self.calls.append((list(paths), pick))
        return Row(name=name, requests=min(self.per_run, len(paths)))


class _FakeServer:
    def drain(self):
        return 0.0


def test_the_status_pages_warm_up_visits_every_code_whatever_the_machines_speed():
    paths = [f"/requests/t/C{i:04d}/" for i in range(2_000)]
    slow = _FakeWrk(per_run=700)  # a slow machine: 700 answers in the warm-up's seconds
    warm_every_path(slow, "status", paths, _FakeServer(), seconds=4)
    visited = [p for run_paths, _pick in slow.calls for p in run_paths[:700]]
    assert visited == paths  # each once, in turn, over three runs
    assert {pick for _paths, pick in slow.calls} == {"sequence"}
    assert len(slow.calls) == 3


def test_a_warm_up_that_answers_nothing_stops():
    with pytest.raises(RuntimeError, match="answered no request"):
        warm_every_path(_FakeWrk(per_run=0), "status", ["/a/"], _FakeServer(), seconds=4)


def test_the_bound_without_the_request_cycle_takes_the_constant_views_time_off_unmet_rows(
    monkeypatch,
):
    from bench import run

    # The constant view apart (0.2 ms), and between the positions page's requests (0.25 ms),
    # whose floor it is; the dashboard's floor is the signed-in page, not the constant view;
    # the status page's is the constant view with its cache round trip.
    monkeypatch.setattr(
        run,
        "INPROC",
        {
            "constant": {"request_ms": 0.2, "sql_ms": 0.0},
            "status": {"request_ms": 1.0, "sql_ms": 0.2, "floor": {"request_ms": 0.6}},
            "open311": {"request_ms": 0.5, "sql_ms": 0.2},
            "positions": {"request_ms": 0.6, "sql_ms": 0.2, "floor": {"request_ms": 0.25}},
            "dashboard": {"request_ms": 2.0, "sql_ms": 0.8, "floor": {"request_ms": 0.9}},
            "report_list": {"request_ms": 30.0, "sql_ms": 20.0},  # met: no proof row
        },
    )
    # The rows that missed, as bench.run.targets records them (key → label).
    monkeypatch.setattr(
        run,
        "PROOF_ROWS",
        {
            "status": "status",  # 0.8 ms left: 4× its SQL
            "open311": "open311",  # 0.3 ms left: 1.5×
            "positions": "positions",  # 0.35: 1.75×
            "dashboard": "dashboard",  # 1.8 ms left: 2.25×
        },
    )
    lines = run.without_request_cycle().splitlines()
    assert "apart: 0.20 ms" in lines[0]
    body = [line for line in lines if line.startswith("| ") and not line.startswith("| page")]
    assert body == [
        "| status | 1.00 | 0.20 | 0.20 | 0.80 | 4.00 | no |",
        "| open311 | 0.50 | 0.20 | 0.20 | 0.30 | 1.50 | yes |",
        "| positions | 0.60 | 0.20 | 0.25 | 0.35 | 1.75 | yes |",
        "| dashboard | 2.00 | 0.80 | 0.20 | 1.80 | 2.25 | no |",
    ]
    assert lines[-1] == "Within 2× without the request cycle: 2 of 4."
    # Every row met, or no constant view measured: nothing to say.
    monkeypatch.setattr(run, "PROOF_ROWS", {})
    assert run.without_request_cycle() == ""
    monkeypatch.setattr(run, "PROOF_ROWS", {"status": "status"})
    monkeypatch.setattr(run, "INPROC", {})
    assert run.without_request_cycle() == ""


def test_the_status_rows_name_the_request_they_measured(monkeypatch):
    from bench import run

    # A merged request's page reads the one it was merged into too: its row says which it was.
    monkeypatch.setattr(
        run,
        "INPROC",
        {
            "status_rendered": {
                "request_ms": 5.0,
                "sql_ms": 1.6,
                "cpu_ms": 4.1,
                "queries": 5,
                "request": "28SZPNRTTU, merged",
            },
            "open311_get": {"request_ms": 0.6, "sql_ms": 0.3, "cpu_ms": 0.5, "queries": 1},
        },
    )
    monkeypatch.setattr(run, "PROOF_ROWS", {})
    rows = {row.name: row for row in run.targets({})}
    rendered = rows["public status page, page cache off (rendered): in-process vs SQL"]
    assert rendered.note.endswith("; the request measured: 28SZPNRTTU, merged")
    assert "request measured" not in rows["open311_get: in-process vs SQL"].note


def test_the_measured_status_request_is_named_with_its_stage(world, monkeypatch):
    from bench import run
    from requests_desk.models import Stage
    from requests_desk.tests.factories import RequestFactory

    target = RequestFactory(grid=world.grids["A1a"])
    merged = RequestFactory(grid=world.grids["A1a"], stage=Stage.MERGED, merged_into=target)
    monkeypatch.setattr(run, "INPROC", {"status": {}, "status_rendered": {}, "open311_get": {}})
    run._name_the_status_request(merged.code)
    assert run.INPROC["status"]["request"] == f"{merged.code}, merged"
    assert run.INPROC["status_rendered"]["request"] == f"{merged.code}, merged"
    assert "request" not in run.INPROC["open311_get"]
