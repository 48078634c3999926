"""Existing rows into the shape of 0004 (core.texts: system text as a kind and its parameters).

* Timeline entries: the "Reported through: …" note becomes the REPORTED kind with the request's
  source code; the resident's actor label ("居民" / "resident") becomes empty (shown as "resident"
  in the reader's language); a first line of a note that is one of the desk's system texts, in
  Chinese or English (a dispatch, a new deadline, a rating, a merge, an unsatisfied rating), becomes
  that kind and its parameters, and the rest stays the typed note.
* Inbox messages about cases (the kinds the requests desk writes): subject and body that are one
  of its texts get their kind and parameters in Notification.message; the text as sent stays.
* Cases dispatched to a grid head were recorded as dispatched to a grid worker: their target
  becomes "grid_head".

It reads the kinds from requests_desk/texts.py (their parse() knows every site language). Rows it
cannot read stay as they were and are shown as stored.
"""

from django.db import migrations
from django.db.models import Q

BATCH = 1000
RESIDENT_LABELS = ("居民", "resident")
REQUEST_KINDS = (
    "request_stage",
    "request_dispatched",
    "request_new",
    "requests.nearly_due",
    "requests.overdue",
    "requests.overdue_grid_head",
    "requests.overdue_community",
    "requests.contact_overdue",
)


def _events(apps, schema_editor):
    from core.texts import parse
    from requests_desk import texts

    RequestEvent = apps.get_model("requests_desk", "RequestEvent")
    rows = (
        RequestEvent.objects.filter(message={})
        .filter(~Q(note="") | Q(actor__isnull=True, actor_label__in=RESIDENT_LABELS))
        .select_related("request")
        .only("id", "action", "note", "actor_id", "actor_label", "message", "request__source")
        .order_by("id")
    )
    changed = []
    for event in rows.iterator(chunk_size=BATCH):
        touched = False
        if event.actor_id is None and event.actor_label in RESIDENT_LABELS:
            event.actor_label = ""
            touched = True
        first, _sep, rest = event.note.partition("\n")
        if event.action == "report" and texts.REPORTED.parse(first) is not None:
            event.message = texts.REPORTED.store(source=event.request.source)
            event.note = rest
            touched = True
        elif first:
            found = parse(first, texts.TIMELINE)
            if found is not None:
                event.message, event.note = found, rest
                touched = True
        if touched:
            changed.append(event)
        if len(changed) >= BATCH:
            RequestEvent.objects.bulk_update(changed, ["actor_label", "message", "note"])
            changed = []
    if changed:
        RequestEvent.objects.bulk_update(changed, ["actor_label", "message", "note"])


def _inbox(apps, schema_editor):
    from core.texts import notifications_parse
    from requests_desk import texts

    notifications_parse(apps.get_model("notifications", "Notification"), REQUEST_KINDS, texts.INBOX)


def _grid_head_targets(apps, schema_editor):
    Request = apps.get_model("requests_desk", "Request")
    Request.objects.filter(target="grid_worker", assignee__role="grid_head").update(
        target="grid_head"
    )


def forwards(apps, schema_editor):
    _events(apps, schema_editor)
    _inbox(apps, schema_editor)
    _grid_head_targets(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_desk", "0007_system_text"),
        ("notifications", "0005_system_text"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
