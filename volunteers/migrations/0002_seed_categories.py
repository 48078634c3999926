"""Seed the activity categories of the "Guangming Rainbow" action (DOMAIN.md §4). They are data:
staff may rename, reorder, add or deactivate categories in the admin."""

from django.db import migrations

CATEGORIES = [
    ("hazard_inspection", "隐患排查"),
    ("science_talk", "科普宣讲"),
    ("civility_drive", "文明创建"),
    ("epidemic_duty", "疫情防控值守"),
    ("elderly_care", "关爱长者"),
    ("business_support", "助企服务"),
    ("environment", "环境保护"),
    ("request_handling", "诉求办理"),
    ("other", "其他"),
]


def seed(apps, schema_editor):
    ActivityCategory = apps.get_model("volunteers", "ActivityCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        ActivityCategory.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    ActivityCategory = apps.get_model("volunteers", "ActivityCategory")
    ActivityCategory.objects.filter(code__in=[c for c, _ in CATEGORIES],
                                    activities__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
