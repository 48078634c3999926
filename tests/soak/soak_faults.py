"""Faults under load: PostgreSQL restarted, Redis stopped, a Celery worker killed with SIGKILL
in the middle of a reminder batch, the uploads disk full. Each records what it saw in
bench/results/soak-<name>.json (docs/reliability.md reports the numbers)."""

import io
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.soak import harness

# Defects the soak runs found in other apps and that are not fixed yet (docs/reliability.md has
# the diagnosis), by scenario. A test whose only problems are listed here ends as xfail; any other
# problem fails it, and so does a listed defect of its scenario that no longer occurs (remove it
# from the list) — the contract of a strict xfail.
KNOWN_DEFECTS: dict[str, str] = {
    # "disk-full: orphan files" was fixed on 2026-11-30: the default storage
    # (redgrid.storage.CleanFileSystemStorage) removes the file whose write failed.
}


def _verdict(scenario: str, problems: list[str], result: dict) -> None:
    unknown = [p for p in problems if p not in KNOWN_DEFECTS]
    assert not unknown, f"{unknown}: {result}"
    fixed = [k for k in KNOWN_DEFECTS if k.startswith(f"{scenario}: ") and k not in problems]
    assert not fixed, f"no longer occurs, remove from KNOWN_DEFECTS: {fixed}: {result}"
    if problems:
        pytest.xfail("; ".join(f"{p} ({KNOWN_DEFECTS[p]})" for p in problems))


def _accepted_are_stored_once(load) -> bool:
    codes = load.accepted_codes()
    rows = harness.stored(codes)
    return len(set(codes)) == len(codes) and all(rows.get(c) == 1 for c in codes)


@pytest.mark.disruptive
def test_postgresql_restart_mid_load_recovers_without_hanging(server, category_id):
    events = {}

    def during(elapsed):
        if elapsed > 10 and "restart_started" not in events:
            events["restart_started"] = elapsed
            began = time.monotonic()
            subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True, timeout=120)
            events["restart_done"] = elapsed + time.monotonic() - began

    load = harness.Load(
        port=server.port,
        points=harness.grid_points(),
        category_id=category_id,
        threads=20,
        seconds=40,
        timeout=60,
    ).run(during=during)
    server.drain()
    outage = [
        a
        for a in load.answers
        if events["restart_started"] - 1 <= a.started <= events["restart_done"] + 5
    ]
    after = [a for a in load.answers if a.started > events["restart_done"] + 5]
    failed = [a for a in load.answers if a.status != 302]
    result = {
        **events,
        "statuses": load.statuses(),
        "statuses_around_restart": harness.status_counts(outage),
        "successes_after_restart": sum(1 for a in after if a.status == 302),
        "max_answer_seconds": max(a.seconds for a in load.answers),
        "accepted_stored_once": _accepted_are_stored_once(load),
        # Recovery: from the restart's end to the end of the last failed answer (the next
        # submissions succeed), and how long clients saw failures at all.
        "recovered_s_after_restart": round(
            max(a.started + a.seconds for a in failed) - events["restart_done"], 2
        )
        if failed
        else 0.0,
        "failures_span_s": round(
            max(a.started + a.seconds for a in failed) - min(a.started for a in failed), 2
        )
        if failed
        else 0.0,
        "max_failure_answer_seconds": max((a.seconds for a in failed), default=0.0),
    }
    harness.record("postgres-restart", result)
    assert result["max_answer_seconds"] < 30, result  # no hang
    assert result["successes_after_restart"] > 0, result  # recovered by itself
    assert result["accepted_stored_once"], result
    failures = {s for s, _n in load.statuses().items() if s != "302"}
    # The requirement: while the database is unreachable clients get a clear 503.
    assert failures <= {"503", "500"}, f"clients got {failures}: {result}"
    _verdict("postgres-restart", ["postgres-restart: 500"] if "500" in failures else [], result)


