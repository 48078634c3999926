"""Seed the categories and time limits of DOMAIN.md §3, the usual functional departments and the
national holiday calendar for 2025–2026. All of it is data: staff change it in the admin."""

import datetime

from django.db import migrations

H, D = "hours", "days"
# (kind, top code, top name, [(sub code, sub name, limit, unit, department)])
CATEGORIES = [
    ("event", "E01", "市容环境", [
        ("E0101", "违法建设（制止）", 4, H, "城市管理和综合执法局"),
        ("E0102", "违法建设（拆除）", 20, D, "城市管理和综合执法局"),
        ("E0103", "暴露垃圾", 4, H, ""),
        ("E0104", "建筑垃圾", 1, D, "城市管理和综合执法局"),
        ("E0105", "道路清扫", 2, H, ""),
        ("E0106", "绿地养护", 3, D, ""),
    ]),
    ("event", "E02", "宣传广告", [
        ("E0201", "违规户外广告", 2, D, "城市管理和综合执法局"),
        ("E0202", "非法小广告", 4, H, ""),
    ]),
    ("event", "E03", "施工管理", [
        ("E0301", "施工扰民", 4, H, "住房和建设局"),
        ("E0302", "工地扬尘", 4, H, "住房和建设局"),
    ]),
    ("event", "E04", "街面秩序", [
        ("E0401", "占道经营", 2, H, ""),
        ("E0402", "车辆乱停放", 2, H, "交通运输局"),
    ]),
    ("event", "E05", "突发事件", [
        ("E0501", "道路积水", 2, H, "水务局"),
        ("E0502", "安全隐患", 2, H, "应急管理局"),
    ]),
    ("event", "E06", "其他事件", [
        ("E0601", "其他事件", 5, D, ""),
    ]),
    ("component", "C01", "公用设施", [
        ("C0101", "井盖破损或缺失", 4, H, "水务局"),
        ("C0102", "路灯不亮", 2, D, "城市管理和综合执法局"),
        ("C0103", "消防栓损坏", 1, D, "应急管理局"),
    ]),
    ("component", "C02", "道路交通", [
        ("C0201", "道路破损", 3, D, "交通运输局"),
        ("C0202", "交通标志损坏", 2, D, "交通运输局"),
    ]),
    ("component", "C03", "市容环卫设施", [
        ("C0301", "垃圾桶破损", 2, D, "城市管理和综合执法局"),
        ("C0302", "公厕设施损坏", 1, D, "城市管理和综合执法局"),
    ]),
    ("component", "C04", "园林绿化", [
        ("C0401", "行道树倒伏或缺失", 3, D, "城市管理和综合执法局"),
    ]),
    ("component", "C05", "房屋土地", [
        ("C0501", "危房隐患", 1, D, "住房和建设局"),
    ]),
    ("component", "C06", "其他设施", [
        ("C0601", "其他设施", 5, D, ""),
    ]),
    ("component", "C07", "扩展部件", [
        ("C0701", "充电设施损坏", 5, D, ""),
    ]),
]
# An example of extra questions (Open311 attributes).
ATTRIBUTES = {
    "C0101": [{"code": "cover_state", "description": "井盖状态", "datatype": "singlevaluelist",
               "required": True, "values": [{"key": "missing", "name": "缺失"},
                                            {"key": "broken", "name": "破损"},
                                            {"key": "loose", "name": "松动"}]}],
    "E0402": [{"code": "plate", "description": "车牌号（如可见）", "datatype": "string",
               "required": False}],
}
HOLIDAYS_OFF = [
    ("2025-01-01", "元旦"), ("2025-01-28", "春节"), ("2025-01-29", "春节"), ("2025-01-30", "春节"),
    ("2025-01-31", "春节"), ("2025-02-03", "春节"), ("2025-02-04", "春节"), ("2025-04-04", "清明节"),
    ("2025-05-01", "劳动节"), ("2025-05-02", "劳动节"), ("2025-05-05", "劳动节"),
    ("2025-06-02", "端午节"), ("2025-10-01", "国庆节、中秋节"), ("2025-10-02", "国庆节、中秋节"),
    ("2025-10-03", "国庆节、中秋节"), ("2025-10-06", "国庆节、中秋节"), ("2025-10-07", "国庆节、中秋节"),
    ("2025-10-08", "国庆节、中秋节"),
    ("2026-01-01", "元旦"), ("2026-01-02", "元旦"), ("2026-02-16", "春节"), ("2026-02-17", "春节"),
    ("2026-02-18", "春节"), ("2026-02-19", "春节"), ("2026-02-20", "春节"), ("2026-02-23", "春节"),
    ("2026-04-06", "清明节"), ("2026-05-01", "劳动节"), ("2026-05-04", "劳动节"),
    ("2026-05-05", "劳动节"), ("2026-06-19", "端午节"), ("2026-09-25", "中秋节"),
    ("2026-10-01", "国庆节"), ("2026-10-02", "国庆节"), ("2026-10-05", "国庆节"),
    ("2026-10-06", "国庆节"), ("2026-10-07", "国庆节"),
]
HOLIDAYS_WORK = [
    ("2025-01-26", "春节调休"), ("2025-02-08", "春节调休"), ("2025-04-27", "劳动节调休"),
    ("2025-09-28", "国庆节调休"), ("2025-10-11", "国庆节调休"),
    ("2026-01-04", "元旦调休"), ("2026-02-14", "春节调休"), ("2026-02-28", "春节调休"),
    ("2026-05-09", "劳动节调休"), ("2026-09-20", "国庆节调休"), ("2026-10-10", "国庆节调休"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("requests_desk", "Category")
    Department = apps.get_model("requests_desk", "Department")
    Holiday = apps.get_model("requests_desk", "Holiday")
    departments = {}
    for _kind, _code, _name, subs in CATEGORIES:
        for sub in subs:
            if sub[4] and sub[4] not in departments:
                departments[sub[4]], _ = Department.objects.get_or_create(name=sub[4])
    for name in ("生态环境局", "市场监督管理局", "卫生健康局"):
        Department.objects.get_or_create(name=name)
    for order, (kind, code, name, subs) in enumerate(CATEGORIES):
        top, _ = Category.objects.get_or_create(code=code, defaults={
            "kind": kind, "name": name, "order": order})
        for sub_order, (sub_code, sub_name, amount, unit, department) in enumerate(subs):
            Category.objects.get_or_create(code=sub_code, defaults={
                "kind": kind, "parent": top, "name": sub_name, "limit_amount": amount,
                "limit_unit": unit, "order": sub_order,
                "default_department": departments.get(department),
                "attributes": ATTRIBUTES.get(sub_code, [])})
    for rows, kind in ((HOLIDAYS_OFF, "off"), (HOLIDAYS_WORK, "workday")):
        for date, name in rows:
            Holiday.objects.get_or_create(date=datetime.date.fromisoformat(date),
                                          defaults={"kind": kind, "name": name})


class Migration(migrations.Migration):
    dependencies = [("requests_desk", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
