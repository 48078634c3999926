from celery import shared_task


@shared_task(acks_late=True)
def generate_reports(run_id: int):
    """Generate the reports of one run (queued from the UI or by the monthly beat task)."""
    from reports.services import report_run_execute

    return report_run_execute(run_id=run_id).status


@shared_task(acks_late=True)
def generate_previous_month():
    """Beat: on the 1st at 02:00 (Asia/Shanghai), generate last month's reports."""
    from core.periods import previous_month
    from reports.services import report_run_start

    run = report_run_start(period=previous_month())
    return run.pk
