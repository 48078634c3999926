"""Two more change marks like 0012's grid heads mark (core.change_marks.row_mark), for what a
resident's submission reads on every request (issue 17): the categories (requests_desk.selectors:
whether the chosen sub-class is active) and the area alerts (requests_desk.alerts: which areas
have confirmed subscribers). Each is one row whose `version` takes a new value from a sequence
with every statement that writes its table, moved by triggers in the database itself, so that a
process may keep what it read and see any change at once. PostgreSQL only."""

from django.db import migrations

# mark name -> the tables whose every write moves it
MARKS = {
    "requests_desk_categories_mark": ["requests_desk_category"],
    "requests_desk_alerts_mark": ["requests_desk_areaalert"],
}


def _up(mark: str, tables: list[str]) -> str:
    return (
        f"""
CREATE SEQUENCE {mark}_seq;
CREATE TABLE {mark} (
  id smallint PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO {mark} (id, version) VALUES (1, nextval('{mark}_seq'));
CREATE OR REPLACE FUNCTION {mark}_move() RETURNS trigger AS $$
BEGIN
  INSERT INTO {mark} (id, version) VALUES (1, nextval('{mark}_seq'))
  ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
        + "".join(
            f"CREATE TRIGGER {table}_mark AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {mark}_move();\n"
            f"CREATE TRIGGER {table}_mark_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {mark}_move();\n"
            for table in tables
        )
    )


def _down(mark: str, tables: list[str]) -> str:
    return "".join(
        f"DROP TRIGGER IF EXISTS {table}_mark ON {table};\n"
        f"DROP TRIGGER IF EXISTS {table}_mark_truncate ON {table};\n"
        for table in tables
    ) + (
        f"DROP FUNCTION IF EXISTS {mark}_move();\n"
        f"DROP TABLE IF EXISTS {mark};\n"
        f"DROP SEQUENCE IF EXISTS {mark}_seq;\n"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("".join(_up(mark, tables) for mark, tables in MARKS.items()))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("".join(_down(mark, tables) for mark, tables in MARKS.items()))


class Migration(migrations.Migration):
    dependencies = [("requests_desk", "0013_lean_request_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
