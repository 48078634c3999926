"""The dashboards' marks move once per transaction, not once per row it wrote.

0001's triggers are row-level and deferred to the commit: a transaction that writes N rows of
the marked tables fired N UPDATEs of the same mark row at its commit. Every one of them leaves
a row version that nothing can prune while the transaction runs, and each next UPDATE walks
past them, so the commit took time quadratic in N: 0.26 s for 5,000 rows, 1.4 s for 10,000,
5.9 s for 20,000 (the demo data's load spent 34 s in it; a staff import or a bulk close of
many requests would too).

A mark now records the transaction (and the read epoch, below) that moved it last, in
`moved_in`; a trigger finds it already moved and does nothing. What readers see is unchanged:
another transaction sees the mark's committed version, which moved if any row of its area or
group was written. A transaction that reads a mark and then writes again (dashboards.marks._read
inside an atomic block: a test, a page built after a write) starts a new epoch first
(`redgrid.marks_epoch`, local to the transaction), so its next writes move the mark again. A
savepoint rolled back takes its move back with it, so later writes move the mark again as well.
PostgreSQL only, like 0001.
"""

from django.db import migrations

# This transaction's stamp: its id, and the epoch dashboards.marks sets after reading marks.
_STAMP = (
    "pg_current_xact_id()::text || ':' || coalesce(current_setting('redgrid.marks_epoch', true), '')"
)

# One area's row moved (inserted the first time) unless this transaction moved it already.
_MOVE = """
    IF NOT EXISTS (SELECT 1 FROM dashboards_area_mark
                   WHERE street_id = {s} AND community_id = {c} AND grid_id = {g}
                   AND moved_in = stamp) THEN
      UPDATE dashboards_area_mark SET version = nextval('dashboards_mark_seq'), moved_in = stamp
      WHERE street_id = {s} AND community_id = {c} AND grid_id = {g};
      IF NOT FOUND THEN
        INSERT INTO dashboards_area_mark (street_id, community_id, grid_id, version, moved_in)
        VALUES ({s}, {c}, {g}, nextval('dashboards_mark_seq'), stamp)
        ON CONFLICT (street_id, community_id, grid_id)
        DO UPDATE SET version = EXCLUDED.version, moved_in = EXCLUDED.moved_in;
      END IF;
    END IF;
"""
_OLD = {"s": "os", "c": "oc", "g": "og"}
_NEW = {"s": "ns", "c": "nc", "g": "ng"}

# dashboards_area_mark_move() with a given way to move one area's row (`_MOVE`, or 0001's).
_AREA_MOVE_FUNCTION = """
CREATE OR REPLACE FUNCTION dashboards_area_mark_move() RETURNS trigger AS $$
DECLARE
  os integer; oc integer; og integer; ns integer; nc integer; ng integer;{declare}
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
{move_old}
    os := NULL;
  END IF;
  IF ns IS NOT NULL THEN
{move_new}
  END IF;
  IF os IS NOT NULL THEN
{move_old}
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _area_move_function(move: str, declare: str = "") -> str:
    return _AREA_MOVE_FUNCTION.format(
        declare=declare, move_old=move.format(**_OLD), move_new=move.format(**_NEW)
    )


PG_UP = (
    """
ALTER TABLE dashboards_area_mark ADD COLUMN moved_in text NOT NULL DEFAULT '';
ALTER TABLE dashboards_mark ADD COLUMN moved_in text NOT NULL DEFAULT '';
"""
    + _area_move_function(_MOVE, declare=f"\n  stamp text := {_STAMP};")
    + f"""
CREATE OR REPLACE FUNCTION dashboards_mark_move() RETURNS trigger AS $$
DECLARE
  stamp text := {_STAMP};
BEGIN
  UPDATE dashboards_mark SET version = nextval('dashboards_mark_seq'), moved_in = stamp
  WHERE name = TG_ARGV[0] AND moved_in <> stamp;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
)

# 0001's functions as they were (the column goes with them).
_MOVE_0001 = """
    UPDATE dashboards_area_mark SET version = nextval('dashboards_mark_seq')
    WHERE street_id = {s} AND community_id = {c} AND grid_id = {g};
    IF NOT FOUND THEN
      INSERT INTO dashboards_area_mark (street_id, community_id, grid_id, version)
      VALUES ({s}, {c}, {g}, nextval('dashboards_mark_seq'))
      ON CONFLICT (street_id, community_id, grid_id)
      DO UPDATE SET version = EXCLUDED.version;
    END IF;
"""

PG_DOWN = (
    _area_move_function(_MOVE_0001)
    + """
CREATE OR REPLACE FUNCTION dashboards_mark_move() RETURNS trigger AS $$
BEGIN
  UPDATE dashboards_mark SET version = nextval('dashboards_mark_seq') WHERE name = TG_ARGV[0];
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
ALTER TABLE dashboards_area_mark DROP COLUMN moved_in;
ALTER TABLE dashboards_mark DROP COLUMN moved_in;
"""
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_dashboard_marks")]
    operations = [migrations.RunPython(forwards, backwards)]
