"""The boundaries' change mark (0004) moves with the districts too. The map's first view (the
districts' extent, grids.selectors.map_view) is kept per process under this mark, so a district
written in any way — admin, import, raw SQL, a test's flush — moves it like the other levels.
PostgreSQL only, as 0004."""

from django.db import migrations

PG_UP = (
    "CREATE TRIGGER grids_district_boundary_mark AFTER INSERT OR UPDATE OR DELETE ON "
    "grids_district FOR EACH STATEMENT EXECUTE FUNCTION grids_boundary_mark_move();\n"
    "CREATE TRIGGER grids_district_boundary_mark_truncate AFTER TRUNCATE ON grids_district "
    "FOR EACH STATEMENT EXECUTE FUNCTION grids_boundary_mark_move();\n"
)
PG_DOWN = (
    "DROP TRIGGER IF EXISTS grids_district_boundary_mark ON grids_district;\n"
    "DROP TRIGGER IF EXISTS grids_district_boundary_mark_truncate ON grids_district;\n"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("grids", "0004_boundary_mark")]
    operations = [migrations.RunPython(forwards, backwards)]
