"""Seed the monthly schedule of care's retention task (editable afterwards in the admin):
households whose pairing ended longer ago than REDGRID_CARE_RETENTION_DAYS are anonymised on
the 1st of each month at 03:30, Asia/Shanghai (after the 02:00 monthly reports)."""

from django.db import migrations

NAME = "Anonymise households of expired pairings"
TASK = "care.tasks.anonymise_expired_pairings"
CRONTAB = {"minute": "30", "hour": "3", "day_of_month": "1", "month_of_year": "*",
           "day_of_week": "*", "timezone": "Asia/Shanghai"}


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(**CRONTAB)
    # get_or_create by name: an operator's later edits in the admin are never overwritten.
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": crontab, "enabled": True,
                             "description": "PIPL retention: care.conf.retention_days"})


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_seed_beat_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
