"""Celery tasks of the notifications app (thin: each calls a service)."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def deliver_pending():
    """Deliver due outbox rows (every minute from beat, and kicked after each commit)."""
    from notifications.delivery import deliver_pending as deliver

    return deliver()


@shared_task(acks_late=True)
def run_reminders(kinds=None):
    """Write every due reminder to the outbox once (beat: every 15 minutes)."""
    from notifications.services import reminders_run

    return reminders_run(kinds=kinds)
