"""Demo requests: ~3,000 over the last 12 months across every area grid, with a realistic stage mix
and timelines; 光明社区第一网格 (the demo grid head's grid) gets open cases waiting for the grid
head, some nearly due, some overdue, and closed ones with ratings. Bulk inserts; grids are found
with grids.locate.locate_many. Idempotent: does nothing when requests exist."""

import datetime
import random
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from accounts.models import User
from demo.people import chinese_name, mobile_number
from grids.locate import GridIndex, locate_many
from grids.models import AreaGrid
from requests_desk import texts
from requests_desk.models import (
    Category,
    Department,
    Rating,
    Request,
    RequestEvent,
    Stage,
)
from requests_desk.monthly import monthly_figures_rebuild
from requests_desk.worktime import WorkCalendar

TOTAL = 3000
PLACES = [
    "小区东门",
    "小区北门",
    "菜市场旁",
    "公交站旁",
    "工业园区路口",
    "学校门口",
    "城中村巷道",
    "公园入口",
    "地铁站出口",
    "商业街",
]
ROADS = [
    "光明大道",
    "华夏路",
    "东周路",
    "公明北环大道",
    "观光路",
    "光侨路",
    "龙大高速辅道",
    "松白路",
    "碧眼路",
    "河心路",
]
WHAT = {
    "E0101": "有人在楼顶加建铁皮房",
    "E0102": "违建铁皮房一直没拆",
    "E0103": "垃圾堆积好几天没人清理",
    "E0104": "有人偷倒建筑垃圾",
    "E0105": "路面很脏，落叶和垃圾很多",
    "E0106": "绿化带杂草丛生",
    "E0201": "户外广告牌松动有安全隐患",
    "E0202": "墙上贴满小广告",
    "E0301": "工地夜间施工噪音很大",
    "E0302": "工地扬尘严重",
    "E0401": "流动摊贩占道经营",
    "E0402": "车辆乱停堵住消防通道",
    "E0501": "下雨后路面积水很深",
    "E0502": "电线裸露有安全隐患",
    "E0601": "楼道灯坏了很久",
    "C0101": "井盖缺失，晚上很危险",
    "C0102": "路灯不亮",
    "C0103": "消防栓漏水",
    "C0201": "人行道地砖破损",
    "C0202": "交通标志被撞歪",
    "C0301": "垃圾桶破损",
    "C0302": "公厕洗手池坏了",
    "C0401": "行道树倒伏",
    "C0501": "老房子外墙开裂",
    "C0601": "健身器材损坏",
    "C0701": "电动车充电桩坏了",
}
SOURCES = [
    (Request.Source.RESIDENT_FORM, 45),
    (Request.Source.GRID_PATROL, 25),
    (Request.Source.HOTLINE, 18),
    (Request.Source.REGISTERED_MEMBER, 5),
    (Request.Source.REFERRAL, 4),
    (Request.Source.HOUSEHOLD_VISIT, 3),
]
REPLIES = [
    "已安排网格员到现场核实。",
    "已联系物业公司处理。",
    "已通知环卫班组清运。",
    "已转交职能部门处理，请耐心等待。",
]
FEEDBACK = [
    "已处理完毕，现场已恢复。",
    "已清运完毕并拍照留档。",
    "已更换损坏设施。",
    "已劝离并加强巡查。",
]


def _points_in(grid_rows, count, rng, index):
    """Random points, each located by locate_many (a point may land in a neighbouring grid)."""
    picks = [rng.choice(grid_rows) for _ in range(count * 2)]
    lonlats = []
    for grid in picks:
        x0, y0, x1, y1 = grid["extent"]
        lonlats.append((rng.uniform(x0, x1), rng.uniform(y0, y1)))
    grid_ids = locate_many(lonlats, index=index)
    return [(p, g) for p, g in zip(lonlats, grid_ids, strict=True) if g is not None][:count]


