"""The dashboards' change marks (dashboards.marks), moved by triggers in the database itself like
grids 0004's boundaries mark, so that the panels' figures can be kept in the cache and any write
shows at once — through a service, a queryset update, a bulk write or raw SQL.

* `dashboards_area_mark`: one row per area of the requests — (street, community, grid), 0 for
  none — whose `version` takes a new value from a sequence with every row written to the
  requests or the monthly summary of that area (its old and its new area when it moves). A page
  reads the rows of its area only, so a request in another grid leaves a grid head's figures
  cached.
* `dashboards_mark`: one row per group of small, human-paced tables (`work`: households,
  residents, pairings, visits, patrols, check-ins, volunteering, Party branches, grid staff,
  people's names, categories, departments; `map`: the district, key places, service positions —
  the other hierarchy tables move grids 0004's mark).

Each mark is read with its row's xmin as well (a restored database may give a version again,
never with the same transaction id). Not Django models: `flush` leaves them (TRUNCATE moves
them instead). PostgreSQL only; other databases have no mark and the pages are not cached."""

from django.db import migrations

AREA_TABLES = ("requests_desk_request", "requests_desk_monthlyfigures")

# (table, events, mark): the events of each table that move the mark. Of an account only what
# the pages show or scope by matters, so a login (UPDATE … SET last_login) moves nothing.
MARK_TABLES = (
    ("care_household", "INSERT OR UPDATE OR DELETE", "work"),
    ("care_resident", "INSERT OR UPDATE OR DELETE", "work"),
    ("care_residenttag", "INSERT OR UPDATE OR DELETE", "work"),
    ("care_caretag", "INSERT OR UPDATE OR DELETE", "work"),
    ("care_pairing", "INSERT OR UPDATE OR DELETE", "work"),
    ("care_pairing_members", "INSERT OR UPDATE OR DELETE", "work"),
    ("care_visit", "INSERT OR UPDATE OR DELETE", "work"),
    ("patrols_patrol", "INSERT OR UPDATE OR DELETE", "work"),
    ("patrols_patrolplan", "INSERT OR UPDATE OR DELETE", "work"),
    ("patrols_checkin", "INSERT OR UPDATE OR DELETE", "work"),
    ("volunteers_activity", "INSERT OR UPDATE OR DELETE", "work"),
    ("volunteers_signup", "INSERT OR UPDATE OR DELETE", "work"),
    ("volunteers_registration", "INSERT OR UPDATE OR DELETE", "work"),
    ("party_branches_partymember", "INSERT OR UPDATE OR DELETE", "work"),
    ("party_branches_partybranch", "INSERT OR UPDATE OR DELETE", "work"),
    ("party_branches_meeting", "INSERT OR UPDATE OR DELETE", "work"),
    ("grids_gridassignment", "INSERT OR UPDATE OR DELETE", "work"),
    ("requests_desk_category", "INSERT OR UPDATE OR DELETE", "work"),
    ("requests_desk_department", "INSERT OR UPDATE OR DELETE", "work"),
    (
        "accounts_user",
        "INSERT OR DELETE OR UPDATE OF username, first_name, last_name, role, is_active, "
        "is_superuser, care_role, district_id, street_id, community_id, grid_id",
        "work",
    ),
    ("grids_district", "INSERT OR UPDATE OR DELETE", "map"),
    ("grids_keyplace", "INSERT OR UPDATE OR DELETE", "map"),
    ("service_points_serviceposition", "INSERT OR UPDATE OR DELETE", "map"),
)

# One area's row moved (inserted the first time). Row triggers: a request is written one at a
# time (a statement trigger's transition tables cost the resident submission ≈ 1 ms more under
# load, a row trigger nothing measurable); a bulk write moves the row once per request.
_MOVE = """
    UPDATE dashboards_area_mark SET version = nextval('dashboards_mark_seq')
    WHERE street_id = coalesce({row}.street_id, 0) AND community_id = coalesce({row}.community_id, 0)
      AND grid_id = coalesce({row}.grid_id, 0);
    IF NOT FOUND THEN
      INSERT INTO dashboards_area_mark (street_id, community_id, grid_id, version)
      VALUES (coalesce({row}.street_id, 0), coalesce({row}.community_id, 0),
              coalesce({row}.grid_id, 0), nextval('dashboards_mark_seq'))
      ON CONFLICT (street_id, community_id, grid_id)
      DO UPDATE SET version = EXCLUDED.version;
    END IF;
"""

