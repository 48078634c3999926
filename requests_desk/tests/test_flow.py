"""The state machine: every transition tried by every role (legal ones succeed, others are
refused with a translated message and change nothing), stage rules, guards and the timeline."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from requests_desk import flow
from requests_desk.models import Request, RequestEvent, Stage

ROLES = [
    "district_admin",
    "street_staff",
    "community_staff",
    "grid_head",
    "grid_worker",
    "party_member",
    "no_role",
    "resident",
]

PATH = {
    Stage.REPORTED: [],
    Stage.ACCEPTED: [("accept", {})],
    Stage.FILED: [("accept", {}), ("file", {})],
    Stage.DISPATCHED: [("accept", {}), ("file", {}), ("dispatch", "community")],
    Stage.HANDLING: [("accept", {}), ("file", {}), ("dispatch", "community"), ("start", {})],
    Stage.FEEDBACK: [
        ("accept", {}),
        ("file", {}),
        ("dispatch", "community"),
        ("start", {}),
        ("feedback", {"note": "已清理完毕"}),
    ],
    Stage.VERIFIED: [
        ("accept", {}),
        ("file", {}),
        ("dispatch", "community"),
        ("start", {}),
        ("feedback", {"note": "已清理完毕"}),
        ("verify", {}),
    ],
    Stage.CLOSED: [
        ("accept", {}),
        ("file", {}),
        ("dispatch", "community"),
        ("start", {}),
        ("feedback", {"note": "已清理完毕"}),
        ("verify", {}),
        ("close", {}),
    ],
    Stage.CARRIED_OVER: [
        ("accept", {}),
        ("file", {}),
        ("dispatch", "community"),
        ("carry_over", {"note": "需要统筹解决"}),
    ],
}


def handler_of(item):
    """Who starts and reports the handling on the way to a stage: someone other than the
    administrator who verifies (separation of duties), within the case's area — its grid's
    worker, else its street's staff."""
    from accounts.models import Role, User

    worker = User.objects.filter(role=Role.GRID_WORKER, grid_id=item.grid_id).first()
    return worker or User.objects.filter(role=Role.STREET_STAFF, street_id=item.street_id).first()


def bring_to(item, stage, admin):
    handler = handler_of(item)
    for action, params in PATH[stage]:
        if params == "community":
            params = {"target": item.community}
        by = handler if action in flow.HANDLING_ACTIONS else admin
        flow.transition(case=item, action=action, by=by, **params)
    item.refresh_from_db()
    assert item.stage == stage
    return item


class Rollback(Exception):
    pass


def params_for(action, item, other):
    return {
        "cancel": {"reason": "重复上报"},
        "merge": {"into": other.code},
        "dispatch": {"target": item.community},
        "request_extension": {"working_days": 2, "note": "需要协调物业"},
        "feedback": {"note": "已清理"},
        "rework": {"note": "没有清理干净"},
        "carry_over": {"note": "需要区里统筹"},
        "reply": {"note": "已收到，正在处理"},
        "rate": {"speed": 5, "result": 4, "service": 5, "feedback_quality": 4},
        "place": {"grid": item.community.grids.order_by("code").first()},
    }.get(action, {})


def user_for(world, role):
    return None if role == "resident" else getattr(world.users, role)


@pytest.mark.parametrize("action", sorted(flow.TRANSITIONS))
def test_every_role_on_every_transition(world, make_request, action):
    admin = world.users.district_admin
    t = flow.TRANSITIONS[action]
    item = make_request()
    other = make_request(description="另一处暴露垃圾堆放")
    if action == "place":
        from requests_desk.services import request_reroute

        # Reported without a point, its address routed to no grid.
        request_reroute(case=item, community=item.community)
    bring_to(item, t.sources[0], admin)
    if action in ("approve_extension", "reject_extension"):
        flow.transition(
            case=item, action="request_extension", by=admin, working_days=2, note="需要协调"
        )
    if action in ("reopen", "dismiss_reopen"):
        from requests_desk.services import request_reopen_ask

        request_reopen_ask(case=item, text="还是没有清理")
    for role in ROLES:
        user = user_for(world, role)
        fresh = Request.objects.get(pk=item.pk)
        events_before = RequestEvent.objects.filter(request=item).count()
        allowed = (role in t.roles) or (role == "district_admin" and "district_admin" in t.roles)
        handled = action == "verify" and user is not None and flow.handled_by(fresh, user)
        if handled:
            allowed = False  # separation of duties (test_separation_of_duties.py)
        try:
            with transaction.atomic():
                if allowed:
                    flow.transition(
                        case=fresh, action=action, by=user, **params_for(action, fresh, other)
                    )
                    fresh.refresh_from_db()
                    assert fresh.stage == (t.to_stage or t.sources[0]), (role, action)
                    last = RequestEvent.objects.filter(request=item).latest("id")
                    assert last.action == action and last.actor == user
                    assert last.from_stage == t.sources[0] and last.to_stage == fresh.stage
                    raise Rollback
                with pytest.raises(flow.TransitionRefused) as refused:
                    flow.transition(
                        case=fresh, action=action, by=user, **params_for(action, fresh, other)
                    )
                assert refused.value.code == ("guard" if handled else "role"), (role, action)
                raise Rollback
        except Rollback:
            pass
        assert Request.objects.get(pk=item.pk).stage == item.stage
        assert RequestEvent.objects.filter(request=item).count() == events_before


