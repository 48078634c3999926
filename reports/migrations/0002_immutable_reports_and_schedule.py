"""Reports are immutable: the database refuses any UPDATE of a report row (PostgreSQL and SQLite).
Also seeds the monthly beat schedule (1st of the month, 02:00 Asia/Shanghai)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION reports_report_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'monthly reports are immutable snapshots: generate a new version instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_report_no_update BEFORE UPDATE ON reports_report
  FOR EACH ROW EXECUTE FUNCTION reports_report_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS reports_report_no_update ON reports_report;
DROP FUNCTION IF EXISTS reports_report_immutable();
"""
SQLITE_UP = """
CREATE TRIGGER reports_report_no_update BEFORE UPDATE ON reports_report
BEGIN
  SELECT RAISE(ABORT, 'monthly reports are immutable snapshots: generate a new version instead');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS reports_report_no_update;"

TASK_NAME = "Generate last month's reports"


def trigger_up(apps, schema_editor):
    sql = PG_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    schema_editor.execute(sql)


def trigger_down(apps, schema_editor):
    sql = PG_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    schema_editor.execute(sql)


def seed_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_month="1", month_of_year="*", day_of_week="*",
        timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME, defaults={"task": "reports.tasks.generate_previous_month",
                                  "crontab": crontab, "enabled": True})


def unseed_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(trigger_up, trigger_down),
        migrations.RunPython(seed_schedule, unseed_schedule),
    ]
