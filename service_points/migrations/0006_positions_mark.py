"""The public positions' change mark (service_points.answers): one row whose `version` takes a new
value from a sequence with every statement that writes what the public list, its map data and the
GeoJSON API read — the positions, their functions and facilities (and those lookup rows, names in
both languages), their opening hours and dated exceptions — by triggers in the database itself
(like grids 0004's boundaries mark), so an admin edit, an import, a raw UPDATE or a test's flush all
move it. The names of the communities, grids and sub-grids move grids 0004's mark.

A sequence value is never given twice, even by a transaction that rolls back, so a value names one
state of the tables. Not a Django model: `flush` leaves it (the triggers move it instead).
PostgreSQL only; other databases (SpatiaLite) have no mark and the answers are not cached."""

from django.db import migrations

TABLES = (
    "service_points_serviceposition",
    "service_points_serviceposition_functions",
    "service_points_serviceposition_facilities",
    "service_points_function",
    "service_points_facility",
    "service_points_openinghours",
    "service_points_openingexception",
)

PG_UP = (
    """
CREATE SEQUENCE service_points_positions_mark_seq;
CREATE TABLE service_points_positions_mark (
  id smallint PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO service_points_positions_mark (id, version)
VALUES (1, nextval('service_points_positions_mark_seq'));
CREATE OR REPLACE FUNCTION service_points_positions_mark_move() RETURNS trigger AS $$
BEGIN
  INSERT INTO service_points_positions_mark (id, version)
  VALUES (1, nextval('service_points_positions_mark_seq'))
  ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"CREATE TRIGGER {table}_positions_mark AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION service_points_positions_mark_move();\n"
        f"CREATE TRIGGER {table}_positions_mark_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION service_points_positions_mark_move();\n"
        for table in TABLES
    )
)
PG_DOWN = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_positions_mark ON {table};\n"
        f"DROP TRIGGER IF EXISTS {table}_positions_mark_truncate ON {table};\n"
        for table in TABLES
    )
    + """
DROP FUNCTION IF EXISTS service_points_positions_mark_move();
DROP TABLE IF EXISTS service_points_positions_mark;
DROP SEQUENCE IF EXISTS service_points_positions_mark_seq;
"""
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("service_points", "0005_name_en")]
    operations = [migrations.RunPython(forwards, backwards)]
