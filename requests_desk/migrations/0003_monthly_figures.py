"""The per-(area, month) request summary (requests_desk.monthly): the table, filled from the
requests already there, and its nightly rebuild (the safety net) seeded as a beat schedule at
04:10 Asia/Shanghai (editable afterwards in the admin)."""

import django.db.models.deletion
from django.db import migrations, models

REBUILD_NAME = "Rebuild the monthly request figures"
REBUILD_TASK = "requests_desk.tasks.monthly_figures_rebuild"
CRONTAB = {"minute": "10", "hour": "4", "day_of_month": "*", "month_of_year": "*",
           "day_of_week": "*", "timezone": "Asia/Shanghai"}


def fill(apps, schema_editor):
    from requests_desk.monthly import monthly_figures_rebuild

    monthly_figures_rebuild(
        request_model=apps.get_model("requests_desk", "Request"),
        figures_model=apps.get_model("requests_desk", "MonthlyRequestFigures"),
    )


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(**CRONTAB)
    # get_or_create by name: an operator's later edits in the admin are never overwritten.
    PeriodicTask.objects.get_or_create(
        name=REBUILD_NAME, defaults={"task": REBUILD_TASK, "crontab": crontab, "enabled": True,
                                     "description": "requests_desk.monthly: safety net"})


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REBUILD_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('grids', '0003_household_count_label'),
        ('requests_desk', '0002_seed_categories'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        migrations.CreateModel(
            name='MonthlyRequestFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bucket', models.CharField(editable=False, max_length=64)),
                ('month', models.DateField(verbose_name='month')),
                ('reports', models.IntegerField(default=0)),
                ('accepted', models.IntegerField(default=0)),
                ('filed', models.IntegerField(default=0)),
                ('dispatched', models.IntegerField(default=0)),
                ('handled', models.IntegerField(default=0)),
                ('handled_on_time', models.IntegerField(default=0)),
                ('closed', models.IntegerField(default=0)),
                ('closed_on_time', models.IntegerField(default=0)),
                ('reworked', models.IntegerField(default=0)),
                ('extended', models.IntegerField(default=0)),
                ('self_handled', models.IntegerField(default=0)),
                ('rated', models.IntegerField(default=0)),
                ('satisfied', models.IntegerField(default=0)),
                ('satisfaction_sum', models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ('handling_count', models.IntegerField(default=0)),
                ('handling_microseconds', models.BigIntegerField(default=0)),
                ('closed_in_month', models.IntegerField(default=0)),
                ('community', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='grids.community', verbose_name='community')),
                ('grid', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='grids.areagrid', verbose_name='area grid')),
                ('street', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='grids.street', verbose_name='street')),
            ],
            options={
                'verbose_name': 'monthly request figures',
                'verbose_name_plural': 'monthly request figures',
                'db_table': 'requests_desk_monthlyfigures',
                'indexes': [models.Index(fields=['grid', 'month'], name='monthlyfigures_grid_idx'), models.Index(fields=['community', 'month'], name='monthlyfigures_community_idx'), models.Index(fields=['street', 'month'], name='monthlyfigures_street_idx'), models.Index(fields=['month'], name='monthlyfigures_month_idx')],
                'constraints': [models.UniqueConstraint(fields=('bucket', 'month'), name='monthlyfigures_bucket_month')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(seed, unseed),
    ]
