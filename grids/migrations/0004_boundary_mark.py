"""The boundaries' change mark (grids.locate): one row whose `version` takes a new value from a
sequence with every statement that writes the hierarchy's tables (insert, update, delete, truncate
of streets, communities, area grids, sub-grids), by triggers in the database itself — so an admin
edit, an import, a redraw, a raw UPDATE or a test's flush all move it.

A sequence value is never given twice, even by a transaction that rolls back, so a value names one
state of the boundaries. Not a Django model: `flush` leaves it (the triggers move it instead).
PostgreSQL only; other databases (SpatiaLite) have no mark and locate() asks the database."""

from django.db import migrations

TABLES = ("grids_street", "grids_community", "grids_areagrid", "grids_subgrid")

PG_UP = (
    """
CREATE SEQUENCE grids_boundary_mark_seq;
CREATE TABLE grids_boundary_mark (
  id smallint PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO grids_boundary_mark (id, version) VALUES (1, nextval('grids_boundary_mark_seq'));
CREATE OR REPLACE FUNCTION grids_boundary_mark_move() RETURNS trigger AS $$
BEGIN
  INSERT INTO grids_boundary_mark (id, version) VALUES (1, nextval('grids_boundary_mark_seq'))
  ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"CREATE TRIGGER {table}_boundary_mark AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION grids_boundary_mark_move();\n"
        f"CREATE TRIGGER {table}_boundary_mark_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION grids_boundary_mark_move();\n"
        for table in TABLES
    )
)
PG_DOWN = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_boundary_mark ON {table};\n"
        f"DROP TRIGGER IF EXISTS {table}_boundary_mark_truncate ON {table};\n"
        for table in TABLES
    )
    + """
DROP FUNCTION IF EXISTS grids_boundary_mark_move();
DROP TABLE IF EXISTS grids_boundary_mark;
DROP SEQUENCE IF EXISTS grids_boundary_mark_seq;
"""
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("grids", "0003_household_count_label")]
    operations = [migrations.RunPython(forwards, backwards)]