@pytest.mark.parametrize("action", sorted(flow.TRANSITIONS))
def test_transition_from_a_wrong_stage_is_refused(world, make_request, action):
    t = flow.TRANSITIONS[action]
    wrong = next(s for s in (Stage.CLOSED, Stage.REPORTED, Stage.FEEDBACK) if s not in t.sources)
    item = bring_to(make_request(), wrong, world.users.district_admin)
    by = None if "resident" in t.roles else world.users.district_admin
    with pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(case=item, action=action, by=by)
    assert refused.value.code == "stage"
    assert Request.objects.get(pk=item.pk).stage == wrong


def test_refusal_message_is_translated(world, make_request):
    from django.utils import translation

    item = make_request()
    with translation.override("zh-hans"), pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(case=item, action="close", by=world.users.grid_head)
    assert "结案" in refused.value.messages[0] or "不能" in refused.value.messages[0]


def test_other_grid_head_cannot_act_outside_their_grid(world, make_request):
    item = make_request()
    with pytest.raises(flow.TransitionRefused):
        flow.transition(case=item, action="accept", by=world.users.other_grid_head)
    with pytest.raises(flow.TransitionRefused):
        flow.transition(case=item, action="accept", by=world.users.other_street_staff)
    assert flow.allowed_actions(item, world.users.other_grid_head) == []


def test_cancel_needs_a_reason(world, make_request):
    item = make_request()
    with pytest.raises(flow.TransitionRefused):
        flow.transition(case=item, action="cancel", by=world.users.grid_head)
    flow.transition(case=item, action="cancel", by=world.users.grid_head, reason="不在辖区")
    assert item.stage == Stage.CANCELLED and item.cancel_reason == "不在辖区"