@pytest.mark.disruptive
def test_with_redis_stopped_submissions_succeed_and_messages_go_out_when_it_returns(
    server, category_id, soak_env, tmp_path
):
    """Residents submit through the public form; a grid worker enters hotline calls (the staff
    path has no rate limit, so it shows the outbox behaviour even if the public form fails). The
    grid head gets each new request by SMS: the rows must wait in the outbox while Redis (the
    broker) is down and go out once it is back."""
    harness.SINK.unlink(missing_ok=True)
    first_id = harness.sql("SELECT coalesce(max(id), 0) FROM notifications_notification")[0][0]
    staff_cookie = harness.session_cookie(soak_env, "demo-gridworker")
    worker = harness.Worker(soak_env, tmp_path / "worker.log")
    try:
        harness.redis_stop()
        residents = harness.Load(
            port=server.port,
            points=harness.grid_points(),
            category_id=category_id,
            threads=4,
            seconds=15,
            timeout=30,
        ).run()
        staff = harness.Load(
            port=server.port,
            points=harness.grid_point_of("demo-gridworker"),
            category_id=category_id,
            threads=2,
            seconds=10,
            timeout=30,
            path="/requests/enter/",
            cookie=staff_cookie,
            extra={"source": "hotline"},
        ).run()
        pending = harness.sql(
            "SELECT count(*) FROM notifications_notification WHERE id > %s AND channel = 'sms' "
            "AND status = 'pending'",
            [first_id],
        )[0][0]
    finally:
        harness.redis_start()
    try:
        worker.start()
        harness.celery_call(soak_env, "notifications.tasks.deliver_pending")
        deadline = time.monotonic() + 90
        left = pending
        while time.monotonic() < deadline:
            left = harness.sql(
                "SELECT count(*) FROM notifications_notification WHERE id > %s AND "
                "channel = 'sms' AND status <> 'sent'",
                [first_id],
            )[0][0]
            if left == 0:
                break
            time.sleep(1)
    finally:
        worker.stop()
    lines = harness.SINK.read_text().splitlines() if harness.SINK.exists() else []
    sent_ids = [line.split("\t")[0] for line in lines]
    ours = [
        f"redgrid-{pk}"
        for (pk,) in harness.sql(
            "SELECT id FROM notifications_notification WHERE id > %s AND channel = 'sms'",
            [first_id],
        )
    ]
    result = {
        "residents_while_redis_down": residents.statuses(),
        "resident_answer_max_s": max((a.seconds for a in residents.answers), default=None),
        "staff_entries_while_redis_down": staff.statuses(),
        "staff_answer_max_s": max((a.seconds for a in staff.answers), default=None),
        "sms_pending_while_down": pending,
        "sms_not_sent_after_90_s": left,
        "sms_sent_after_redis_returned": sum(1 for i in sent_ids if i in set(ours)),
        "older_pending_sms_also_delivered": len(sent_ids) - len(ours),
        "accepted_stored_once": _accepted_are_stored_once(residents)
        and _accepted_are_stored_once(staff),
    }
    harness.record("redis-stopped", result)
    assert result["accepted_stored_once"], result
    assert set(staff.statuses()) == {"302"}, result  # the staff path works without Redis
    assert pending > 0 and left == 0, result  # queued in the outbox, delivered afterwards
    assert all(sent_ids.count(i) == 1 for i in ours), result  # each exactly once
    assert len(set(sent_ids)) == len(sent_ids), result
    assert set(residents.statuses()) <= {"302", "500"}, result
    assert "302" in residents.statuses(), result  # residents' submissions succeed
    _verdict(
        "redis-stopped", ["redis-stopped: 500"] if "500" in residents.statuses() else [], result
    )


