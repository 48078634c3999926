"""An SMS backend for the soak runs: one line per send ("<message_id>\t<phone>") appended to the
file in settings.REDGRID_SOAK_SINK (O_APPEND writes of one line are atomic across processes)."""

import os

from django.conf import settings


class FileSmsBackend:
    def send(self, phone: str, text: str, *, message_id: str = "") -> None:
        line = f"{message_id}\t{phone}\n".encode()
        fd = os.open(settings.REDGRID_SOAK_SINK, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
