"""The two models once both called `Need` were renamed in place (care.HouseholdNeed,
volunteers.NeedsListItem): rows, content types and database-granted permissions survive."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from accounts.models import User

RENAMES = [
    ("care", "0004_period_indexes", "householdneed"),
    ("volunteers", "0004_registration_member_index", "needslistitem"),
]


def _count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("app", "before", "model"), RENAMES)
def test_renaming_keeps_the_rows_and_the_permissions_granted_in_the_database(app, before, model):
    try:
        call_command("migrate", app, before, verbosity=0)
        # A database from before the rename knows only the old content type and permissions
        # (`migrate` has just created the new ones for the current code: drop them).
        ContentType.objects.filter(app_label=app, model=model).delete()
        ContentType.objects.clear_cache()
        old_type = ContentType.objects.get(app_label=app, model="need")
        permission = Permission.objects.get(content_type=old_type, codename="change_need")
        user = User.objects.create(username=f"rename-{app}")
        user.user_permissions.add(permission)
        rows = _count(f"{app}_need")
    finally:
        call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()

    renamed = Permission.objects.get(pk=permission.pk)
    assert renamed.content_type_id == old_type.pk
    assert (renamed.content_type.model, renamed.codename) == (model, f"change_{model}")
    assert User.objects.get(pk=user.pk).has_perm(f"{app}.change_{model}")
    assert not Permission.objects.filter(content_type__app_label=app, codename="change_need")
    assert _count(f"{app}_{model}") == rows
