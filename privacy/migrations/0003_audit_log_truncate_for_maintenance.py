"""Rows stay immutable; a whole-table TRUNCATE is allowed only in a maintenance session.

Test databases are emptied with TRUNCATE between browser tests; the test settings open their
connections with `redgrid.audit_maintenance=on`. Production connections never set it, so UPDATE,
DELETE and TRUNCATE are all refused there.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION privacy_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND current_setting('redgrid.audit_maintenance', true) = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'the personal-data audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""
PG_DOWN = """
CREATE OR REPLACE FUNCTION privacy_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the personal-data audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_audit_log_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
