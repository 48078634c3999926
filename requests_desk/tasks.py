"""Celery tasks of the requests desk (thin: each calls a service)."""

from celery import shared_task


@shared_task(acks_late=True)
def monthly_figures_rebuild(months=None) -> int:
    """The safety net of the per-(area, month) request summary (requests_desk.monthly): recompute
    it from the requests (beat: nightly at 04:10 Asia/Shanghai; every month unless `months`, a
    list of "YYYY-MM" or ISO dates, is given). Returns the number of rows written."""
    import datetime

    from requests_desk.monthly import monthly_figures_rebuild as rebuild

    if months is not None:
        months = [datetime.date.fromisoformat(m if len(m) > 7 else f"{m}-01") for m in months]
    return rebuild(months=months)


@shared_task(ignore_result=True)
def mine_code_send(phone: str, text: str) -> None:
    """Send a "my requests" code (requests_desk.mine): off the request path, so the page takes
    as long for a phone with requests as for one without. Not retried: a code is short-lived and
    the resident can ask again."""
    from requests_desk.mine import code_send

    code_send(phone=phone, text=text)
