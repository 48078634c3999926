from celery import shared_task


@shared_task(acks_late=True)
def deliver_pending():
    """Deliver pending outbox rows (implemented by notifications.delivery)."""
    from notifications.delivery import deliver_pending_batch

    return deliver_pending_batch()
