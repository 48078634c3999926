"""Rename Need to HouseholdNeed: the table is renamed in place (rows kept), the content type follows
(django.contrib.contenttypes renames it after RenameModel), and so do the model permissions, so a
permission granted to a user or group in the database keeps working under its new codename."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def _rename_permissions(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    types = ContentType.objects.filter(app_label="care", model__in=(old, new))
    for action in ACTIONS:
        if Permission.objects.filter(content_type__in=types, codename=f"{action}_{new}").exists():
            continue
        Permission.objects.filter(content_type__in=types, codename=f"{action}_{old}").update(
            codename=f"{action}_{new}"
        )


def forwards(apps, schema_editor):
    _rename_permissions(apps, "need", "householdneed")


def backwards(apps, schema_editor):
    _rename_permissions(apps, "householdneed", "need")


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0004_period_indexes"),
        ("requests_desk", "0003_monthly_figures"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameModel(old_name="Need", new_name="HouseholdNeed"),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