def test_a_worker_killed_during_a_reminder_batch_delivers_each_message_exactly_once(
    soak_env, tmp_path
):
    harness.SINK.unlink(missing_ok=True)
    harness.sql("DELETE FROM notifications_notification WHERE kind = 'bench.case_digest'")
    expected = harness.sql(
        "SELECT count(*) FROM requests_desk_request WHERE assignee_id IS NOT NULL AND "
        "dispatched_at IS NOT NULL"
    )[0][0]
    worker = harness.Worker(soak_env, tmp_path / "worker.log").start()
    killed_at = None
    try:
        harness.celery_call(
            soak_env, "notifications.tasks.run_reminders", {"kinds": ["bench.case_digest"]}
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            lines = len(harness.SINK.read_text().splitlines()) if harness.SINK.exists() else 0
            if lines >= max(20, expected // 10):
                worker.kill()  # SIGKILL in the middle of the delivery of the batch
                killed_at = lines
                break
            time.sleep(0.05)
        assert killed_at is not None, "the batch never started delivering"
        worker = harness.Worker(soak_env, tmp_path / "worker.log").start()
        # What beat does every few minutes: run the reminders again, deliver what is due.
        harness.celery_call(
            soak_env, "notifications.tasks.run_reminders", {"kinds": ["bench.case_digest"]}
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            harness.celery_call(soak_env, "notifications.tasks.deliver_pending")
            left = harness.sql(
                "SELECT count(*) FROM notifications_notification WHERE kind = "
                "'bench.case_digest' AND channel = 'sms' AND status <> 'sent'"
            )[0][0]
            if left == 0:
                break
            time.sleep(3)
    finally:
        worker.stop()
    rows = harness.sql(
        "SELECT count(*), count(DISTINCT dedup_key) FROM notifications_notification "
        "WHERE kind = 'bench.case_digest' AND channel = 'sms'"
    )[0]
    ids = [line.split("\t")[0] for line in harness.SINK.read_text().splitlines()]
    duplicates = len(ids) - len(set(ids))
    result = {
        "due_items": expected,
        "sms_rows": rows[0],
        "distinct_keys": rows[1],
        "sends_before_kill": killed_at,
        "sends_total": len(ids),
        "distinct_messages_sent": len(set(ids)),
        "duplicate_sends": duplicates,
        "not_sent": left,
    }
    harness.record("worker-sigkill", result)
    assert rows[0] == rows[1] == expected, result  # one row per reminder, re-runs wrote none
    assert left == 0 and len(set(ids)) == expected, result  # every message went out
    # Claim → send → mark: a kill between a send and its mark can resend that one row.
    assert duplicates <= 1, result


def _photo() -> bytes:
    image = Image.effect_noise((1200, 900), 80).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_a_full_uploads_disk_gives_a_clear_error_and_leaves_no_orphans(
    soak_env, category_id, tmp_path
):
    from bench.run import Server, free_port

    media = Path("/tmp/redgrid-soak-full-media")
    media.mkdir(exist_ok=True)
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(media)], capture_output=True
        ).returncode
        == 0
    )
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        (media / "filler").write_bytes(b"\0" * (2 * 1024 * 1024 - 96 * 1024))  # ~96 KB left
        env = {**soak_env, "REDGRID_MEDIA_ROOT": str(media)}
        port = free_port()
        before = harness.sql(
            "SELECT count(*), (SELECT count(*) FROM requests_desk_requestphoto)"
            " FROM requests_desk_request"
        )[0]
        with Server(1, port, tmp_path / "gunicorn.log", settings=harness.SETTINGS, env=env) as srv:
            load = harness.Load(
                port=port,
                points=harness.grid_points(),
                category_id=category_id,
                threads=1,
                seconds=8,
                photo=_photo(),
            ).run()
            srv.drain()
        after = harness.sql(
            "SELECT count(*), (SELECT count(*) FROM requests_desk_requestphoto)"
            " FROM requests_desk_request"
        )[0]
        orphans = harness.sql(
            "SELECT count(*) FROM requests_desk_request r WHERE r.id > (SELECT max(id) - %s FROM "
            "requests_desk_request) AND r.source = 'resident_form' AND NOT EXISTS (SELECT 1 FROM "
            "requests_desk_requestphoto p WHERE p.request_id = r.id)",
            [after[0] - before[0]],
        )
        files = [p for p in media.rglob("*") if p.is_file() and p.name != "filler"]
        result = {
            "statuses": load.statuses(),
            "requests_added": after[0] - before[0],
            "photos_added": after[1] - before[1],
            "requests_without_photo": orphans[0][0],
            "files_written": len(files),
            "partial_files": sum(1 for p in files if p.stat().st_size == 0),
        }
        harness.record("disk-full", result)
    finally:
        subprocess.run(["umount", str(media)], capture_output=True)
    assert result["requests_added"] == result["photos_added"], result  # no request lost its photo
    assert result["requests_without_photo"] == 0, result
    problems = []
    if [s for s in result["statuses"] if s.isdigit() and int(s) >= 500]:
        problems.append("disk-full: 500")  # the requirement: a clear message, not an error
    if result["files_written"] > result["photos_added"]:
        problems.append("disk-full: orphan files")
    _verdict("disk-full", problems, result)
