"""SMS backends.

The interface (implement it for a real gateway and name the class in REDGRID_SMS_BACKEND):

    class MyGatewayBackend:
        def send(self, phone: str, text: str, *, message_id: str = "") -> None:
            ...  # raise any exception on failure: the outbox retries with backoff

`message_id` is unique per outbox row ("redgrid-<id>"); pass it to gateways that deduplicate on a
client message id. The default backend writes to the log with the number masked (development);
Alibaba Cloud and Tencent Cloud SMS are in notifications/sms_cloud.py.
"""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from privacy.masking import mask_phone

logger = logging.getLogger("redgrid.sms")


class ConsoleSmsBackend:
    def send(self, phone: str, text: str, *, message_id: str = "") -> None:
        logger.info("SMS %s to %s: %s", message_id, mask_phone(phone), text)


class LocmemSmsBackend:
    """Keeps sent messages in `LocmemSmsBackend.outbox` (tests)."""

    outbox: list[dict] = []

    def send(self, phone: str, text: str, *, message_id: str = "") -> None:
        self.outbox.append({"phone": phone, "text": text, "message_id": message_id})


@cache
def _backend_class(path: str):
    return import_string(path)


def sms_backend():
    return _backend_class(settings.REDGRID_SMS_BACKEND)()
