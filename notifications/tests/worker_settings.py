"""Settings for the real Celery worker started by test_worker.py (not for anything else): the
test settings with a real broker and a file sink that records every e-mail sent."""

import os

from redgrid.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "notifications.tests.sink.FileSinkEmailBackend"
REDGRID_SINK_DIR = os.environ["REDGRID_SINK_DIR"]
REDGRID_NOTIFICATIONS_LEASE_SECONDS = 2
REDGRID_NOTIFICATIONS_BATCH_SIZE = 10
REDGRID_NOTIFICATIONS_QUIET_HOURS = ("00:00", "00:00")  # no quiet hours: the test may run at night
