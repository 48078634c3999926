"""Fewer indexes on the request table and the timeline (issue 17): every INSERT maintains every
index of a table, and the request table had 24 — a resident's submission paid for all of them.

* The foreign keys' own single-column indexes go where another index starts with the same column
  (category, street, community, grid: Meta.indexes' composite ones).
* The timeline keeps its request's own index and loses (request, created_at), three times its
  size (btree deduplication packs repeated request ids, not distinct pairs): a case's handful of
  entries are sorted in memory.
* Mostly empty foreign keys (assignee, entered by, Open311 client, merged into, department, the
  timeline's actor) keep a partial index of the rows that have one: a lookup `col = x` or
  `col IN (…)` implies NOT NULL and uses it; a new resident request is in none of them.
* The varchar_pattern_ops ("_like") twins of the tracking code's unique index and of the phone
  digest's index go: nothing filters either with LIKE (codes are looked up whole, digests too).
  The phone digest's plain index stays, renamed request_phone_idx (no rebuild).
* Two partial indexes of a few rows each for the queue's "extension requested" and "reopening
  requested" filters, which read a whole street's requests (0.3 s on the benchmark data).

Only indexes are dropped or added: the foreign-key constraints stay as they are (an AlterField
would drop and re-validate each over the whole table), hence the state and the database apart.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column) of the single-column indexes that go; their names are Django's own (0001).
DROPPED = [
    ("requests_desk_request", "category_id"),
    ("requests_desk_request", "street_id"),
    ("requests_desk_request", "community_id"),
    ("requests_desk_request", "grid_id"),
    ("requests_desk_request", "department_id"),
    ("requests_desk_request", "assignee_id"),
    ("requests_desk_request", "created_by_id"),
    ("requests_desk_request", "open311_client_id"),
    ("requests_desk_request", "merged_into_id"),
    ("requests_desk_requestevent", "actor_id"),
]
# The LIKE twins (PostgreSQL only: Django makes them for CharFields there).
LIKE = [("requests_desk_request", "code"), ("requests_desk_request", "reporter_phone_index")]
PHONE = ("requests_desk_request", "reporter_phone_index")


def _name(schema_editor, table, column, suffix=""):
    return schema_editor._create_index_name(table, [column], suffix=suffix)


def forwards(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(_name(schema_editor, table, column))}")
    phone = _name(schema_editor, *PHONE)
    if schema_editor.connection.vendor == "postgresql":
        for table, column in LIKE:
            like = _name(schema_editor, table, column, "_like")
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(like)}")
        schema_editor.execute(f"ALTER INDEX {quote(phone)} RENAME TO request_phone_idx")
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(phone)}")
        schema_editor.execute(f"CREATE INDEX request_phone_idx ON {PHONE[0]} ({PHONE[1]})")


def backwards(apps, schema_editor):
    quote = schema_editor.quote_name
    phone = _name(schema_editor, *PHONE)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX request_phone_idx RENAME TO {quote(phone)}")
        for table, column in LIKE:
            like = _name(schema_editor, table, column, "_like")
            schema_editor.execute(
                f"CREATE INDEX {quote(like)} ON {table} ({column} varchar_pattern_ops)"
            )
    else:
        schema_editor.execute("DROP INDEX IF EXISTS request_phone_idx")
        schema_editor.execute(f"CREATE INDEX {quote(phone)} ON {PHONE[0]} ({PHONE[1]})")
    for table, column in DROPPED:
        name = quote(_name(schema_editor, table, column))
        schema_editor.execute(f"CREATE INDEX {name} ON {table} ({column})")


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0004_boundary_mark"),
        ("requests_desk", "0012_grid_heads_mark"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="request",
            name="request_department_idx",
        ),
        migrations.RemoveIndex(
            model_name="requestevent",
            name="requests_de_request_af98b9_idx",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="request",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assigned person",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="requests",
                        to="requests_desk.category",
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="community",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="grids.community",
                        verbose_name="community",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="requests",
                        to="requests_desk.department",
                        verbose_name="department",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="grid",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="grids.areagrid",
                        verbose_name="area grid",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged",
                        to="requests_desk.request",
                        verbose_name="merged into",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="open311_client",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="requests",
                        to="requests_desk.open311client",
                        verbose_name="Open311 client",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="reporter_phone_index",
                    field=models.CharField(blank=True, editable=False, max_length=40),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="street",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="grids.street",
                        verbose_name="street",
                    ),
                ),
                migrations.AlterField(
                    model_name="requestevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                migrations.AddIndex(
                    model_name="request",
                    index=models.Index(fields=["reporter_phone_index"], name="request_phone_idx"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                condition=models.Q(("department__isnull", False)),
                fields=["department", "stage"],
                name="request_department_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                condition=models.Q(("assignee__isnull", False)),
                fields=["assignee"],
                name="request_assignee_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="request_created_by_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                condition=models.Q(("open311_client__isnull", False)),
                fields=["open311_client"],
                name="request_open311_client_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="request_merged_into_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                condition=models.Q(("extension_requested_until__isnull", False)),
                fields=["extension_requested_until"],
                name="request_extension_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                condition=models.Q(("reopen_requested_at__isnull", False)),
                fields=["reopen_requested_at"],
                name="request_reopen_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="requestevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor"],
                name="requestevent_actor_idx",
            ),
        ),
    ]
