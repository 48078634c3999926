"""Celery tasks of the Party organisations (thin: call a service)."""

from celery import shared_task

from party_branches.member_import import import_batches_purge


@shared_task
def import_sheets_purge() -> int:
    """Delete the member-import sheets left pending too long (hourly, Celery beat)."""
    return import_batches_purge()
