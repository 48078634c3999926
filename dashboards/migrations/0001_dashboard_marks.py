"""The dashboards' change marks (dashboards.marks), moved by triggers in the database itself like
grids 0004's boundaries mark, so that the panels' figures can be kept in the cache and any write
shows at once — through a service, a queryset update, a bulk write or raw SQL.

* `dashboards_area_mark`: one row per area of the requests — (street, community, grid), 0 for
  none — whose `version` takes a new value from a sequence when a transaction that wrote a
  request of that area (its old and its new area when it moved) commits. A page reads the rows
  of its area only, so a request in another grid leaves a grid head's figures kept.
* `dashboards_mark`: one row per group of small, human-paced tables (`work`: households,
  residents, pairings, visits, patrols, check-ins, volunteering, Party branches, grid staff,
  people's names, categories, departments; `map`: the district, key places, service positions —
  the other hierarchy tables move grids 0004's mark).

The triggers are deferred to the commit (constraint triggers, INITIALLY DEFERRED): a mark row is
locked only while its transaction commits, after every other lock it takes. Taken as soon as a
row is written, a transaction holding a grid's mark would wait for that grid's monthly summary
row, which a rating holds while it waits for the mark (a deadlock the desk's concurrency tests
found). The monthly summary (requests_desk_monthlyfigures) has no trigger: the services write it
with its requests, and a page reads its rows' (id, xmin) for what a rebuild writes alone.

Each mark is read with its row's xmin as well (a restored database may give a version again,
never with the same transaction id). Not Django models: `flush` leaves them (TRUNCATE moves
them instead). PostgreSQL only; other databases have no mark and the pages are not cached."""

from django.db import migrations

AREA_TABLES = ("requests_desk_request",)

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

# One area's row moved (inserted the first time).
_MOVE = """
    UPDATE dashboards_area_mark SET version = nextval('dashboards_mark_seq')
    WHERE street_id = {s} AND community_id = {c} AND grid_id = {g};
    IF NOT FOUND THEN
      INSERT INTO dashboards_area_mark (street_id, community_id, grid_id, version)
      VALUES ({s}, {c}, {g}, nextval('dashboards_mark_seq'))
      ON CONFLICT (street_id, community_id, grid_id)
      DO UPDATE SET version = EXCLUDED.version;
    END IF;
"""
_OLD = {"s": "os", "c": "oc", "g": "og"}
_NEW = {"s": "ns", "c": "nc", "g": "ng"}

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
DECLARE
  os integer; oc integer; og integer; ns integer; nc integer; ng integer;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    os := coalesce(OLD.street_id, 0); oc := coalesce(OLD.community_id, 0);
    og := coalesce(OLD.grid_id, 0);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    ns := coalesce(NEW.street_id, 0); nc := coalesce(NEW.community_id, 0);
    ng := coalesce(NEW.grid_id, 0);
  END IF;
  IF TG_OP = 'UPDATE' AND (os, oc, og) = (ns, nc, ng) THEN
    os := NULL;
  END IF;
  -- Two areas (a request moved): in one order, so that two opposite moves queue.
  IF os IS NOT NULL AND (ns IS NULL OR (os, oc, og) < (ns, nc, ng)) THEN
{_MOVE.format(**_OLD)}
    os := NULL;
  END IF;
  IF ns IS NOT NULL THEN
{_MOVE.format(**_NEW)}
  END IF;
  IF os IS NOT NULL THEN
{_MOVE.format(**_OLD)}
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
        f"CREATE CONSTRAINT TRIGGER {t}_dash_mark AFTER INSERT OR UPDATE OR DELETE ON {t} "
        "DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION dashboards_area_mark_move();\n"
        f"CREATE TRIGGER {t}_dash_mark_truncate AFTER TRUNCATE ON {t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION dashboards_area_mark_all();\n"
        for t in AREA_TABLES
    )
    + "".join(
        f"CREATE CONSTRAINT TRIGGER {t}_dash_mark AFTER {events} ON {t} "
        "DEFERRABLE INITIALLY DEFERRED "
        f"FOR EACH ROW EXECUTE FUNCTION dashboards_mark_move('{mark}');\n"
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
