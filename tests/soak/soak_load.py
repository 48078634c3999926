"""200 residents submitting at once for 60 s against gunicorn (4 sync workers): no 5xx, every
accepted submission (302 to its status page) is exactly one stored request, nothing is lost, no
tracking code is duplicated."""

from tests.soak import harness

THREADS = 200
SECONDS = 60


def test_200_concurrent_submitters_for_60_seconds(server, category_id):
    before = harness.sql("SELECT count(*) FROM requests_desk_request")[0][0]
    load = harness.Load(
        port=server.port,
        points=harness.grid_points(),
        category_id=category_id,
        threads=THREADS,
        seconds=SECONDS,
    ).run()
    server.drain()
    after = harness.sql("SELECT count(*) FROM requests_desk_request")[0][0]
    codes = load.accepted_codes()
    rows = harness.stored(codes)
    duplicates = harness.sql("SELECT count(*) - count(DISTINCT code) FROM requests_desk_request")
    latencies = sorted(a.seconds for a in load.answers)
    result = {
        "threads": THREADS,
        "seconds": SECONDS,
        "answers": len(load.answers),
        "statuses": load.statuses(),
        "accepted": len(codes),
        "stored": after - before,
        "p50_s": latencies[len(latencies) // 2] if latencies else None,
        "p99_s": latencies[int(len(latencies) * 0.99)] if latencies else None,
        "max_s": latencies[-1] if latencies else None,
        "throughput_per_s": len(codes) / SECONDS,
    }
    harness.record("load", result)
    assert not [s for s in result["statuses"] if s.isdigit() and int(s) >= 500], result
    assert not [s for s in result["statuses"] if not s.isdigit()], result  # no dropped sockets
    assert len(codes) > 0 and len(set(codes)) == len(codes), result
    assert all(rows.get(code) == 1 for code in codes), "an accepted code is not stored once"
    assert after - before == len(codes), result  # nothing stored that was not answered 302
    assert duplicates[0][0] == 0
