"""The resident's submission reads the categories and the areas with alerts from a per-process
copy behind change marks (migration requests_desk 0014), and writes in one statement outside a
transaction (issue 17): a change is seen by the very next submission, over HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from privacy.crypto import blind_index
from requests_desk.models import AreaAlert, Category, MonthlyRequestFigures, Request, RequestEvent


def _post(client, world, category, phone, grid="A1a"):
    centre = world.grids[grid].boundary.centroid
    return client.post(
        reverse("requests_desk:new"),
        {
            "category": category.pk,
            "description": "楼下垃圾桶旁边堆满垃圾",
            "lat": centre.y,
            "lon": centre.x,
            "reporter_phone": phone,
            "consent": "on",
            "confirm_new": "on",
        },
    )


def _refused(response) -> bool:
    """The form shown again with an error on the category ("Choose a sub-class.")."""
    return response.status_code == 200 and "category" in response.context["form"].errors


def test_a_category_change_is_seen_by_the_next_submission(client, world, categories):
    chosen = categories["E0103"]
    assert _post(client, world, chosen, "13900000001").status_code == 302  # the copy is kept
    Category.objects.filter(pk=chosen.pk).update(active=False)
    # The form's first answer comes from the kept copy; the submission checks at the new mark.
    assert _refused(_post(client, world, chosen, "13900000002"))
    assert Request.objects.count() == 1
    Category.objects.filter(pk=chosen.pk).update(active=True)
    assert _post(client, world, chosen, "13900000003").status_code == 302
    # A sub-class added now is taken at once (the copy does not know it: the database is asked).
    added = Category.objects.create(
        kind=chosen.kind,
        parent=chosen.parent,
        code="E0199",
        name="新加的小类",
        limit_amount=2,
        limit_unit=chosen.limit_unit,
    )
    assert _post(client, world, added, "13900000004").status_code == 302
    assert Request.objects.filter(category=added).count() == 1
    # A top class is never a request's category, copy or not.
    assert _refused(_post(client, world, chosen.parent, "13900000005"))
    assert Request.objects.count() == 3


def _subscribe(area_code, address):
    return AreaAlert.objects.create(
        area_code=area_code,
        channel=AreaAlert.Channel.EMAIL,
        address=address,
        address_index=blind_index(address),
        confirmed_at=timezone.now(),
    )


def test_an_area_alert_change_is_seen_by_the_next_submission(client, world, categories):
    chosen = categories["E0103"]

    def alerted():
        return sorted(Notification.objects.filter(kind="area_alert").values_list("address"))

    assert _post(client, world, chosen, "13900000011").status_code == 302  # the copy is kept
    assert alerted() == []
    alert = _subscribe(world.grids["A1a"].code, "a1a@example.com")
    assert _post(client, world, chosen, "13900000012").status_code == 302
    assert alerted() == [("a1a@example.com",)]
    # A request in another grid is nobody's alert of this one.
    assert _post(client, world, chosen, "13900000013", grid="A1b").status_code == 302
    assert alerted() == [("a1a@example.com",)]
    # Not yet confirmed: nothing; unsubscribed: nothing more.
    pending = _subscribe(world.grids["A1b"].code, "a1b@example.com")
    AreaAlert.objects.filter(pk=pending.pk).update(confirmed_at=None)
    assert _post(client, world, chosen, "13900000014", grid="A1b").status_code == 302
    alert.delete()
    assert _post(client, world, chosen, "13900000015").status_code == 302
    assert alerted() == [("a1a@example.com",)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_a_submission_writes_in_one_statement(
    transactional_db, client, world, categories
):
    """No BEGIN, COMMIT or savepoint: the marks with the duplicate check, then one statement that
    writes the request, its timeline entry, the grid head's message and the monthly count."""
    if connection.vendor != "postgresql":
        pytest.skip("one statement needs PostgreSQL")
    chosen = categories["E0103"]
    assert _post(client, world, chosen, "13900000021").status_code == 302  # copies kept
    with CaptureQueriesContext(connection) as captured:
        response = _post(client, world, chosen, "13900000022")
    assert response.status_code == 302
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) == 2, "\n".join(s[:120] for s in statements)
    assert statements[1].startswith("WITH w0 AS (INSERT INTO")
    item = Request.objects.get(reporter_phone_index=blind_index("13900000022"))
    assert response["Location"].endswith(f"/{item.code}/")
    assert RequestEvent.objects.filter(request=item, action="report").count() == 1
    head = world.users.grid_head
    assert Notification.objects.filter(kind="request_new", recipient=head).count() == 2
    assert sum(MonthlyRequestFigures.objects.values_list("reports", flat=True)) == 2
    # The same phone again within minutes: the duplicate, refused, nothing written.
    again = _post(client, world, chosen, "13900000022")
    assert again.status_code == 200 and Request.objects.count() == 2
    # The deactivated category outside a transaction too.
    Category.objects.filter(pk=chosen.pk).update(active=False)
    assert _refused(_post(client, world, chosen, "13900000023"))
    assert Request.objects.count() == 2


def test_the_submissions_statement_is_prepared_once_per_connection(client, world, categories):
    """Issue 17: PostgreSQL parses and plans the hundred-parameter statement once per
    connection; the point, sent as text of no declared type, is stored as the resident put it."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    chosen = categories["E0103"]
    for phone in ("13900000031", "13900000032", "13900000033"):
        assert _post(client, world, chosen, phone).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, parameter_types::text[] FROM pg_prepared_statements "
            "WHERE statement LIKE 'WITH w0 AS (INSERT INTO \"requests_desk_request\"%%'"
        )
        rows = cursor.fetchall()
    assert len(rows) == 1 and "$1" in rows[0][0]
    assert "geometry" in rows[0][1]
    centre = world.grids["A1a"].boundary.centroid
    for item in Request.objects.all():
        assert item.location.equals_exact(centre, tolerance=1e-9)
        assert item.grid == world.grids["A1a"]
