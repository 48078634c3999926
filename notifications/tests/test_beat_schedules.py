"""Beat schedules seeded by notifications' data migrations (editable in the admin)."""

import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def _seed(module):
    # Transactional tests elsewhere flush what a data migration wrote: run it again (it is
    # idempotent) and check what it writes.
    migration = importlib.import_module(f"notifications.migrations.{module}")
    migration.seed(apps, None)
    migration.seed(apps, None)
    return migration


def test_care_anonymisation_is_scheduled_monthly_in_shanghai_time():
    migration = _seed("0004_seed_care_anonymisation_schedule")
    (task,) = PeriodicTask.objects.filter(task="care.tasks.anonymise_expired_pairings")
    assert task.enabled and task.name == migration.NAME and task.interval is None
    crontab = task.crontab
    assert (
        crontab.minute,
        crontab.hour,
        crontab.day_of_month,
        crontab.month_of_year,
        crontab.day_of_week,
    ) == ("30", "3", "1", "*", "*")
    assert str(crontab.timezone) == "Asia/Shanghai"


def test_an_edited_schedule_is_kept_when_the_seed_runs_again():
    migration = _seed("0004_seed_care_anonymisation_schedule")
    PeriodicTask.objects.filter(name=migration.NAME).update(enabled=False)
    migration.seed(apps, None)
    assert not PeriodicTask.objects.get(name=migration.NAME).enabled


def test_the_scheduled_task_is_registered_with_celery():
    from redgrid.celery import app

    app.loader.import_default_modules()
    assert "care.tasks.anonymise_expired_pairings" in app.tasks


def test_the_schedule_is_editable_in_the_admin(admin_client):
    migration = _seed("0004_seed_care_anonymisation_schedule")
    task = PeriodicTask.objects.get(name=migration.NAME)
    page = admin_client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    assert page.status_code == 200
    assert "care.tasks.anonymise_expired_pairings" in page.content.decode()
