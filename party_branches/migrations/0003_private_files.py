"""Private files (core.files): meeting attachments and member-import sheets get random names and
are served only through the owners' rules; an import batch keeps the uploaded file's name as its
title (the sheet itself is deleted after the import). Seeds the hourly purge of the sheets of
imports left pending (party_branches.tasks.import_sheets_purge), editable in the admin."""

import posixpath

import core.fields
import core.uploads
from django.db import migrations, models


PURGE_NAME = "Delete member-import sheets left pending"
PURGE_TASK = "party_branches.tasks.import_sheets_purge"
CRONTAB = {"minute": "20", "hour": "*", "day_of_month": "*", "month_of_year": "*",
           "day_of_week": "*", "timezone": "Asia/Shanghai"}


def titles(apps, schema_editor):
    batches = apps.get_model("party_branches", "MemberImportBatch")
    for batch in batches.objects.exclude(file="").only("id", "file"):
        batches.objects.filter(pk=batch.pk).update(title=posixpath.basename(batch.file.name)[:200])


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(**CRONTAB)
    # get_or_create by name: an operator's later edits in the admin are never overwritten.
    PeriodicTask.objects.get_or_create(
        name=PURGE_NAME, defaults={"task": PURGE_TASK, "crontab": crontab, "enabled": True,
                                   "description": "party_branches.member_import.import_batches_purge"})


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PURGE_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('party_branches', '0002_place'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        migrations.AddField(
            model_name='memberimportbatch',
            name='title',
            field=models.CharField(blank=True, max_length=200, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='meetingattachment',
            name='file',
            field=core.fields.PrivateFileField(upload_to=core.uploads.RandomName('meetings'), verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='memberimportbatch',
            name='file',
            field=core.fields.PrivateFileField(blank=True, upload_to=core.uploads.RandomName('member-imports'), verbose_name='file'),
        ),
        migrations.RunPython(titles, migrations.RunPython.noop),
        migrations.RunPython(seed, unseed),
    ]