def _stage_for(age_days, rng):
    if age_days > 30:
        return rng.choices(
            [Stage.CLOSED, Stage.CANCELLED, Stage.CARRIED_OVER, Stage.HANDLING], [88, 7, 3, 2]
        )[0]
    if age_days > 7:
        return rng.choices(
            [
                Stage.CLOSED,
                Stage.CANCELLED,
                Stage.VERIFIED,
                Stage.FEEDBACK,
                Stage.HANDLING,
                Stage.DISPATCHED,
            ],
            [60, 6, 6, 8, 12, 8],
        )[0]
    return rng.choices(
        [
            Stage.REPORTED,
            Stage.ACCEPTED,
            Stage.FILED,
            Stage.DISPATCHED,
            Stage.HANDLING,
            Stage.FEEDBACK,
            Stage.CLOSED,
        ],
        [15, 12, 10, 20, 20, 8, 15],
    )[0]


class _Builder:
    def __init__(self, rng, calendar, now, categories, departments, grids, workers):
        self.rng, self.calendar, self.now = rng, calendar, now
        self.categories, self.departments = categories, departments
        self.grids, self.workers = grids, workers
        self.requests, self.events, self.ratings = [], [], []

    def add(self, lonlat, grid_id, created, stage, *, category=None, due_shift=None, rated=None):
        rng = self.rng
        category = category or rng.choice(self.categories)
        grid = self.grids[grid_id]
        item = Request(
            source=rng.choices([s for s, _w in SOURCES], [w for _s, w in SOURCES])[0],
            category=category,
            description=f"{rng.choice(ROADS)}{rng.choice(PLACES)}"
            f"{WHAT.get(category.code, '有问题需要处理')}",
            location=Point(*lonlat, srid=4326),
            address=f"{rng.choice(ROADS)}{rng.randint(1, 399)}号",
            street_id=grid["street_id"],
            community_id=grid["community_id"],
            grid_id=grid_id,
            stage=stage,
            created_at=created,
        )
        if item.source == Request.Source.RESIDENT_FORM and rng.random() < 0.6:
            surname, given = chinese_name(rng)
            item.reporter_name = surname + given
            item.reporter_phone = mobile_number(rng)
            item.consent = True
        events = [("report", "", Stage.REPORTED, created, "", True)]
        t = created
        # A demo case walks the resident's steps in order up to its stage.
        steps_in_order = Stage.PUBLIC_STEPS
        target_index = steps_in_order.index(stage) if stage in steps_in_order else None
        if stage == Stage.CANCELLED:
            t += datetime.timedelta(hours=rng.uniform(0.5, 6))
            item.cancel_reason = rng.choice(["重复上报", "不属于受理范围", "现场核实无此问题"])
            events.append(("cancel", Stage.REPORTED, Stage.CANCELLED, t, item.cancel_reason, True))
        steps = (
            steps_in_order[1 : target_index + 1]
            if target_index is not None
            else steps_in_order[1:5]
            if stage == Stage.CARRIED_OVER
            else []
        )
        previous = Stage.REPORTED
        for step in steps:
            t += datetime.timedelta(hours=rng.uniform(0.3, 5))
            t = min(t, self.now - datetime.timedelta(minutes=5))
            note, public = "", False
            if step == Stage.ACCEPTED:
                item.accepted_at = t
            elif step == Stage.FILED:
                item.filed_at = t
            elif step == Stage.DISPATCHED:
                item.dispatched_at = t
                item.due_at = self.calendar.add_limit(t, category.limit_amount, category.limit_unit)
                if due_shift is not None:
                    item.due_at = self.now + due_shift
                item.contact_due_at = t + datetime.timedelta(hours=24)
                if grid_id in self.workers and (category.kind == "event" or rng.random() < 0.3):
                    item.target, item.assignee_id = (
                        Request.Target.GRID_WORKER,
                        self.workers[grid_id],
                    )
                elif category.default_department_id:
                    item.target, item.department_id = (
                        Request.Target.DEPARTMENT,
                        category.default_department_id,
                    )
                else:
                    item.target = Request.Target.COMMUNITY
                note, public = rng.choice(REPLIES), True
            elif step == Stage.HANDLING:
                if rng.random() < 0.85:
                    item.contacted_at = t + datetime.timedelta(hours=rng.uniform(0.2, 20))
                    item.contacted_at = min(item.contacted_at, self.now)
            elif step == Stage.FEEDBACK:
                # Most are handled in time; some late.
                limit_hours = (item.due_at - item.dispatched_at).total_seconds() / 3600
                t = item.dispatched_at + datetime.timedelta(
                    hours=limit_hours * rng.choice([0.3, 0.5, 0.8, 0.9, 1.4])
                )
                t = min(t, self.now - datetime.timedelta(minutes=3))
                item.handled_at = t
                note, public = rng.choice(FEEDBACK), True
            elif step == Stage.VERIFIED:
                note = "网格员现场核查，问题已解决。"
            elif step == Stage.CLOSED:
                item.closed_at = t
                item.closure_type = (
                    Request.ClosureType.OVERDUE
                    if item.handled_at > item.due_at
                    else Request.ClosureType.NORMAL
                )
                public = True
            action = {
                Stage.ACCEPTED: "accept",
                Stage.FILED: "file",
                Stage.DISPATCHED: "dispatch",
                Stage.HANDLING: "start",
                Stage.FEEDBACK: "feedback",
                Stage.VERIFIED: "verify",
                Stage.CLOSED: "close",
            }[step]
            events.append((action, previous, step, t, note, public))
            previous = step
        if stage == Stage.CARRIED_OVER:
            t += datetime.timedelta(hours=rng.uniform(24, 200))
            t = min(t, self.now - datetime.timedelta(minutes=1))
            events.append(
                ("carry_over", previous, Stage.CARRIED_OVER, t, "涉及多个部门，需统筹解决。", True)
            )
        if item.handled_at and rng.random() < 0.06:
            item.rework_count = 1
        if item.due_at and rng.random() < 0.05:
            item.extension_count = 1
        self.requests.append(item)
        self.events.append(events)
        if stage == Stage.CLOSED and (rated if rated is not None else rng.random() < 0.55):
            scores = [rng.choices([5, 4, 3], [55, 30, 15])[0] for _ in range(4)]
            self.ratings.append((len(self.requests) - 1, scores, t))


