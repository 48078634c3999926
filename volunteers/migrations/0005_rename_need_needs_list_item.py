"""Rename Need to NeedsListItem: the table is renamed in place (rows kept), the content type follows
(django.contrib.contenttypes renames it after RenameModel), and so do the model permissions, so a
permission granted to a user or group in the database keeps working under its new codename."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def _rename_permissions(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    types = ContentType.objects.filter(app_label="volunteers", model__in=(old, new))
    for action in ACTIONS:
        if Permission.objects.filter(content_type__in=types, codename=f"{action}_{new}").exists():
            continue
        Permission.objects.filter(content_type__in=types, codename=f"{action}_{old}").update(
            codename=f"{action}_{new}"
        )


def forwards(apps, schema_editor):
    _rename_permissions(apps, "need", "needslistitem")


def backwards(apps, schema_editor):
    _rename_permissions(apps, "needslistitem", "need")


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0003_household_count_label"),
        ("party_branches", "0002_place"),
        ("volunteers", "0004_registration_member_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameModel(old_name="Need", new_name="NeedsListItem"),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
