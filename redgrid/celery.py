"""The one Celery app. Apps put their tasks in <app>/tasks.py; beat schedules live in the database
(django-celery-beat), seeded by data migrations and editable in the admin."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redgrid.settings")

app = Celery("redgrid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
