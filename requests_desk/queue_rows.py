"""The staff queue's table rows (requests_desk/queue.html) built in Python.

Fifty rows through the template engine cost most of the page (issue 17): per row a `{% url %}`,
two `date` filters, up to six `{% translate %}` badges, the stage and source labels, about thirty
variable lookups. Here each translation, label and URL prefix is looked up once per page and a
row is one f-string. The HTML is the same, byte for byte, as the template loop it replaces
(requests_desk/tests/test_queue_rows.py renders every kind of row both ways, in both languages).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext

from core.bounded import Bounded
from core.links import url_maker
from requests_desk.models import Request, Stage

if TYPE_CHECKING:
    import datetime
    from collections.abc import Iterable

    from requests_desk.selectors import QueueRow

# Stages whose requests the bulk dispatch may pick.
PICKABLE = frozenset({Stage.FILED, Stage.DISPATCHED, Stage.HANDLING})
OPEN = frozenset(Stage.OPEN)


def _local(value: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    return value.astimezone(zone) if timezone.is_aware(value) else value


# Each row's HTML, per process, under a key of everything it shows: the page's language, time
# zone, URL prefix and check box column, and the row itself (its columns, names and flags). A row
# whose case moved on, was renamed or came due is another key; emptied when full.
_ROW_HTML = Bounded(5_000)


def rows_html(rows: Iterable[QueueRow], *, pick: bool) -> str:
    """The <tr> of each row (with the bulk dispatch's checkbox column when `pick`), as the
    template's `{% for row in page.rows %}` loop rendered them, escaped; "" for no rows."""
    rows = list(rows)
    if not rows:
        return ""
    zone = timezone.get_current_timezone()
    page = (get_language(), str(zone), pick, get_script_prefix(), get_resolver(get_urlconf()))
    found = []
    for row in rows:
        html = _ROW_HTML.get((page, row))
        if html is None:
            break
        found.append(html)
    else:
        return "".join(found)
    built = _built(rows, pick=pick, zone=zone)
    _ROW_HTML.room(len(rows))
    for row, html in zip(rows, built, strict=True):
        _ROW_HTML[(page, row)] = html
    return "".join(built)


def _built(rows: list[QueueRow], *, pick: bool, zone: datetime.tzinfo) -> list[str]:
    """Each row's HTML, built."""
    english = (get_language() or "").startswith("en")
    stages = {value: escape(str(label)) for value, label in Stage.choices}
    sources = {value: escape(str(label)) for value, label in Request.Source.choices}
    case_url = url_maker("requests_desk:case")
    place_url = url_maker("requests_desk:act", "place")
    select = escape(gettext("Select"))
    # Translated outside the f-strings: xgettext does not see a gettext() inside one.
    words = {
        "extension": escape(gettext("extension requested")),
        "reopening": escape(gettext("reopening requested")),
        "due": escape(gettext("Due")),
        "separator": escape(pgettext("label separator", ": ")),
        "no_deadline": escape(gettext("no deadline yet")),
        "overdue": escape(gettext("overdue")),
        "nearly_due": escape(gettext("nearly due")),
        "calendar_missing": escape(gettext("calendar missing")),
        "calendar_title": escape(
            gettext(
                "The deadline falls past the holiday calendar: every weekday was counted as a "
                "working day."
            )
        ),
    }
    to_place = escape(gettext("to place"))
    extension = f' <span class="badge warn">{words["extension"]}</span>'
    reopening = f' <span class="badge warn">{words["reopening"]}</span>'
    due_label = f'<span class="rq-card-label">{words["due"]}{words["separator"]}</span>'
    no_deadline = f'<span class="help">{words["no_deadline"]}</span>'
    overdue = f' <span class="badge bad">{words["overdue"]}</span>'
    nearly_due = f' <span class="badge warn">{words["nearly_due"]}</span>'
    calendar_missing = (
        f' <span class="badge warn" title="{words["calendar_title"]}"'
        f' data-testid="calendar-missing">{words["calendar_missing"]}</span>'
    )
    parts = []
    for row in rows:
        code = escape(row.code)
        stage = row.stage
        if pick:
            box = (
                f'<input type="checkbox" name="codes" value="{code}" aria-label="{select} {code}">'
                if stage in PICKABLE
                else ""
            )
            pick_cell = f'<td class="rq-pick">{box}</td>'
        else:
            pick_cell = ""
        category = row.category_name_en if english and row.category_name_en else row.category_name
        badges = ""
        if row.extension_requested_until:
            badges += extension
        if row.reopen_requested_at:
            badges += reopening
        if not row.grid_id and stage in OPEN:
            badges += (
                f' <a class="badge warn" href="{escape(place_url(row.code))}" '
                f'data-testid="to-place">{to_place}</a>'
            )
        if row.due_at:
            due = _local(row.due_at, zone)
            due_cell = (
                f'<time datetime="{due.isoformat()}">'
                f"{due.month:02d}-{due.day:02d} {due.hour:02d}:{due.minute:02d}</time>"
            )
        else:
            due_cell = no_deadline
        if row.flag_overdue:
            due_cell += overdue
        elif row.flag_nearly_due:
            due_cell += nearly_due
        if row.flag_calendar_missing:
            due_cell += calendar_missing
        created = _local(row.created_at, zone)
        stage_text = escape(stage)
        parts.append(
            f'\n  <tr class="rq-card" data-code="{code}" data-stage="{stage_text}">\n'
            f"    {pick_cell}\n"
            f'    <td class="rq-code-cell"><a href="{escape(case_url(row.code))}">'
            f"{code}</a></td>\n"
            f'    <td class="rq-category">{escape(category)}</td>\n'
            f'    <td class="rq-where">{escape(row.grid_name or row.community_name or "")}</td>\n'
            f'    <td class="rq-stage"><span class="badge stage-{stage_text}">'
            f"{stages.get(stage, stage_text)}</span>{badges}</td>\n"
            f'    <td class="rq-due">{due_label}{due_cell}</td>\n'
            f'    <td class="rq-reported">{created.year:04d}-{created.month:02d}-'
            f"{created.day:02d} {created.hour:02d}:{created.minute:02d}</td>\n"
            f'    <td class="rq-source">{sources.get(row.source, escape(row.source))}</td>\n'
            "  </tr>\n  "
        )
    return parts
