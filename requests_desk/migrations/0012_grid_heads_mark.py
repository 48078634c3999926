"""The grid heads' change mark (requests_desk.notices): one row whose `version` takes a new value
from a sequence with every statement that writes the grid assignments, the accounts or the
notification preferences (triggers in the database itself, like grids 0004's boundaries mark), so
that each process may keep today's grid heads, their address and their preference in memory and
see any change at once. PostgreSQL only."""

from django.db import migrations

# The events of each table that move the mark. Of an account only its address matters (a new
# account heads nothing until assigned; a deleted one takes its assignments with it), so a login
# (UPDATE … SET last_login) neither moves the mark nor waits behind another writer of the row.
TABLES = {
    "grids_gridassignment": "INSERT OR UPDATE OR DELETE",
    "accounts_user": "UPDATE OF email, phone",
    "notifications_notificationpreference": "INSERT OR UPDATE OR DELETE",
}

PG_UP = (
    """
CREATE SEQUENCE requests_desk_heads_mark_seq;
CREATE TABLE requests_desk_heads_mark (
  id smallint PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO requests_desk_heads_mark (id, version) VALUES (1, nextval('requests_desk_heads_mark_seq'));
CREATE OR REPLACE FUNCTION requests_desk_heads_mark_move() RETURNS trigger AS $$
BEGIN
  INSERT INTO requests_desk_heads_mark (id, version)
  VALUES (1, nextval('requests_desk_heads_mark_seq'))
  ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"CREATE TRIGGER {table}_heads_mark AFTER {events} ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION requests_desk_heads_mark_move();\n"
        f"CREATE TRIGGER {table}_heads_mark_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION requests_desk_heads_mark_move();\n"
        for table, events in TABLES.items()
    )
)
PG_DOWN = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_heads_mark ON {table};\n"
        f"DROP TRIGGER IF EXISTS {table}_heads_mark_truncate ON {table};\n"
        for table in TABLES
    )
    + """
DROP FUNCTION IF EXISTS requests_desk_heads_mark_move();
DROP TABLE IF EXISTS requests_desk_heads_mark;
DROP SEQUENCE IF EXISTS requests_desk_heads_mark_seq;
"""
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_desk", "0011_photo_pending"),
        ("grids", "0004_boundary_mark"),
        ("accounts", "0005_staffimportbatch_content_label"),
        ("notifications", "0005_system_text"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