def load_demo(*, rng: random.Random, seed: int, stdout) -> None:
    if Request.objects.exists():
        stdout.write("  requests already present, skipped")
        return
    categories = list(Category.objects.filter(parent__isnull=False, active=True))
    if not categories or not AreaGrid.objects.exists():
        stdout.write("  no categories or grids, skipped")
        return
    now = timezone.now()
    calendar = WorkCalendar.load(timezone.localdate() - datetime.timedelta(days=400), days=800)
    grid_rows = []
    grids = {}
    for grid in AreaGrid.objects.current().select_related("community").order_by("code"):
        row = {
            "id": grid.id,
            "code": grid.code,
            "community_id": grid.community_id,
            "street_id": grid.community.street_id,
            "extent": grid.boundary.extent,
        }
        grid_rows.append(row)
        grids[grid.id] = row
    first_grid = grid_rows[0]
    workers = dict(
        User.objects.filter(role="grid_worker", grid__isnull=False).values_list("grid_id", "id")
    )
    departments = list(Department.objects.all())
    builder = _Builder(rng, calendar, now, categories, departments, grids, workers)
    index = GridIndex()
    for lonlat, grid_id in _points_in(grid_rows, TOTAL, rng, index):
        age = rng.random() ** 1.3 * 365
        created = now - datetime.timedelta(days=age, hours=rng.uniform(0, 3))
        builder.add(lonlat, grid_id, created, _stage_for(age, rng))
    # The demo grid head's grid: open cases waiting, nearly due, overdue; closed and rated.
    own = _points_in([first_grid], 40, rng, index)
    own = [(p, g) for p, g in own if g == first_grid["id"]][:24]
    plan = (
        [(Stage.REPORTED, None)] * 4
        + [(Stage.ACCEPTED, None)] * 2
        + [(Stage.FILED, None)] * 3
        + [(Stage.DISPATCHED, datetime.timedelta(hours=2))] * 2
        + [(Stage.HANDLING, datetime.timedelta(hours=3))] * 2
        + [(Stage.HANDLING, -datetime.timedelta(hours=20))] * 2
        + [(Stage.DISPATCHED, -datetime.timedelta(hours=5))]
        + [(Stage.FEEDBACK, None)]
        + [(Stage.CLOSED, None)] * 7
    )
    for (lonlat, grid_id), (stage, shift) in zip(own, plan, strict=False):
        hours = (
            rng.uniform(30, 90)
            if shift is not None and shift.total_seconds() < 0
            else rng.uniform(1, 40)
            if stage != Stage.CLOSED
            else rng.uniform(100, 900)
        )
        builder.add(
            lonlat,
            grid_id,
            now - datetime.timedelta(hours=hours),
            stage,
            due_shift=shift,
            rated=True if stage == Stage.CLOSED else None,
        )
    heads = dict(
        User.objects.filter(role="grid_head", grid__isnull=False).values_list("grid_id", "id")
    )
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[*workers.values(), *heads.values()])}
    with transaction.atomic():
        created = Request.objects.bulk_create(builder.requests, batch_size=500)
        # Whom each dispatched case went to (texts.dispatch_params reads these): a query per
        # relation for all the cases, not one per case.
        dispatched = [item for item in created if item.target]
        prefetch_related_objects(
            dispatched, "grid", "community", "street", "department", "assignee"
        )
        events = []
        for item, rows in zip(created, builder.events, strict=True):
            worker, head = workers.get(item.grid_id), heads.get(item.grid_id)
            for action, source, target, when, note, public in rows:
                # Who did it: the resident reports; the grid worker handles; the grid head (or
                # the community, with no head) accepts, files, dispatches, verifies and closes —
                # never the one who handled it (separation of duties).
                actor = None
                if action in ("start", "feedback"):
                    actor = item.assignee_id or worker
                elif action != "report":
                    actor = head if head != (item.assignee_id or worker) else None
                message = {}
                if action == "report":
                    message = texts.REPORTED.store(source=item.source)
                elif action == "dispatch":
                    message = texts.DISPATCHED.store(**texts.dispatch_params(item))
                events.append(
                    RequestEvent(
                        request=item,
                        action=action,
                        from_stage=source,
                        to_stage=target,
                        actor_id=actor,
                        actor_label=names.get(actor, "" if action == "report" else "社区工作人员"),
                        message=message,
                        note=note,
                        public=public,
                        created_at=when,
                    )
                )
        RequestEvent.objects.bulk_create(events, batch_size=2000)
        ratings = []
        for position, scores, when in builder.ratings:
            overall = sum(scores) / 4
            ratings.append(
                Rating(
                    request=created[position],
                    speed=scores[0],
                    result=scores[1],
                    service=scores[2],
                    feedback_quality=scores[3],
                    overall=Decimal(str(round(overall, 2))),
                    satisfied=True,
                    comment=rng.choice(["", "处理及时，点赞", "网格员态度很好", "希望以后多巡查"]),
                    created_at=when + datetime.timedelta(hours=rng.uniform(1, 48)),
                )
            )
        Rating.objects.bulk_create(ratings, batch_size=1000)
        # Bulk inserts go around the services: fill the monthly summary from the requests.
        monthly_figures_rebuild()
    stdout.write(
        f"  {len(created)} requests, {len(events)} timeline entries, {len(ratings)} ratings"
    )
