from celery import shared_task
from django.utils import timezone

from care.services import pairings_anonymise_expired


@shared_task
def anonymise_expired_pairings() -> int:
    """Retention: anonymise households whose pairing ended longer ago than the retention period
    (REDGRID_CARE_RETENTION_DAYS). Scheduled periodically by the notifications/beat set-up."""
    return pairings_anonymise_expired(today=timezone.localdate())