PG_UP = (
    f"""
CREATE SEQUENCE dashboards_mark_seq;
CREATE TABLE dashboards_area_mark (
  street_id integer NOT NULL,
  community_id integer NOT NULL,
  grid_id integer NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (street_id, community_id, grid_id)
);
CREATE INDEX dashboards_area_mark_community ON dashboards_area_mark (community_id);
CREATE INDEX dashboards_area_mark_grid ON dashboards_area_mark (grid_id);
CREATE TABLE dashboards_mark (
  name varchar(16) PRIMARY KEY,
  version bigint NOT NULL
);
INSERT INTO dashboards_mark (name, version)
VALUES ('work', nextval('dashboards_mark_seq')), ('map', nextval('dashboards_mark_seq'));
CREATE OR REPLACE FUNCTION dashboards_area_mark_move() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.street_id IS NOT DISTINCT FROM OLD.street_id
     AND NEW.community_id IS NOT DISTINCT FROM OLD.community_id
     AND NEW.grid_id IS NOT DISTINCT FROM OLD.grid_id THEN
{_MOVE.format(row="NEW")}
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
{_MOVE.format(row="OLD")}
  END IF;
  IF TG_OP <> 'DELETE' THEN
{_MOVE.format(row="NEW")}
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION dashboards_area_mark_all() RETURNS trigger AS $$
BEGIN
  UPDATE dashboards_area_mark SET version = nextval('dashboards_mark_seq');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION dashboards_mark_move() RETURNS trigger AS $$
BEGIN
  UPDATE dashboards_mark SET version = nextval('dashboards_mark_seq') WHERE name = TG_ARGV[0];
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"CREATE TRIGGER {t}_dash_mark AFTER INSERT OR UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION dashboards_area_mark_move();\n"
        f"CREATE TRIGGER {t}_dash_mark_truncate AFTER TRUNCATE ON {t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION dashboards_area_mark_all();\n"
        for t in AREA_TABLES
    )
    + "".join(
        f"CREATE TRIGGER {t}_dash_mark AFTER {events} ON {t} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_move('{mark}');\n"
        f"CREATE TRIGGER {t}_dash_mark_truncate AFTER TRUNCATE ON {t} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_move('{mark}');\n"
        for t, events, mark in MARK_TABLES
    )
    # The areas of the requests already there have their row.
    + "".join(
        "INSERT INTO dashboards_area_mark (street_id, community_id, grid_id, version) "
        "SELECT s, c, g, nextval('dashboards_mark_seq') FROM (SELECT DISTINCT "
        "coalesce(street_id, 0) AS s, coalesce(community_id, 0) AS c, coalesce(grid_id, 0) AS g "
        f"FROM {t}) areas ON CONFLICT DO NOTHING;\n"
        for t in AREA_TABLES
    )
)

PG_DOWN = (
    "".join(
        f"DROP TRIGGER IF EXISTS {t}_dash_mark ON {t};\n"
        f"DROP TRIGGER IF EXISTS {t}_dash_mark_truncate ON {t};\n"
        for t in (*AREA_TABLES, *(table for table, _events, _mark in MARK_TABLES))
    )
    + """
DROP FUNCTION IF EXISTS dashboards_area_mark_move();
DROP FUNCTION IF EXISTS dashboards_area_mark_all();
DROP FUNCTION IF EXISTS dashboards_mark_move();
DROP TABLE IF EXISTS dashboards_area_mark;
DROP TABLE IF EXISTS dashboards_mark;
DROP SEQUENCE IF EXISTS dashboards_mark_seq;
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
        ("requests_desk", "0012_grid_heads_mark"),
        ("care", "0009_inbox_system_text"),
        ("patrols", "0005_inbox_system_text"),
        ("volunteers", "0007_inbox_system_text"),
        ("party_branches", "0003_private_files"),
        ("grids", "0004_boundary_mark"),
        ("accounts", "0005_staffimportbatch_content_label"),
        ("service_points", "0005_name_en"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
