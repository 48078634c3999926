"""bench.run: the growth rows pooled over turns, and throughput against the ceiling beside it."""

from bench.run import _growth_pooled


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


def test_a_throughput_ratio_is_taken_against_the_ceiling_measured_just_before_it(monkeypatch):
    from bench import run

    monkeypatch.setattr(run, "INPROC", {})
    monkeypatch.setattr(run, "ADJACENT", {"submit": 1_200.0})
    by_key = {
        "insert": run.Row(name="baseline: insert", rps=1_000.0, errors=0),
        "submit": run.Row(name="resident submission", rps=290.0, errors=0),
    }
    run.targets(by_key)
    submit = by_key["submit"]
    assert round(submit.ratio, 4) == round(290 / 1_200, 4)  # not 0.29 against the first
    assert submit.ok is False  # 0.24 < 0.25
    assert "just before it 1,200 req/s" in submit.note and "1,000 req/s: 0.29" in submit.note
