import logging

from privacy.masking import mask_free_text


class MaskPersonalDataFilter(logging.Filter):
    """Masks phone and ID numbers in every log record, whatever code wrote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not stop logging
            return True
        masked = mask_free_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
