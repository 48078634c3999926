"""Seed the facility and function lookup tables (data; staff may add more in the admin)."""

from django.db import migrations

FACILITIES = [
    # code, name (zh-hans, shown to residents), bookable room kind
    ("book_bar", "书吧", False),
    ("rest_room", "休息室", False),
    ("culture_station", "文化驿站", False),
    ("discussion_hall", "议事厅", True),
    ("meeting_room", "会议室", True),
    ("first_aid_kit", "急救箱", False),
    ("aed", "AED除颤仪", False),
    ("drinking_water", "饮水机", False),
    ("phone_charging", "手机充电", False),
    ("toilet", "卫生间", False),
    ("umbrella_sharing", "爱心雨伞", False),
    ("microwave", "微波炉", False),
    ("wifi", "无线网络", False),
    ("childrens_corner", "儿童阅读角", False),
]
FUNCTIONS = [
    ("political", "政治功能"),
    ("service", "服务功能"),
    ("cultural", "文化功能"),
    ("governance", "治理功能"),
]


def seed(apps, schema_editor):
    Facility = apps.get_model("service_points", "Facility")
    Function = apps.get_model("service_points", "Function")
    for order, (code, name, room) in enumerate(FACILITIES):
        Facility.objects.update_or_create(
            code=code, defaults={"name": name, "is_room_kind": room, "sort_order": order}
        )
    for order, (code, name) in enumerate(FUNCTIONS):
        Function.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("service_points", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