def test_dispatch_starts_the_clock_and_redispatch_keeps_it(world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    flow.transition(
        case=item, action="dispatch", by=world.users.grid_head, target=world.users.grid_worker
    )
    item.refresh_from_db()
    assert item.target == Request.Target.GRID_WORKER and item.assignee == world.users.grid_worker
    assert item.due_at and item.due_at > item.dispatched_at
    assert item.contact_due_at == item.dispatched_at + datetime.timedelta(hours=24)
    first_due = item.due_at
    flow.transition(
        case=item, action="dispatch", by=world.users.community_staff, target=item.street
    )
    item.refresh_from_db()
    assert item.target == Request.Target.STREET and item.assignee is None
    assert item.due_at == first_due


def test_dispatch_to_a_worker_of_another_grid_is_refused(world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    with pytest.raises(flow.TransitionRefused):
        flow.transition(
            case=item,
            action="dispatch",
            by=world.users.grid_head,
            target=world.users.other_grid_head,
        )


def test_extension_is_approved_by_a_higher_role_with_a_new_deadline(world, make_request):
    item = bring_to(make_request(), Stage.HANDLING, world.users.district_admin)
    old_due = item.due_at
    flow.transition(
        case=item,
        action="request_extension",
        by=world.users.grid_worker,
        working_days=3,
        note="等待物业配合",
    )
    with pytest.raises(flow.TransitionRefused):
        flow.transition(case=item, action="approve_extension", by=world.users.grid_head)
    with pytest.raises(flow.TransitionRefused):  # only one pending request
        flow.transition(
            case=item,
            action="request_extension",
            by=world.users.grid_worker,
            working_days=3,
            note="再延",
        )
    flow.transition(case=item, action="approve_extension", by=world.users.community_staff)
    item.refresh_from_db()
    assert item.due_at > old_due and item.extension_count == 1
    assert item.extension_requested_until is None


def test_rework_then_close_as_overdue_when_late(world, make_request):
    item = bring_to(make_request(), Stage.VERIFIED, world.users.district_admin)
    flow.transition(case=item, action="rework", by=world.users.grid_head, note="复查未通过")
    item.refresh_from_db()
    assert item.stage == Stage.HANDLING and item.rework_count == 1
    Request.objects.filter(pk=item.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    item.refresh_from_db()
    flow.transition(case=item, action="feedback", by=world.users.grid_head, note="已处理")
    for action in ("verify", "close"):
        flow.transition(case=item, action=action, by=world.users.district_admin)
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED and item.closure_type == Request.ClosureType.OVERDUE


def test_merge_shares_the_resolution_and_notifies_together(world, make_request):
    from notifications.models import Notification

    main = make_request()
    copy = make_request(
        description="同一堆垃圾又报了一次",
        reporter_phone="13800138000",
        consent=True,
        location=(113.826, 22.751),
    )
    flow.transition(case=copy, action="merge", by=world.users.grid_head, into=main.code)
    copy.refresh_from_db()
    assert copy.stage == Stage.MERGED and copy.merged_into == main
    Notification.objects.all().delete()
    flow.transition(case=main, action="accept", by=world.users.grid_head)
    sms = Notification.objects.filter(channel="sms", kind="request_stage")
    assert sms.count() == 1 and copy.code in sms.get().body


def test_timeline_records_who_when_note_from_and_to(world, make_request):
    item = make_request()
    flow.transition(case=item, action="accept", by=world.users.grid_worker, note="已核实")
    events = list(item.events.order_by("id"))
    assert [e.action for e in events] == ["report", "accept"]
    assert events[1].actor == world.users.grid_worker and events[1].note == "已核实"
    assert (events[1].from_stage, events[1].to_stage) == ("reported", "accepted")


def test_an_undeclared_parameter_is_a_programming_error(world, make_request):
    item = make_request()
    with pytest.raises(TypeError, match="to_user"):
        flow.transition(case=item, action="accept", by=world.users.grid_head, to_user=None)
    assert Request.objects.get(pk=item.pk).stage == Stage.REPORTED


def test_each_action_form_shows_only_its_declared_parameters():
    from requests_desk.forms import ActionForm
    from requests_desk.serializers import ActionInputSerializer

    case = Request()
    for action, t in flow.TRANSITIONS.items():
        if "target" in t.params:
            continue  # its choices need a saved case: see test_dispatch
        form = ActionForm(action=action, case=case)
        # "version": the case's version the form was shown with (refuses a double submit).
        assert set(form.fields) - {"version"} <= set(t.params), action
    # The API documents every field a form can show, by the same names (photos come as
    # multipart files).
    assert set(ActionInputSerializer().fields) == set(ActionForm.base_fields) - {"photos"}


def test_the_note_is_required_where_the_transition_says_so(world, make_request):
    from django.utils import translation

    item = bring_to(make_request(), Stage.HANDLING, world.users.district_admin)
    with translation.override("zh-hans"), pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(case=item, action="feedback", by=world.users.grid_worker, note="  ")
    assert refused.value.code == "note" and "处置" in refused.value.messages[0]
    assert Request.objects.get(pk=item.pk).stage == Stage.HANDLING


def test_a_rating_is_on_the_timeline_and_an_unsatisfied_one_is_redone(world, make_request):
    satisfied = bring_to(make_request(), Stage.CLOSED, world.users.district_admin)
    flow.transition(
        case=satisfied,
        action="rate",
        by=None,
        speed=5,
        result=5,
        service=4,
        feedback_quality=4,
        comment="很及时",
    )
    satisfied.refresh_from_db()
    assert satisfied.stage == Stage.CLOSED and satisfied.rating.satisfied
    last = satisfied.events.latest("id")
    assert (last.action, last.actor, last.public) == ("rate", None, False)
    with pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(
            case=satisfied, action="rate", by=None, speed=1, result=1, service=1, feedback_quality=1
        )
    assert refused.value.code == "guard"

    unsatisfied = bring_to(
        make_request(description="楼道里堆满杂物，影响通行"),
        Stage.CLOSED,
        world.users.district_admin,
    )
    flow.transition(
        case=unsatisfied,
        action="rate",
        by=None,
        speed=1,
        result=1,
        service=2,
        feedback_quality=2,
        comment="没解决",
    )
    unsatisfied.refresh_from_db()
    assert unsatisfied.stage == Stage.DISPATCHED and unsatisfied.redo_count == 1
    assert [e.action for e in unsatisfied.events.order_by("-id")[:2]] == ["redo", "rate"]
    assert "没解决" in unsatisfied.events.latest("id").staff_text


def test_staff_cannot_rate_and_scores_are_checked(world, make_request):
    item = bring_to(make_request(), Stage.CLOSED, world.users.district_admin)
    scores = {"speed": 5, "result": 5, "service": 5, "feedback_quality": 5}
    with pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(case=item, action="rate", by=world.users.district_admin, **scores)
    assert refused.value.code == "role"
    with pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(case=item, action="rate", by=None, **{**scores, "speed": 6})
    assert refused.value.code == "score"
    assert not item.events.filter(action="rate").exists()


def test_stage_groups_are_consistent():
    everything = set(Stage)
    assert set(Stage.OPEN) | set(Stage.TERMINAL) == everything
    assert not set(Stage.OPEN) & set(Stage.TERMINAL)
    assert set(Stage.CLOCK) <= set(Stage.OPEN) and set(Stage.WAITING) <= set(Stage.OPEN)
    assert Stage.PUBLIC_STEPS[0] == Stage.REPORTED and Stage.PUBLIC_STEPS[-1] == Stage.CLOSED
    assert set(Stage.NOTIFY_RESIDENT) <= everything - {Stage.REPORTED}
    # The stages a reply may be added in are the open ones.
    assert flow.TRANSITIONS["reply"].sources == Stage.OPEN
