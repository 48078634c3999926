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


@shared_task(ignore_result=True, acks_late=True)
def request_photos_finish(ids: list[int]) -> None:
    """Re-encode a new request's photos after its commit (requests_desk.uploads.photos_finish):
    the raw uploads are hidden until then."""
    from requests_desk.uploads import photos_finish

    photos_finish(ids)


@shared_task(ignore_result=True)
def request_photos_finish_stale() -> None:
    """The safety net (beat: every 5 minutes): photos still pending after a task that never ran
    (the broker was down when the request was saved)."""
    from requests_desk.uploads import photos_finish_stale

    photos_finish_stale()
