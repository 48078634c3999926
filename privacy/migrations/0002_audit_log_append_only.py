"""Make the audit log append-only in the database itself (PostgreSQL trigger; SQLite trigger)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION privacy_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the personal-data audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_auditlog_no_update BEFORE UPDATE OR DELETE ON privacy_auditlogentry
  FOR EACH ROW EXECUTE FUNCTION privacy_auditlog_refuse_change();
CREATE TRIGGER privacy_auditlog_no_truncate BEFORE TRUNCATE ON privacy_auditlogentry
  FOR EACH STATEMENT EXECUTE FUNCTION privacy_auditlog_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS privacy_auditlog_no_update ON privacy_auditlogentry;
DROP TRIGGER IF EXISTS privacy_auditlog_no_truncate ON privacy_auditlogentry;
DROP FUNCTION IF EXISTS privacy_auditlog_refuse_change();
"""
SQLITE_UP = [
    "CREATE TRIGGER privacy_auditlog_no_update BEFORE UPDATE ON privacy_auditlogentry "
    "BEGIN SELECT RAISE(ABORT, 'the personal-data audit log is append-only'); END;",
    "CREATE TRIGGER privacy_auditlog_no_delete BEFORE DELETE ON privacy_auditlogentry "
    "BEGIN SELECT RAISE(ABORT, 'the personal-data audit log is append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS privacy_auditlog_no_update;",
               "DROP TRIGGER IF EXISTS privacy_auditlog_no_delete;"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    else:
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    else:
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
