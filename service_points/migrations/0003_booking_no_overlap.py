"""Confirmed bookings of one room never overlap, enforced by the database.

PostgreSQL: an exclusion constraint (btree_gist: room equality + tstzrange overlap).
SQLite/SpatiaLite: BEFORE INSERT/UPDATE triggers that abort on an overlapping confirmed booking;
SQLite serialises writers, so the check and the write cannot interleave.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE service_points_booking ADD CONSTRAINT booking_no_overlap
       EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
       WHERE (status = 'confirmed')""",
]
PG_BACKWARD = ["ALTER TABLE service_points_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"]

_SQLITE_CHECK = """
BEGIN
  SELECT RAISE(ABORT, 'booking_no_overlap')
  WHERE NEW.status = 'confirmed' AND EXISTS (
    SELECT 1 FROM service_points_booking b
    WHERE b.room_id = NEW.room_id AND b.status = 'confirmed' AND b.id IS NOT NEW.id
      AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
  );
END"""
SQLITE_FORWARD = [
    "CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON service_points_booking"
    + _SQLITE_CHECK,
    "CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE ON service_points_booking"
    + _SQLITE_CHECK,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS booking_no_overlap_update",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("service_points", "0002_seed_facilities_functions")]
    operations = [migrations.RunPython(forward, backward)]
