"""System text is stored as a kind and its parameters and read in the reader's language: the
timeline's notes and actors, the inbox messages about cases (core.texts, requests_desk/texts.py).
Rows written before (already translated, in the writer's language) are converted by
migration 0005."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from core import texts as core_texts
from notifications.models import Notification
from requests_desk import flow, texts
from requests_desk.models import Request, RequestEvent, Stage
from requests_desk.tests.test_flow import bring_to

pytestmark = pytest.mark.django_db

migration = importlib.import_module("requests_desk.migrations.0008_system_text_rows")


def test_the_report_entry_is_read_in_the_readers_language(world, make_request):
    item = make_request(source=Request.Source.HOTLINE, created_by=None)
    event = item.events.get(action="report")
    assert event.message == {"kind": "requests_desk.reported", "params": {"source": "hotline"}}
    assert event.note == "" and event.actor_label == ""
    with translation.override("zh-hans"):
        assert event.staff_text == "上报渠道：" + str(Request.Source.HOTLINE.label)
        assert "热线" in event.staff_text
        assert event.actor_shown == "居民"
    with translation.override("en"):
        assert event.staff_text == "Reported through: hotline 12345"
        assert event.actor_shown == "resident"


def test_inbox_messages_follow_the_reader(world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    with translation.override("zh-hans"):
        flow.transition(
            case=item, action="dispatch", by=world.users.grid_head, target=world.users.grid_worker
        )
    row = Notification.objects.get(recipient=world.users.grid_worker, kind="request_dispatched")
    assert row.message["subject"]["kind"] == "requests_desk.dispatched_to_you"
    with translation.override("en"):
        assert row.subject_shown == f"Request {item.code} dispatched to you"
    with translation.override("zh-hans"):
        assert item.code in row.subject_shown and "派遣" in row.subject_shown


def test_the_inbox_page_and_api_show_the_readers_language(client, world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    with translation.override("zh-hans"):
        flow.transition(
            case=item, action="dispatch", by=world.users.grid_head, target=world.users.grid_worker
        )
    client.force_login(world.users.grid_worker)
    client.cookies["django_language"] = "en"
    assert f"Request {item.code} dispatched to you" in client.get("/inbox/").content.decode()
    api = client.get("/api/v1/inbox/").json()
    rows = api["results"] if isinstance(api, dict) else api
    assert any(r["subject"] == f"Request {item.code} dispatched to you" for r in rows)


def test_an_unknown_kind_falls_back_to_the_stored_text():
    assert core_texts.render({"kind": "gone.kind", "params": {}}, "as stored") == "as stored"
    assert core_texts.render({}, "as stored") == "as stored"
    assert core_texts.render({"kind": "requests_desk.rated", "params": {}}, "kept") == "kept"


def test_earlier_wordings_parse_back_in_either_language():
    with translation.override("zh-hans"):
        zh = str(texts.NEW_DEADLINE(due="2026-05-01 10:00"))
    assert texts.NEW_DEADLINE.parse(zh) == {"due": "2026-05-01 10:00"}
    assert texts.REPORTED.parse("Reported through: hotline 12345") == {"source": "hotline"}
    with translation.override("zh-hans"):
        hotline_zh = "上报渠道：" + str(Request.Source.HOTLINE.label)
    assert texts.REPORTED.parse(hotline_zh) == {"source": "hotline"}
    assert core_texts.parse("Rated 4.50 / 5.", texts.TIMELINE) == {
        "kind": "requests_desk.rated",
        "params": {"score": "4.50"},
    }
    assert core_texts.parse("一段普通的回复", texts.TIMELINE) is None


def test_the_migration_converts_rows_written_before(world, make_request):
    item = make_request(source=Request.Source.GRID_PATROL)
    with translation.override("zh-hans"):
        patrol_label = str(Request.Source.GRID_PATROL.label)
        dispatched = str(texts.DISPATCHED_EARLIER(target="综合网格员 张三"))
    report = item.events.get(action="report")
    RequestEvent.objects.filter(pk=report.pk).update(
        message={}, note=f"上报渠道：{patrol_label}", actor_label="居民"
    )
    old_dispatch = RequestEvent.objects.create(
        request=item,
        action="dispatch",
        from_stage=Stage.FILED,
        to_stage=Stage.DISPATCHED,
        actor_label="张网格长",
        note=f"{dispatched}\n请尽快处理",
        public=True,
    )
    reply = RequestEvent.objects.create(
        request=item, action="reply", from_stage="", to_stage=Stage.REPORTED, note="已收到"
    )
    inbox = Notification.objects.create(
        recipient=world.users.grid_worker,
        channel="inbox",
        kind="request_dispatched",
        subject=f"诉求 {item.code} 已派遣给您",
        body="小区门口有暴露垃圾",
    )
    with translation.override("zh-hans"):
        inbox.subject = str(texts.DISPATCHED_TO_YOU(code=item.code))
    inbox.save()
    Request.objects.filter(pk=item.pk).update(target="grid_worker", assignee=world.users.grid_head)

    migration.forwards(apps, None)

    report.refresh_from_db()
    assert report.message == texts.REPORTED.store(source="grid_patrol")
    assert report.note == "" and report.actor_label == ""
    old_dispatch.refresh_from_db()
    assert old_dispatch.message == {
        "kind": "requests_desk.dispatched_text",
        "params": {"target": "综合网格员 张三"},
    }
    assert old_dispatch.note == "请尽快处理"
    with translation.override("en"):
        assert old_dispatch.staff_text == "Dispatched to 综合网格员 张三.\n请尽快处理"
        assert report.staff_text == "Reported through: grid patrol"
    reply.refresh_from_db()
    assert reply.message == {} and reply.note == "已收到"
    inbox.refresh_from_db()
    assert inbox.message == {"subject": texts.DISPATCHED_TO_YOU.store(code=item.code)}
    assert Request.objects.get(pk=item.pk).target == "grid_head"
