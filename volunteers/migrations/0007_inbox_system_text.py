"""Inbox messages written before system text was stored as kinds and parameters (core.texts):
those whose subject or body is one of this app's texts (in Chinese or English) get them, and are
then shown in the reader's language. Others stay as they were."""

from django.db import migrations

KINDS = ("volunteers.signup_tomorrow", "volunteers.registration_expiring", "volunteer_registration")


def forwards(apps, schema_editor):
    from volunteers import texts
    from core.texts import TextKind, notifications_parse

    kinds = [value for value in vars(texts).values() if isinstance(value, TextKind)]
    notifications_parse(apps.get_model("notifications", "Notification"), KINDS, kinds)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0006_name_en"), ("notifications", "0005_system_text")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
