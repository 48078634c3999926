"""A mail backend for the worker integration test: one file per e-mail sent, named after the
outbox row (X-RedGrid-Notification header). With REDGRID_SINK_HANG_AT=n the worker hangs while
sending its n-th message (before it is sent), so the test can kill it mid-batch."""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class FileSinkEmailBackend(BaseEmailBackend):
    sent_in_process = 0

    def send_messages(self, email_messages):
        sink = Path(settings.REDGRID_SINK_DIR)
        hang_at = int(os.environ.get("REDGRID_SINK_HANG_AT", "0"))
        for message in email_messages:
            FileSinkEmailBackend.sent_in_process += 1
            if hang_at and FileSinkEmailBackend.sent_in_process == hang_at:
                (sink / "hanging").touch()
                time.sleep(60)  # killed here by the test
            time.sleep(0.01)
            name = f"{message.extra_headers['X-RedGrid-Notification']}-{uuid.uuid4().hex}.eml"
            (sink / name).write_bytes(message.message().as_bytes())
        return len(email_messages)
