"""The care tags of DOMAIN.md §1.5 with default visit frequencies (data; staff may edit them)."""

from django.db import migrations

TAGS = [
    # code, name, default visit frequency in days, details asked for
    ("mental_disorder", "精神障碍患者", 7, "风险等级"),
    ("elderly_alone", "独居老人", 30, ""),
    ("disability", "残疾人", 30, "残疾类别及等级"),
    ("left_behind_child", "留守儿童", 30, ""),
    ("low_income", "低保/低收入", 60, ""),
    ("other", "其他", 90, "情况说明"),
]


def forwards(apps, schema_editor):
    CareTag = apps.get_model("care", "CareTag")
    for order, (code, name, days, details) in enumerate(TAGS):
        CareTag.objects.get_or_create(code=code, defaults={
            "name": name, "default_frequency_days": days, "details_label": details,
            "ordering": order})


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
