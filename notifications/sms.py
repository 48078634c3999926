"""SMS backends. A backend is a class with `send(phone: str, text: str) -> None` that raises on
failure; REDGRID_SMS_BACKEND names it. The default writes to the log with the number masked."""

import logging

from privacy.masking import mask_phone

logger = logging.getLogger("redgrid.sms")


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)
