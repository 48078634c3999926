"""Inbox messages written before system text was stored as kinds and parameters (core.texts):
those whose subject or body is one of this app's texts (in Chinese or English) get them, and are
then shown in the reader's language. Others stay as they were."""

from django.db import migrations

KINDS = ("patrols.place_not_visited", "patrols.place_not_visited_grid_head")


def forwards(apps, schema_editor):
    from patrols import texts
    from core.texts import TextKind, notifications_parse

    kinds = [value for value in vars(texts).values() if isinstance(value, TextKind)]
    notifications_parse(apps.get_model("notifications", "Notification"), KINDS, kinds)


class Migration(migrations.Migration):
    dependencies = [("patrols", "0004_alter_findingphoto_image"), ("notifications", "0005_system_text")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
